//! Server-side rendering of a project's burn-down as a self-contained inline SVG, so the same
//! markup works in portal pages, emails and PDFs.
//!
//! The markup carries no `style` attribute or element, so it is allowed under a strict
//! Content-Security-Policy: colours and dashes are presentation attributes, and every element
//! has a `bd-` class that a stylesheet may use to refine them. All text is XML-escaped and every
//! number has at most one decimal, which keeps the output compact and byte-for-byte repeatable.

use std::fmt::{self, Display, Write as _};

use jiff::SignedDuration;
use jiff::civil::Date;

use crate::domain::budget::{BurnDown, Forecast, SECONDS_PER_HOUR};

const WIDTH: f64 = 640.0;
const HEIGHT: f64 = 280.0;
const PLOT_LEFT: f64 = 56.0;
const PLOT_RIGHT: f64 = 624.0;
const PLOT_TOP: f64 = 36.0;
const PLOT_BOTTOM: f64 = 220.0;
const TITLE_BASELINE: f64 = 20.0;
const DATE_LABEL_BASELINE: f64 = 236.0;
const LEGEND_BASELINE: f64 = 264.0;

const MAX_DATE_TICKS: i64 = 5;
/// A forecast far in the future would squash the chart, so the x axis reaches past today by at
/// most the project's age so far (but never less than this many days).
const MIN_FORECAST_HORIZON_DAYS: i64 = 14;
const MAX_VISIBLE_TITLE_CHARS: usize = 80;
/// Rough advance of one legend character, for laying out the legend without measuring text.
/// Generous: the stylesheet enlarges legend text on narrow screens, where the whole chart
/// shrinks, and the legend must not overlap itself there either.
const LEGEND_CHAR_WIDTH: f64 = 11.0;

const FONT_FAMILY: &str = "system-ui, sans-serif";
const COLOR_TEXT: &str = "#374151";
const COLOR_AXIS: &str = "#9ca3af";
const COLOR_GRID: &str = "#e5e7eb";
const COLOR_USED: &str = "#2563eb";
const COLOR_BUDGET: &str = "#dc2626";
const COLOR_IDEAL: &str = "#6b7280";
const COLOR_FORECAST: &str = "#d97706";
const DASH_IDEAL: &str = "6 4";
const DASH_FORECAST: &str = "1 4";

/// Renders the burn-down as an inline SVG with a fixed 640×280 viewBox. `title` is shown above
/// the chart and read out by screen readers together with [`burndown_summary`].
pub fn burndown_svg(chart: &BurnDown, title: &str) -> String {
    let summary = burndown_summary(chart);
    let id = fingerprint(title, &summary);
    let title_id = format!("bd-title-{id}");
    let desc_id = format!("bd-desc-{id}");
    let frame = Frame::fit(chart);
    let forecast = frame.forecast;
    let over = chart.status().is_over();

    let mut svg = String::with_capacity(4096);
    open(
        &mut svg,
        "svg",
        &[
            ("xmlns", &"http://www.w3.org/2000/svg"),
            (
                "viewBox",
                &format_args!("0 0 {} {}", Num(WIDTH), Num(HEIGHT)),
            ),
            ("width", &Num(WIDTH)),
            ("height", &Num(HEIGHT)),
            ("role", &"img"),
            ("aria-labelledby", &title_id),
            ("aria-describedby", &desc_id),
            (
                "class",
                &if over {
                    "burndown bd-chart bd-over"
                } else {
                    "burndown bd-chart"
                },
            ),
            ("font-family", &FONT_FAMILY),
            ("font-size", &11),
        ],
    );
    text_element(&mut svg, "title", &[("id", &title_id)], title);
    text_element(&mut svg, "desc", &[("id", &desc_id)], &summary);
    text_element(
        &mut svg,
        "text",
        &[
            ("class", &"bd-title"),
            ("x", &8),
            ("y", &Num(TITLE_BASELINE)),
            ("fill", &COLOR_TEXT),
            ("font-size", &13),
            ("font-weight", &600),
        ],
        &visible_title(title),
    );

    render_hour_axis(&mut svg, &frame);
    render_date_axis(&mut svg, &frame);

    if let Some(budget) = chart.budget_seconds {
        let y = frame.y(hours(budget));
        empty(
            &mut svg,
            "line",
            &[
                ("class", &"bd-budget"),
                ("x1", &Num(PLOT_LEFT)),
                ("y1", &Num(y)),
                ("x2", &Num(PLOT_RIGHT)),
                ("y2", &Num(y)),
                ("stroke", &COLOR_BUDGET),
                ("stroke-width", &1.5),
            ],
        );
    }

    if let Some(ideal) = chart.ideal {
        empty(
            &mut svg,
            "line",
            &[
                ("class", &"bd-ideal"),
                ("x1", &Num(frame.x(ideal.start))),
                ("y1", &Num(frame.y(0.0))),
                ("x2", &Num(frame.x(ideal.end))),
                ("y2", &Num(frame.y(hours(ideal.budget_seconds)))),
                ("stroke", &COLOR_IDEAL),
                ("stroke-width", &1.5),
                ("stroke-dasharray", &DASH_IDEAL),
                ("stroke-linecap", &"round"),
            ],
        );
    }

    render_used(&mut svg, chart, &frame);

    if let Some(line) = forecast {
        render_forecast(&mut svg, chart, &frame, &line);
    }

    if let Some(last) = chart.used.last() {
        empty(
            &mut svg,
            "circle",
            &[
                ("class", &"bd-today"),
                ("cx", &Num(frame.x(last.date))),
                ("cy", &Num(frame.y(hours(last.used_seconds)))),
                ("r", &3),
                ("fill", &COLOR_USED),
            ],
        );
    } else {
        text_element(
            &mut svg,
            "text",
            &[
                ("class", &"bd-empty"),
                ("x", &Num((PLOT_LEFT + PLOT_RIGHT) / 2.0)),
                ("y", &Num((PLOT_TOP + PLOT_BOTTOM) / 2.0)),
                ("text-anchor", &"middle"),
                ("fill", &COLOR_TEXT),
            ],
            "No time logged yet",
        );
    }

    render_legend(&mut svg, chart, forecast.is_some());
    close(&mut svg, "svg");
    svg
}

