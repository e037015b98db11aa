//! Reading a project's portal input from the store.
//!
//! Reads the (category, week) roll-ups, not the whole time log (the
//! projection needs no day rows, so none are read): entries are scanned only
//! from one maximum entry length before the cutoff (an entry that ends
//! after the cutoff cannot start earlier), and, for a detailed lens, back
//! until enough published entries are found to list; a monthly budget adds
//! the current month's entries. A lens that waits for approval scans the
//! project's whole log, because approval is not in the roll-ups; that is
//! the one case whose cost grows with the project.

use std::collections::BTreeMap;

use jiff::Timestamp;
use redb::ReadTransaction;

use super::project::{MAX_LISTED, PortalInput, cutoff, is_client_visible, is_published};
use crate::domain::category::Category;
use crate::domain::client::Client;
use crate::domain::entry::{Entry, MAX_ENTRY};
use crate::domain::lens::{Lens, TimeDetail};
use crate::domain::milestone::Milestone;
use crate::domain::project::Project;
use crate::domain::user::User;
use crate::store::records::Reads;
use crate::store::rollups::{self, ProjectRollup};
use crate::store::{Error, decode, tables};

pub fn input(
    txn: &ReadTransaction,
    project: &Project,
    lens: &Lens,
    now: Timestamp,
) -> Result<PortalInput, Error> {
    let settings = txn.settings()?;
    let calendar = settings.calendar();
    let categories: Vec<Category> = txn.all()?;
    let cutoff = cutoff(lens, &calendar, now);

    let index = txn.open_table(tables::ENTRIES_BY_PROJECT)?;
    let table = txn.open_table(tables::ENTRIES)?;
    let load = |id: u64| -> Result<Option<Entry>, Error> {
        table
            .get(id)?
            .map(|v| decode("entries", v.value()))
            .transpose()
    };
    let p = project.id.0;
    let mut entries = BTreeMap::new();

    let scan_from = if lens.only_approved {
        i64::MIN
    } else {
        cutoff.as_second().saturating_sub(MAX_ENTRY.as_secs())
    };
    for row in index.range((p, scan_from, 0)..=(p, i64::MAX, u64::MAX))? {
        let id = row?.0.value().2;
        if let Some(entry) = load(id)? {
            entries.insert(id, entry);
        }
    }

    // A monthly budget is summed from the month's entries.
    if let Some((first, last)) = project.budget_period.window(calendar.date_of(now)) {
        let from = calendar.start_of(first).as_second();
        let until = calendar.span_of(last).1.as_second();
        for row in index.range((p, from, 0)..(p, until, 0))? {
            let id = row?.0.value().2;
            if let Some(entry) = load(id)? {
                entries.insert(id, entry);
            }
        }
    }

    if lens.time_detail == TimeDetail::Detailed {
        let mut listed = 0;
        for row in index
            .range((p, i64::MIN, 0)..=(p, i64::MAX, u64::MAX))?
            .rev()
        {
            let id = row?.0.value().2;
            let Some(entry) = load(id)? else { continue };
            if is_client_visible(&entry, &categories) && is_published(&entry, lens, cutoff) {
                listed += 1;
            }
            entries.insert(id, entry);
            if listed >= MAX_LISTED {
                break;
            }
        }
    }

    let milestones: Vec<Milestone> = txn
        .all::<Milestone>()?
        .into_iter()
        .filter(|m| m.project_id == project.id)
        .collect();
    Ok(PortalInput {
        project: project.clone(),
        client: txn.must::<Client>(project.client_id.0)?,
        settings,
        categories,
        // Staff are named only in a detailed list, and only if the lens says so.
        staff: if lens.staff_names && lens.time_detail == TimeDetail::Detailed {
            txn.all::<User>()?
        } else {
            Vec::new()
        },
        milestones,
        rollup: ProjectRollup {
            by_category_week: rollups::project_weeks(txn, project.id)?,
            by_day: Vec::new(),
        },
        entries: entries.into_values().collect(),
    })
}
