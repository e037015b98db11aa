//! Clients, kept by managers: the list, the form, archiving, and a
//! client's page listing its projects.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use serde::Deserialize;

use super::projects::{ProjectRow, project_row};
use super::views::{Names, Problem, invalid_or};
use super::{Chrome, FlashQuery, Nav, require_manager};
use crate::domain::client::Client;
use crate::domain::project::Project;
use crate::domain::{ClientId, clean_name};
use crate::http::auth::{Manager, Posted, Staff};
use crate::http::error::PageError;
use crate::http::{State, pages};
use crate::store::records::{self, Reads};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/clients", web::get().to(list))
        .route("/clients", web::post().to(create))
        .route("/clients/new", web::get().to(new_form))
        .route("/clients/{id}", web::get().to(detail))
        .route("/clients/{id}", web::post().to(update))
        .route("/clients/{id}/edit", web::get().to(edit_form))
        .route("/clients/{id}/archive", web::post().to(archive));
}

pub struct ClientRow {
    pub id: u64,
    pub name: String,
    pub projects: usize,
    pub archived: bool,
}

#[derive(Template)]
#[template(path = "staff/clients.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<ClientRow>,
}

pub async fn list(
    state: State,
    manager: Manager,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, PageError> {
    let staff = manager.0;
    let page = state.store.read(|txn| {
        let projects: Vec<Project> = txn.all()?;
        let mut clients: Vec<Client> = txn.all()?;
        clients.sort_by_key(|c| (c.archived, c.name.to_lowercase()));
        Ok(ListPage {
            chrome: Chrome::new(&state, &staff, Nav::Clients, query.done.as_deref()),
            rows: clients
                .into_iter()
                .map(|c| ClientRow {
                    id: c.id.0,
                    projects: projects.iter().filter(|p| p.client_id == c.id).count(),
                    name: c.name,
                    archived: c.archived,
                })
                .collect(),
        })
    })?;
    Ok(pages::render(&page))
}

#[derive(Template)]
#[template(path = "staff/client.html")]
struct DetailPage {
    chrome: Chrome,
    client: Client,
    rows: Vec<ProjectRow>,
}

pub async fn detail(
    state: State,
    manager: Manager,
    path: web::Path<u64>,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, PageError> {
    let staff = manager.0;
    let page = state.store.read(|txn| {
        let client: Client = txn.must(*path)?;
        let today = txn.settings()?.calendar().date_of(Timestamp::now());
        let names = Names::load(txn)?;
        let mut projects: Vec<Project> = txn
            .all::<Project>()?
            .into_iter()
            .filter(|p| p.client_id == client.id)
            .collect();
        projects.sort_by_key(|p| p.name.to_lowercase());
        let rows = projects
            .iter()
            .map(|p| project_row(txn, p, &names, today))
            .collect::<Result<_, _>>()?;
        Ok(DetailPage {
            chrome: Chrome::new(&state, &staff, Nav::Clients, query.done.as_deref()),
            client,
            rows,
        })
    })?;
    Ok(pages::render(&page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ClientForm {
    name: String,
}

#[derive(Template)]
#[template(path = "staff/client_form.html")]
struct FormPage {
    chrome: Chrome,
    editing: Option<u64>,
    form: ClientForm,
    problem: Problem,
}

fn form_page(
    state: &State,
    staff: &Staff,
    editing: Option<u64>,
    form: ClientForm,
    problem: Problem,
) -> FormPage {
    FormPage {
        chrome: Chrome::new(state, staff, Nav::Clients, None),
        editing,
        form,
        problem,
    }
}

pub async fn new_form(state: State, manager: Manager) -> HttpResponse {
    let page = form_page(
        &state,
        &manager.0,
        None,
        ClientForm::default(),
        Problem::none(),
    );
    pages::render(&page)
}

pub async fn edit_form(
    state: State,
    manager: Manager,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let client: Client = state.store.read(|txn| txn.must(*path))?;
    let form = ClientForm { name: client.name };
    let page = form_page(&state, &manager.0, Some(*path), form, Problem::none());
    Ok(pages::render(&page))
}

async fn submit(
    state: State,
    staff: Staff,
    form: ClientForm,
    editing: Option<u64>,
) -> Result<HttpResponse, PageError> {
    require_manager(&staff)?;
    let name = match clean_name("name", &form.name, 200) {
        Ok(name) => name,
        Err(invalid) => {
            let page = form_page(&state, &staff, editing, form, Problem::of(invalid));
            return Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let now = Timestamp::now();
    let result = state
        .store
        .write(move |txn| {
            let client = match editing {
                Some(id) => Client {
                    name: name.clone(),
                    ..txn.must::<Client>(id)?
                },
                None => Client {
                    id: ClientId(records::new_id::<Client>(txn)?),
                    name: name.clone(),
                    archived: false,
                    created_at: now,
                },
            };
            records::put(txn, &client)?;
            Ok(client.id)
        })
        .await;
    match invalid_or(result)? {
        Ok(id) => Ok(pages::see_other(&format!(
            "/clients/{id}?done={}",
            if editing.is_some() {
                "saved"
            } else {
                "created"
            }
        ))),
        Err(invalid) => {
            let page = form_page(&state, &staff, editing, form, Problem::of(invalid));
            Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

pub async fn create(state: State, posted: Posted<ClientForm>) -> Result<HttpResponse, PageError> {
    submit(state, posted.staff, posted.form, None).await
}

pub async fn update(
    state: State,
    posted: Posted<ClientForm>,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    submit(state, posted.staff, posted.form, Some(*path)).await
}

#[derive(Deserialize)]
pub struct ArchiveForm {
    #[serde(default)]
    archived: String,
}

pub async fn archive(
    state: State,
    posted: Posted<ArchiveForm>,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    require_manager(&posted.staff)?;
    let archived = posted.form.archived == "true";
    let id = *path;
    state
        .store
        .write(move |txn| {
            let client = Client {
                archived,
                ..txn.must::<Client>(id)?
            };
            records::put(txn, &client)
        })
        .await?;
    Ok(pages::see_other(&format!(
        "/clients?done={}",
        if archived { "archived" } else { "restored" }
    )))
}
