//! A client's contacts, seen by managers: who may sign in to the portal,
//! invitations, and the client's portal access log.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use serde::Deserialize;

use super::views::Problem;
use super::{Chrome, FlashQuery, Nav};
use crate::domain::client::Client;
use crate::domain::contact::{Contact, ContactDraft};
use crate::domain::project::Project;
use crate::domain::{ClientId, ContactId, Invalid};
use crate::http::auth::{Manager, Posted};
use crate::http::error::{Error, PageError};
use crate::http::portal::sign_in::send_link;
use crate::http::{State, pages};
use crate::store::portal::{self as stored, Purpose};
use crate::store::records::Reads;

/// How many portal views the page lists.
const LOG_ROWS: usize = 100;

pub struct ContactRow {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub portal_access: bool,
}

pub struct AccessRow {
    pub at: String,
    pub contact: String,
    pub page: String,
}

#[derive(Template)]
#[template(path = "staff/contacts.html")]
struct ContactsPage {
    chrome: Chrome,
    client_id: u64,
    client_name: String,
    contacts: Vec<ContactRow>,
    log: Vec<AccessRow>,
    name: String,
    email: String,
    problem: Problem,
}

fn page(
    state: &State,
    chrome: Chrome,
    client: ClientId,
    name: String,
    email: String,
    problem: Problem,
) -> Result<ContactsPage, Error> {
    Ok(state.store.read(|txn| {
        let found: Client = txn.must(client.0)?;
        let calendar = txn.settings()?.calendar();
        let contacts = stored::contacts_of(txn, client)?;
        let projects: Vec<Project> = txn.all()?;
        let log = stored::access_log(txn, client, LOG_ROWS)?
            .into_iter()
            .map(|a| AccessRow {
                at: a
                    .at
                    .to_zoned(calendar.zone.clone())
                    .strftime("%Y-%m-%d %H:%M")
                    .to_string(),
                contact: contacts
                    .iter()
                    .find(|c| c.id == a.contact_id)
                    .map_or_else(|| format!("contact {}", a.contact_id), |c| c.name.clone()),
                page: match a.project_id {
                    None => "Project list".into(),
                    Some(id) => projects
                        .iter()
                        .find(|p| p.id == id)
                        .map_or_else(|| format!("project {id}"), |p| p.name.clone()),
                },
            })
            .collect();
        Ok(ContactsPage {
            chrome,
            client_id: found.id.0,
            client_name: found.name,
            contacts: contacts
                .into_iter()
                .map(|c| ContactRow {
                    id: c.id.0,
                    name: c.name,
                    email: c.email,
                    portal_access: c.portal_access,
                })
                .collect(),
            log,
            name,
            email,
            problem,
        })
    })?)
}

pub async fn list(
    state: State,
    Manager(staff): Manager,
    client: web::Path<u64>,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, PageError> {
    let chrome = Chrome::new(&state, &staff, Nav::Clients, query.done.as_deref());
    let page = page(
        &state,
        chrome,
        ClientId(*client),
        String::new(),
        String::new(),
        Problem::none(),
    )?;
    Ok(pages::render(&page))
}

#[derive(Deserialize)]
pub struct ContactForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
}

pub async fn add(
    state: State,
    posted: Posted<ContactForm>,
    client: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let staff = posted.staff;
    if !staff.user.role.sees_all_time() {
        return Err(PageError(Error::NotFound));
    }
    let client = ClientId(*client);
    let form = posted.form;
    let draft = ContactDraft {
        name: form.name.clone(),
        email: form.email.clone(),
    };
    let now = Timestamp::now();
    let result = state
        .store
        .write(move |txn| stored::create_contact(txn, client, draft.clone(), now))
        .await;
    let (status, problem) = match result {
        Ok(contact) => {
            tracing::info!(contact = %contact.id, client = %client, "contact added");
            return Ok(pages::see_other(&format!(
                "/clients/{client}/contacts?done=created"
            )));
        }
        Err(crate::store::Error::Invalid(invalid)) => {
            (StatusCode::UNPROCESSABLE_ENTITY, Problem::of(invalid))
        }
        // The one thing a new contact can collide on is its address.
        Err(crate::store::Error::Conflict(message)) => (
            StatusCode::CONFLICT,
            Problem::of(Invalid::new("email", message)),
        ),
        Err(e) => return Err(e.into()),
    };
    let chrome = Chrome::new(&state, &staff, Nav::Clients, None);
    let page = page(&state, chrome, client, form.name, form.email, problem)?;
    Ok(pages::render_with(status, &page))
}

/// The contact, if it belongs to the client in the path.
fn contact_of(state: &State, client: ClientId, contact: ContactId) -> Result<Contact, Error> {
    let found: Contact = state.store.read(|txn| txn.must(contact.0))?;
    if found.client_id == client {
        Ok(found)
    } else {
        Err(Error::NotFound)
    }
}

#[derive(Deserialize)]
pub struct AccessForm {
    #[serde(default)]
    access: String,
}

pub async fn set_access(
    state: State,
    posted: Posted<AccessForm>,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, PageError> {
    if !posted.staff.user.role.sees_all_time() {
        return Err(PageError(Error::NotFound));
    }
    let (client, contact) = (ClientId(path.0), ContactId(path.1));
    contact_of(&state, client, contact)?;
    let access = match posted.form.access.as_str() {
        "on" => true,
        "off" => false,
        _ => {
            return Err(PageError(Error::BadRequest(
                "access must be on or off".into(),
            )));
        }
    };
    state
        .store
        .write(move |txn| stored::set_portal_access(txn, contact, access))
        .await?;
    tracing::info!(contact = %contact, access, "portal access changed");
    Ok(pages::see_other(&format!(
        "/clients/{client}/contacts?done=saved"
    )))
}

pub async fn invite(
    state: State,
    posted: Posted<serde::de::IgnoredAny>,
    path: web::Path<(u64, u64)>,
) -> Result<HttpResponse, PageError> {
    if !posted.staff.user.role.sees_all_time() {
        return Err(PageError(Error::NotFound));
    }
    let (client, contact) = (ClientId(path.0), ContactId(path.1));
    let contact = contact_of(&state, client, contact)?;
    if !contact.portal_access {
        return Err(PageError(Error::Conflict(
            "turn on portal access before inviting this contact".into(),
        )));
    }
    send_link(&state, &contact, Purpose::Invitation).await?;
    tracing::info!(contact = %contact.id, "portal invitation queued");
    Ok(pages::see_other(&format!(
        "/clients/{client}/contacts?done=invited"
    )))
}
