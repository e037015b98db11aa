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
//! budget counts only the current month, which weekly buckets cannot cut
//! out; it is summed from the month's entries instead, which
//! `PortalInput::entries` must then hold in full.

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
    /// Needed only for a detailed list that names staff; the store leaves
    /// it empty otherwise.
    pub staff: Vec<User>,
    pub milestones: Vec<Milestone>,
    /// The project's (category, week) roll-up rows: every entry, internal
    /// or not, published or not. The projection reads no day rows.
    pub rollup: ProjectRollup,
    /// At least every entry of the project that the lens does not publish,
    /// the recent entries a detailed lens lists, and, for a monthly budget,
    /// every entry that starts in the current month. A superset is fine.
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
        .then(|| budget_view(input, lens, cutoff, calendar, &buckets, total, today));
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
    cutoff: Timestamp,
    calendar: &Calendar,
    buckets: &BTreeMap<(CategoryId, Day), i64>,
    total: i64,
    today: Date,
) -> BudgetView {
    let window = input.project.budget_period.window(today);
    let points: Vec<(Date, i64)> = match window {
        Some(window) => month_days(input, lens, cutoff, calendar, window),
        None => buckets
            .iter()
            .map(|((_, week), seconds)| {
                let last_day = week.date().checked_add(6.days());
                (last_day.map_or(today, |d| d.min(today)), *seconds)
            })
            .collect(),
    };
    let total: i64 = match window {
        Some(_) => points.iter().map(|(_, seconds)| seconds).sum(),
        None => total,
    };
    let plan = ProjectPlan {
        budget_seconds: input.project.budget_seconds,
        start: window.map(|w| w.0).or(input.project.start),
        end: window.map(|w| w.1).or(input.project.end),
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
        period: window.map(|(first, _)| first.strftime("%B %Y").to_string()),
    }
}

