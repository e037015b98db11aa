//! The contact's project list and project page. Every view is appended to
//! the client's access log in the background: a page never waits for that
//! commit (a durable write per view would cap views at the disk's flush
//! rate), so a crash may lose the last moment's views, never a change.

use std::sync::Arc;

use actix_web::{HttpResponse, web};
use jiff::Timestamp;

use super::auth::PortalContact;
use super::cache::{Hit, ViewCache};
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
    chrome_of(agency, contact)
}

fn chrome_of(agency: String, contact: &PortalContact) -> PortalChrome {
    PortalChrome {
        agency,
        contact_name: Some(contact.contact.name.clone()),
        csrf: contact.csrf.clone(),
        preview: None,
    }
}

fn log_view(state: &State, contact: &PortalContact, project: Option<ProjectId>) {
    let (who, now) = (contact.contact.clone(), Timestamp::now());
    state
        .store
        .write_in_background("portal access log", move |txn| {
            stored::log_access(txn, &who, project, now)
        });
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
    log_view(&state, &contact, None);
    Ok(pages::render(&HomePage {
        chrome: chrome(&state, &contact),
        client: contact.client.name.clone(),
        projects,
    }))
}

pub async fn project(
    state: State,
    contact: PortalContact,
    cache: web::Data<ViewCache>,
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
    // Read before the snapshot, so a view is never kept past a newer commit.
    let generation = state.store.generation();
    let hit = match cache.get(id, generation, now) {
        Some(hit) => hit,
        None => {
            let (input, lens) = portal_input(&state, id, now)?;
            let calendar = input.settings.calendar();
            let hit = Hit {
                lens,
                agency: input.settings.name.clone(),
                view: Arc::new(portal::project(&input, &lens, now, &calendar)),
            };
            cache.put(id, generation, calendar, now, hit.clone());
            hit
        }
    };
    if !shared_on_portal(&hit.lens) {
        return Err(PageError(Error::NotFound));
    }
    log_view(&state, &contact, Some(id));
    Ok(pages::render(&ProjectPage {
        chrome: chrome_of(hit.agency, &contact),
        view: (*hit.view).clone(),
    }))
}
