//! Time entries and timers: every change keeps the indexes and roll-ups in
//! the same transaction, and checks who is asking inside that transaction.

use jiff::Timestamp;
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::records::{self, Reads};
use super::rollups::{self, Change};
use super::{Error, decode, encode, tables};
use crate::domain::category::Category;
use crate::domain::entry::{Entry, EntryDraft, Source, check_lock};
use crate::domain::project::{Project, ProjectStatus};
use crate::domain::time::Calendar;
use crate::domain::timer::Timer;
use crate::domain::user::Actor;
use crate::domain::{EntryId, Invalid, ProjectId, UserId};

/// May `actor` log time on `project` for `user`?
pub fn may_log(actor: Actor, project: &Project, user: UserId) -> bool {
    actor.role.sees_all_time() || (user == actor.id && project.has_member(actor.id))
}

/// May `actor` see this entry at all? Members see only their own, on
/// projects they belong to.
pub fn may_see(actor: Actor, project: &Project, entry: &Entry) -> bool {
    actor.role.sees_all_time() || (entry.user_id == actor.id && project.has_member(actor.id))
}

/// May `actor` put new time on `project`? Active projects take time from
/// anyone who may log there; a paused one only from managers, who decide
/// when work resumes; a done project takes none. Existing entries stay
/// editable wherever they are, so corrections remain possible.
pub fn open_for_time(actor: Actor, project: &Project) -> Result<(), Invalid> {
    match project.status {
        ProjectStatus::Active => Ok(()),
        ProjectStatus::Paused if actor.role.sees_all_time() => Ok(()),
        ProjectStatus::Paused => Err(Invalid::new(
            "project_id",
            "this project is paused; ask a manager to log time on it",
        )),
        ProjectStatus::Done => Err(Invalid::new(
            "project_id",
            "this project is done; it takes no new time",
        )),
    }
}

fn check_open(txn: &WriteTransaction, actor: Actor, project: ProjectId) -> Result<(), Error> {
    let project: Project = txn
        .get(project.0)?
        .ok_or_else(|| Invalid::new("project_id", "no such project"))?;
    Ok(open_for_time(actor, &project)?)
}

/// Checks a draft against everything it refers to; returns it normalised,
/// with the agency's calendar it was checked against.
fn vet(
    txn: &WriteTransaction,
    actor: Actor,
    draft: EntryDraft,
) -> Result<(EntryDraft, Calendar), Error> {
    let project: Project = txn
        .get(draft.project_id.0)?
        .ok_or_else(|| Invalid::new("project_id", "no such project"))?;
    if !may_log(actor, &project, draft.user_id) {
        return Err(if actor.role.sees_all_time() || draft.user_id == actor.id {
            Invalid::new("project_id", "you are not a member of this project").into()
        } else {
            Invalid::new("user_id", "you may only log your own time").into()
        });
    }
    let user: Option<crate::domain::user::User> = txn.get(draft.user_id.0)?;
    if user.is_none_or(|u| u.disabled) {
        return Err(Invalid::new("user_id", "no such active user").into());
    }
    let category: Category = txn
        .get(draft.category_id.0)?
        .ok_or_else(|| Invalid::new("category_id", "no such category"))?;
    let mut draft = draft.validate(&category)?;
    // Approval is a manager's word; an edit by anyone else withdraws it.
    if !actor.role.sees_all_time() {
        draft.approved = false;
    }
    let settings = txn.settings()?;
    let calendar = settings.calendar();
    check_lock(settings.lock_date, &calendar, actor.role, draft.start)?;
    Ok((draft, calendar))
}

fn index(txn: &WriteTransaction, entry: &Entry, change: Change) -> Result<(), Error> {
    let (id, start) = (entry.id.0, entry.start.as_second());
    let mut by_project = txn.open_table(tables::ENTRIES_BY_PROJECT)?;
    let mut by_user = txn.open_table(tables::ENTRIES_BY_USER)?;
    let mut by_start = txn.open_table(tables::ENTRIES_BY_START)?;
    match change {
        Change::Add => {
            by_project.insert((entry.project_id.0, start, id), ())?;
            by_user.insert((entry.user_id.0, start, id), ())?;
            by_start.insert((start, id), ())?;
        }
        Change::Remove => {
            by_project.remove((entry.project_id.0, start, id))?;
            by_user.remove((entry.user_id.0, start, id))?;
            by_start.remove((start, id))?;
        }
    }
    Ok(())
}