/// Published, client-visible seconds per day of the budget's month, from
/// the entries that start in it.
fn month_days(
    input: &PortalInput,
    lens: &Lens,
    cutoff: Timestamp,
    calendar: &Calendar,
    (first, last): (Date, Date),
) -> Vec<(Date, i64)> {
    let mut days: BTreeMap<Date, i64> = BTreeMap::new();
    for entry in &input.entries {
        let date = calendar.date_of(entry.start);
        if (first..=last).contains(&date)
            && entry.project_id == input.project.id
            && is_client_visible(entry, &input.categories)
            && is_published(entry, lens, cutoff)
        {
            *days.entry(date).or_default() += entry.seconds();
        }
    }
    days.into_iter().collect()
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

#[cfg(test)]
mod tests {
    use jiff::SignedDuration;

    use super::*;
    use crate::domain::entry::Source;
    use crate::domain::lens::Publishing;
    use crate::domain::project::{BudgetPeriod, ProjectStatus};
    use crate::domain::rollup::Tally;
    use crate::domain::{ClientId, ProjectId, UserId};
    use crate::store::rollups::ProjectRollup;

    const HOUR: i64 = 3600;

    fn entry(id: u64, start: &str, hours: i64, category: u64, internal: bool) -> Entry {
        let start: Timestamp = start.parse().unwrap();
        Entry {
            id: EntryId(id),
            project_id: ProjectId(1),
            category_id: CategoryId(category),
            user_id: UserId(1),
            start,
            end: start + SignedDuration::from_secs(hours * HOUR),
            description: "Layout work".into(),
            billable: true,
            internal,
            internal_note: String::new(),
            approved: true,
            source: Source::Manual,
            created_at: start,
            updated_at: start,
        }
    }

    /// February and March time on a project budgeted at ten hours; entries
    /// in an internal category (2) or flagged internal never count.
    fn input(period: BudgetPeriod, calendar: &Calendar) -> PortalInput {
        let epoch: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let entries = vec![
            entry(1, "2026-02-10T09:00:00Z", 5, 1, false),
            // 00:30 on 1 March in Berlin, though still February in UTC.
            entry(2, "2026-02-28T23:30:00Z", 2, 1, false),
            entry(3, "2026-03-09T09:00:00Z", 1, 1, false),
            entry(4, "2026-03-10T09:00:00Z", 3, 2, false),
            entry(5, "2026-03-11T09:00:00Z", 4, 1, true),
        ];
        let mut weeks = BTreeMap::<(CategoryId, Day), Tally>::new();
        let mut days = BTreeMap::<Day, Tally>::new();
        for e in &entries {
            let b = Buckets::of(e, calendar);
            let week = weeks.entry((b.project_week.1, b.project_week.2));
            week.or_default().add(Tally::of(e));
            days.entry(b.project_day.1).or_default().add(Tally::of(e));
        }
        PortalInput {
            project: Project {
                id: ProjectId(1),
                client_id: ClientId(1),
                name: "Relaunch".into(),
                status: ProjectStatus::Active,
                budget_seconds: Some(10 * HOUR),
                budget_amount: None,
                budget_period: period,
                start: None,
                end: None,
                members: vec![UserId(1)],
                rate: Some(10_000),
                created_at: epoch,
                lens: None,
            },
            client: Client {
                id: ClientId(1),
                name: "Contoso".into(),
                archived: false,
                created_at: epoch,
            },
            settings: AgencySettings {
                time_zone: "Europe/Berlin".into(),
                ..AgencySettings::default()
            },
            categories: vec![
                Category {
                    id: CategoryId(1),
                    name: "Design".into(),
                    internal: false,
                    archived: false,
                },
                Category {
                    id: CategoryId(2),
                    name: "Admin".into(),
                    internal: true,
                    archived: false,
                },
            ],
            staff: Vec::new(),
            milestones: Vec::new(),
            rollup: ProjectRollup {
                by_category_week: weeks.into_iter().map(|((c, w), t)| (c, w, t)).collect(),
                by_day: days.into_iter().collect(),
            },
            entries,
        }
    }

    #[test]
    fn a_monthly_budget_counts_only_this_months_visible_time() {
        let settings = AgencySettings {
            time_zone: "Europe/Berlin".into(),
            ..AgencySettings::default()
        };
        let calendar = settings.calendar();
        let now: Timestamp = "2026-03-20T12:00:00Z".parse().unwrap();
        let lens = Lens {
            publishing: Publishing::Live,
            budget: BudgetDisplay::WithMoney,
            ..Lens::default()
        };

        let monthly = project(
            &input(BudgetPeriod::Monthly, &calendar),
            &lens,
            now,
            &calendar,
        );
        let budget = monthly.budget.expect("the lens shows the budget");
        assert_eq!(
            budget.used_seconds,
            3 * HOUR,
            "1 March in Berlin and 9 March"
        );
        assert_eq!(budget.percent, Some(30));
        assert_eq!(budget.period.as_deref(), Some("March 2026"));
        assert!(budget.money.unwrap().used.unwrap().starts_with("300.00"));
        let time = monthly.time.expect("the lens shows time");
        assert_eq!(time.total_seconds, 8 * HOUR, "the time section is all time");

        let lifetime = project(
            &input(BudgetPeriod::Lifetime, &calendar),
            &lens,
            now,
            &calendar,
        );
        let budget = lifetime.budget.unwrap();
        assert_eq!(budget.used_seconds, 8 * HOUR);
        assert_eq!(budget.period, None);

        // A new month starts from nothing.
        let april: Timestamp = "2026-04-01T08:00:00Z".parse().unwrap();
        let monthly = project(
            &input(BudgetPeriod::Monthly, &calendar),
            &lens,
            april,
            &calendar,
        );
        let budget = monthly.budget.unwrap();
        assert_eq!(budget.used_seconds, 0);
        assert_eq!(budget.period.as_deref(), Some("April 2026"));
    }
}
