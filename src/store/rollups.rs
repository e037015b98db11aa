//! Keeping roll-ups in step with entries, reading them, and checking them.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::ops::RangeInclusive;

use redb::{AccessGuard, ReadTransaction, ReadableTable, WriteTransaction};

use super::{Error, decode, encode, tables};
use crate::domain::entry::Entry;
use crate::domain::rollup::{Buckets, Tally};
use crate::domain::time::{Calendar, Day};
use crate::domain::{CategoryId, ProjectId, UserId};

#[derive(Clone, Copy)]
pub enum Change {
    Add,
    Remove,
}

/// Adds or removes one entry's tally in each of its buckets.
pub fn apply(
    txn: &WriteTransaction,
    calendar: &Calendar,
    entry: &Entry,
    change: Change,
) -> Result<(), Error> {
    let buckets = Buckets::of(entry, calendar);
    let tally = Tally::of(entry);
    let (p, c, w) = buckets.project_week;
    bump(
        &mut txn.open_table(tables::ROLLUP_PROJECT_WEEK)?,
        (p.0, c.0, w.0),
        tally,
        change,
    )?;
    let (p, d) = buckets.project_day;
    bump(
        &mut txn.open_table(tables::ROLLUP_PROJECT_DAY)?,
        (p.0, d.0),
        tally,
        change,
    )?;
    let (u, w) = buckets.user_week;
    bump(
        &mut txn.open_table(tables::ROLLUP_USER_WEEK)?,
        (u.0, w.0),
        tally,
        change,
    )?;
    Ok(())
}

fn bump<K: redb::Key + 'static>(
    table: &mut redb::Table<K, &'static [u8]>,
    key: K::SelfType<'_>,
    tally: Tally,
    change: Change,
) -> Result<(), Error> {
    let mut current: Tally = match table.get(&key)? {
        Some(v) => decode("rollups", v.value())?,
        None => Tally::default(),
    };
    match change {
        Change::Add => current.add(tally),
        Change::Remove => current.subtract(tally),
    }
    if current.is_zero() {
        table.remove(&key)?;
    } else {
        table.insert(&key, encode(&current).as_slice())?;
    }
    Ok(())
}

/// Adds summed tallies to the stored roll-ups: one read and one write per
/// bucket, however many entries the sums cover.
pub fn merge(txn: &WriteTransaction, sums: &Snapshot) -> Result<(), Error> {
    let mut table = txn.open_table(tables::ROLLUP_PROJECT_WEEK)?;
    for (key, tally) in &sums.project_week {
        bump(&mut table, *key, *tally, Change::Add)?;
    }
    let mut table = txn.open_table(tables::ROLLUP_PROJECT_DAY)?;
    for (key, tally) in &sums.project_day {
        bump(&mut table, *key, *tally, Change::Add)?;
    }
    let mut table = txn.open_table(tables::ROLLUP_USER_WEEK)?;
    for (key, tally) in &sums.user_week {
        bump(&mut table, *key, *tally, Change::Add)?;
    }
    Ok(())
}

/// One project's roll-up rows: (category, week) and day tallies.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ProjectRollup {
    pub by_category_week: Vec<(CategoryId, Day, Tally)>,
    pub by_day: Vec<(Day, Tally)>,
}

impl ProjectRollup {
    pub fn total(&self) -> Tally {
        let mut total = Tally::default();
        self.by_day.iter().for_each(|(_, t)| total.add(*t));
        total
    }
}

/// Every roll-up row of a project's life. Its cost grows with the age of
/// the project; `project_weeks`, `project_days` and `lifetime_days` read
/// only what a view needs.
pub fn project(txn: &ReadTransaction, project: ProjectId) -> Result<ProjectRollup, Error> {
    Ok(ProjectRollup {
        by_category_week: project_weeks(txn, project)?,
        by_day: project_days(txn, project, Day(i32::MIN)..=Day(i32::MAX))?,
    })
}

