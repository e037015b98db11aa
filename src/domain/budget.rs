//! Budget maths for projects tracked in hours: how much of a budget is used, what a change order
//! would do to it, how fast time is being burnt, when the budget runs out, and the burn-down
//! series a chart is drawn from.
//!
//! Everything here is pure: durations are whole seconds, calendar dates are civil dates already
//! in the agency's time zone, and no money is involved. Time entries are given as
//! `(date, seconds logged that day)` pairs in any order; several pairs may share a day and days
//! without work may be missing. Entries dated after `today` are ignored throughout, because the
//! burn-down ends today and a forecast starts from what has been logged so far.

use std::collections::BTreeMap;

use jiff::SignedDuration;
use jiff::civil::Date;

/// Seconds in one hour, the unit budgets are agreed in.
pub const SECONDS_PER_HOUR: i64 = 3_600;

/// Length of the trailing window the burn rate is measured over, in calendar days.
pub const DEFAULT_BURN_WINDOW_DAYS: i64 = 28;

/// 100 % expressed in basis points.
const FULL_BASIS_POINTS: i128 = 10_000;

const SECONDS_PER_DAY: i64 = 86_400;

/// How much of a project's budget has been used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BudgetStatus {
    /// The agreed budget; `None` for projects that are not budgeted (time and materials).
    pub budget_seconds: Option<i64>,
    /// Time logged against the project so far.
    pub used_seconds: i64,
}

impl BudgetStatus {
    pub fn new(budget_seconds: Option<i64>, used_seconds: i64) -> Self {
        Self {
            budget_seconds,
            used_seconds,
        }
    }

    /// Budget left, negative once the project is over budget; `None` without a budget.
    pub fn remaining_seconds(&self) -> Option<i64> {
        self.budget_seconds
            .map(|budget| budget.saturating_sub(self.used_seconds))
    }

    /// Share of the budget used, in basis points (10 000 = 100 %).
    ///
    /// Rounds down, so 100 % is only reported once the budget is really used up, and saturates at
    /// `u32::MAX`. Negative usage (a net correction) counts as nothing used. `None` when there is
    /// no budget or the budget is not positive, since no percentage of nothing is meaningful.
    pub fn percent_used_bp(&self) -> Option<u32> {
        let budget = self.budget_seconds.filter(|&budget| budget > 0)?;
        let used = i128::from(self.used_seconds.max(0));
        let basis_points = used * FULL_BASIS_POINTS / i128::from(budget);
        Some(u32::try_from(basis_points).unwrap_or(u32::MAX))
    }

    /// Strictly more time used than budgeted. A project exactly at its budget is not over it; see
    /// [`BudgetStatus::is_used_up`].
    pub fn is_over(&self) -> bool {
        matches!(self.budget_seconds, Some(budget) if self.used_seconds > budget)
    }

    /// No budget left: at or over the budget.
    pub fn is_used_up(&self) -> bool {
        matches!(self.budget_seconds, Some(budget) if self.used_seconds >= budget)
    }

    /// The status after a change order that adds `extra_budget_seconds` to the budget and is
    /// expected to take `extra_used_seconds` of work. Either may be negative (descoping, or work
    /// written off). An unbudgeted project stays unbudgeted.
    pub fn with_change(self, extra_budget_seconds: i64, extra_used_seconds: i64) -> Self {
        Self {
            budget_seconds: self
                .budget_seconds
                .map(|budget| budget.saturating_add(extra_budget_seconds)),
            used_seconds: self.used_seconds.saturating_add(extra_used_seconds),
        }
    }
}

/// Percent of budget, in basis points, that a change order would leave the project at: "+15 h
/// puts us at 110 %".
///
/// - `budget_seconds`: the current budget. `None` means the project is not budgeted, and the
///   answer is `None` whatever the change; to size a first budget for such a project, pass
///   `Some(0)` and the change order's hours as `extra_budget_seconds`.
/// - `used_seconds`: time logged so far.
/// - `extra_budget_seconds`: hours the change order adds to the budget (0 when the client is not
///   paying for more; negative when scope is removed).
/// - `extra_used_seconds`: the work the change is expected to take.
///
/// Rounding and saturation follow [`BudgetStatus::percent_used_bp`]; `None` also when the budget
/// after the change is not positive.
pub fn what_if(
    budget_seconds: Option<i64>,
    used_seconds: i64,
    extra_budget_seconds: i64,
    extra_used_seconds: i64,
) -> Option<u32> {
    BudgetStatus::new(budget_seconds, used_seconds)
        .with_change(extra_budget_seconds, extra_used_seconds)
        .percent_used_bp()
}

