//! Portal view types: everything a client's page is made of, and nothing
//! else.
//!
//! The rule: no type here has a field that could hold internal data. There
//! are no rates, costs, margins, internal notes, internal categories,
//! internal milestones or staff ids; a staff name can only appear through
//! `EntryView::staff`, an `Option` the projection fills when the lens shows
//! names. Every value is built by `portal::project::project` from data the
//! lens lets through. Portal handlers and templates receive only these
//! types; adding a field here is adding something clients see.

use crate::domain::ProjectId;

/// One project as its client sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectView {
    pub id: ProjectId,
    pub name: String,
    pub client_name: String,
    pub agency_name: String,
    /// `active`, `paused` or `done`.
    pub status: &'static str,
    pub milestones: Option<MilestonesView>,
    pub time: Option<TimeSummaryView>,
    pub budget: Option<BudgetView>,
    pub updates: UpdatesView,
}

/// "Last updated … · Next update …".
#[derive(Debug, Clone, PartialEq)]
pub struct UpdatesView {
    /// Local date and time of the last publishing cutoff.
    pub last: String,
    /// Local date and time of the next one; `None` when publishing is live.
    pub next: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MilestonesView {
    pub done: usize,
    pub total: usize,
    /// In timeline order.
    pub items: Vec<MilestoneView>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MilestoneState {
    Done,
    Next,
    Upcoming,
}

impl MilestoneState {
    /// The class the timeline uses: `done`, `next` or `upcoming`.
    pub fn class(self) -> &'static str {
        match self {
            MilestoneState::Done => "done",
            MilestoneState::Next => "next",
            MilestoneState::Upcoming => "upcoming",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneView {
    pub title: String,
    pub due: Option<String>,
    pub state: MilestoneState,
    /// Due date passed and not done.
    pub late: bool,
    /// When it was marked done; the weekly digest lists the week's.
    pub done_at: Option<jiff::Timestamp>,
}

/// Published client-visible time.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSummaryView {
    pub total_seconds: i64,
    pub total: String,
    /// Present when the lens groups by category.
    pub by_category: Option<Vec<HoursRow>>,
    /// Present when the lens groups by week; newest week first.
    pub by_week: Option<Vec<HoursRow>>,
    /// Present when the lens shows entries: the latest ones, newest first.
    pub entries: Option<Vec<EntryView>>,
    /// Whether `entries` name who did the work.
    pub shows_staff: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HoursRow {
    pub label: String,
    pub seconds: i64,
    pub hours: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EntryView {
    pub date: String,
    pub category: String,
    pub description: String,
    pub duration: String,
    /// Who did the work, only when the lens shows staff names.
    pub staff: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BudgetView {
    pub used_seconds: i64,
    pub used: String,
    pub budget_seconds: Option<i64>,
    pub budget: Option<String>,
    /// Whole percent of the budget used, e.g. `72`.
    pub percent: Option<u32>,
    /// The budget meter, when there is a budget.
    pub meter: Option<MeterView>,
    /// How the budget stands and when it runs out at the current pace.
    pub forecast: String,
    /// Present when the lens shows money.
    pub money: Option<MoneyView>,
    /// The burn-down chart, an inline SVG drawn from published hours.
    pub chart_svg: String,
    /// The month a monthly budget counts, e.g. `March 2026`; `None` for a
    /// budget over the project's life.
    pub period: Option<String>,
}

/// The values of a `<meter class="bar">`, in seconds.
#[derive(Debug, Clone, PartialEq)]
pub struct MeterView {
    pub max: i64,
    /// Where the warning colour starts: 80 % of the budget.
    pub low: i64,
    /// Time used, clamped to the budget.
    pub value: i64,
    pub over: bool,
    pub label: String,
}

/// The agreed amounts, formatted, when the lens shows money.
#[derive(Debug, Clone, PartialEq)]
pub struct MoneyView {
    pub budget: Option<String>,
    /// Published hours at the project's agreed rate.
    pub used: Option<String>,
}

/// A project in the contact's list.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectCard {
    pub id: ProjectId,
    pub name: String,
    pub status: &'static str,
}
