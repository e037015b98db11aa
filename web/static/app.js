/* Glasshouse: progressive enhancement only; every page works without this file.
   Hooks: [data-timer-start] (+ optional [data-timer-now]), form[data-timer-form],
   form/button[data-confirm], input[data-duration], time[datetime][data-local]. */
(function () {
  'use strict';

  function pad2(n) {
    return (n < 10 ? '0' : '') + n;
  }

  // Date.parse is lenient in different ways per browser (space separator,
  // nanosecond fractions from the server), so RFC 3339 is parsed by hand.
  var RFC3339 = /^(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d):(\d\d):(\d\d)(?:\.(\d+))?([Zz]|([+-])(\d\d):(\d\d))$/;

  function parseInstant(text) {
    var m = RFC3339.exec((text || '').trim());
    if (!m) return null;
    var ms = m[7] ? Math.round(Number('0.' + m[7]) * 1000) : 0;
    var t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
    if (m[9]) t -= (m[9] === '-' ? -1 : 1) * (+m[10] * 60 + +m[11]) * 60000;
    return isNaN(t) ? null : t;
  }

  function formatClock(totalMinutes) {
    return Math.floor(totalMinutes / 60) + ':' + pad2(totalMinutes % 60);
  }

  /* ---- live timers ---- */

  var timers = [];
  var pending = null;

  function render() {
    var now = Date.now();
    timers.forEach(function (t) {
      var s = Math.max(0, Math.floor((now - t.start) / 1000));
      var text = Math.floor(s / 3600) + ':' + pad2(Math.floor(s / 60) % 60) + ':' + pad2(s % 60);
      if (t.el.textContent !== text) t.el.textContent = text;
    });
    // Wake just after the first timer's next whole second, so a digit
    // never lingers or skips the way a drifting setInterval would.
    var lag = (now - timers[0].start) % 1000;
    pending = setTimeout(render, 1000 - (lag < 0 ? lag + 1000 : lag) + 20);
  }

  function stopTimers() {
    clearTimeout(pending);
    pending = null;
  }

  function initTimers() {
    document.querySelectorAll('[data-timer-start]').forEach(function (el) {
      var start = parseInstant(el.getAttribute('data-timer-start'));
      // Optional server render instant: corrects for a visitor's wrong clock.
      var served = parseInstant(el.getAttribute('data-timer-now'));
      if (start === null) return;
      timers.push({ el: el, start: served === null ? start : start - (served - Date.now()) });
    });
    if (!timers.length) return;
    document.addEventListener('visibilitychange', function () {
      stopTimers();
      if (!document.hidden) render();
    });
    if (!document.hidden) render();
  }

  /* ---- "s" starts or stops the timer ---- */

  function initTimerKey() {
    var form = document.querySelector('form[data-timer-form]');
    if (!form) return;
    document.addEventListener('keydown', function (e) {
      if ((e.key || '').toLowerCase() !== 's' || e.ctrlKey || e.metaKey || e.altKey || e.repeat || e.isComposing || e.defaultPrevented) return;
      var t = e.target;
      if (t && (t.isContentEditable || (t.closest && t.closest('input, textarea, select, [contenteditable]')))) return;
      e.preventDefault();
      // Submit through the form's first button so its name/value are sent
      // and the submit event (and any data-confirm) still runs.
      var button = form.querySelector('button:not([type]), button[type="submit"], input[type="submit"]');
      if (form.requestSubmit) form.requestSubmit(button || undefined);
      else if (button) button.click();
      else form.submit();
    });
  }

  /* ---- confirmation ---- */

  function initConfirm() {
    document.addEventListener('submit', function (e) {
      var by = e.submitter;
      var message = (by && by.getAttribute('data-confirm')) || e.target.getAttribute('data-confirm');
      if (message && !window.confirm(message)) e.preventDefault();
    });
  }

  /* ---- duration inputs ---- */

  // Returns whole minutes, or null when the text is not understood; the
  // server validates anyway, so unknown input is left exactly as typed.
  function parseDuration(raw) {
    var s = raw.trim().toLowerCase().replace(/,/g, '.').replace(/\s+/g, '');
    var m;
    if ((m = /^(\d*):(\d{1,2})$/.exec(s))) return (+m[1] || 0) * 60 + +m[2];
    if ((m = /^(\d+(?:\.\d*)?|\.\d+)(?:h|hr|hrs|hours?)?$/.exec(s))) return Math.round(parseFloat(m[1]) * 60);
    m = /^(?:(\d+(?:\.\d+)?|\.\d+)(?:h|hr|hrs|hours?))?(?:(\d+)(m|min|mins|minutes?)?)?$/.exec(s);
    if (m && (m[1] || m[3])) return Math.round(parseFloat(m[1] || '0') * 60) + (+m[2] || 0);
    return null;
  }

  function initDurations() {
    document.addEventListener('focusout', function (e) {
      var input = e.target;
      if (!input.matches || !input.matches('input[data-duration]') || !input.value.trim()) return;
      var minutes = parseDuration(input.value);
      if (minutes === null) return;
      var text = formatClock(minutes);
      if (input.value !== text) {
        input.value = text;
        input.dispatchEvent(new Event('change', { bubbles: true }));
      }
    });
  }

  /* ---- local-time hints ---- */

  function initLocalTimes() {
    var fmt;
    try {
      fmt = new Intl.DateTimeFormat(undefined, {
        weekday: 'short', year: 'numeric', month: 'short', day: 'numeric',
        hour: 'numeric', minute: '2-digit', timeZoneName: 'short'
      });
    } catch (err) {
      return;
    }
    document.querySelectorAll('time[datetime][data-local]').forEach(function (el) {
      var t = parseInstant(el.getAttribute('datetime'));
      if (t !== null) el.title = fmt.format(new Date(t));
    });
  }

  function init() {
    initTimers();
    initTimerKey();
    initConfirm();
    initDurations();
    initLocalTimes();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