/// One project's (category, week) rows in key order. Every entry of the
/// project is in exactly one of them, so they also sum to its total.
pub fn project_weeks(
    txn: &ReadTransaction,
    project: ProjectId,
) -> Result<Vec<(CategoryId, Day, Tally)>, Error> {
    let weeks = txn.open_table(tables::ROLLUP_PROJECT_WEEK)?;
    let mut out = Vec::new();
    for row in weeks.range((project.0, 0, i32::MIN)..=(project.0, u64::MAX, i32::MAX))? {
        let (key, value) = row?;
        let (_, category, week) = key.value();
        out.push((
            CategoryId(category),
            Day(week),
            decode("rollups", value.value())?,
        ));
    }
    Ok(out)
}

/// One project's day rows within `days`, oldest first.
pub fn project_days(
    txn: &ReadTransaction,
    project: ProjectId,
    days: RangeInclusive<Day>,
) -> Result<Vec<(Day, Tally)>, Error> {
    let table = txn.open_table(tables::ROLLUP_PROJECT_DAY)?;
    let mut out = Vec::new();
    for row in table.range((project.0, days.start().0)..=(project.0, days.end().0))? {
        let (key, value) = row?;
        out.push((Day(key.value().1), decode("rollups", value.value())?));
    }
    Ok(out)
}

/// The seconds per day that a forecast of a lifetime budget needs, without
/// reading the project's whole life: every day from `from` on, and, while
/// the time logged before the earliest of them still reaches `budget`, the
/// days before it (the day a project went over budget is the first of the
/// last run of days it stayed over). Whatever is older is folded into one
/// total dated on the project's first day, which counts towards the time
/// used but, lying before `from`, not towards a burn rate measured from
/// `from`. `total` is the project's lifetime seconds, `today` the last day a
/// forecast counts; `from` must be no later than the first day of the
/// forecast's burn-rate window.
pub fn lifetime_days(
    txn: &ReadTransaction,
    project: ProjectId,
    total: i64,
    budget: i64,
    from: Day,
    today: Day,
) -> Result<Vec<(Day, i64)>, Error> {
    let table = txn.open_table(tables::ROLLUP_PROJECT_DAY)?;
    let p = project.0;
    let mut recent = Vec::new();
    for row in table.range((p, from.0)..=(p, i32::MAX))? {
        recent.push(day_seconds(row)?);
    }
    let later: i64 = recent
        .iter()
        .filter(|(d, _)| *d > today)
        .map(|(_, s)| s)
        .sum();
    let mut before = total - recent.iter().map(|(_, s)| s).sum::<i64>();

    let mut walked = Vec::new();
    if total - later >= budget {
        for row in table.range((p, i32::MIN)..(p, from.0))?.rev() {
            if before < budget {
                break;
            }
            let (day, s) = day_seconds(row)?;
            before -= s;
            walked.push((day, s));
        }
    }
    let earliest = walked.last().or(recent.first()).map_or(from, |(d, _)| *d);
    let first = table
        .range((p, i32::MIN)..(p, earliest.0))?
        .next()
        .map(day_seconds)
        .transpose()?;

    let mut out = Vec::with_capacity(recent.len() + walked.len() + 1);
    if let Some((first_day, _)) = first {
        out.push((first_day, before));
    }
    out.extend(walked.into_iter().rev());
    out.extend(recent);
    Ok(out)
}

type DayRow<'a> = (AccessGuard<'a, (u64, i32)>, AccessGuard<'a, &'static [u8]>);

fn day_seconds(row: Result<DayRow<'_>, redb::StorageError>) -> Result<(Day, i64), Error> {
    let (key, value) = row?;
    let tally: Tally = decode("rollups", value.value())?;
    Ok((Day(key.value().1), tally.seconds))
}

/// A person's tally for the week starting on `week`.
pub fn user_week(txn: &ReadTransaction, user: UserId, week: Day) -> Result<Tally, Error> {
    let table = txn.open_table(tables::ROLLUP_USER_WEEK)?;
    let value = table.get((user.0, week.0))?;
    match value {
        Some(v) => decode("rollups", v.value()),
        None => Ok(Tally::default()),
    }
}

