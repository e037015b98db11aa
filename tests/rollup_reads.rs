//! The partial roll-up reads behind the project summary, through a real
//! store: a forecast from `rollups::lifetime_days` must equal the forecast
//! from every day row of the project's life, and the (category, week) rows
//! must sum to the same total as the day rows.

use glasshouse::domain::budget;
use glasshouse::domain::entry::{Entry, Source};
use glasshouse::domain::rollup::Tally;
use glasshouse::domain::time::Day;
use glasshouse::domain::{CategoryId, EntryId, ProjectId, UserId};
use glasshouse::metrics::Metrics;
use glasshouse::store::records::Reads;
use glasshouse::store::{Store, entries, rollups};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

const PROJECT: ProjectId = ProjectId(7);

/// Stores entries of PROJECT (and a few of another project, which must not
/// count) given as (day offset, seconds, category).
fn store_with(entries_of: &[(i64, i64, u64)]) -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), Metrics::new().store.clone()).unwrap();
    let base: Timestamp = "2025-01-06T08:00:00Z".parse().unwrap();
    let mut batch: Vec<Entry> = entries_of
        .iter()
        .enumerate()
        .map(|(i, &(day, seconds, category))| {
            let start = base + SignedDuration::from_hours(24 * day);
            Entry {
                id: EntryId(0),
                project_id: if i % 7 == 6 { ProjectId(8) } else { PROJECT },
                category_id: CategoryId(category),
                user_id: UserId(1),
                start,
                end: start + SignedDuration::from_secs(seconds),
                description: "Layout work".into(),
                billable: true,
                internal: false,
                internal_note: String::new(),
                approved: false,
                source: Source::Manual,
                created_at: base,
                updated_at: base,
            }
        })
        .collect();
    store
        .write_blocking(move |txn| {
            let calendar = txn.settings()?.calendar();
            entries::insert_bulk(txn, &calendar, &mut batch)
        })
        .unwrap();
    (dir, store)
}

fn dated(days: &[(Day, i64)]) -> Vec<(Date, i64)> {
    days.iter().map(|(d, s)| (d.date(), *s)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(60))]

    #[test]
    fn a_forecast_from_the_partial_days_equals_one_from_every_day(
        logged in prop::collection::vec((0..400i64, 60..30_000i64, 1..=3u64), 0..120),
        // Budgets from nothing to well past what was logged.
        budget_share in 0..160i64,
        today_offset in -20..430i64,
        // Reading from further back than the forecast's burn-rate window is
        // allowed; from later is not.
        window in 28..60i32,
    ) {
        let (_dir, store) = store_with(&logged);
        let (all, weeks, partial, today) = store
            .read(|txn| {
                let calendar = txn.settings()?.calendar();
                let base: Timestamp = "2025-01-06T12:00:00Z".parse().unwrap();
                let today = Day::from_date(
                    calendar.date_of(base + SignedDuration::from_hours(24 * today_offset)),
                );
                let all = rollups::project(txn, PROJECT)?;
                let weeks = rollups::project_weeks(txn, PROJECT)?;
                let mut total = Tally::default();
                weeks.iter().for_each(|(_, _, t)| total.add(*t));
                let budget = total.seconds * budget_share / 100;
                let from = Day(today.0 - (window - 1));
                let partial =
                    rollups::lifetime_days(txn, PROJECT, total.seconds, budget, from, today)?;
                Ok((all, total, (partial, budget, from), today))
            })
            .unwrap();
        let (partial, budget, from) = partial;

        prop_assert_eq!(all.total(), weeks);
        // The partial list keeps every day of the window and all that came after.
        let every: Vec<(Day, i64)> = all.by_day.iter().map(|(d, t)| (*d, t.seconds)).collect();
        let recent: Vec<(Day, i64)> = every.iter().copied().filter(|(d, _)| *d >= from).collect();
        prop_assert!(partial.ends_with(&recent));
        prop_assert_eq!(partial.iter().map(|(_, s)| s).sum::<i64>(), weeks.seconds);
        prop_assert!(partial.len() <= every.len());

        let today = today.date();
        prop_assert_eq!(
            budget::forecast(Some(budget), &dated(&partial), today),
            budget::forecast(Some(budget), &dated(&every), today)
        );
        prop_assert_eq!(
            budget::burn_rate(&dated(&partial), today),
            budget::burn_rate(&dated(&every), today)
        );
    }
}

#[test]
fn an_old_project_under_budget_reads_only_its_recent_days() {
    // A day's work every day for a year, and a budget far from used up.
    let logged: Vec<(i64, i64, u64)> = (0..365).map(|d| (d, 3_600, 1)).collect();
    let (_dir, store) = store_with(&logged);
    let (partial, recent) = store
        .read(|txn| {
            let calendar = txn.settings()?.calendar();
            let today = Day::from_date(calendar.date_of("2026-01-05T12:00:00Z".parse().unwrap()));
            let from = Day(today.0 - 27);
            let total = rollups::project(txn, PROJECT)?.total().seconds;
            let recent = rollups::project_days(txn, PROJECT, from..=today)?;
            let partial = rollups::lifetime_days(txn, PROJECT, total, total * 2, from, today)?;
            Ok((partial, recent))
        })
        .unwrap();
    // The window's days, plus the folded total of everything before.
    assert!(recent.len() >= 20, "{recent:?}");
    assert_eq!(partial.len(), recent.len() + 1);
    let first = partial[0];
    assert_eq!(first.0.date(), Date::constant(2025, 1, 6));
    assert!(first.1 > 250 * 3_600, "{first:?}");
}
