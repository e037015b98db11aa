//! Roll-ups: running totals kept beside the entries.
//!
//! Every entry change adds its tally to three buckets (project x category
//! x week, project x day, user x week) in the same transaction, so summaries
//! read a few rows instead of scanning entries. Because the buckets are a
//! pure function of an entry, they can always be recomputed and compared.

use serde::{Deserialize, Serialize};

use super::entry::Entry;
use super::time::{Calendar, Day};
use super::{CategoryId, ProjectId, UserId};

/// Totals for one bucket.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tally {
    pub seconds: i64,
    pub billable_seconds: i64,
    /// Seconds of entries their author flagged internal.
    pub internal_seconds: i64,
    pub entries: i64,
}

impl Tally {
    pub fn of(entry: &Entry) -> Tally {
        Tally {
            seconds: entry.seconds(),
            billable_seconds: entry.billable_seconds(),
            internal_seconds: if entry.internal { entry.seconds() } else { 0 },
            entries: 1,
        }
    }

    pub fn add(&mut self, other: Tally) {
        self.seconds += other.seconds;
        self.billable_seconds += other.billable_seconds;
        self.internal_seconds += other.internal_seconds;
        self.entries += other.entries;
    }

    pub fn subtract(&mut self, other: Tally) {
        self.seconds -= other.seconds;
        self.billable_seconds -= other.billable_seconds;
        self.internal_seconds -= other.internal_seconds;
        self.entries -= other.entries;
    }

    pub fn is_zero(&self) -> bool {
        *self == Tally::default()
    }
}

/// The buckets one entry counts towards. An entry belongs to the local day
/// and week in which it starts, even when it runs past midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Buckets {
    pub project_week: (ProjectId, CategoryId, Day),
    pub project_day: (ProjectId, Day),
    pub user_week: (UserId, Day),
}

impl Buckets {
    pub fn of(entry: &Entry, calendar: &Calendar) -> Buckets {
        let date = calendar.date_of(entry.start);
        let week = calendar.week_of(date);
        Buckets {
            project_week: (entry.project_id, entry.category_id, week),
            project_day: (entry.project_id, Day::from_date(date)),
            user_week: (entry.user_id, week),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::EntryId;
    use crate::domain::entry::Source;
    use jiff::civil::{Weekday, date};

    fn entry(start: &str, end: &str, billable: bool, internal: bool) -> Entry {
        let now = "2026-01-01T00:00:00Z".parse().unwrap();
        Entry {
            id: EntryId(1),
            project_id: ProjectId(3),
            category_id: CategoryId(4),
            user_id: UserId(5),
            start: start.parse().unwrap(),
            end: end.parse().unwrap(),
            description: "Design review".into(),
            billable,
            internal,
            internal_note: String::new(),
            approved: false,
            source: Source::Manual,
            created_at: now,
            updated_at: now,
        }
    }

    #[test]
    fn a_tally_counts_billable_and_internal_time() {
        let t = Tally::of(&entry(
            "2026-03-02T09:00:00Z",
            "2026-03-02T10:30:00Z",
            true,
            false,
        ));
        assert_eq!(
            t,
            Tally {
                seconds: 5400,
                billable_seconds: 5400,
                internal_seconds: 0,
                entries: 1
            }
        );
        let mut sum = t;
        sum.add(Tally::of(&entry(
            "2026-03-02T11:00:00Z",
            "2026-03-02T11:30:00Z",
            false,
            true,
        )));
        assert_eq!(
            sum,
            Tally {
                seconds: 7200,
                billable_seconds: 5400,
                internal_seconds: 1800,
                entries: 2
            }
        );
        sum.subtract(t);
        sum.subtract(Tally::of(&entry(
            "2026-03-02T11:00:00Z",
            "2026-03-02T11:30:00Z",
            false,
            true,
        )));
        assert!(sum.is_zero());
    }

    #[test]
    fn buckets_follow_the_local_start_day_across_dst() {
        let cal = Calendar::new("Europe/Berlin", Weekday::Monday).unwrap();
        // Sunday night, the hour Berlin falls back: still the week of 19 October.
        let e = entry("2026-10-25T21:30:00Z", "2026-10-25T23:30:00Z", true, false);
        let b = Buckets::of(&e, &cal);
        assert_eq!(b.project_day.1, Day::from_date(date(2026, 10, 25)));
        assert_eq!(b.project_week.2, Day::from_date(date(2026, 10, 19)));
        // 23:30 UTC is already Monday 00:30 in Berlin: the next week.
        let e = entry("2026-10-25T23:30:00Z", "2026-10-26T01:00:00Z", true, false);
        assert_eq!(
            Buckets::of(&e, &cal).user_week.1,
            Day::from_date(date(2026, 10, 26))
        );
    }
}