/// Plain-language account of the chart for screen readers and text-only contexts, e.g. "42 of
/// 120 hours used (35 %); at the current rate the budget runs out on 2027-02-14".
pub fn burndown_summary(chart: &BurnDown) -> String {
    let status = chart.status();
    let Some(budget) = status.budget_seconds else {
        return format!(
            "{} used; no budget is set",
            hours_phrase(status.used_seconds)
        );
    };
    let mut summary = format!(
        "{} of {} used",
        Num(hours(status.used_seconds)),
        hours_phrase(budget)
    );
    if let Some(basis_points) = status.percent_used_bp() {
        let _ = write!(summary, " ({} %)", Percent(basis_points));
    }
    match chart.forecast {
        Forecast::RunOut(date) => {
            let _ = write!(
                summary,
                "; at the current rate the budget runs out on {date}"
            );
        }
        Forecast::NoBurn if chart.burn_rate.is_some_and(|rate| rate.is_burning()) => {
            summary.push_str("; at the current rate the budget lasts beyond any forecast");
        }
        Forecast::NoBurn => {
            summary.push_str("; no time logged recently, so there is no run-out forecast");
        }
        Forecast::OverBudget { since } => {
            if status.is_over() {
                let over = status.used_seconds.saturating_sub(budget);
                let _ = write!(summary, "; {} over budget", hours_phrase(over));
            } else {
                summary.push_str("; the budget is used up");
            }
            if let Some(date) = since {
                let _ = write!(summary, " (budget reached on {date})");
            }
        }
        Forecast::NoBudget => {}
    }
    summary
}

/// The dotted forecast segment in chart units: days from the frame start and hours.
#[derive(Clone, Copy)]
struct ForecastLine {
    end: Date,
    end_hours: f64,
    /// Whether `end` is the run-out date, rather than the edge of the chart.
    reaches_budget: bool,
}

/// Maps dates and hours onto the plot area.
struct Frame {
    start: Date,
    span_days: i64,
    hour_max: f64,
    hour_step: f64,
    forecast: Option<ForecastLine>,
}

impl Frame {
    fn fit(chart: &BurnDown) -> Self {
        let today = chart.today;
        let series_start = chart.used.first().map_or(today, |point| point.date);
        let mut start = series_start.min(today);
        let mut end = today;
        if let Some(ideal) = chart.ideal {
            start = start.min(ideal.start);
            end = end.max(ideal.end);
        }

        let elapsed = days_between(series_start, today).max(MIN_FORECAST_HORIZON_DAYS);
        let horizon = add_days(today, elapsed).max(end);
        let forecast = forecast_line(chart, horizon);
        if let Some(line) = forecast {
            end = end.max(line.end);
        }

        let peak_seconds = chart
            .used
            .iter()
            .map(|point| point.used_seconds)
            .chain(chart.budget_seconds)
            .chain(chart.ideal.map(|ideal| ideal.budget_seconds))
            .max()
            .unwrap_or(0);
        let peak_hours = forecast
            .map_or(0.0, |line| line.end_hours)
            .max(hours(peak_seconds));
        let (hour_max, hour_step) = hour_axis(peak_hours);

        Self {
            start,
            span_days: days_between(start, end).max(1),
            hour_max,
            hour_step,
            forecast,
        }
    }