/// All three roll-up tables as plain maps, for comparing.
#[derive(Debug, Default, PartialEq)]
pub struct Snapshot {
    pub project_week: BTreeMap<(u64, u64, i32), Tally>,
    pub project_day: BTreeMap<(u64, i32), Tally>,
    pub user_week: BTreeMap<(u64, i32), Tally>,
}

impl Snapshot {
    /// Adds entries to the recomputed totals.
    pub fn add<E: Borrow<Entry>>(
        &mut self,
        entries: impl IntoIterator<Item = E>,
        calendar: &Calendar,
    ) {
        let snap = self;
        for entry in entries {
            let b = Buckets::of(entry.borrow(), calendar);
            let t = Tally::of(entry.borrow());
            let (p, c, w) = b.project_week;
            snap.project_week.entry((p.0, c.0, w.0)).or_default().add(t);
            let (p, d) = b.project_day;
            snap.project_day.entry((p.0, d.0)).or_default().add(t);
            let (u, w) = b.user_week;
            snap.user_week.entry((u.0, w.0)).or_default().add(t);
        }
    }

    pub fn stored(txn: &ReadTransaction) -> Result<Snapshot, Error> {
        let mut snap = Snapshot::default();
        for row in txn.open_table(tables::ROLLUP_PROJECT_WEEK)?.iter()? {
            let (k, v) = row?;
            snap.project_week
                .insert(k.value(), decode("rollups", v.value())?);
        }
        for row in txn.open_table(tables::ROLLUP_PROJECT_DAY)?.iter()? {
            let (k, v) = row?;
            snap.project_day
                .insert(k.value(), decode("rollups", v.value())?);
        }
        for row in txn.open_table(tables::ROLLUP_USER_WEEK)?.iter()? {
            let (k, v) = row?;
            snap.user_week
                .insert(k.value(), decode("rollups", v.value())?);
        }
        Ok(snap)
    }

    /// Human-readable differences between `self` (stored) and `expected`.
    pub fn differences(&self, expected: &Snapshot) -> Vec<String> {
        let mut out = Vec::new();
        diff(
            "project x category x week",
            &self.project_week,
            &expected.project_week,
            &mut out,
        );
        diff(
            "project x day",
            &self.project_day,
            &expected.project_day,
            &mut out,
        );
        diff(
            "user x week",
            &self.user_week,
            &expected.user_week,
            &mut out,
        );
        out
    }
}

fn diff<K: Ord + std::fmt::Debug>(
    name: &str,
    stored: &BTreeMap<K, Tally>,
    expected: &BTreeMap<K, Tally>,
    out: &mut Vec<String>,
) {
    for (key, want) in expected {
        match stored.get(key) {
            Some(have) if have == want => {}
            have => out.push(format!(
                "{name} {key:?}: stored {have:?}, entries say {want:?}"
            )),
        }
    }
    for (key, have) in stored {
        if !expected.contains_key(key) {
            out.push(format!("{name} {key:?}: stored {have:?}, no entries"));
        }
    }
}

/// Rebuilds every roll-up from entries, as after a change of time zone or
/// week start. Runs inside the caller's transaction.
pub fn rebuild(txn: &WriteTransaction, calendar: &Calendar) -> Result<(), Error> {
    txn.delete_table(tables::ROLLUP_PROJECT_WEEK)?;
    txn.delete_table(tables::ROLLUP_PROJECT_DAY)?;
    txn.delete_table(tables::ROLLUP_USER_WEEK)?;
    let entries = txn.open_table(tables::ENTRIES)?;
    for row in entries.iter()? {
        let (_, value) = row?;
        let entry: Entry = decode("entries", value.value())?;
        apply(txn, calendar, &entry, Change::Add)?;
    }
    Ok(())
}
