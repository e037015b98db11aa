//! The lens: what a client sees of one project, and when new time reaches
//! them.
//!
//! Agency settings hold the default lens; a project may carry its own. The
//! publishing cadence is computed in the agency's zone with zoned
//! arithmetic, so a daily 18:00 cutoff is 18:00 local on both sides of a
//! daylight-saving change, and a local time that does not exist on a given
//! day (the hour skipped in spring) resolves forward to the first instant
//! after the gap.

use jiff::civil::{Date, Time, Weekday};
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::Invalid;
use super::time::Calendar;

/// How much of the time log the client sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeDetail {
    Hidden,
    Summary,
    Detailed,
}

/// How the time summary is grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grouping {
    ByCategory,
    ByWeek,
    Both,
}

impl Grouping {
    pub fn by_category(self) -> bool {
        matches!(self, Grouping::ByCategory | Grouping::Both)
    }

    pub fn by_week(self) -> bool {
        matches!(self, Grouping::ByWeek | Grouping::Both)
    }
}

/// Whether the budget is shown in hours only or with money as well.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BudgetDisplay {
    HoursAndPercent,
    WithMoney,
}

/// When new time becomes visible to the client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Publishing {
    /// Every finished entry, at once.
    Live,
    /// Once a day at a local time.
    Daily { at: Time },
    /// Once a week on a weekday at a local time.
    Weekly {
        #[serde(with = "super::time::weekday_serde")]
        day: Weekday,
        at: Time,
    },
}

pub const DEFAULT_PUBLISH_AT: Time = Time::constant(18, 0, 0, 0);

/// Which parts of the project page the client sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sections {
    pub milestones: bool,
    pub time: bool,
    pub budget: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lens {
    pub time_detail: TimeDetail,
    pub grouping: Grouping,
    /// Staff names are hidden unless this is set.
    pub staff_names: bool,
    pub budget: BudgetDisplay,
    pub publishing: Publishing,
    /// Only entries a manager approved are published.
    pub only_approved: bool,
    pub sections: Sections,
}

impl Default for Lens {
    fn default() -> Self {
        Lens {
            time_detail: TimeDetail::Summary,
            grouping: Grouping::ByCategory,
            staff_names: false,
            budget: BudgetDisplay::HoursAndPercent,
            publishing: Publishing::Daily {
                at: DEFAULT_PUBLISH_AT,
            },
            only_approved: false,
            sections: Sections {
                milestones: true,
                time: true,
                budget: true,
            },
        }
    }
}

/// The instant a local time falls on a local date; a time inside a gap
/// moves forward past the gap (jiff's compatible disambiguation).
fn at_local(calendar: &Calendar, date: Date, at: Time) -> Option<Timestamp> {
    date.to_datetime(at)
        .to_zoned(calendar.zone.clone())
        .ok()
        .map(|z| z.timestamp())
}

fn shift(date: Date, days: i64) -> Option<Date> {
    date.checked_add(days.days()).ok()
}

/// The latest cutoff at or before `now`: entries that ended by then are
/// published. Live publishing cuts off at `now` itself. `None` only at the
/// edge of the calendar.
pub fn last_cutoff(lens: &Lens, calendar: &Calendar, now: Timestamp) -> Option<Timestamp> {
    let today = calendar.date_of(now);
    match lens.publishing {
        Publishing::Live => Some(now),
        Publishing::Daily { at } => {
            let candidate = at_local(calendar, today, at)?;
            if candidate <= now {
                Some(candidate)
            } else {
                at_local(calendar, shift(today, -1)?, at)
            }
        }
        Publishing::Weekly { day, at } => {
            let back = i64::from(today.weekday().since(day));
            let candidate = at_local(calendar, shift(today, -back)?, at)?;
            if candidate <= now {
                Some(candidate)
            } else {
                at_local(calendar, shift(today, -back - 7)?, at)
            }
        }
    }
}