/// Stores a checked entry with its indexes and roll-ups. Used directly only
/// by bulk loaders that have vetted their input.
pub fn insert_vetted(
    txn: &WriteTransaction,
    calendar: &crate::domain::time::Calendar,
    draft: EntryDraft,
    source: Source,
    now: Timestamp,
) -> Result<Entry, Error> {
    let entry = Entry {
        id: EntryId(records::new_id::<Entry>(txn)?),
        project_id: draft.project_id,
        category_id: draft.category_id,
        user_id: draft.user_id,
        start: draft.start,
        end: draft.end,
        description: draft.description,
        billable: draft.billable,
        internal: draft.internal,
        internal_note: draft.internal_note,
        approved: draft.approved,
        source,
        created_at: now,
        updated_at: now,
    };
    records::put(txn, &entry)?;
    index(txn, &entry, Change::Add)?;
    rollups::apply(txn, calendar, &entry, Change::Add)?;
    Ok(entry)
}

/// Stores a batch of entries that a bulk loader generated or vetted itself,
/// with their indexes and roll-ups, in far fewer table operations than
/// `insert_vetted` per entry: ids are drawn from the sequence in one step and
/// given in slice order (each entry's `id` is overwritten), every table is
/// written in key order, and the batch's roll-ups are summed in memory and
/// merged once per bucket.
///
/// Nothing is checked: not permissions, not the lock date, not the draft
/// rules. Callers start from data they made valid.
pub fn insert_bulk(
    txn: &WriteTransaction,
    calendar: &crate::domain::time::Calendar,
    entries: &mut [Entry],
) -> Result<(), Error> {
    let sequence = <Entry as records::Record>::SEQUENCE;
    let first = super::reserve_ids(txn, sequence, entries.len() as u64)?;
    for (entry, id) in entries.iter_mut().zip(first..) {
        entry.id = EntryId(id);
    }

    let mut table = txn.open_table(tables::ENTRIES)?;
    for entry in entries.iter() {
        table.insert(entry.id.0, encode(entry).as_slice())?;
    }
    drop(table);

    let mut keys: Vec<(u64, i64, u64)> = entries
        .iter()
        .map(|e| (e.project_id.0, e.start.as_second(), e.id.0))
        .collect();
    keys.sort_unstable();
    let mut by_project = txn.open_table(tables::ENTRIES_BY_PROJECT)?;
    for key in &keys {
        by_project.insert(key, ())?;
    }
    drop(by_project);
    keys = entries
        .iter()
        .map(|e| (e.user_id.0, e.start.as_second(), e.id.0))
        .collect();
    keys.sort_unstable();
    let mut by_user = txn.open_table(tables::ENTRIES_BY_USER)?;
    for key in &keys {
        by_user.insert(key, ())?;
    }
    drop(by_user);
    let mut starts: Vec<(i64, u64)> = entries
        .iter()
        .map(|e| (e.start.as_second(), e.id.0))
        .collect();
    starts.sort_unstable();
    let mut by_start = txn.open_table(tables::ENTRIES_BY_START)?;
    for key in &starts {
        by_start.insert(key, ())?;
    }
    drop(by_start);

    let mut sums = rollups::Snapshot::default();
    sums.add(entries.iter(), calendar);
    rollups::merge(txn, &sums)
}

pub fn create(
    txn: &WriteTransaction,
    actor: Actor,
    draft: EntryDraft,
    source: Source,
    now: Timestamp,
) -> Result<Entry, Error> {
    // Vetted first, so someone who may not log here learns nothing more.
    let (draft, calendar) = vet(txn, actor, draft)?;
    check_open(txn, actor, draft.project_id)?;
    insert_vetted(txn, &calendar, draft, source, now)
}

/// Loads an entry the actor may see; anything else is `NotFound`.
fn load_visible(txn: &impl Reads, actor: Actor, id: EntryId) -> Result<Entry, Error> {
    let entry: Entry = txn.must(id.0)?;
    let project: Project = txn.must(entry.project_id.0)?;
    if may_see(actor, &project, &entry) {
        Ok(entry)
    } else {
        Err(Error::NotFound)
    }
}

pub fn get(txn: &ReadTransaction, actor: Actor, id: EntryId) -> Result<Entry, Error> {
    load_visible(txn, actor, id)
}

