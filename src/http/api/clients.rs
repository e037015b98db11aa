//! `/clients`: the agency's clients. Members see the clients of their own
//! projects; only managers and above create, change or delete them.

use std::collections::HashSet;

use actix_web::{HttpResponse, web};
use jiff::Timestamp;
use redb::WriteTransaction;
use serde::{Deserialize, Serialize};

use super::{Reply, manager, resource, sees_project};
use crate::domain::client::Client;
use crate::domain::project::Project;
use crate::domain::user::Actor;
use crate::domain::{ClientId, clean_name};
use crate::http::State;
use crate::http::auth::ApiUser;
use crate::store::records::{self, Reads};
use crate::store::{self, Error};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/clients")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(
        resource("/clients/{id}")
            .route(web::get().to(show))
            .route(web::patch().to(update))
            .route(web::delete().to(remove)),
    );
}

const MAX_NAME: usize = 120;

#[derive(Serialize)]
struct ClientView {
    id: ClientId,
    name: String,
    archived: bool,
    created_at: Timestamp,
}

impl From<Client> for ClientView {
    fn from(c: Client) -> Self {
        ClientView {
            id: c.id,
            name: c.name,
            archived: c.archived,
            created_at: c.created_at,
        }
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewClient {
    name: String,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClientPatch {
    name: Option<String>,
    archived: Option<bool>,
}

/// The clients the actor may see: all for managers, else those of the
/// projects they belong to.
fn visible_clients(txn: &impl Reads, actor: Actor) -> Result<Vec<Client>, Error> {
    let clients: Vec<Client> = txn.all()?;
    if actor.role.sees_all_time() {
        return Ok(clients);
    }
    let theirs: HashSet<ClientId> = txn
        .all::<Project>()?
        .into_iter()
        .filter(|p| sees_project(actor, p))
        .map(|p| p.client_id)
        .collect();
    Ok(clients
        .into_iter()
        .filter(|c| theirs.contains(&c.id))
        .collect())
}

/// Refuses a name another client already has (case-insensitively).
fn check_unique(txn: &WriteTransaction, name: &str, except: Option<ClientId>) -> Result<(), Error> {
    let taken = txn
        .all::<Client>()?
        .into_iter()
        .any(|c| Some(c.id) != except && c.name.to_lowercase() == name.to_lowercase());
    if taken {
        return Err(Error::Conflict(format!("a client named {name} exists")));
    }
    Ok(())
}

async fn list(state: State, user: ApiUser) -> Reply {
    let actor = user.actor();
    let clients = state.store.read(|txn| visible_clients(txn, actor))?;
    let views: Vec<ClientView> = clients.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(views))
}

async fn show(state: State, user: ApiUser, id: web::Path<u64>) -> Reply {
    let actor = user.actor();
    let id = ClientId(*id);
    let client = state.store.read(|txn| {
        visible_clients(txn, actor)?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or(Error::NotFound)
    })?;
    Ok(HttpResponse::Ok().json(ClientView::from(client)))
}

async fn create(state: State, user: ApiUser, body: web::Json<NewClient>) -> Reply {
    manager(&user)?;
    let name = clean_name("name", &body.name, MAX_NAME)?;
    let now = Timestamp::now();
    let client = state
        .store
        .write(move |txn| {
            check_unique(txn, &name, None)?;
            let client = Client {
                id: ClientId(records::new_id::<Client>(txn)?),
                name: name.clone(),
                archived: false,
                created_at: now,
            };
            records::put(txn, &client)?;
            Ok(client)
        })
        .await?;
    Ok(HttpResponse::Created().json(ClientView::from(client)))
}

async fn update(
    state: State,
    user: ApiUser,
    id: web::Path<u64>,
    body: web::Json<ClientPatch>,
) -> Reply {
    manager(&user)?;
    let id = ClientId(*id);
    let patch = body.into_inner();
    let name = patch
        .name
        .as_deref()
        .map(|n| clean_name("name", n, MAX_NAME))
        .transpose()?;
    let client = state
        .store
        .write(move |txn| {
            let mut client: Client = txn.must(id.0)?;
            if let Some(name) = &name {
                check_unique(txn, name, Some(id))?;
                client.name = name.clone();
            }
            if let Some(archived) = patch.archived {
                client.archived = archived;
            }
            records::put(txn, &client)?;
            Ok(client)
        })
        .await?;
    Ok(HttpResponse::Ok().json(ClientView::from(client)))
}

async fn remove(state: State, user: ApiUser, id: web::Path<u64>) -> Reply {
    manager(&user)?;
    let id = ClientId(*id);
    state
        .store
        .write(move |txn| {
            txn.must::<Client>(id.0)?;
            let projects: Vec<Project> = txn.all()?;
            if projects.iter().any(|p| p.client_id == id) {
                return Err(store::Error::Conflict(
                    "this client has projects; delete or move them first, or archive the client"
                        .into(),
                ));
            }
            // A contact's sign-ins and access log hang off its client.
            if !store::portal::contacts_of(txn, id)?.is_empty() {
                return Err(store::Error::Conflict(
                    "this client has portal contacts; remove them first, or archive the client"
                        .into(),
                ));
            }
            records::delete::<Client>(txn, id.0)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