/// Time logged over a trailing window of calendar days.
///
/// Kept as a ratio of whole numbers rather than a float so forecasts are exact and repeatable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BurnRate {
    /// First day of the window; the window always ends on `today`.
    pub window_start: Date,
    /// Calendar days in the window, `today` included; at least 1.
    pub days: i64,
    /// Time logged within the window.
    pub seconds: i64,
}

impl BurnRate {
    pub fn seconds_per_day(&self) -> f64 {
        self.seconds as f64 / self.days as f64
    }

    /// Whether work is going on at all; a zero or net-negative window cannot forecast a run-out.
    pub fn is_burning(&self) -> bool {
        self.seconds > 0
    }

    /// Whole days needed to burn `seconds` at this rate, rounded up; `None` when not burning or
    /// when the answer does not fit in an `i64`.
    fn days_to_burn(&self, seconds: i128) -> Option<i64> {
        if !self.is_burning() {
            return None;
        }
        let numerator = seconds.max(0) * i128::from(self.days);
        let rate = i128::from(self.seconds);
        i64::try_from((numerator + rate - 1) / rate).ok()
    }
}

/// Burn rate over the default trailing window of [`DEFAULT_BURN_WINDOW_DAYS`].
pub fn burn_rate(entries: &[(Date, i64)], today: Date) -> Option<BurnRate> {
    burn_rate_over(entries, today, DEFAULT_BURN_WINDOW_DAYS)
}

/// Burn rate over the `window_days` calendar days ending on `today` (inclusive).
///
/// A project whose first entry is more recent than the window start is measured from that first
/// entry instead, so a young project's rate is not diluted by days before it existed. `None` when
/// nothing has been logged on or before `today`. A window shorter than one day is taken as one.
pub fn burn_rate_over(entries: &[(Date, i64)], today: Date, window_days: i64) -> Option<BurnRate> {
    let window_days = window_days.max(1);
    let first_entry = entries
        .iter()
        .map(|&(date, _)| date)
        .filter(|&date| date <= today)
        .min()?;
    let window_start = add_days_saturating(today, 1 - window_days).max(first_entry);
    let seconds = entries
        .iter()
        .filter(|&&(date, _)| window_start <= date && date <= today)
        .fold(0_i64, |sum, &(_, seconds)| sum.saturating_add(seconds));
    Some(BurnRate {
        window_start,
        days: days_between(window_start, today) + 1,
        seconds,
    })
}

/// When the budget runs out at the recent burn rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Forecast {
    /// The project has no budget to run out of.
    NoBudget,
    /// Nothing logged in the burn-rate window (or ever), or a rate so slow that the run-out date
    /// lies beyond the calendar.
    NoBurn,
    /// Already at or over budget. `since` is the day the cumulative time last reached the budget,
    /// `None` when that happened before anything was logged (a zero budget).
    OverBudget { since: Option<Date> },
    /// The day at whose end the cumulative time reaches the budget.
    RunOut(Date),
}

/// Forecast of when the budget runs out, using the default burn-rate window.
pub fn forecast(budget_seconds: Option<i64>, entries: &[(Date, i64)], today: Date) -> Forecast {
    let Some(budget) = budget_seconds else {
        return Forecast::NoBudget;
    };
    forecast_from_totals(
        budget,
        &daily_totals(entries, today),
        burn_rate(entries, today),
        today,
    )
}

fn forecast_from_totals(
    budget: i64,
    totals: &BTreeMap<Date, i64>,
    rate: Option<BurnRate>,
    today: Date,
) -> Forecast {
    let mut used: i64 = 0;
    let mut since = None;
    for (&date, &seconds) in totals {
        used = used.saturating_add(seconds);
        if used >= budget {
            since.get_or_insert(date);
        } else {
            // A correction brought the project back under budget; a later crossing is the one
            // that counts.
            since = None;
        }
    }
    if used >= budget {
        return Forecast::OverBudget { since };
    }
    let remaining = i128::from(budget) - i128::from(used);
    rate.and_then(|rate| rate.days_to_burn(remaining))
        .and_then(|days| add_days(today, days))
        .map_or(Forecast::NoBurn, Forecast::RunOut)
}