    fn x(&self, date: Date) -> f64 {
        self.x_at_day(days_between(self.start, date))
    }

    fn x_at_day(&self, day: i64) -> f64 {
        PLOT_LEFT + (PLOT_RIGHT - PLOT_LEFT) * day as f64 / self.span_days as f64
    }

    /// Values outside the axis (net-negative corrections) are pinned to its ends rather than
    /// drawn outside the plot.
    fn y(&self, hours: f64) -> f64 {
        let hours = hours.clamp(0.0, self.hour_max);
        PLOT_BOTTOM - (PLOT_BOTTOM - PLOT_TOP) * hours / self.hour_max
    }
}

fn forecast_line(chart: &BurnDown, horizon: Date) -> Option<ForecastLine> {
    let Forecast::RunOut(run_out) = chart.forecast else {
        return None;
    };
    let budget = chart.budget_seconds?;
    if run_out <= horizon {
        return Some(ForecastLine {
            end: run_out,
            end_hours: hours(budget),
            reaches_budget: true,
        });
    }
    let rate = chart.burn_rate?;
    let days = days_between(chart.today, horizon) as f64;
    let end_hours = hours(chart.used_seconds()) + rate.seconds_per_day() * days / 3_600.0;
    Some(ForecastLine {
        end: horizon,
        end_hours,
        reaches_budget: false,
    })
}

/// A round step of at least half an hour giving at most four intervals, and the axis maximum
/// a little above `peak_hours` so that a line at the peak does not sit on the plot's edge.
fn hour_axis(peak_hours: f64) -> (f64, f64) {
    let peak = if peak_hours.is_finite() && peak_hours > 0.0 {
        peak_hours * 1.05
    } else {
        1.0
    };
    let growth = [2.0, 2.0, 2.5];
    let mut step = 0.5;
    let mut index = 0;
    while step * 4.0 < peak {
        step *= growth[index % growth.len()];
        index += 1;
    }
    ((peak / step).ceil() * step, step)
}

fn render_hour_axis(svg: &mut String, frame: &Frame) {
    let intervals = (frame.hour_max / frame.hour_step).round() as i64;
    open(
        svg,
        "g",
        &[
            ("class", &"bd-grid"),
            ("stroke", &COLOR_GRID),
            ("stroke-width", &1),
        ],
    );
    for tick in 1..=intervals {
        let y = frame.y(frame.hour_step * tick as f64);
        empty(
            svg,
            "line",
            &[
                ("x1", &Num(PLOT_LEFT)),
                ("y1", &Num(y)),
                ("x2", &Num(PLOT_RIGHT)),
                ("y2", &Num(y)),
            ],
        );
    }
    close(svg, "g");

    open(
        svg,
        "g",
        &[
            ("class", &"bd-hour-labels"),
            ("fill", &COLOR_TEXT),
            ("text-anchor", &"end"),
        ],
    );
    for tick in 0..=intervals {
        let value = frame.hour_step * tick as f64;
        text_element(
            svg,
            "text",
            &[
                ("x", &Num(PLOT_LEFT - 6.0)),
                ("y", &Num(frame.y(value) + 4.0)),
            ],
            &format!("{} h", Num(value)),
        );
    }
    close(svg, "g");

    empty(
        svg,
        "line",
        &[
            ("class", &"bd-axis"),
            ("x1", &Num(PLOT_LEFT)),
            ("y1", &Num(PLOT_TOP)),
            ("x2", &Num(PLOT_LEFT)),
            ("y2", &Num(PLOT_BOTTOM)),
            ("stroke", &COLOR_AXIS),
        ],
    );
}

fn render_date_axis(svg: &mut String, frame: &Frame) {
    empty(
        svg,
        "line",
        &[
            ("class", &"bd-axis"),
            ("x1", &Num(PLOT_LEFT)),
            ("y1", &Num(PLOT_BOTTOM)),
            ("x2", &Num(PLOT_RIGHT)),
            ("y2", &Num(PLOT_BOTTOM)),
            ("stroke", &COLOR_AXIS),
        ],
    );
    let ticks = (frame.span_days + 1).min(MAX_DATE_TICKS);
    open(
        svg,
        "g",
        &[("class", &"bd-date-labels"), ("fill", &COLOR_TEXT)],
    );
    for tick in 0..ticks {
        // Rounded to whole days so that the first and last ticks land on the frame's ends.
        let day = (2 * tick * frame.span_days + ticks - 1) / (2 * (ticks - 1));
        let x = frame.x_at_day(day);
        let anchor = match tick {
            0 => "start",
            _ if tick == ticks - 1 => "end",
            _ => "middle",
        };
        empty(
            svg,
            "line",
            &[
                ("class", &"bd-tick"),
                ("x1", &Num(x)),
                ("y1", &Num(PLOT_BOTTOM)),
                ("x2", &Num(x)),
                ("y2", &Num(PLOT_BOTTOM + 4.0)),
                ("stroke", &COLOR_AXIS),
            ],
        );
        text_element(
            svg,
            "text",
            &[
                ("x", &Num(x)),
                ("y", &Num(DATE_LABEL_BASELINE)),
                ("text-anchor", &anchor),
            ],
            &add_days(frame.start, day).to_string(),
        );
    }
    close(svg, "g");
}

