//! `/projects/{id}/summary`: a project's hours by category and by week, its
//! budget and forecast. Read from the roll-ups only, never from entries, so
//! it costs the same for a project of ten entries or a million; of the day
//! roll-ups it reads only the burn-rate window (or the month of a monthly
//! budget), and before it only as far back as an overrun began.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use actix_web::http::header::ContentType;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use jiff::Timestamp;
use jiff::civil::Date;
use redb::ReadTransaction;
use serde::Serialize;

use super::{Reply, visible_project};
use crate::domain::budget::{self, BudgetStatus, Forecast, SECONDS_PER_HOUR};
use crate::domain::category::Category;
use crate::domain::project::{BudgetPeriod, Project};
use crate::domain::rollup::Tally;
use crate::domain::time::Day;
use crate::domain::{CategoryId, ProjectId};
use crate::http::State;
use crate::http::auth::ApiUser;
use crate::store::records::Reads;
use crate::store::{self, rollups};

/// Called once per worker by the app factory: each worker has its own cache.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.app_data(web::Data::new(SummaryCache::default()))
        .route("/projects/{id}/summary", web::get().to(show));
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

/// A project's roll-ups as the summary reads them: every (category, week)
/// row, and only the day rows its budget and forecast need.
struct Rows {
    weeks: Vec<(CategoryId, Day, Tally)>,
    total: Tally,
    /// Seconds per day that count against the budget, as far as a forecast
    /// needs them (see `rollups::lifetime_days`).
    days: Vec<(Date, i64)>,
    used: i64,
}

impl Rows {
    fn read(txn: &ReadTransaction, project: &Project, today: Date) -> Result<Rows, store::Error> {
        let weeks = rollups::project_weeks(txn, project.id)?;
        let mut total = Tally::default();
        weeks.iter().for_each(|(_, _, t)| total.add(*t));
        let (days, used) = match (project.budget_period.window(today), project.budget_seconds) {
            (Some((first, last)), _) => {
                let window = Day::from_date(first)..=Day::from_date(last);
                let days: Vec<(Day, i64)> = rollups::project_days(txn, project.id, window)?
                    .into_iter()
                    .map(|(day, t)| (day, t.seconds))
                    .collect();
                let used = days.iter().map(|(_, s)| s).sum();
                (days, used)
            }
            (None, Some(budget)) => {
                let today = Day::from_date(today);
                let from = Day(today.0 - (budget::DEFAULT_BURN_WINDOW_DAYS as i32 - 1));
                let days =
                    rollups::lifetime_days(txn, project.id, total.seconds, budget, from, today)?;
                (days, total.seconds)
            }
            // Without a budget there is nothing to forecast.
            (None, None) => (Vec::new(), total.seconds),
        };
        Ok(Rows {
            weeks,
            total,
            days: days.into_iter().map(|(d, s)| (d.date(), s)).collect(),
            used,
        })
    }
}

fn summarize(
    project: &Project,
    rows: &Rows,
    categories: &BTreeMap<CategoryId, Category>,
    today: Date,
) -> Summary {
    let mut by_category: BTreeMap<CategoryId, Tally> = BTreeMap::new();
    let mut by_week: BTreeMap<Date, Tally> = BTreeMap::new();
    for (category, week, tally) in &rows.weeks {
        by_category.entry(*category).or_default().add(*tally);
        by_week.entry(week.date()).or_default().add(*tally);
    }

    let used = rows.used;
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
        total: rows.total.into(),
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
        forecast: budget::forecast(project.budget_seconds, &rows.days, today).into(),
    }
}

/// Each worker's summaries as sent, per project. A summary is a function of
/// the store's contents and of today's date, so one is reused only while
/// the store's generation and the date are those it was computed for; who
/// may see it is checked on every request before the cache is looked at.
#[derive(Default)]
struct SummaryCache(Mutex<HashMap<ProjectId, (u64, Date, Bytes)>>);

impl SummaryCache {
    fn get(&self, project: ProjectId, generation: u64, today: Date) -> Option<Bytes> {
        let cached = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cached
            .get(&project)
            .filter(|(g, d, _)| *g == generation && *d == today)
            .map(|(_, _, body)| body.clone())
    }

    fn put(&self, project: ProjectId, generation: u64, today: Date, body: Bytes) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(project, (generation, today, body));
    }
}

async fn show(
    state: State,
    user: ApiUser,
    cache: web::Data<SummaryCache>,
    id: web::Path<u64>,
) -> Reply {
    let actor = user.actor();
    // Read before the snapshot, so a summary is never kept past a newer commit.
    let generation = state.store.generation();
    let body = state.store.read(|txn| {
        let project = visible_project(txn, actor, ProjectId(*id))?;
        let today = txn.settings()?.calendar().date_of(Timestamp::now());
        if let Some(body) = cache.get(project.id, generation, today) {
            return Ok(body);
        }
        let categories = txn
            .all::<Category>()?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        let rows = Rows::read(txn, &project, today)?;
        let summary = summarize(&project, &rows, &categories, today);
        let body = Bytes::from(serde_json::to_vec(&summary).expect("a summary serialises"));
        cache.put(project.id, generation, today, body.clone());
        Ok(body)
    })?;
    Ok(HttpResponse::Ok()
        .content_type(ContentType::json())
        .body(body))
}