/// What a project is planned to be: its budget and the dates it is meant to run between.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProjectPlan {
    pub budget_seconds: Option<i64>,
    pub start: Option<Date>,
    pub end: Option<Date>,
}

/// Cumulative time used up to and including the end of `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsedPoint {
    pub date: Date,
    pub used_seconds: i64,
}

/// The even pace that uses the whole budget by the project's end date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IdealLine {
    /// Where the line is at zero.
    pub start: Date,
    /// Where the line reaches the budget; never before `start`.
    pub end: Date,
    pub budget_seconds: i64,
}

impl IdealLine {
    /// Time that should have been used by the end of `date` at the ideal pace, rounded down and
    /// flat outside the project's dates.
    pub fn seconds_at(&self, date: Date) -> i64 {
        if date <= self.start {
            return if self.start == self.end && date == self.end {
                self.budget_seconds
            } else {
                0
            };
        }
        if date >= self.end {
            return self.budget_seconds;
        }
        let elapsed = i128::from(days_between(self.start, date));
        let span = i128::from(days_between(self.start, self.end));
        let seconds = i128::from(self.budget_seconds) * elapsed / span;
        i64::try_from(seconds).unwrap_or(self.budget_seconds)
    }
}

/// Everything a burn-down chart shows, as plain data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurnDown {
    /// The last day of the used series and the day the forecast starts from.
    pub today: Date,
    pub budget_seconds: Option<i64>,
    /// One point per calendar day, ascending and without gaps, from the project start (or the
    /// first entry, whichever is earlier) to `today`. Empty when nothing has started yet.
    pub used: Vec<UsedPoint>,
    /// Present when the project has a non-negative budget, an end date and a known start.
    pub ideal: Option<IdealLine>,
    pub burn_rate: Option<BurnRate>,
    pub forecast: Forecast,
}

impl BurnDown {
    /// Builds the chart data for a project from its plan and its time entries.
    pub fn build(plan: &ProjectPlan, entries: &[(Date, i64)], today: Date) -> Self {
        let totals = daily_totals(entries, today);
        // Time logged before the official start still counts, so the series begins early enough
        // to include it and always ends at the total.
        let series_start = [
            plan.start.filter(|&start| start <= today),
            totals.keys().next().copied(),
        ]
        .into_iter()
        .flatten()
        .min();

        let mut used = Vec::new();
        if let Some(start) = series_start {
            let mut cumulative: i64 = 0;
            let mut date = start;
            loop {
                cumulative = cumulative.saturating_add(totals.get(&date).copied().unwrap_or(0));
                used.push(UsedPoint {
                    date,
                    used_seconds: cumulative,
                });
                match date.tomorrow() {
                    Ok(next) if next <= today => date = next,
                    _ => break,
                }
            }
        }

        let ideal = match (plan.budget_seconds, plan.start.or(series_start), plan.end) {
            (Some(budget_seconds), Some(start), Some(end))
                if budget_seconds >= 0 && end >= start =>
            {
                Some(IdealLine {
                    start,
                    end,
                    budget_seconds,
                })
            }
            _ => None,
        };

        let burn_rate = burn_rate(entries, today);
        let forecast = match plan.budget_seconds {
            None => Forecast::NoBudget,
            Some(budget) => forecast_from_totals(budget, &totals, burn_rate, today),
        };

        Self {
            today,
            budget_seconds: plan.budget_seconds,
            used,
            ideal,
            burn_rate,
            forecast,
        }
    }

    /// Time used up to and including today.
    pub fn used_seconds(&self) -> i64 {
        self.used.last().map_or(0, |point| point.used_seconds)
    }

    pub fn status(&self) -> BudgetStatus {
        BudgetStatus::new(self.budget_seconds, self.used_seconds())
    }
}

/// Seconds logged per day, up to and including `today`.
fn daily_totals(entries: &[(Date, i64)], today: Date) -> BTreeMap<Date, i64> {
    let mut totals = BTreeMap::new();
    for &(date, seconds) in entries.iter().filter(|&&(date, _)| date <= today) {
        let total: &mut i64 = totals.entry(date).or_insert(0);
        *total = total.saturating_add(seconds);
    }
    totals
}

