//! The projection: internal project data through a lens into view types.
//!
//! `project` is the only way portal views come to be. It is pure: the same
//! input, lens, instant and calendar always give the same view.
//!
//! Time comes from the project's roll-ups rather than from every entry. The
//! (category, week) roll-up already separates categories, so internal
//! categories are dropped by key, and its tally counts the seconds of
//! entries flagged internal, which are subtracted. What a roll-up cannot
//! tell is whether an entry is published yet: `PortalInput::entries` must
//! therefore hold every entry the lens does not publish (the store scans
//! only the entries that could end after the cutoff, or all of them when
//! the lens waits for approval), and their seconds are subtracted from
//! their buckets. The same entries feed the detailed list.
//!
//! The burn-down is drawn from the same weekly buckets, each counted on the
//! last day of its week (or today, for the running week), because the day
//! roll-up mixes internal categories in and cannot be corrected. A monthly
//! budget is shown against all time so far; the portal does not yet reset
//! it each month.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

use super::chart::{burndown_summary, burndown_svg};
use super::view::*;
use crate::domain::budget::{BudgetStatus, BurnDown, ProjectPlan};
use crate::domain::category::Category;
use crate::domain::client::Client;
use crate::domain::entry::Entry;
use crate::domain::lens::{BudgetDisplay, Lens, TimeDetail, last_cutoff, next_cutoff};
use crate::domain::milestone::{Milestone, MilestoneStatus, sort_timeline};
use crate::domain::money::Money;
use crate::domain::project::Project;
use crate::domain::rollup::Buckets;
use crate::domain::settings::AgencySettings;
use crate::domain::time::{Calendar, Day, format_duration, format_hours};
use crate::domain::user::User;
use crate::domain::{CategoryId, EntryId};
use crate::store::rollups::ProjectRollup;

/// The most entries a detailed lens lists.
pub const MAX_LISTED: usize = 200;

/// Everything the projection may look at. It holds internal data; only the
/// projection reads it.
#[derive(Debug, Clone)]
pub struct PortalInput {
    pub project: Project,
    pub client: Client,
    pub settings: AgencySettings,
    pub categories: Vec<Category>,
    pub staff: Vec<User>,
    pub milestones: Vec<Milestone>,
    /// The project's roll-up rows: every entry, internal or not, published
    /// or not.
    pub rollup: ProjectRollup,
    /// At least every entry of the project that the lens does not publish,
    /// plus the recent entries a detailed lens lists. A superset is fine.
    pub entries: Vec<Entry>,
}

/// Whether the lens has published an entry by `cutoff`.
pub fn is_published(entry: &Entry, lens: &Lens, cutoff: Timestamp) -> bool {
    entry.end <= cutoff && (entry.approved || !lens.only_approved)
}

/// Whether an entry may ever be shown: not flagged internal and not in an
/// internal category (an unknown category counts as internal).
pub fn is_client_visible(entry: &Entry, categories: &[Category]) -> bool {
    !entry.internal
        && categories
            .iter()
            .any(|c| c.id == entry.category_id && !c.internal)
}

/// The cutoff in force at `now`; before the calendar's start, nothing.
pub fn cutoff(lens: &Lens, calendar: &Calendar, now: Timestamp) -> Timestamp {
    last_cutoff(lens, calendar, now).unwrap_or(Timestamp::MIN)
}

pub fn project(
    input: &PortalInput,
    lens: &Lens,
    now: Timestamp,
    calendar: &Calendar,
) -> ProjectView {
    let cutoff = cutoff(lens, calendar, now);
    let today = calendar.date_of(now);
    let buckets = published_buckets(input, lens, cutoff, calendar);
    let total: i64 = buckets.values().sum();

    let time = (lens.sections.time && lens.time_detail != TimeDetail::Hidden)
        .then(|| time_summary(input, lens, cutoff, calendar, &buckets, total));
    let budget = lens
        .sections
        .budget
        .then(|| budget_view(input, lens, &buckets, total, today));
    let milestones = lens
        .sections
        .milestones
        .then(|| milestones_view(&input.milestones, input.project.id, today));

    ProjectView {
        id: input.project.id,
        name: input.project.name.clone(),
        client_name: input.client.name.clone(),
        agency_name: input.settings.name.clone(),
        status: input.project.status.as_str(),
        milestones,
        time,
        budget,
        updates: UpdatesView {
            last: local_stamp(calendar, cutoff.min(now)),
            next: next_cutoff(lens, calendar, now).map(|t| local_stamp(calendar, t)),
        },
    }
}

/// Published, client-visible seconds per (category, week start).
fn published_buckets(
    input: &PortalInput,
    lens: &Lens,
    cutoff: Timestamp,
    calendar: &Calendar,
) -> BTreeMap<(CategoryId, Day), i64> {
    let visible: BTreeSet<CategoryId> = input
        .categories
        .iter()
        .filter(|c| !c.internal)
        .map(|c| c.id)
        .collect();
    let mut buckets = BTreeMap::new();
    for (category, week, tally) in &input.rollup.by_category_week {
        if visible.contains(category) {
            *buckets.entry((*category, *week)).or_insert(0) +=
                tally.seconds - tally.internal_seconds;
        }
    }
    for entry in unique_entries(input) {
        if is_client_visible(entry, &input.categories) && !is_published(entry, lens, cutoff) {
            let (_, category, week) = Buckets::of(entry, calendar).project_week;
            *buckets.entry((category, week)).or_insert(0) -= entry.seconds();
        }
    }
    buckets.retain(|_, seconds| *seconds != 0);
    buckets
}

/// The input's entries of this project, each once.
fn unique_entries(input: &PortalInput) -> impl Iterator<Item = &Entry> {
    let mut seen = BTreeSet::<EntryId>::new();
    input
        .entries
        .iter()
        .filter(move |e| e.project_id == input.project.id && seen.insert(e.id))
}

