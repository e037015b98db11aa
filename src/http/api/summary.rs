//! `/projects/{id}/summary`: a project's hours by category and by week, its
//! budget and forecast. Read from the roll-ups only, never from entries, so
//! it costs the same for a project of ten entries or a million.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Serialize;

use super::{Reply, visible_project};
use crate::domain::budget::{self, BudgetStatus, Forecast, SECONDS_PER_HOUR};
use crate::domain::category::Category;
use crate::domain::project::{BudgetPeriod, Project};
use crate::domain::rollup::Tally;
use crate::domain::{CategoryId, ProjectId};
use crate::http::State;
use crate::http::auth::ApiUser;
use crate::store::records::Reads;
use crate::store::rollups::{self, ProjectRollup};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/projects/{id}/summary", web::get().to(show));
}

fn hours(seconds: i64) -> f64 {
    seconds as f64 / SECONDS_PER_HOUR as f64
}

#[derive(Serialize)]
struct Totals {
    seconds: i64,
    billable_seconds: i64,
    internal_seconds: i64,
    hours: f64,
    entries: i64,
}

impl From<Tally> for Totals {
    fn from(t: Tally) -> Self {
        Totals {
            seconds: t.seconds,
            billable_seconds: t.billable_seconds,
            internal_seconds: t.internal_seconds,
            hours: hours(t.seconds),
            entries: t.entries,
        }
    }
}

#[derive(Serialize)]
struct CategoryRow {
    category_id: CategoryId,
    name: String,
    internal: bool,
    #[serde(flatten)]
    totals: Totals,
}

#[derive(Serialize)]
struct WeekRow {
    /// The first day of the week in the agency's calendar.
    week: Date,
    #[serde(flatten)]
    totals: Totals,
}

#[derive(Serialize)]
struct BudgetView {
    period: BudgetPeriod,
    budget_seconds: i64,
    budget_hours: f64,
    used_seconds: i64,
    remaining_seconds: i64,
    /// Share of the budget used, in percent with two decimals; null for a
    /// zero budget.
    percent_used: Option<f64>,
    over: bool,
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum ForecastView {
    NoBudget,
    NoBurn,
    OverBudget { since: Option<Date> },
    RunOut { date: Date },
}

impl From<Forecast> for ForecastView {
    fn from(f: Forecast) -> Self {
        match f {
            Forecast::NoBudget => ForecastView::NoBudget,
            Forecast::NoBurn => ForecastView::NoBurn,
            Forecast::OverBudget { since } => ForecastView::OverBudget { since },
            Forecast::RunOut(date) => ForecastView::RunOut { date },
        }
    }
}

#[derive(Serialize)]
struct Summary {
    project_id: ProjectId,
    total: Totals,
    by_category: Vec<CategoryRow>,
    by_week: Vec<WeekRow>,
    budget: Option<BudgetView>,
    forecast: ForecastView,
}

/// The days that count against the budget: all of them, or only this
/// month's for a monthly budget.
fn budget_days(project: &Project, rollup: &ProjectRollup, today: Date) -> Vec<(Date, i64)> {
    let days = rollup.by_day.iter().map(|(day, t)| (day.date(), t.seconds));
    match project.budget_period {
        BudgetPeriod::Lifetime => days.collect(),
        BudgetPeriod::Monthly => days
            .filter(|(date, _)| date.year() == today.year() && date.month() == today.month())
            .collect(),
    }
}

fn summarize(
    project: &Project,
    rollup: &ProjectRollup,
    categories: &BTreeMap<CategoryId, Category>,
    today: Date,
) -> Summary {
    let mut by_category: BTreeMap<CategoryId, Tally> = BTreeMap::new();
    let mut by_week: BTreeMap<Date, Tally> = BTreeMap::new();
    for (category, week, tally) in &rollup.by_category_week {
        by_category.entry(*category).or_default().add(*tally);
        by_week.entry(week.date()).or_default().add(*tally);
    }

    let days = budget_days(project, rollup, today);
    let used: i64 = days.iter().map(|(_, s)| s).sum();
    let budget = project.budget_seconds.map(|budget_seconds| {
        let status = BudgetStatus::new(Some(budget_seconds), used);
        BudgetView {
            period: project.budget_period,
            budget_seconds,
            budget_hours: hours(budget_seconds),
            used_seconds: used,
            remaining_seconds: status.remaining_seconds().unwrap_or(0),
            percent_used: status.percent_used_bp().map(|bp| f64::from(bp) / 100.0),
            over: status.is_over(),
        }
    });

    Summary {
        project_id: project.id,
        total: rollup.total().into(),
        by_category: by_category
            .into_iter()
            .map(|(id, tally)| {
                let category = categories.get(&id);
                CategoryRow {
                    category_id: id,
                    name: category.map_or_else(|| "?".into(), |c| c.name.clone()),
                    internal: category.is_some_and(|c| c.internal),
                    totals: tally.into(),
                }
            })
            .collect(),
        by_week: by_week
            .into_iter()
            .map(|(week, tally)| WeekRow {
                week,
                totals: tally.into(),
            })
            .collect(),
        budget,
        forecast: budget::forecast(project.budget_seconds, &days, today).into(),
    }
}

async fn show(state: State, user: ApiUser, id: web::Path<u64>) -> Reply {
    let actor = user.actor();
    let summary = state.store.read(|txn| {
        let project = visible_project(txn, actor, ProjectId(*id))?;
        let rollup = rollups::project(txn, project.id)?;
        let categories = txn
            .all::<Category>()?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let today = txn.settings()?.calendar().date_of(Timestamp::now());
        Ok(summarize(&project, &rollup, &categories, today))
    })?;
    Ok(HttpResponse::Ok().json(summary))
}