/// Calendar days from `from` to `to`; civil dates have no DST, so every day is 24 h long.
fn days_between(from: Date, to: Date) -> i64 {
    from.duration_until(to).as_secs() / SECONDS_PER_DAY
}

fn add_days(date: Date, days: i64) -> Option<Date> {
    let seconds = days.checked_mul(SECONDS_PER_DAY)?;
    date.checked_add(SignedDuration::from_secs(seconds)).ok()
}

fn add_days_saturating(date: Date, days: i64) -> Date {
    date.saturating_add(SignedDuration::from_secs(
        days.saturating_mul(SECONDS_PER_DAY),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;
    use proptest::prelude::*;

    const H: i64 = SECONDS_PER_HOUR;

    fn day(n: i64) -> Date {
        add_days(date(2027, 1, 1), n).unwrap()
    }

    #[test]
    fn status_without_budget_has_no_percentage_and_is_never_over() {
        let status = BudgetStatus::new(None, 500 * H);
        assert_eq!(status.remaining_seconds(), None);
        assert_eq!(status.percent_used_bp(), None);
        assert!(!status.is_over());
        assert!(!status.is_used_up());
    }

    #[test]
    fn status_with_zero_budget() {
        let untouched = BudgetStatus::new(Some(0), 0);
        assert_eq!(untouched.percent_used_bp(), None);
        assert_eq!(untouched.remaining_seconds(), Some(0));
        assert!(!untouched.is_over());
        assert!(untouched.is_used_up());

        let worked = BudgetStatus::new(Some(0), 2 * H);
        assert_eq!(worked.percent_used_bp(), None);
        assert_eq!(worked.remaining_seconds(), Some(-2 * H));
        assert!(worked.is_over());
    }

    #[test]
    fn status_partly_used() {
        let status = BudgetStatus::new(Some(120 * H), 42 * H);
        assert_eq!(status.percent_used_bp(), Some(3_500));
        assert_eq!(status.remaining_seconds(), Some(78 * H));
        assert!(!status.is_over());
        assert!(!status.is_used_up());
    }

    #[test]
    fn status_exactly_at_budget_is_used_up_but_not_over() {
        let status = BudgetStatus::new(Some(120 * H), 120 * H);
        assert_eq!(status.percent_used_bp(), Some(10_000));
        assert_eq!(status.remaining_seconds(), Some(0));
        assert!(!status.is_over());
        assert!(status.is_used_up());
    }

    #[test]
    fn status_over_budget() {
        let status = BudgetStatus::new(Some(120 * H), 130 * H);
        assert_eq!(status.percent_used_bp(), Some(10_833));
        assert_eq!(status.remaining_seconds(), Some(-10 * H));
        assert!(status.is_over());
    }

    #[test]
    fn percentage_rounds_down_and_saturates() {
        let one_second_short = BudgetStatus::new(Some(120 * H), 120 * H - 1);
        assert_eq!(one_second_short.percent_used_bp(), Some(9_999));
        assert_eq!(
            BudgetStatus::new(Some(1), i64::MAX).percent_used_bp(),
            Some(u32::MAX)
        );
        assert_eq!(BudgetStatus::new(Some(H), -H).percent_used_bp(), Some(0));
        assert_eq!(BudgetStatus::new(Some(-H), 0).percent_used_bp(), None);
        assert_eq!(
            BudgetStatus::new(Some(i64::MIN), i64::MAX).remaining_seconds(),
            Some(i64::MIN)
        );
    }

    #[test]
    fn what_if_extra_work_without_extra_budget() {
        assert_eq!(what_if(Some(100 * H), 95 * H, 0, 15 * H), Some(11_000));
    }

    #[test]
    fn what_if_change_order_with_budget() {
        // 110 of 120 hours.
        assert_eq!(what_if(Some(100 * H), 95 * H, 20 * H, 15 * H), Some(9_166));
    }

    #[test]
    fn what_if_needs_a_budget() {
        assert_eq!(what_if(None, 10 * H, 20 * H, 5 * H), None);
        assert_eq!(what_if(Some(0), 10 * H, 20 * H, 5 * H), Some(7_500));
        assert_eq!(what_if(Some(10 * H), 0, -10 * H, 0), None);
    }

    #[test]
    fn what_if_with_no_change_matches_the_status() {
        assert_eq!(
            what_if(Some(120 * H), 42 * H, 0, 0),
            BudgetStatus::new(Some(120 * H), 42 * H).percent_used_bp()
        );
    }

    #[test]
    fn burn_rate_without_entries_is_unknown() {
        assert_eq!(burn_rate(&[], day(30)), None);
        assert_eq!(burn_rate(&[(day(31), H)], day(30)), None);
    }

    #[test]
    fn burn_rate_uses_the_trailing_28_days_including_today() {
        let today = day(59);
        let entries: Vec<_> = (0..60).map(|n| (day(n), H)).collect();
        let rate = burn_rate(&entries, today).unwrap();
        assert_eq!(rate.window_start, day(32));
        assert_eq!(rate.days, 28);
        assert_eq!(rate.seconds, 28 * H);
        assert_eq!(rate.seconds_per_day(), H as f64);
    }

    #[test]
    fn burn_rate_of_a_young_project_counts_from_its_first_entry() {
        let today = day(9);
        let rate = burn_rate(&[(day(0), 10 * H), (day(5), 10 * H)], today).unwrap();
        assert_eq!(rate.window_start, day(0));
        assert_eq!(rate.days, 10);
        assert_eq!(rate.seconds, 20 * H);
    }

    #[test]
    fn burn_rate_on_the_first_day_covers_one_day() {
        let rate = burn_rate(&[(day(3), 4 * H)], day(3)).unwrap();
        assert_eq!((rate.days, rate.seconds), (1, 4 * H));
    }

    #[test]
    fn burn_rate_handles_gaps_duplicates_unsorted_and_future_entries() {
        let today = day(40);
        let entries = [
            (day(40), H),
            (day(1), 100 * H),
            (day(20), 2 * H),
            (day(13), 50 * H),
            (day(20), 3 * H),
            (day(41), 999 * H),
        ];
        let rate = burn_rate(&entries, today).unwrap();
        assert_eq!(rate.window_start, day(13));
        assert_eq!(rate.days, 28);
        assert_eq!(rate.seconds, 56 * H);
    }

    #[test]
    fn burn_rate_with_nothing_recent_is_zero() {
        let rate = burn_rate(&[(day(0), 8 * H)], day(100)).unwrap();
        assert_eq!(rate.seconds, 0);
        assert!(!rate.is_burning());
    }

    #[test]
    fn burn_rate_over_a_custom_window() {
        let entries: Vec<_> = (0..30).map(|n| (day(n), n * 60)).collect();
        let rate = burn_rate_over(&entries, day(29), 7).unwrap();
        assert_eq!(rate.window_start, day(23));
        assert_eq!(rate.seconds, (23..30).sum::<i64>() * 60);
        let degenerate = burn_rate_over(&entries, day(29), 0).unwrap();
        assert_eq!((degenerate.days, degenerate.seconds), (1, 29 * 60));
    }

    #[test]
    fn forecast_without_budget() {
        assert_eq!(forecast(None, &[(day(0), H)], day(3)), Forecast::NoBudget);
    }

    #[test]
    fn forecast_with_no_burn_yet() {
        assert_eq!(forecast(Some(10 * H), &[], day(3)), Forecast::NoBurn);
        assert_eq!(
            forecast(Some(10 * H), &[(day(0), 0)], day(3)),
            Forecast::NoBurn
        );
        assert_eq!(
            forecast(Some(10 * H), &[(day(0), 2 * H)], day(90)),
            Forecast::NoBurn
        );
    }

    #[test]
    fn forecast_with_zero_budget() {
        assert_eq!(
            forecast(Some(0), &[], day(3)),
            Forecast::OverBudget { since: None }
        );
        assert_eq!(
            forecast(Some(0), &[(day(2), H), (day(1), H)], day(3)),
            Forecast::OverBudget {
                since: Some(day(1))
            }
        );
    }

    #[test]
    fn forecast_exactly_at_budget_is_over_since_the_crossing_day() {
        let entries = [(day(0), 4 * H), (day(2), 4 * H), (day(5), 2 * H)];
        assert_eq!(
            forecast(Some(10 * H), &entries, day(7)),
            Forecast::OverBudget {
                since: Some(day(5))
            }
        );
    }

    #[test]
    fn forecast_over_budget_uses_the_first_day_past_it() {
        let entries = [(day(9), 4 * H), (day(0), 8 * H), (day(3), 8 * H)];
        assert_eq!(
            forecast(Some(10 * H), &entries, day(10)),
            Forecast::OverBudget {
                since: Some(day(3))
            }
        );
    }

    #[test]
    fn forecast_over_budget_after_a_correction_counts_the_latest_crossing() {
        let entries = [(day(0), 12 * H), (day(1), -4 * H), (day(4), 3 * H)];
        assert_eq!(
            forecast(Some(10 * H), &entries, day(5)),
            Forecast::OverBudget {
                since: Some(day(4))
            }
        );
    }

    #[test]
    fn forecast_run_out_date() {
        let entries: Vec<_> = (0..30).map(|n| (day(n), 2 * H)).collect();
        let today = day(29);
        let rate = burn_rate(&entries, today).unwrap();
        assert_eq!((rate.days, rate.seconds), (28, 56 * H));
        // 60 h used, 40 h left, 2 h a day: 20 days.
        assert_eq!(
            forecast(Some(100 * H), &entries, today),
            Forecast::RunOut(day(49))
        );
        // 41 h left needs 20.5 days, so the budget is gone at the end of the 21st.
        assert_eq!(
            forecast(Some(101 * H), &entries, today),
            Forecast::RunOut(day(50))
        );
    }

    #[test]
    fn forecast_with_a_gap_in_the_window() {
        // 14 h in a 28-day window is half an hour a day; 6 h left takes 12 days.
        let entries = [(day(0), 10 * H), (day(27), 4 * H)];
        assert_eq!(
            forecast(Some(20 * H), &entries, day(27)),
            Forecast::RunOut(day(39))
        );
    }

    #[test]
    fn forecast_beyond_the_calendar_is_no_burn() {
        let entries = [(day(0), 1)];
        assert_eq!(forecast(Some(i64::MAX), &entries, day(0)), Forecast::NoBurn);
    }

    #[test]
    fn burn_down_of_a_project_with_nothing_started() {
        let plan = ProjectPlan {
            budget_seconds: Some(40 * H),
            start: Some(day(10)),
            end: Some(day(30)),
        };
        let chart = BurnDown::build(&plan, &[], day(5));
        assert!(chart.used.is_empty());
        assert_eq!(chart.used_seconds(), 0);
        assert_eq!(chart.forecast, Forecast::NoBurn);
        assert_eq!(chart.burn_rate, None);
        assert_eq!(
            chart.ideal,
            Some(IdealLine {
                start: day(10),
                end: day(30),
                budget_seconds: 40 * H
            })
        );
    }

    #[test]
    fn burn_down_without_anything_known() {
        let chart = BurnDown::build(&ProjectPlan::default(), &[], day(5));
        assert!(chart.used.is_empty());
        assert_eq!(chart.ideal, None);
        assert_eq!(chart.forecast, Forecast::NoBudget);
        assert_eq!(chart.status(), BudgetStatus::new(None, 0));
    }

    #[test]
    fn burn_down_fills_gaps_from_the_project_start() {
        let plan = ProjectPlan {
            budget_seconds: Some(10 * H),
            start: Some(day(0)),
            end: None,
        };
        let entries = [(day(4), H), (day(2), 2 * H), (day(2), H), (day(9), 5 * H)];
        let chart = BurnDown::build(&plan, &entries, day(5));
        let series: Vec<_> = chart
            .used
            .iter()
            .map(|point| (point.date, point.used_seconds / H))
            .collect();
        assert_eq!(
            series,
            [
                (day(0), 0),
                (day(1), 0),
                (day(2), 3),
                (day(3), 3),
                (day(4), 4),
                (day(5), 4)
            ]
        );
        assert_eq!(chart.ideal, None);
        assert_eq!(chart.status().percent_used_bp(), Some(4_000));
        assert_eq!(chart.forecast, forecast(Some(10 * H), &entries, day(5)));
    }

    #[test]
    fn burn_down_starts_at_time_logged_before_the_project_start() {
        let plan = ProjectPlan {
            budget_seconds: Some(10 * H),
            start: Some(day(3)),
            end: Some(day(13)),
        };
        let chart = BurnDown::build(&plan, &[(day(1), H)], day(4));
        assert_eq!(chart.used.first().map(|point| point.date), Some(day(1)));
        assert_eq!(chart.used.len(), 4);
        assert_eq!(chart.ideal.map(|ideal| ideal.start), Some(day(3)));
    }

    #[test]
    fn burn_down_ideal_line_starts_at_the_first_entry_without_a_start_date() {
        let plan = ProjectPlan {
            budget_seconds: Some(10 * H),
            start: None,
            end: Some(day(10)),
        };
        let chart = BurnDown::build(&plan, &[(day(2), H)], day(4));
        let ideal = chart.ideal.unwrap();
        assert_eq!((ideal.start, ideal.end), (day(2), day(10)));
    }

    #[test]
    fn burn_down_has_no_ideal_line_for_impossible_plans() {
        let backwards = ProjectPlan {
            budget_seconds: Some(10 * H),
            start: Some(day(5)),
            end: Some(day(4)),
        };
        assert_eq!(BurnDown::build(&backwards, &[], day(6)).ideal, None);
        let unbudgeted = ProjectPlan {
            budget_seconds: None,
            ..backwards
        };
        assert_eq!(BurnDown::build(&unbudgeted, &[], day(6)).ideal, None);
    }

    #[test]
    fn burn_down_forecast_and_rate_match_the_free_functions() {
        let plan = ProjectPlan {
            budget_seconds: Some(120 * H),
            start: Some(day(0)),
            end: Some(day(89)),
        };
        let entries: Vec<_> = (0..14).map(|n| (day(2 * n), 3 * H)).collect();
        let chart = BurnDown::build(&plan, &entries, day(27));
        assert_eq!(chart.used_seconds(), 42 * H);
        assert_eq!(chart.burn_rate, burn_rate(&entries, day(27)));
        // 78 h left at 1.5 h a day.
        assert_eq!(chart.forecast, Forecast::RunOut(day(27 + 52)));
        assert_eq!(chart.forecast, forecast(Some(120 * H), &entries, day(27)));
    }

    #[test]
    fn ideal_line_pace() {
        let ideal = IdealLine {
            start: day(0),
            end: day(10),
            budget_seconds: 100 * H,
        };
        assert_eq!(ideal.seconds_at(day(-3)), 0);
        assert_eq!(ideal.seconds_at(day(0)), 0);
        assert_eq!(ideal.seconds_at(day(4)), 40 * H);
        assert_eq!(ideal.seconds_at(day(10)), 100 * H);
        assert_eq!(ideal.seconds_at(day(20)), 100 * H);

        let one_day = IdealLine {
            start: day(0),
            end: day(0),
            budget_seconds: 8 * H,
        };
        assert_eq!(one_day.seconds_at(day(-1)), 0);
        assert_eq!(one_day.seconds_at(day(0)), 8 * H);
    }

    proptest! {
        #[test]
        fn cumulative_series_is_monotonic_and_ends_at_the_total(
            entries in prop::collection::vec((0_i64..90, 0_i64..12 * H), 0..60),
            today_offset in 0_i64..30,
            start_offset in prop::option::of(0_i64..120),
        ) {
            let last_entry = entries.iter().map(|&(offset, _)| offset).max().unwrap_or(0);
            let today = day(last_entry + today_offset);
            let entries: Vec<_> = entries
                .iter()
                .map(|&(offset, seconds)| (day(offset), seconds))
                .collect();
            let plan = ProjectPlan {
                budget_seconds: Some(100 * H),
                start: start_offset.map(day),
                end: None,
            };
            let chart = BurnDown::build(&plan, &entries, today);

            let total: i64 = entries.iter().map(|&(_, seconds)| seconds).sum();
            prop_assert_eq!(chart.used_seconds(), total);
            if let Some(last) = chart.used.last() {
                prop_assert_eq!(last.date, today);
            }
            for pair in chart.used.windows(2) {
                prop_assert!(pair[0].used_seconds <= pair[1].used_seconds);
                prop_assert_eq!(pair[0].date.tomorrow().unwrap(), pair[1].date);
            }
            if let Some(first) = entries.iter().map(|&(date, _)| date).min() {
                prop_assert!(chart.used[0].date <= first);
            }
        }
    }
}