fn render_used(svg: &mut String, chart: &BurnDown, frame: &Frame) {
    let used = &chart.used;
    // Days in the middle of a flat run add bytes but no shape.
    let points: Vec<String> = used
        .iter()
        .enumerate()
        .filter(|&(index, point)| {
            let flat_before = index > 0 && used[index - 1].used_seconds == point.used_seconds;
            let flat_after = used
                .get(index + 1)
                .is_some_and(|next| next.used_seconds == point.used_seconds);
            !(flat_before && flat_after)
        })
        .map(|(_, point)| {
            format!(
                "{},{}",
                Num(frame.x(point.date)),
                Num(frame.y(hours(point.used_seconds)))
            )
        })
        .collect();
    let (Some(first), Some(last)) = (used.first(), used.last()) else {
        return;
    };

    let baseline = Num(PLOT_BOTTOM);
    let area = format!(
        "M{},{baseline} L{} L{},{baseline} Z",
        Num(frame.x(first.date)),
        points.join(" L"),
        Num(frame.x(last.date)),
    );
    empty(
        svg,
        "path",
        &[
            ("class", &"bd-used-area"),
            ("d", &area),
            ("fill", &COLOR_USED),
            ("fill-opacity", &0.12),
            ("stroke", &"none"),
        ],
    );
    empty(
        svg,
        "polyline",
        &[
            ("class", &"bd-used"),
            ("points", &points.join(" ")),
            ("fill", &"none"),
            ("stroke", &COLOR_USED),
            ("stroke-width", &2),
            ("stroke-linejoin", &"round"),
        ],
    );
}

fn render_forecast(svg: &mut String, chart: &BurnDown, frame: &Frame, line: &ForecastLine) {
    let end_x = frame.x(line.end);
    let end_y = frame.y(line.end_hours);
    empty(
        svg,
        "line",
        &[
            ("class", &"bd-forecast"),
            ("x1", &Num(frame.x(chart.today))),
            ("y1", &Num(frame.y(hours(chart.used_seconds())))),
            ("x2", &Num(end_x)),
            ("y2", &Num(end_y)),
            ("stroke", &COLOR_FORECAST),
            ("stroke-width", &2),
            ("stroke-dasharray", &DASH_FORECAST),
            ("stroke-linecap", &"round"),
        ],
    );
    if !line.reaches_budget {
        return;
    }
    let anchor = if end_x > (PLOT_LEFT + PLOT_RIGHT) / 2.0 {
        "end"
    } else {
        "start"
    };
    text_element(
        svg,
        "text",
        &[
            ("class", &"bd-run-out"),
            ("x", &Num(end_x)),
            ("y", &Num(end_y - 6.0)),
            ("text-anchor", &anchor),
            ("fill", &COLOR_FORECAST),
        ],
        &format!("Runs out {}", line.end),
    );
}

fn render_legend(svg: &mut String, chart: &BurnDown, has_forecast: bool) {
    let entries: [(bool, &str, &str, &str, Option<&str>); 4] = [
        (
            !chart.used.is_empty(),
            "bd-legend-used",
            "Hours used",
            COLOR_USED,
            None,
        ),
        (
            chart.budget_seconds.is_some(),
            "bd-legend-budget",
            "Budget",
            COLOR_BUDGET,
            None,
        ),
        (
            chart.ideal.is_some(),
            "bd-legend-ideal",
            "Ideal",
            COLOR_IDEAL,
            Some(DASH_IDEAL),
        ),
        (
            has_forecast,
            "bd-legend-forecast",
            "Forecast",
            COLOR_FORECAST,
            Some(DASH_FORECAST),
        ),
    ];
    open(svg, "g", &[("class", &"bd-legend"), ("fill", &COLOR_TEXT)]);
    let mut x = PLOT_LEFT;
    let swatch_y = Num(LEGEND_BASELINE - 4.0);
    for (_, class, label, color, dash) in entries.into_iter().filter(|entry| entry.0) {
        open(svg, "g", &[("class", &class)]);
        let (swatch_x1, swatch_x2) = (Num(x), Num(x + 18.0));
        let mut swatch: Vec<(&str, &dyn Display)> = vec![
            ("x1", &swatch_x1),
            ("y1", &swatch_y),
            ("x2", &swatch_x2),
            ("y2", &swatch_y),
            ("stroke", &color),
            ("stroke-width", &2),
        ];
        if let Some(dash) = &dash {
            swatch.push(("stroke-dasharray", dash));
            swatch.push(("stroke-linecap", &"round"));
        }
        empty(svg, "line", &swatch);
        text_element(
            svg,
            "text",
            &[("x", &Num(x + 24.0)), ("y", &Num(LEGEND_BASELINE))],
            label,
        );
        close(svg, "g");
        x += 24.0 + LEGEND_CHAR_WIDTH * label.len() as f64 + 16.0;
    }
    close(svg, "g");
}

