//! Milestones, planned by managers on the project page.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use super::forms::optional_date;
use super::projects::detail_page;
use super::views::{Problem, invalid_or};
use super::{Chrome, Nav, require_manager};
use crate::domain::milestone::{Milestone, MilestoneStatus};
use crate::domain::project::Project;
use crate::domain::{Invalid, MilestoneId, ProjectId, clean_name};
use crate::http::auth::{Manager, Posted, Staff};
use crate::http::error::{Error, PageError};
use crate::http::{State, pages};
use crate::store::records::{self, Reads};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/projects/{id}/milestones", web::post().to(add))
        .route(
            "/projects/{id}/milestones/{milestone}/edit",
            web::get().to(edit_form),
        )
        .route(
            "/projects/{id}/milestones/{milestone}",
            web::post().to(update),
        )
        .route(
            "/projects/{id}/milestones/{milestone}/delete",
            web::post().to(delete),
        );
}

pub struct MilestoneRow {
    pub id: u64,
    pub title: String,
    pub due: String,
    pub status: &'static str,
    pub done: bool,
    pub late: bool,
    pub client_visible: bool,
}

pub fn milestone_rows(milestones: &[Milestone], today: Date) -> Vec<MilestoneRow> {
    milestones
        .iter()
        .map(|m| MilestoneRow {
            id: m.id.0,
            title: m.title.clone(),
            due: m.due.map(|d| d.to_string()).unwrap_or_default(),
            status: match m.status {
                MilestoneStatus::Planned => "planned",
                MilestoneStatus::InProgress => "in progress",
                MilestoneStatus::Done => "done",
            },
            done: m.status == MilestoneStatus::Done,
            late: m.status != MilestoneStatus::Done && m.due.is_some_and(|d| d < today),
            client_visible: m.client_visible,
        })
        .collect()
}

#[derive(Deserialize, Clone, Default)]
#[serde(default)]
pub struct MilestoneForm {
    pub title: String,
    pub due: String,
    pub status: String,
    pub client_visible: Option<String>,
}

impl MilestoneForm {
    pub fn blank() -> MilestoneForm {
        MilestoneForm {
            status: "planned".into(),
            ..MilestoneForm::default()
        }
    }

    fn of(m: &Milestone) -> MilestoneForm {
        MilestoneForm {
            title: m.title.clone(),
            due: m.due.map(|d| d.to_string()).unwrap_or_default(),
            status: m.status.as_str().into(),
            client_visible: m.client_visible.then(|| "on".into()),
        }
    }

    /// Applies the form to `base`; the done stamp follows the status.
    fn apply(&self, base: Milestone, now: Timestamp) -> Result<Milestone, Invalid> {
        let status = MilestoneStatus::parse(&self.status)?;
        let done_at = match status {
            MilestoneStatus::Done => base.done_at.or(Some(now)),
            _ => None,
        };
        Ok(Milestone {
            title: clean_name("title", &self.title, 200)?,
            due: optional_date("due", &self.due)?,
            status,
            client_visible: self.client_visible.is_some(),
            done_at,
            ..base
        })
    }
}

/// The milestone at `path`, only if it belongs to that project.
fn load(txn: &impl Reads, project: u64, milestone: u64) -> Result<Milestone, crate::store::Error> {
    txn.must::<Project>(project)?;
    let m: Milestone = txn.must(milestone)?;
    if m.project_id.0 == project {
        Ok(m)
    } else {
        Err(crate::store::Error::NotFound)
    }
}

pub async fn add(
    state: State,
    posted: Posted<MilestoneForm>,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let Posted { staff, form } = posted;
    require_manager(&staff)?;
    let project = state.store.read(|txn| txn.must::<Project>(*path))?;
    let base = Milestone {
        id: MilestoneId(0),
        project_id: project.id,
        title: String::new(),
        due: None,
        status: MilestoneStatus::Planned,
        client_visible: false,
        done_at: None,
    };
    let milestone = match form.apply(base, Timestamp::now()) {
        Ok(m) => m,
        Err(invalid) => return rejected_on_project(&state, &staff, project.id, form, invalid),
    };
    state
        .store
        .write(move |txn| {
            let mut m = milestone.clone();
            m.id = MilestoneId(records::new_id::<Milestone>(txn)?);
            records::put(txn, &m)
        })
        .await?;
    Ok(pages::see_other(&format!(
        "/projects/{}?done=created",
        project.id
    )))
}

fn rejected_on_project(
    state: &State,
    staff: &Staff,
    project: ProjectId,
    form: MilestoneForm,
    invalid: Invalid,
) -> Result<HttpResponse, PageError> {
    let page = detail_page(state, staff, project.0, None, form, Problem::of(invalid))?;
    Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

#[derive(Template)]
#[template(path = "staff/milestone_form.html")]
struct FormPage {
    chrome: Chrome,
    project_id: u64,
    project: String,
    milestone_id: u64,
    form: MilestoneForm,
    problem: Problem,
}

fn form_page(
    state: &State,
    staff: &Staff,
    m: &Milestone,
    form: MilestoneForm,
    problem: Problem,
) -> Result<FormPage, crate::store::Error> {
    let project: Project = state.store.read(|txn| txn.must(m.project_id.0))?;
    Ok(FormPage {
        chrome: Chrome::new(state, staff, Nav::Projects, None),
        project_id: project.id.0,
        project: project.name,
        milestone_id: m.id.0,
        form,
        problem,
    })
}

pub async fn edit_form(
    state: State,
    manager: Manager,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, PageError> {
    let (project, milestone) = *path;
    let m = state.store.read(|txn| load(txn, project, milestone))?;
    let page = form_page(
        &state,
        &manager.0,
        &m,
        MilestoneForm::of(&m),
        Problem::none(),
    )?;
    Ok(pages::render(&page))
}

pub async fn update(
    state: State,
    posted: Posted<MilestoneForm>,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, PageError> {
    let Posted { staff, form } = posted;
    require_manager(&staff)?;
    let (project, milestone) = *path;
    let old = state.store.read(|txn| load(txn, project, milestone))?;
    let new = match form.apply(old.clone(), Timestamp::now()) {
        Ok(m) => m,
        Err(invalid) => {
            let page = form_page(&state, &staff, &old, form, Problem::of(invalid))?;
            return Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let result = state
        .store
        .write(move |txn| {
            load(txn, project, milestone)?;
            records::put(txn, &new)
        })
        .await;
    invalid_or(result)?.map_err(|i| PageError(Error::Invalid(i)))?;
    Ok(pages::see_other(&format!("/projects/{project}?done=saved")))
}

pub async fn delete(
    state: State,
    posted: Posted<serde::de::IgnoredAny>,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, PageError> {
    require_manager(&posted.staff)?;
    let (project, milestone) = *path;
    state
        .store
        .write(move |txn| {
            load(txn, project, milestone)?;
            records::delete::<Milestone>(txn, milestone)
        })
        .await?;
    Ok(pages::see_other(&format!(
        "/projects/{project}?done=deleted"
    )))
}
