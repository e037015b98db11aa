//! A project's week cut down to what its weekly email may say.
//!
//! Every figure comes out of `portal::project`, so the lens decides here as
//! it does on the portal page: the week's hours are the published total at
//! the end of the week less the published total at its start, both seen
//! through the lens; budget appears only when the lens shows the budget.
//! Nothing internal is read past the projection.

use jiff::Timestamp;
use redb::ReadTransaction;

use super::view::{MilestoneState, ProjectView};
use super::{load, project as projection};
use crate::domain::lens::Lens;
use crate::domain::project::Project;
use crate::domain::time::format_hours;
use crate::mail::messages::Digest;
use crate::store::Error;
use crate::store::records::Reads;

/// How many upcoming milestones the digest lists as next steps.
const NEXT_STEPS: usize = 3;

/// The project as its client sees it at `at`.
fn view_at(
    txn: &ReadTransaction,
    project: &Project,
    lens: &Lens,
    at: Timestamp,
) -> Result<ProjectView, Error> {
    let calendar = txn.settings()?.calendar();
    let input = load::input(txn, project, lens, at)?;
    Ok(projection::project(&input, lens, at, &calendar))
}

/// The digest of `project` for the week `[from, to)`.
pub fn digest(
    txn: &ReadTransaction,
    project: &Project,
    from: Timestamp,
    to: Timestamp,
) -> Result<Digest, Error> {
    let settings = txn.settings()?;
    let calendar = settings.calendar();
    let lens = project.lens_or(&settings.lens);
    let end = view_at(txn, project, &lens, to)?;
    let hours = match &end.time {
        Some(time) => {
            let start = view_at(txn, project, &lens, from)?;
            let before = start.time.map_or(0, |t| t.total_seconds);
            Some(format!(
                "{} h",
                format_hours((time.total_seconds - before).max(0))
            ))
        }
        None => None,
    };
    let (reached, next_steps) = match &end.milestones {
        Some(milestones) => (
            milestones
                .items
                .iter()
                .filter(|m| m.done_at.is_some_and(|at| from <= at && at < to))
                .map(|m| m.title.clone())
                .collect(),
            milestones
                .items
                .iter()
                .filter(|m| m.state != MilestoneState::Done)
                .take(NEXT_STEPS)
                .map(|m| match &m.due {
                    Some(due) => format!("{} (due {due})", m.title),
                    None => m.title.clone(),
                })
                .collect(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    let budget = end.budget.as_ref().map(|b| match (&b.budget, b.percent) {
        (Some(total), Some(percent)) => format!("{} h of {total} h ({percent}%)", b.used),
        _ => format!("{} h", b.used),
    });
    let last_day = calendar.date_of(to - jiff::SignedDuration::from_secs(1));
    Ok(Digest {
        project: end.name,
        period: format!("{} – {}", calendar.date_of(from), last_day),
        hours,
        reached,
        next_steps,
        budget,
    })
}