fn open(svg: &mut String, name: &str, attributes: &[(&str, &dyn Display)]) {
    start_tag(svg, name, attributes);
    svg.push('>');
}

fn empty(svg: &mut String, name: &str, attributes: &[(&str, &dyn Display)]) {
    start_tag(svg, name, attributes);
    svg.push_str("/>");
}

fn close(svg: &mut String, name: &str) {
    let _ = write!(svg, "</{name}>");
}

fn text_element(svg: &mut String, name: &str, attributes: &[(&str, &dyn Display)], text: &str) {
    open(svg, name, attributes);
    svg.push_str(&escape(text));
    close(svg, name);
}

fn start_tag(svg: &mut String, name: &str, attributes: &[(&str, &dyn Display)]) {
    let _ = write!(svg, "<{name}");
    for (attribute, value) in attributes {
        let _ = write!(svg, " {attribute}=\"{}\"", escape(&value.to_string()));
    }
}

/// Escapes text for element content and double- or single-quoted attributes, and drops the
/// control characters XML 1.0 forbids, which would otherwise make the whole document invalid.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            '\t' | '\n' | '\r' => escaped.push(character),
            _ if character.is_control() => {}
            _ => escaped.push(character),
        }
    }
    escaped
}

fn visible_title(title: &str) -> String {
    if title.chars().count() <= MAX_VISIBLE_TITLE_CHARS {
        return title.to_owned();
    }
    let mut shortened: String = title.chars().take(MAX_VISIBLE_TITLE_CHARS - 1).collect();
    shortened.push('…');
    shortened
}

/// Element ids must be unique on a page that shows several charts; deriving them from the
/// content keeps the output deterministic.
fn fingerprint(title: &str, summary: &str) -> String {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;
    let hash = title
        .bytes()
        .chain([0])
        .chain(summary.bytes())
        .fold(FNV_OFFSET, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(FNV_PRIME)
        });
    format!("{hash:016x}")
}

fn hours(seconds: i64) -> f64 {
    seconds as f64 / SECONDS_PER_HOUR as f64
}

fn hours_phrase(seconds: i64) -> String {
    let amount = Num(hours(seconds)).to_string();
    let unit = if amount == "1" { "hour" } else { "hours" };
    format!("{amount} {unit}")
}

fn days_between(from: Date, to: Date) -> i64 {
    from.duration_until(to).as_secs() / 86_400
}

fn add_days(date: Date, days: i64) -> Date {
    date.saturating_add(SignedDuration::from_secs(days.saturating_mul(86_400)))
}

/// A number with at most one decimal and no trailing ".0"; non-finite values print as 0 so a
/// degenerate scale can never emit `NaN` into the markup.
#[derive(Clone, Copy)]
struct Num(f64);

impl Display for Num {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = if self.0.is_finite() {
            (self.0 * 10.0).round() as i64
        } else {
            0
        };
        let sign = if tenths < 0 { "-" } else { "" };
        let magnitude = tenths.unsigned_abs();
        match magnitude % 10 {
            0 => write!(f, "{sign}{}", magnitude / 10),
            decimal => write!(f, "{sign}{}.{decimal}", magnitude / 10),
        }
    }
}

/// Basis points as a percentage, rounded down to one decimal like the basis points themselves,
/// so 99.99 % never reads as 100 %.
struct Percent(u32);

