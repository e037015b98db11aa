//! The home page: the running timer, today's entries and the week's total.

use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use serde::Deserialize;

use super::views::{
    Choice, EntryRow, Names, active_categories, category_choices, entry_row, loggable_projects,
    project_choices,
};
use super::{Chrome, FlashQuery, Nav};
use crate::domain::entry::Entry;
use crate::domain::time::{format_duration, format_hours};
use crate::domain::timer::Timer;
use crate::domain::{CategoryId, ProjectId};
use crate::http::auth::{Posted, Staff};
use crate::http::error::PageError;
use crate::http::{State, pages};
use crate::store::entries::{self, Query, TimerReads};
use crate::store::records::Reads;
use crate::store::rollups;

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
        let names = Names::load(txn)?;

        let timer = txn.timer(actor.id)?.map(|t: Timer| RunningTimer {
            project: names.project(t.project_id),
            category: names.category(t.category_id),
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
            .map(|e| entry_row(e, &calendar, &settings.hygiene, &names))
            .collect();
        Ok(HomePage {
            chrome: Chrome::new(&state, &staff, Nav::Home, query.done.as_deref()),
            timer,
            projects: project_choices(&projects),
            categories: category_choices(&categories),
            today: rows,
            today_total: format_duration(today_seconds),
            week_total: format_hours(week.seconds),
        })
    })?;
    Ok(pages::render(&page))
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
