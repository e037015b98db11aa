//! The contact's project list and project page. Every view is appended to
//! the client's access log.

use actix_web::{HttpResponse, web};
use jiff::Timestamp;

use super::auth::PortalContact;
use super::{HomePage, PortalChrome, ProjectPage};
use crate::domain::ProjectId;
use crate::domain::lens::Lens;
use crate::domain::project::Project;
use crate::http::error::{Error, PageError};
use crate::http::{State, pages};
use crate::portal::view::ProjectCard;
use crate::portal::{self, PortalInput};
use crate::store::portal as stored;
use crate::store::records::Reads;

/// A project is on the portal while its lens shows at least one section.
pub fn shared_on_portal(lens: &Lens) -> bool {
    lens.sections.milestones || lens.sections.time || lens.sections.budget
}

/// Reads what the projection needs for one project, with its lens.
pub fn portal_input(
    state: &State,
    project: ProjectId,
    now: Timestamp,
) -> Result<(PortalInput, Lens), Error> {
    Ok(state.store.read(|txn| {
        let settings = txn.settings()?;
        let project: Project = txn.must(project.0)?;
        let lens = project.lens_or(&settings.lens);
        Ok((portal::load::input(txn, &project, &lens, now)?, lens))
    })?)
}

fn chrome(state: &State, contact: &PortalContact) -> PortalChrome {
    let agency = state
        .store
        .read(|txn| txn.settings())
        .map(|s| s.name)
        .unwrap_or_else(|_| "Glasshouse".into());
    PortalChrome {
        agency,
        contact_name: Some(contact.contact.name.clone()),
        csrf: contact.csrf.clone(),
        preview: None,
    }
}

async fn log_view(
    state: &State,
    contact: &PortalContact,
    project: Option<ProjectId>,
) -> Result<(), Error> {
    let (who, now) = (contact.contact.clone(), Timestamp::now());
    state
        .store
        .write(move |txn| stored::log_access(txn, &who, project, now))
        .await?;
    Ok(())
}

pub async fn home(state: State, contact: PortalContact) -> Result<HttpResponse, PageError> {
    let client = contact.client.id;
    let mut projects: Vec<ProjectCard> = state.store.read(|txn| {
        let settings = txn.settings()?;
        Ok(txn
            .all::<Project>()?
            .into_iter()
            .filter(|p| p.client_id == client && shared_on_portal(&p.lens_or(&settings.lens)))
            .map(|p| ProjectCard {
                id: p.id,
                name: p.name,
                status: p.status.as_str(),
            })
            .collect())
    })?;
    projects.sort_by_key(|p| p.name.to_lowercase());
    log_view(&state, &contact, None).await?;
    Ok(pages::render(&HomePage {
        chrome: chrome(&state, &contact),
        client: contact.client.name.clone(),
        projects,
    }))
}

pub async fn project(
    state: State,
    contact: PortalContact,
    id: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let id = ProjectId(id.into_inner());
    let now = Timestamp::now();
    // Another client's project, or one taken off the portal, does not exist
    // here; its data is not even read.
    let owner = state
        .store
        .read(|txn| Ok(txn.get::<Project>(id.0)?.map(|p| p.client_id)))?;
    if owner != Some(contact.client.id) {
        return Err(PageError(Error::NotFound));
    }
    let (input, lens) = portal_input(&state, id, now)?;
    if !shared_on_portal(&lens) {
        return Err(PageError(Error::NotFound));
    }
    let calendar = input.settings.calendar();
    let view = portal::project(&input, &lens, now, &calendar);
    drop(input);
    log_view(&state, &contact, Some(id)).await?;
    Ok(pages::render(&ProjectPage {
        chrome: chrome(&state, &contact),
        view,
    }))
}