impl Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = self.0 / 10;
        match tenths % 10 {
            0 => write!(f, "{}", tenths / 10),
            decimal => write!(f, "{}.{decimal}", tenths / 10),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::budget::ProjectPlan;
    use jiff::civil::date;

    const H: i64 = SECONDS_PER_HOUR;

    fn day(n: i64) -> Date {
        add_days(date(2027, 1, 1), n)
    }

    /// 42 of 120 hours by 2027-01-28, three hours every other day, planned to end 2027-03-31.
    fn on_track() -> BurnDown {
        let plan = ProjectPlan {
            budget_seconds: Some(120 * H),
            start: Some(day(0)),
            end: Some(date(2027, 3, 31)),
        };
        let entries: Vec<_> = (0..14).map(|n| (day(2 * n), 3 * H)).collect();
        BurnDown::build(&plan, &entries, day(27))
    }

    fn edge_cases() -> Vec<(&'static str, BurnDown)> {
        let budgeted = |budget: Option<i64>| ProjectPlan {
            budget_seconds: budget,
            start: None,
            end: None,
        };
        vec![
            ("on track", on_track()),
            ("empty", BurnDown::build(&budgeted(None), &[], day(0))),
            (
                "empty with budget",
                BurnDown::build(&budgeted(Some(10 * H)), &[], day(0)),
            ),
            (
                "single point",
                BurnDown::build(&budgeted(Some(10 * H)), &[(day(0), 2 * H)], day(0)),
            ),
            (
                "zero budget",
                BurnDown::build(&budgeted(Some(0)), &[(day(0), 2 * H)], day(3)),
            ),
            (
                "zero budget, nothing logged",
                BurnDown::build(&budgeted(Some(0)), &[], day(3)),
            ),
            (
                "over budget",
                BurnDown::build(
                    &budgeted(Some(10 * H)),
                    &[(day(0), 8 * H), (day(2), 8 * H)],
                    day(4),
                ),
            ),
            (
                "negative correction",
                BurnDown::build(
                    &budgeted(Some(10 * H)),
                    &[(day(0), 2 * H), (day(1), -5 * H)],
                    day(4),
                ),
            ),
            (
                "far run-out",
                BurnDown::build(&budgeted(Some(100_000 * H)), &[(day(0), H)], day(2)),
            ),
            (
                "beyond the calendar",
                BurnDown::build(&budgeted(Some(i64::MAX)), &[(day(0), 1)], day(0)),
            ),
        ]
    }

    /// Checks that tags nest and close, attributes are quoted, and every `&` starts an entity.
    fn assert_well_formed(svg: &str) {
        let mut stack: Vec<&str> = Vec::new();
        let mut rest = svg;
        while let Some(open_at) = rest.find('<') {
            assert_text_is_escaped(&rest[..open_at]);
            let close_at = rest[open_at..].find('>').expect("unterminated tag") + open_at;
            let tag = &rest[open_at + 1..close_at];
            assert!(!tag.contains('<'), "'<' inside tag: {tag}");
            assert_eq!(tag.matches('"').count() % 2, 0, "unbalanced quotes: {tag}");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop(), Some(name), "mismatched </{name}>");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().expect("empty tag");
                stack.push(name);
            }
            assert!(
                !stack.is_empty() || close_at + 1 == rest.len(),
                "content after root"
            );
            rest = &rest[close_at + 1..];
        }
        assert_text_is_escaped(rest);
        assert!(stack.is_empty(), "unclosed tags: {stack:?}");
        assert!(svg.starts_with("<svg "));
        assert!(svg.ends_with("</svg>"));
    }

    fn assert_text_is_escaped(text: &str) {
        assert!(!text.contains('>'), "raw '>' in {text:?}");
        for (at, _) in text.match_indices('&') {
            let entity = &text[at..];
            assert!(
                ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
                    .iter()
                    .any(|known| entity.starts_with(known)),
                "bare '&' in {text:?}"
            );
        }
    }

    fn attribute<'a>(element: &'a str, name: &str) -> &'a str {
        let needle = format!(" {name}=\"");
        let start = element.find(&needle).expect("attribute present") + needle.len();
        let end = element[start..].find('"').unwrap() + start;
        &element[start..end]
    }

    fn element<'a>(svg: &'a str, class: &str) -> &'a str {
        let marker = format!("class=\"{class}\"");
        let at = svg.find(&marker).unwrap_or_else(|| panic!("no {class}"));
        let start = svg[..at].rfind('<').unwrap();
        let end = svg[at..].find('>').unwrap() + at;
        &svg[start..=end]
    }

    #[test]
    fn every_edge_case_renders_well_formed_markup() {
        for (name, chart) in edge_cases() {
            let svg = burndown_svg(&chart, name);
            assert_well_formed(&svg);
            assert!(
                !svg.contains("NaN") && !svg.contains("inf"),
                "{name}: {svg}"
            );
            assert!(svg.contains(r#"viewBox="0 0 640 280""#), "{name}");
            assert!(svg.contains(r#"role="img""#), "{name}");
        }
    }

    #[test]
    fn never_uses_inline_styles() {
        for (name, chart) in edge_cases() {
            let svg = burndown_svg(&chart, name);
            assert!(!svg.contains("style="), "{name}");
            assert!(!svg.contains("<style"), "{name}");
        }
    }

    #[test]
    fn hostile_title_is_escaped() {
        let hostile = "</svg><script>alert(1)</script> & \"quoted\" 'single'\u{0}";
        let svg = burndown_svg(&on_track(), hostile);
        assert_well_formed(&svg);
        assert!(!svg.contains("<script"));
        assert!(!svg.contains('\u{0}'));
        assert_eq!(svg.matches("</svg>").count(), 1);
        let escaped = "&lt;/svg&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; \
                       &quot;quoted&quot; &#39;single&#39;";
        assert!(svg.contains("<title id=\"bd-title-"));
        assert_eq!(
            svg.matches(escaped).count(),
            2,
            "in <title> and the heading"
        );
    }

    #[test]
    fn known_chart_is_stable() {
        let chart = on_track();
        let svg = burndown_svg(&chart, "Website relaunch");
        assert_eq!(svg, burndown_svg(&chart, "Website relaunch"));

        assert!(svg.contains("<desc id=\"bd-desc-"));
        assert!(svg.contains(
            ">42 of 120 hours used (35 %); at the current rate the budget runs out on \
             2027-03-21</desc>"
        ));
        assert!(svg.contains(">Website relaunch</title>"));

        // 89 days across 568 px from x = 56; 150 h down 184 px from y = 220.
        let budget = element(&svg, "bd-budget");
        assert_eq!(
            [
                attribute(budget, "x1"),
                attribute(budget, "y1"),
                attribute(budget, "x2")
            ],
            ["56", "72.8", "624"]
        );
        let ideal = element(&svg, "bd-ideal");
        assert_eq!(
            ["x1", "y1", "x2", "y2"].map(|name| attribute(ideal, name)),
            ["56", "220", "624", "72.8"]
        );
        assert_eq!(attribute(ideal, "stroke-dasharray"), "6 4");
        let forecast = element(&svg, "bd-forecast");
        assert_eq!(
            ["x1", "y1", "x2", "y2"].map(|name| attribute(forecast, name)),
            ["228.3", "168.5", "560.2", "72.8"]
        );
        assert_eq!(attribute(forecast, "stroke-dasharray"), "1 4");

        let used = attribute(element(&svg, "bd-used"), "points");
        assert!(
            used.starts_with("56,216.3 62.4,216.3 68.8,212.6 "),
            "{used}"
        );
        assert!(used.ends_with(" 221.9,168.5 228.3,168.5"), "{used}");

        for label in [
            "2027-01-01",
            "2027-01-23",
            "2027-02-15",
            "2027-03-09",
            "2027-03-31",
        ] {
            assert!(svg.contains(&format!(">{label}</text>")), "{label}");
        }
        for label in ["0 h", "50 h", "100 h", "150 h"] {
            assert!(svg.contains(&format!(">{label}</text>")), "{label}");
        }
        assert!(svg.contains(">Runs out 2027-03-21</text>"));
        for legend in ["Hours used", "Budget", "Ideal", "Forecast"] {
            assert!(svg.contains(&format!(">{legend}</text>")), "{legend}");
        }
    }

    #[test]
    fn empty_chart_says_so_and_draws_no_series() {
        let chart = BurnDown::build(&ProjectPlan::default(), &[], day(0));
        let svg = burndown_svg(&chart, "New project");
        assert!(svg.contains(">No time logged yet</text>"));
        assert!(!svg.contains("bd-used"));
        assert!(!svg.contains("bd-budget"));
        assert!(!svg.contains("bd-forecast"));
        assert!(svg.contains(">0 h</text>") && svg.contains(">1 h</text>"));
        assert!(svg.contains(">0 hours used; no budget is set</desc>"));
    }

    #[test]
    fn single_point_is_drawn_at_the_left_edge() {
        let plan = ProjectPlan {
            budget_seconds: Some(10 * H),
            ..ProjectPlan::default()
        };
        let chart = BurnDown::build(&plan, &[(day(0), 2 * H)], day(0));
        let svg = burndown_svg(&chart, "Kick-off");
        let today = element(&svg, "bd-today");
        assert_eq!(attribute(today, "cx"), "56");
        // 2 h over 1 day leaves 8 h, four more days.
        assert!(svg.contains("runs out on 2027-01-05</desc>"));
    }

    #[test]
    fn over_budget_is_marked_and_the_line_stays_inside_the_plot() {
        let plan = ProjectPlan {
            budget_seconds: Some(10 * H),
            ..ProjectPlan::default()
        };
        let chart = BurnDown::build(&plan, &[(day(0), 8 * H), (day(2), 8 * H)], day(4));
        let svg = burndown_svg(&chart, "Overrun");
        assert!(svg.contains(r#"class="burndown bd-chart bd-over""#));
        assert!(!svg.contains("bd-forecast"));
        assert!(svg.contains(
            ">16 of 10 hours used (160 %); 6 hours over budget (budget reached on 2027-01-03)\
             </desc>"
        ));
        let today = element(&svg, "bd-today");
        let y: f64 = attribute(today, "cy").parse().unwrap();
        assert!((PLOT_TOP..=PLOT_BOTTOM).contains(&y));
    }

    #[test]
    fn zero_budget_draws_the_budget_on_the_axis() {
        let plan = ProjectPlan {
            budget_seconds: Some(0),
            ..ProjectPlan::default()
        };
        let chart = BurnDown::build(&plan, &[(day(0), 2 * H)], day(3));
        let svg = burndown_svg(&chart, "Goodwill");
        assert_eq!(attribute(element(&svg, "bd-budget"), "y1"), "220");
        assert!(svg.contains(
            ">2 of 0 hours used; 2 hours over budget (budget reached on 2027-01-01)</desc>"
        ));
    }

    #[test]
    fn a_distant_run_out_is_cut_at_the_horizon() {
        let plan = ProjectPlan {
            budget_seconds: Some(1_000 * H),
            ..ProjectPlan::default()
        };
        let chart = BurnDown::build(&plan, &[(day(0), H)], day(2));
        let svg = burndown_svg(&chart, "Retainer");
        let forecast = element(&svg, "bd-forecast");
        assert_eq!(attribute(forecast, "x2"), "624");
        assert!(!svg.contains("bd-run-out"));
        assert!(svg.contains(">2027-01-17</text>"), "two weeks past today");
    }

    #[test]
    fn summary_covers_every_forecast() {
        let plan = |budget| ProjectPlan {
            budget_seconds: budget,
            ..ProjectPlan::default()
        };
        let summary = |budget, entries: &[(Date, i64)], today| {
            burndown_summary(&BurnDown::build(&plan(budget), entries, today))
        };
        assert_eq!(
            summary(None, &[(day(0), H)], day(0)),
            "1 hour used; no budget is set"
        );
        assert_eq!(
            summary(Some(10 * H), &[(day(0), H)], day(90)),
            "1 of 10 hours used (10 %); no time logged recently, so there is no run-out forecast"
        );
        assert!(summary(Some(i64::MAX), &[(day(0), 1)], day(0)).ends_with(
            " hours used (0 %); at the current rate the budget lasts beyond any forecast"
        ));
        assert_eq!(
            summary(Some(H), &[(day(0), H)], day(0)),
            "1 of 1 hour used (100 %); the budget is used up (budget reached on 2027-01-01)"
        );
        assert_eq!(
            summary(Some(0), &[], day(0)),
            "0 of 0 hours used; the budget is used up"
        );
        assert_eq!(
            summary(Some(120 * H), &[(day(0), 120 * H - 1)], day(0)),
            "120 of 120 hours used (99.9 %); at the current rate the budget runs out on 2027-01-02"
        );
    }

    #[test]
    fn numbers_have_at_most_one_decimal() {
        let shown = |value: f64| Num(value).to_string();
        assert_eq!(shown(56.0), "56");
        assert_eq!(shown(72.8), "72.8");
        assert_eq!(shown(168.48), "168.5");
        assert_eq!(shown(-0.04), "0");
        assert_eq!(shown(-2.25), "-2.3");
        assert_eq!(shown(f64::NAN), "0");
        assert_eq!(shown(f64::INFINITY), "0");
        assert_eq!(Percent(10_833).to_string(), "108.3");
        assert_eq!(Percent(9_999).to_string(), "99.9");
        assert_eq!(Percent(3_500).to_string(), "35");
    }

    #[test]
    fn hour_axis_uses_round_steps_with_headroom() {
        assert_eq!(hour_axis(0.0), (1.0, 0.5));
        assert_eq!(hour_axis(f64::NAN), (1.0, 0.5));
        assert_eq!(hour_axis(120.0), (150.0, 50.0));
        assert_eq!(hour_axis(100.0), (150.0, 50.0));
        assert_eq!(hour_axis(7.0), (8.0, 2.0));
        assert_eq!(hour_axis(1_000.0), (1_500.0, 500.0));
    }

    #[test]
    fn long_titles_are_shortened_on_screen_but_not_for_screen_readers() {
        let long = "é".repeat(200);
        let svg = burndown_svg(&on_track(), &long);
        assert!(svg.contains(&format!(">{long}</title>")));
        assert!(svg.contains(&format!(">{}…</text>", "é".repeat(79))));
    }

    #[test]
    fn ids_differ_between_charts_on_one_page() {
        let first = burndown_svg(&on_track(), "Website");
        let second = burndown_svg(&on_track(), "Mobile app");
        let id =
            |svg: &str| attribute(element(svg, "burndown bd-chart"), "aria-labelledby").to_owned();
        assert_ne!(id(&first), id(&second));
        assert!(first.contains(&format!("<title id=\"{}\">", id(&first))));
    }
}