pub fn update(
    txn: &WriteTransaction,
    actor: Actor,
    id: EntryId,
    change: impl FnOnce(&Entry) -> EntryDraft,
    now: Timestamp,
) -> Result<Entry, Error> {
    let old = load_visible(txn, actor, id)?;
    let settings = txn.settings()?;
    let calendar = settings.calendar();
    check_lock(settings.lock_date, &calendar, actor.role, old.start)?;
    let (draft, _) = vet(txn, actor, change(&old))?;
    // Moving an entry onto another project is new time there.
    if draft.project_id != old.project_id {
        check_open(txn, actor, draft.project_id)?;
    }
    let new = Entry {
        project_id: draft.project_id,
        category_id: draft.category_id,
        user_id: draft.user_id,
        start: draft.start,
        end: draft.end,
        description: draft.description,
        billable: draft.billable,
        internal: draft.internal,
        internal_note: draft.internal_note,
        approved: draft.approved,
        updated_at: now,
        ..old.clone()
    };
    index(txn, &old, Change::Remove)?;
    rollups::apply(txn, &calendar, &old, Change::Remove)?;
    records::put(txn, &new)?;
    index(txn, &new, Change::Add)?;
    rollups::apply(txn, &calendar, &new, Change::Add)?;
    Ok(new)
}

pub fn delete(txn: &WriteTransaction, actor: Actor, id: EntryId) -> Result<Entry, Error> {
    let old = load_visible(txn, actor, id)?;
    let settings = txn.settings()?;
    let calendar = settings.calendar();
    check_lock(settings.lock_date, &calendar, actor.role, old.start)?;
    records::delete::<Entry>(txn, id.0)?;
    index(txn, &old, Change::Remove)?;
    rollups::apply(txn, &calendar, &old, Change::Remove)?;
    Ok(old)
}

/// Which entries to list, newest first.
#[derive(Debug, Clone, Default)]
pub struct Query {
    pub project: Option<ProjectId>,
    pub user: Option<UserId>,
    /// Entries starting at or after this instant.
    pub from: Option<Timestamp>,
    /// Entries starting before this instant.
    pub to: Option<Timestamp>,
    /// Continue below this (start, id) cursor, as returned with the last page.
    pub before: Option<(i64, u64)>,
    pub limit: usize,
}

/// Where the next page of a listing starts: (start second, entry id).
pub type Cursor = (i64, u64);

/// A page of entries the actor may see, and the cursor of the next page.
pub fn list(
    txn: &ReadTransaction,
    actor: Actor,
    query: &Query,
) -> Result<(Vec<Entry>, Option<Cursor>), Error> {
    let from = query.from.map_or(i64::MIN, |t| t.as_second());
    let to = (query.to.map_or(i64::MAX, |t| t.as_second()), 0);
    let upper = query.before.map_or(to, |cursor| cursor.min(to));
    // Members are limited to their own entries, whatever they asked for.
    let user = if actor.role.sees_all_time() {
        query.user
    } else {
        Some(actor.id)
    };
    let member_of: Vec<ProjectId> = if actor.role.sees_all_time() {
        Vec::new()
    } else {
        txn.all::<Project>()?
            .into_iter()
            .filter(|p| p.has_member(actor.id))
            .map(|p| p.id)
            .collect()
    };
    let visible = |e: &Entry| actor.role.sees_all_time() || member_of.contains(&e.project_id);

    let entries = txn.open_table(tables::ENTRIES)?;
    let mut page = Vec::with_capacity(query.limit.min(1000) + 1);
    let mut take = |id: u64| -> Result<bool, Error> {
        if let Some(value) = entries.get(id)? {
            let entry: Entry = decode("entries", value.value())?;
            if user.is_none_or(|u| u == entry.user_id)
                && query.project.is_none_or(|p| p == entry.project_id)
                && visible(&entry)
            {
                page.push(entry);
            }
        }
        Ok(page.len() <= query.limit)
    };
    match (query.project, user) {
        (Some(project), _) => {
            let index = txn.open_table(tables::ENTRIES_BY_PROJECT)?;
            for row in index
                .range((project.0, from, 0)..(project.0, upper.0, upper.1))?
                .rev()
            {
                if !take(row?.0.value().2)? {
                    break;
                }
            }
        }
        (None, Some(user)) => {
            let index = txn.open_table(tables::ENTRIES_BY_USER)?;
            for row in index
                .range((user.0, from, 0)..(user.0, upper.0, upper.1))?
                .rev()
            {
                if !take(row?.0.value().2)? {
                    break;
                }
            }
        }
        (None, None) => {
            let index = txn.open_table(tables::ENTRIES_BY_START)?;
            for row in index.range((from, 0)..upper)?.rev() {
                if !take(row?.0.value().1)? {
                    break;
                }
            }
        }
    }
    let next = if page.len() > query.limit {
        page.truncate(query.limit);
        page.last().map(|e| (e.start.as_second(), e.id.0))
    } else {
        None
    };
    Ok((page, next))
}

