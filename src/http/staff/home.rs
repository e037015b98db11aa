//! The home page: the running timer, today's entries and the week's total.

use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use serde::Deserialize;

use super::{Chrome, FlashQuery, Nav};
use crate::domain::category::Category;
use crate::domain::entry::Entry;
use crate::domain::project::{Project, ProjectStatus};
use crate::domain::time::{format_duration, format_hours};
use crate::domain::timer::Timer;
use crate::domain::user::Actor;
use crate::domain::{CategoryId, ProjectId};
use crate::http::auth::{Posted, Staff};
use crate::http::error::PageError;
use crate::http::{State, pages};
use crate::store::entries::{self, Query, TimerReads};
use crate::store::records::Reads;
use crate::store::{self, rollups};

/// A project someone may log time on, for pickers.
pub struct Choice {
    pub id: u64,
    pub label: String,
}

/// Projects the actor may log time on, active ones only, by name.
pub fn loggable_projects(txn: &impl Reads, actor: Actor) -> Result<Vec<Project>, store::Error> {
    let mut projects: Vec<Project> = txn
        .all::<Project>()?
        .into_iter()
        .filter(|p| p.status == ProjectStatus::Active)
        .filter(|p| actor.role.sees_all_time() || p.has_member(actor.id))
        .collect();
    projects.sort_by_key(|p| p.name.to_lowercase());
    Ok(projects)
}

pub fn active_categories(txn: &impl Reads) -> Result<Vec<Category>, store::Error> {
    let mut categories: Vec<Category> = txn
        .all::<Category>()?
        .into_iter()
        .filter(|c| !c.archived)
        .collect();
    categories.sort_by(|a, b| {
        (a.internal, a.name.to_lowercase()).cmp(&(b.internal, b.name.to_lowercase()))
    });
    Ok(categories)
}

pub struct EntryRow {
    pub id: u64,
    pub project: String,
    pub category: String,
    pub description: String,
    pub duration: String,
    pub span: String,
    pub vague: Option<&'static str>,
    pub internal: bool,
    pub billable: bool,
}

pub struct RunningTimer {
    pub project: String,
    pub category: String,
    pub description: String,
    pub started_at: String,
}

#[derive(Template)]
#[template(path = "staff/home.html")]
struct HomePage {
    chrome: Chrome,
    timer: Option<RunningTimer>,
    projects: Vec<Choice>,
    categories: Vec<Choice>,
    today: Vec<EntryRow>,
    today_total: String,
    week_total: String,
}

pub async fn home(
    state: State,
    staff: Staff,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, PageError> {
    let actor = staff.actor();
    let now = Timestamp::now();
    let page = state.store.read(|txn| {
        let settings = txn.settings()?;
        let calendar = settings.calendar();
        let projects = loggable_projects(txn, actor)?;
        let categories = active_categories(txn)?;
        let all_projects: Vec<Project> = txn.all()?;
        let all_categories: Vec<Category> = txn.all()?;
        let project_name = |id: ProjectId| {
            all_projects
                .iter()
                .find(|p| p.id == id)
                .map_or("?".into(), |p| p.name.clone())
        };
        let category_name = |id: CategoryId| {
            all_categories
                .iter()
                .find(|c| c.id == id)
                .map_or("?".into(), |c| c.name.clone())
        };

        let timer = txn.timer(actor.id)?.map(|t: Timer| RunningTimer {
            project: project_name(t.project_id),
            category: category_name(t.category_id),
            description: t.description.clone(),
            started_at: t.started_at.to_string(),
        });

        let (start, end) = calendar.span_of(calendar.date_of(now));
        let today_query = Query {
            user: Some(actor.id),
            from: Some(start),
            to: Some(end),
            limit: 200,
            ..Query::default()
        };
        let (mut today, _) = entries::list(txn, actor, &today_query)?;
        today.reverse();
        let today_seconds: i64 = today.iter().map(Entry::seconds).sum();
        let week = rollups::user_week(txn, actor.id, calendar.week_of_instant(now))?;
        let rows = today
            .iter()
            .map(|e| {
                entry_row(
                    e,
                    &calendar,
                    &settings.hygiene,
                    &project_name,
                    &category_name,
                )
            })
            .collect();
        Ok(HomePage {
            chrome: Chrome::new(&state, &staff, Nav::Home, query.done.as_deref()),
            timer,
            projects: projects
                .iter()
                .map(|p| Choice {
                    id: p.id.0,
                    label: p.name.clone(),
                })
                .collect(),
            categories: categories
                .iter()
                .map(|c| Choice {
                    id: c.id.0,
                    label: if c.internal {
                        format!("{} (internal)", c.name)
                    } else {
                        c.name.clone()
                    },
                })
                .collect(),
            today: rows,
            today_total: format_duration(today_seconds),
            week_total: format_hours(week.seconds),
        })
    })?;
    Ok(pages::render(&page))
}

pub fn entry_row(
    e: &Entry,
    calendar: &crate::domain::time::Calendar,
    hygiene: &crate::domain::hygiene::HygieneRules,
    project_name: &impl Fn(ProjectId) -> String,
    category_name: &impl Fn(CategoryId) -> String,
) -> EntryRow {
    let local = |t: Timestamp| {
        t.to_zoned(calendar.zone.clone())
            .strftime("%H:%M")
            .to_string()
    };
    EntryRow {
        id: e.id.0,
        project: project_name(e.project_id),
        category: category_name(e.category_id),
        description: e.description.clone(),
        duration: format_duration(e.seconds()),
        span: format!("{}–{}", local(e.start), local(e.end)),
        vague: hygiene.check(&e.description).map(|v| v.message()),
        internal: e.internal,
        billable: e.billable,
    }
}

#[derive(Deserialize)]
pub struct StartForm {
    project_id: u64,
    category_id: u64,
    #[serde(default)]
    description: String,
    #[serde(default)]
    billable: Option<String>,
}

pub async fn start_timer(
    state: State,
    posted: Posted<StartForm>,
) -> Result<HttpResponse, PageError> {
    let actor = posted.staff.actor();
    let form = posted.form;
    let now = Timestamp::now();
    let timer = Timer {
        user_id: actor.id,
        project_id: ProjectId(form.project_id),
        category_id: CategoryId(form.category_id),
        description: form.description.trim().to_owned(),
        billable: form.billable.is_some(),
        started_at: now,
    };
    state
        .store
        .write(move |txn| entries::start_timer(txn, actor, timer.clone(), now))
        .await?;
    Ok(pages::see_other("/?done=started"))
}

pub async fn stop_timer(
    state: State,
    posted: Posted<serde::de::IgnoredAny>,
) -> Result<HttpResponse, PageError> {
    let actor = posted.staff.actor();
    let now = Timestamp::now();
    let stopped = state
        .store
        .write(move |txn| entries::stop_timer(txn, actor, now))
        .await?;
    Ok(pages::see_other(if stopped.is_some() {
        "/?done=stopped"
    } else {
        "/?done=not-running"
    }))
}