fn category_name(categories: &[Category], id: CategoryId) -> String {
    categories
        .iter()
        .find(|c| c.id == id && !c.internal)
        .map_or_else(String::new, |c| c.name.clone())
}

fn hours_row(label: String, seconds: i64) -> HoursRow {
    HoursRow {
        label,
        seconds,
        hours: format_hours(seconds),
    }
}

fn time_summary(
    input: &PortalInput,
    lens: &Lens,
    cutoff: Timestamp,
    calendar: &Calendar,
    buckets: &BTreeMap<(CategoryId, Day), i64>,
    total: i64,
) -> TimeSummaryView {
    let by_category = lens.grouping.by_category().then(|| {
        let mut sums = BTreeMap::<CategoryId, i64>::new();
        for ((category, _), seconds) in buckets {
            *sums.entry(*category).or_insert(0) += seconds;
        }
        let mut rows: Vec<HoursRow> = sums
            .into_iter()
            .map(|(id, s)| hours_row(category_name(&input.categories, id), s))
            .collect();
        rows.sort_by_key(|r| r.label.to_lowercase());
        rows
    });
    let by_week = lens.grouping.by_week().then(|| {
        let mut sums = BTreeMap::<Day, i64>::new();
        for ((_, week), seconds) in buckets {
            *sums.entry(*week).or_insert(0) += seconds;
        }
        sums.into_iter()
            .rev()
            .map(|(week, s)| hours_row(format!("Week of {}", week.date()), s))
            .collect()
    });
    let entries = (lens.time_detail == TimeDetail::Detailed).then(|| {
        let mut listed: Vec<&Entry> = unique_entries(input)
            .filter(|e| is_client_visible(e, &input.categories) && is_published(e, lens, cutoff))
            .collect();
        listed.sort_by_key(|e| std::cmp::Reverse((e.start, e.id)));
        listed
            .into_iter()
            .take(MAX_LISTED)
            .map(|e| EntryView {
                date: calendar.date_of(e.start).to_string(),
                category: category_name(&input.categories, e.category_id),
                description: e.description.clone(),
                duration: format_duration(e.seconds()),
                staff: lens
                    .staff_names
                    .then(|| input.staff.iter().find(|u| u.id == e.user_id))
                    .flatten()
                    .map(|u| u.name.clone()),
            })
            .collect()
    });
    TimeSummaryView {
        total_seconds: total,
        total: format_hours(total),
        by_category,
        by_week,
        entries,
        shows_staff: lens.staff_names && lens.time_detail == TimeDetail::Detailed,
    }
}

fn budget_view(
    input: &PortalInput,
    lens: &Lens,
    buckets: &BTreeMap<(CategoryId, Day), i64>,
    total: i64,
    today: Date,
) -> BudgetView {
    let points: Vec<(Date, i64)> = buckets
        .iter()
        .map(|((_, week), seconds)| {
            let last_day = week.date().checked_add(6.days());
            (last_day.map_or(today, |d| d.min(today)), *seconds)
        })
        .collect();
    let plan = ProjectPlan {
        budget_seconds: input.project.budget_seconds,
        start: input.project.start,
        end: input.project.end,
    };
    let chart = BurnDown::build(&plan, &points, today);
    let status = BudgetStatus::new(input.project.budget_seconds, total);
    let currency = input.settings.currency;
    let money = (lens.budget == BudgetDisplay::WithMoney).then(|| MoneyView {
        budget: input
            .project
            .budget_amount
            .map(|a| Money::new(a, currency).to_string()),
        used: input
            .project
            .rate
            .map(|r| Money::new(r, currency).per_hour_times(total).to_string()),
    });
    let percent = status.percent_used_bp().map(|bp| bp / 100);
    let meter = status.budget_seconds.filter(|b| *b > 0).map(|b| MeterView {
        max: b,
        low: b * 4 / 5,
        value: total.clamp(0, b),
        over: status.is_over(),
        label: percent.map_or_else(|| format_hours(total), |p| format!("{p}%")),
    });
    BudgetView {
        used_seconds: total,
        used: format_hours(total),
        budget_seconds: status.budget_seconds,
        budget: status.budget_seconds.map(format_hours),
        percent,
        meter,
        forecast: burndown_summary(&chart),
        money,
        chart_svg: burndown_svg(&chart, "Budget burn-down"),
    }
}

fn milestones_view(
    milestones: &[Milestone],
    project: crate::domain::ProjectId,
    today: Date,
) -> MilestonesView {
    let mut shown: Vec<Milestone> = milestones
        .iter()
        .filter(|m| m.project_id == project && m.client_visible)
        .cloned()
        .collect();
    sort_timeline(&mut shown);
    let mut next_taken = false;
    let items: Vec<MilestoneView> = shown
        .into_iter()
        .map(|m| {
            let done = m.status == MilestoneStatus::Done;
            let state = if done {
                MilestoneState::Done
            } else if !next_taken {
                next_taken = true;
                MilestoneState::Next
            } else {
                MilestoneState::Upcoming
            };
            MilestoneView {
                late: !done && m.due.is_some_and(|d| d < today),
                due: m.due.map(|d| d.to_string()),
                done_at: m.done_at.filter(|_| done),
                title: m.title,
                state,
            }
        })
        .collect();
    MilestonesView {
        done: items
            .iter()
            .filter(|m| m.state == MilestoneState::Done)
            .count(),
        total: items.len(),
        items,
    }
}

fn local_stamp(calendar: &Calendar, at: Timestamp) -> String {
    if at == Timestamp::MIN {
        return "never".into();
    }
    at.to_zoned(calendar.zone.clone())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}