pub fn timer(txn: &impl TimerReads, user: UserId) -> Result<Option<Timer>, Error> {
    txn.timer(user)
}

/// Reading a timer from either kind of transaction.
pub trait TimerReads {
    fn timer(&self, user: UserId) -> Result<Option<Timer>, Error>;
}

macro_rules! impl_timer_reads {
    ($txn:ty) => {
        impl TimerReads for $txn {
            fn timer(&self, user: UserId) -> Result<Option<Timer>, Error> {
                let table = self.open_table(tables::TIMERS)?;
                let value = table.get(user.0)?;
                value.map(|v| decode("timers", v.value())).transpose()
            }
        }
    };
}

impl_timer_reads!(ReadTransaction);
impl_timer_reads!(WriteTransaction);

/// Starts a timer, first stopping (and saving) any timer already running.
pub fn start_timer(
    txn: &WriteTransaction,
    actor: Actor,
    timer: Timer,
    now: Timestamp,
) -> Result<(Timer, Option<Entry>), Error> {
    let stopped = stop_timer(txn, actor, now)?;
    // Check the timer's project and category as the entry it will become.
    vet(txn, actor, timer.stop(now))?;
    check_open(txn, actor, timer.project_id)?;
    txn.open_table(tables::TIMERS)?
        .insert(actor.id.0, encode(&timer).as_slice())?;
    Ok((timer, stopped))
}

/// Stops the actor's running timer, saving it as an entry. `None` when no
/// timer was running.
pub fn stop_timer(
    txn: &WriteTransaction,
    actor: Actor,
    now: Timestamp,
) -> Result<Option<Entry>, Error> {
    let Some(timer) = txn.timer(actor.id)? else {
        return Ok(None);
    };
    txn.open_table(tables::TIMERS)?.remove(actor.id.0)?;
    let mut draft = timer.stop(now);
    // A timer left running past the limit is capped, not lost.
    if draft.end.duration_since(draft.start) > crate::domain::entry::MAX_ENTRY {
        draft.end = draft.start + crate::domain::entry::MAX_ENTRY;
    }
    // The time was worked while the project was open, so a project paused
    // or closed since the start still receives it.
    let (draft, calendar) = vet(txn, actor, draft)?;
    insert_vetted(txn, &calendar, draft, Source::Timer, now).map(Some)
}

/// Approves every entry of `project` that ended by `until`; returns how
/// many changed. Managers only. Roll-ups do not count approval, so they
/// stay as they are.
pub fn approve_until(
    txn: &WriteTransaction,
    actor: Actor,
    project: ProjectId,
    until: Timestamp,
    now: Timestamp,
) -> Result<usize, Error> {
    if !actor.role.sees_all_time() {
        return Err(Error::NotFound);
    }
    let _: Project = txn.must(project.0)?;
    let ids: Vec<u64> = {
        let index = txn.open_table(tables::ENTRIES_BY_PROJECT)?;
        let mut ids = Vec::new();
        for row in
            index.range((project.0, i64::MIN, 0)..(project.0, until.as_second(), u64::MAX))?
        {
            ids.push(row?.0.value().2);
        }
        ids
    };
    let mut changed = 0;
    for id in ids {
        let entry: Entry = txn.must(id)?;
        if entry.approved || entry.end > until {
            continue;
        }
        records::put(
            txn,
            &Entry {
                approved: true,
                updated_at: now,
                ..entry
            },
        )?;
        changed += 1;
    }
    Ok(changed)
}

/// Recomputes all roll-ups from entries and lists every difference from
/// what is stored.
pub fn check(txn: &ReadTransaction) -> Result<Vec<String>, Error> {
    let calendar = txn.settings()?.calendar();
    let table = txn.open_table(tables::ENTRIES)?;
    let mut entries = Vec::new();
    let mut expected = rollups::Snapshot::default();
    for row in table.iter()? {
        entries.push(decode::<Entry>("entries", row?.1.value())?);
        if entries.len() == 10_000 {
            expected.add(entries.drain(..), &calendar);
        }
    }
    expected.add(entries, &calendar);
    Ok(rollups::Snapshot::stored(txn)?.differences(&expected))
}