/// The first cutoff after `now`; `None` for live publishing, which has no
/// schedule.
pub fn next_cutoff(lens: &Lens, calendar: &Calendar, now: Timestamp) -> Option<Timestamp> {
    let today = calendar.date_of(now);
    match lens.publishing {
        Publishing::Live => None,
        Publishing::Daily { at } => {
            let candidate = at_local(calendar, today, at)?;
            if candidate > now {
                Some(candidate)
            } else {
                at_local(calendar, shift(today, 1)?, at)
            }
        }
        Publishing::Weekly { day, at } => {
            let ahead = i64::from(day.since(today.weekday()));
            let candidate = at_local(calendar, shift(today, ahead)?, at)?;
            if candidate > now {
                Some(candidate)
            } else {
                at_local(calendar, shift(today, ahead + 7)?, at)
            }
        }
    }
}

macro_rules! named {
    ($t:ty, $field:literal, $hint:literal, $($variant:path => $name:literal),+ $(,)?) => {
        impl $t {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($variant => $name),+
                }
            }

            pub fn parse(raw: &str) -> Result<Self, Invalid> {
                match raw.trim() {
                    $($name => Ok($variant),)+
                    _ => Err(Invalid::new($field, $hint)),
                }
            }
        }
    };
}

named!(TimeDetail, "time_detail", "must be hidden, summary or detailed",
    TimeDetail::Hidden => "hidden", TimeDetail::Summary => "summary",
    TimeDetail::Detailed => "detailed");
named!(Grouping, "grouping", "must be by_category, by_week or both",
    Grouping::ByCategory => "by_category", Grouping::ByWeek => "by_week",
    Grouping::Both => "both");
named!(BudgetDisplay, "budget", "must be hours_and_percent or with_money",
    BudgetDisplay::HoursAndPercent => "hours_and_percent",
    BudgetDisplay::WithMoney => "with_money");

impl Publishing {
    pub fn kind(self) -> &'static str {
        match self {
            Publishing::Live => "live",
            Publishing::Daily { .. } => "daily",
            Publishing::Weekly { .. } => "weekly",
        }
    }

    /// The local time of a scheduled cadence.
    pub fn at(self) -> Option<Time> {
        match self {
            Publishing::Live => None,
            Publishing::Daily { at } | Publishing::Weekly { at, .. } => Some(at),
        }
    }

    /// Builds a cadence from its form fields: the kind, `HH:MM` and a
    /// weekday (used only by the kinds that need them).
    pub fn parse(kind: &str, at: &str, day: &str) -> Result<Publishing, Invalid> {
        match kind.trim() {
            "live" => Ok(Publishing::Live),
            "daily" => Ok(Publishing::Daily {
                at: parse_time_of_day("publish_at", at)?,
            }),
            "weekly" => Ok(Publishing::Weekly {
                day: super::time::parse_weekday("publish_day", day)?,
                at: parse_time_of_day("publish_at", at)?,
            }),
            _ => Err(Invalid::new("publishing", "must be live, daily or weekly")),
        }
    }
}

