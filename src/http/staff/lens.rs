//! What a project's client sees: the lens editor, approving time for a
//! lens that waits for approval, and the preview, which renders the exact
//! portal page through the same projection.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use super::{Chrome, FlashQuery, Nav};
use crate::domain::lens::{BudgetDisplay, Grouping, Lens, Publishing, Sections, TimeDetail};
use crate::domain::project::Project;
use crate::domain::time::weekday_name;
use crate::domain::{Invalid, ProjectId};
use crate::http::auth::{Manager, Posted, Staff};
use crate::http::error::{Error, PageError};
use crate::http::portal::{PortalChrome, PreviewBanner, ProjectPage, portal_input};
use crate::http::{State, pages};
use crate::portal;
use crate::store::entries;
use crate::store::records::{self, Reads};

#[derive(Template)]
#[template(path = "staff/lens.html")]
struct LensPage {
    chrome: Chrome,
    project_id: u64,
    project_name: String,
    uses_default: bool,
    lens: LensFields,
    today: String,
    error: Option<String>,
}

/// A lens as the form shows it.
struct LensFields {
    time_detail: &'static str,
    grouping: &'static str,
    staff_names: bool,
    budget: &'static str,
    publishing: &'static str,
    publish_at: String,
    publish_day: &'static str,
    only_approved: bool,
    milestones: bool,
    time: bool,
    budget_section: bool,
}

impl LensFields {
    fn of(lens: &Lens) -> LensFields {
        LensFields {
            time_detail: lens.time_detail.as_str(),
            grouping: lens.grouping.as_str(),
            staff_names: lens.staff_names,
            budget: lens.budget.as_str(),
            publishing: lens.publishing.kind(),
            publish_at: lens
                .publishing
                .at()
                .map_or_else(|| "18:00".into(), |t| t.strftime("%H:%M").to_string()),
            publish_day: match lens.publishing {
                Publishing::Weekly { day, .. } => weekday_name(day),
                _ => "friday",
            },
            only_approved: lens.only_approved,
            milestones: lens.sections.milestones,
            time: lens.sections.time,
            budget_section: lens.sections.budget,
        }
    }
}

fn render_page(
    state: &State,
    staff: &Staff,
    id: ProjectId,
    flash: Option<&str>,
    error: Option<(StatusCode, String)>,
) -> Result<HttpResponse, PageError> {
    let (project, settings) = state.store.read(|txn| {
        let project: Project = txn.must(id.0)?;
        Ok((project, txn.settings()?))
    })?;
    let lens = project.lens_or(&settings.lens);
    let page = LensPage {
        chrome: Chrome::new(state, staff, Nav::Projects, flash),
        project_id: project.id.0,
        project_name: project.name.clone(),
        uses_default: project.lens.is_none(),
        lens: LensFields::of(&lens),
        today: settings.calendar().date_of(Timestamp::now()).to_string(),
        error: error.as_ref().map(|(_, m)| m.clone()),
    };
    let status = error.map_or(StatusCode::OK, |(s, _)| s);
    Ok(pages::render_with(status, &page))
}

pub async fn edit(
    state: State,
    Manager(staff): Manager,
    id: web::Path<u64>,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, PageError> {
    render_page(&state, &staff, ProjectId(*id), query.done.as_deref(), None)
}

#[derive(Deserialize)]
pub struct LensForm {
    use_default: Option<String>,
    #[serde(default)]
    time_detail: String,
    #[serde(default)]
    grouping: String,
    staff_names: Option<String>,
    #[serde(default)]
    budget: String,
    #[serde(default)]
    publishing: String,
    #[serde(default)]
    publish_at: String,
    #[serde(default)]
    publish_day: String,
    only_approved: Option<String>,
    milestones: Option<String>,
    time: Option<String>,
    budget_section: Option<String>,
}

impl LensForm {
    fn lens(&self) -> Result<Lens, Invalid> {
        Ok(Lens {
            time_detail: TimeDetail::parse(&self.time_detail)?,
            grouping: Grouping::parse(&self.grouping)?,
            staff_names: self.staff_names.is_some(),
            budget: BudgetDisplay::parse(&self.budget)?,
            publishing: Publishing::parse(&self.publishing, &self.publish_at, &self.publish_day)?,
            only_approved: self.only_approved.is_some(),
            sections: Sections {
                milestones: self.milestones.is_some(),
                time: self.time.is_some(),
                budget: self.budget_section.is_some(),
            },
        })
    }
}

pub async fn save(
    state: State,
    posted: Posted<LensForm>,
    id: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let staff = posted.staff;
    if !staff.user.role.sees_all_time() {
        return Err(PageError(Error::NotFound));
    }
    let id = ProjectId(*id);
    let lens = if posted.form.use_default.is_some() {
        None
    } else {
        match posted.form.lens() {
            Ok(lens) => Some(lens),
            Err(invalid) => {
                let message = format!("{}: {}", invalid.field, invalid.message);
                return render_page(
                    &state,
                    &staff,
                    id,
                    None,
                    Some((StatusCode::UNPROCESSABLE_ENTITY, message)),
                );
            }
        }
    };
    state
        .store
        .write(move |txn| {
            let mut project: Project = txn.must(id.0)?;
            project.lens = lens;
            records::put(txn, &project)
        })
        .await?;
    tracing::info!(project = %id, user = %staff.user.id, "lens saved");
    Ok(pages::see_other(&format!("/projects/{id}/lens?done=saved")))
}

#[derive(Deserialize)]
pub struct ApproveForm {
    #[serde(default)]
    until: String,
}

pub async fn approve(
    state: State,
    posted: Posted<ApproveForm>,
    id: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let staff = posted.staff;
    if !staff.user.role.sees_all_time() {
        return Err(PageError(Error::NotFound));
    }
    let id = ProjectId(*id);
    let Ok(date) = posted.form.until.trim().parse::<Date>() else {
        return render_page(
            &state,
            &staff,
            id,
            None,
            Some((
                StatusCode::UNPROCESSABLE_ENTITY,
                "until: must be a date such as 2026-03-31".into(),
            )),
        );
    };
    let calendar = state.store.read(|txn| txn.settings())?.calendar();
    // Up to the end of that local day.
    let until = calendar.span_of(date).1;
    let (actor, now) = (staff.actor(), Timestamp::now());
    let approved = state
        .store
        .write(move |txn| entries::approve_until(txn, actor, id, until, now))
        .await?;
    tracing::info!(project = %id, approved, "time approved");
    Ok(pages::see_other(&format!(
        "/projects/{id}/lens?done=approved"
    )))
}

pub async fn preview(
    state: State,
    Manager(_staff): Manager,
    id: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let id = ProjectId(*id);
    let now = Timestamp::now();
    let (input, lens) = portal_input(&state, id, now)?;
    let calendar = input.settings.calendar();
    let view = portal::project(&input, &lens, now, &calendar);
    let chrome = PortalChrome {
        agency: input.settings.name.clone(),
        contact_name: None,
        csrf: String::new(),
        preview: Some(PreviewBanner {
            client: input.client.name.clone(),
            back: format!("/projects/{id}/lens"),
        }),
    };
    Ok(pages::render(&ProjectPage { chrome, view }))
}
