//! `/timer`: the caller's running timer. Starting one stops and saves any
//! timer already running; stopping one saves it as an entry.

use actix_web::{HttpResponse, web};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::entries::EntryView;
use super::{Reply, resource};
use crate::domain::timer::Timer;
use crate::domain::{CategoryId, Invalid, ProjectId};
use crate::http::State;
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Error};
use crate::store::entries::{self, TimerReads};
use crate::store::records::Reads;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/timer")
            .route(web::get().to(show))
            .route(web::post().to(start))
            .route(web::delete().to(stop)),
    )
    .route("/timer/stop", web::post().to(stop));
}

#[derive(Serialize)]
struct TimerView {
    project_id: ProjectId,
    category_id: CategoryId,
    description: String,
    billable: bool,
    started_at: Timestamp,
    /// Seconds since it started, as of the response.
    seconds: i64,
}

impl TimerView {
    fn new(t: Timer, now: Timestamp) -> Self {
        TimerView {
            seconds: now.duration_since(t.started_at).as_secs().max(0),
            project_id: t.project_id,
            category_id: t.category_id,
            description: t.description,
            billable: t.billable,
            started_at: t.started_at,
        }
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct StartTimer {
    project_id: Option<ProjectId>,
    category_id: Option<CategoryId>,
    #[serde(default)]
    description: String,
    #[serde(default = "yes")]
    billable: bool,
}

fn yes() -> bool {
    true
}

#[derive(Serialize)]
struct Started {
    timer: TimerView,
    /// The timer that was running before, now saved as an entry.
    stopped: Option<EntryView>,
}

async fn show(state: State, user: ApiUser) -> Reply {
    let timer = state.store.read(|txn| txn.timer(user.user.id))?;
    let now = Timestamp::now();
    Ok(HttpResponse::Ok().json(timer.map(|t| TimerView::new(t, now))))
}

async fn start(state: State, user: ApiUser, body: web::Json<StartTimer>) -> Reply {
    let actor = user.actor();
    let body = body.into_inner();
    let project_id = body
        .project_id
        .ok_or_else(|| Invalid::new("project_id", "is required"))?;
    let category_id = body
        .category_id
        .ok_or_else(|| Invalid::new("category_id", "is required"))?;
    let now = Timestamp::now();
    let timer = Timer {
        user_id: actor.id,
        project_id,
        category_id,
        description: body.description.trim().to_owned(),
        billable: body.billable,
        started_at: now,
    };
    let started = state
        .store
        .write(move |txn| {
            let (timer, stopped) = entries::start_timer(txn, actor, timer.clone(), now)?;
            let hygiene = txn.settings()?.hygiene;
            Ok(Started {
                timer: TimerView::new(timer, now),
                stopped: stopped.map(|e| EntryView::new(e, &hygiene)),
            })
        })
        .await?;
    Ok(HttpResponse::Created().json(started))
}

async fn stop(state: State, user: ApiUser) -> Reply {
    let actor = user.actor();
    let now = Timestamp::now();
    let saved = state
        .store
        .write(move |txn| {
            let entry = entries::stop_timer(txn, actor, now)?;
            let hygiene = txn.settings()?.hygiene;
            Ok(entry.map(|e| EntryView::new(e, &hygiene)))
        })
        .await?;
    match saved {
        Some(entry) => Ok(HttpResponse::Ok().json(entry)),
        None => Err(ApiError(Error::Conflict("no timer is running".into()))),
    }
}