/// Parses a local time of day typed as `HH:MM`.
pub fn parse_time_of_day(field: &'static str, raw: &str) -> Result<Time, Invalid> {
    let bad = || Invalid::new(field, "must be a time of day such as 18:00");
    let (h, m) = raw.trim().split_once(':').ok_or_else(bad)?;
    let h: i8 = h.parse().map_err(|_| bad())?;
    let m: i8 = m.parse().map_err(|_| bad())?;
    Time::new(h, m, 0, 0).map_err(|_| bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn berlin() -> Calendar {
        Calendar::new("Europe/Berlin", Weekday::Monday).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn daily(h: i8, m: i8) -> Lens {
        Lens {
            publishing: Publishing::Daily {
                at: Time::constant(h, m, 0, 0),
            },
            ..Lens::default()
        }
    }

    #[test]
    fn live_publishes_up_to_now_and_has_no_schedule() {
        let lens = Lens {
            publishing: Publishing::Live,
            ..Lens::default()
        };
        let now = ts("2026-03-29T12:00:00Z");
        assert_eq!(last_cutoff(&lens, &berlin(), now), Some(now));
        assert_eq!(next_cutoff(&lens, &berlin(), now), None);
    }

    #[test]
    fn daily_cutoff_is_local_on_both_sides_of_spring_forward() {
        // Berlin springs forward on Sunday 2026-03-29: 18:00 is 17:00 UTC on
        // the Saturday and 16:00 UTC on the Sunday.
        let (cal, lens) = (berlin(), daily(18, 0));
        let saturday = ts("2026-03-28T17:00:00Z");
        let sunday = ts("2026-03-29T16:00:00Z");
        let just_before = ts("2026-03-29T15:59:59Z");
        assert_eq!(last_cutoff(&lens, &cal, just_before), Some(saturday));
        assert_eq!(next_cutoff(&lens, &cal, just_before), Some(sunday));
        assert_eq!(last_cutoff(&lens, &cal, sunday), Some(sunday));
        assert_eq!(
            next_cutoff(&lens, &cal, sunday),
            Some(ts("2026-03-30T16:00:00Z"))
        );
    }

    #[test]
    fn daily_cutoff_is_local_on_both_sides_of_fall_back() {
        // Berlin falls back on Sunday 2026-10-25: 18:00 is 16:00 UTC on the
        // Saturday and 17:00 UTC on the Sunday.
        let (cal, lens) = (berlin(), daily(18, 0));
        let saturday = ts("2026-10-24T16:00:00Z");
        let sunday = ts("2026-10-25T17:00:00Z");
        let between = ts("2026-10-25T16:30:00Z");
        assert_eq!(last_cutoff(&lens, &cal, between), Some(saturday));
        assert_eq!(next_cutoff(&lens, &cal, between), Some(sunday));
        assert_eq!(
            last_cutoff(&lens, &cal, ts("2026-10-25T17:00:01Z")),
            Some(sunday)
        );
        assert_eq!(
            next_cutoff(&lens, &cal, sunday),
            Some(ts("2026-10-26T17:00:00Z"))
        );
    }

    #[test]
    fn a_cutoff_inside_the_spring_gap_moves_forward() {
        // 02:30 does not exist in Berlin on 2026-03-29; it becomes 03:30 CEST.
        let (cal, lens) = (berlin(), daily(2, 30));
        let gap = ts("2026-03-29T01:30:00Z");
        assert_eq!(
            last_cutoff(&lens, &cal, ts("2026-03-29T01:29:59Z")),
            Some(ts("2026-03-28T01:30:00Z"))
        );
        assert_eq!(
            next_cutoff(&lens, &cal, ts("2026-03-29T00:00:00Z")),
            Some(gap)
        );
        assert_eq!(last_cutoff(&lens, &cal, gap), Some(gap));
        // The next day the time exists again, one hour earlier in UTC.
        assert_eq!(
            next_cutoff(&lens, &cal, gap),
            Some(ts("2026-03-30T00:30:00Z"))
        );
    }

    #[test]
    fn weekly_cutoffs_follow_the_weekday_across_dst() {
        let cal = berlin();
        let lens = Lens {
            publishing: Publishing::Weekly {
                day: Weekday::Friday,
                at: Time::constant(17, 0, 0, 0),
            },
            ..Lens::default()
        };
        // Friday 2026-10-23 17:00 CEST = 15:00 UTC; Friday 2026-10-30 17:00 CET = 16:00 UTC.
        let before = ts("2026-10-23T15:00:00Z");
        let after = ts("2026-10-30T16:00:00Z");
        let sunday = ts("2026-10-25T12:00:00Z");
        assert_eq!(last_cutoff(&lens, &cal, sunday), Some(before));
        assert_eq!(next_cutoff(&lens, &cal, sunday), Some(after));
        // On the Friday itself, before and after the hour.
        assert_eq!(
            last_cutoff(&lens, &cal, ts("2026-10-30T15:59:59Z")),
            Some(before)
        );
        assert_eq!(last_cutoff(&lens, &cal, after), Some(after));
        assert_eq!(
            next_cutoff(&lens, &cal, after),
            Some(ts("2026-11-06T16:00:00Z"))
        );
        // Spring: Friday 2026-03-27 17:00 CET = 16:00 UTC, then 2026-04-03 at 15:00 UTC.
        let spring = ts("2026-03-30T08:00:00Z");
        assert_eq!(
            last_cutoff(&lens, &cal, spring),
            Some(ts("2026-03-27T16:00:00Z"))
        );
        assert_eq!(
            next_cutoff(&lens, &cal, spring),
            Some(ts("2026-04-03T15:00:00Z"))
        );
    }

    #[test]
    fn the_last_cutoff_never_passes_now_and_the_next_always_does() {
        let cal = berlin();
        let lenses = [
            daily(18, 0),
            daily(0, 0),
            daily(2, 30),
            Lens {
                publishing: Publishing::Weekly {
                    day: Weekday::Sunday,
                    at: Time::constant(2, 30, 0, 0),
                },
                ..Lens::default()
            },
        ];
        let mut now = ts("2026-03-20T00:00:00Z");
        while now < ts("2026-04-05T00:00:00Z") {
            for lens in &lenses {
                let last = last_cutoff(lens, &cal, now).unwrap();
                let next = next_cutoff(lens, &cal, now).unwrap();
                assert!(last <= now && now < next, "{now} {last} {next}");
                // Nothing lies between: the last cutoff's successor is the next one.
                assert_eq!(next_cutoff(lens, &cal, last), Some(next), "{now}");
            }
            now += jiff::SignedDuration::from_mins(37);
        }
    }

    #[test]
    fn lens_fields_parse_by_name() {
        for d in [
            TimeDetail::Hidden,
            TimeDetail::Summary,
            TimeDetail::Detailed,
        ] {
            assert_eq!(TimeDetail::parse(d.as_str()).unwrap(), d);
        }
        for g in [Grouping::ByCategory, Grouping::ByWeek, Grouping::Both] {
            assert_eq!(Grouping::parse(g.as_str()).unwrap(), g);
        }
        assert_eq!(TimeDetail::parse("all").unwrap_err().field, "time_detail");
        assert_eq!(BudgetDisplay::parse("x").unwrap_err().field, "budget");
        assert_eq!(
            Publishing::parse("weekly", "17:30", "friday").unwrap(),
            Publishing::Weekly {
                day: Weekday::Friday,
                at: Time::constant(17, 30, 0, 0)
            }
        );
        assert_eq!(Publishing::parse("live", "", "").unwrap(), Publishing::Live);
        assert_eq!(
            Publishing::parse("weekly", "17:30", "someday")
                .unwrap_err()
                .field,
            "publish_day"
        );
        assert_eq!(
            Publishing::parse("daily", "25:00", "").unwrap_err().field,
            "publish_at"
        );
        assert_eq!(
            Publishing::parse("hourly", "", "").unwrap_err().field,
            "publishing"
        );
    }

    #[test]
    fn times_of_day_parse() {
        assert_eq!(
            parse_time_of_day("at", "18:00").unwrap(),
            Time::constant(18, 0, 0, 0)
        );
        assert_eq!(
            parse_time_of_day("at", " 7:05 ").unwrap(),
            Time::constant(7, 5, 0, 0)
        );
        for bad in ["", "18", "24:00", "12:60", "ab:cd"] {
            assert_eq!(parse_time_of_day("at", bad).unwrap_err().field, "at");
        }
    }
}
