//! `/categories`: kinds of work. Every staff member reads them, to log time;
//! only admins change them.

use actix_web::{HttpResponse, web};
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::{Reply, admin, resource};
use crate::domain::category::Category;
use crate::domain::timer::Timer;
use crate::domain::{CategoryId, clean_name};
use crate::http::State;
use crate::http::auth::ApiUser;
use crate::store::records::{self, Reads};
use crate::store::{Error, decode, tables};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/categories")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(
        resource("/categories/{id}")
            .route(web::get().to(show))
            .route(web::patch().to(update))
            .route(web::delete().to(remove)),
    );
}

const MAX_NAME: usize = 80;

#[derive(Serialize)]
struct CategoryView {
    id: CategoryId,
    name: String,
    internal: bool,
    archived: bool,
}

impl From<Category> for CategoryView {
    fn from(c: Category) -> Self {
        CategoryView {
            id: c.id,
            name: c.name,
            internal: c.internal,
            archived: c.archived,
        }
    }
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NewCategory {
    name: String,
    #[serde(default)]
    internal: bool,
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoryPatch {
    name: Option<String>,
    internal: Option<bool>,
    archived: Option<bool>,
}

fn check_unique(
    txn: &WriteTransaction,
    name: &str,
    except: Option<CategoryId>,
) -> Result<(), Error> {
    let taken = txn
        .all::<Category>()?
        .into_iter()
        .any(|c| Some(c.id) != except && c.name.to_lowercase() == name.to_lowercase());
    if taken {
        return Err(Error::Conflict(format!("a category named {name} exists")));
    }
    Ok(())
}

/// Whether any entry or running timer uses the category. Reads the roll-ups,
/// which hold a row for every (project, category, week) with time in it.
fn in_use(txn: &WriteTransaction, id: CategoryId) -> Result<bool, Error> {
    for row in txn.open_table(tables::ROLLUP_PROJECT_WEEK)?.iter()? {
        if row?.0.value().1 == id.0 {
            return Ok(true);
        }
    }
    for row in txn.open_table(tables::TIMERS)?.iter()? {
        let timer: Timer = decode("timers", row?.1.value())?;
        if timer.category_id == id {
            return Ok(true);
        }
    }
    Ok(false)
}

async fn list(state: State, _user: ApiUser) -> Reply {
    let categories = state.store.read(|txn| txn.all::<Category>())?;
    let views: Vec<CategoryView> = categories.into_iter().map(Into::into).collect();
    Ok(HttpResponse::Ok().json(views))
}

async fn show(state: State, _user: ApiUser, id: web::Path<u64>) -> Reply {
    let category: Category = state.store.read(|txn| txn.must(*id))?;
    Ok(HttpResponse::Ok().json(CategoryView::from(category)))
}

async fn create(state: State, user: ApiUser, body: web::Json<NewCategory>) -> Reply {
    admin(&user)?;
    let name = clean_name("name", &body.name, MAX_NAME)?;
    let internal = body.internal;
    let category = state
        .store
        .write(move |txn| {
            check_unique(txn, &name, None)?;
            let category = Category {
                id: CategoryId(records::new_id::<Category>(txn)?),
                name: name.clone(),
                internal,
                archived: false,
            };
            records::put(txn, &category)?;
            Ok(category)
        })
        .await?;
    Ok(HttpResponse::Created().json(CategoryView::from(category)))
}

async fn update(
    state: State,
    user: ApiUser,
    id: web::Path<u64>,
    body: web::Json<CategoryPatch>,
) -> Reply {
    admin(&user)?;
    let id = CategoryId(*id);
    let patch = body.into_inner();
    let name = patch
        .name
        .as_deref()
        .map(|n| clean_name("name", n, MAX_NAME))
        .transpose()?;
    let category = state
        .store
        .write(move |txn| {
            let mut category: Category = txn.must(id.0)?;
            if let Some(name) = &name {
                check_unique(txn, name, Some(id))?;
                category.name = name.clone();
            }
            if let Some(internal) = patch.internal {
                category.internal = internal;
            }
            if let Some(archived) = patch.archived {
                category.archived = archived;
            }
            records::put(txn, &category)?;
            Ok(category)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CategoryView::from(category)))
}

async fn remove(state: State, user: ApiUser, id: web::Path<u64>) -> Reply {
    admin(&user)?;
    let id = CategoryId(*id);
    state
        .store
        .write(move |txn| {
            txn.must::<Category>(id.0)?;
            if in_use(txn, id)? {
                return Err(Error::Conflict(
                    "time is logged in this category; archive it instead".into(),
                ));
            }
            records::delete::<Category>(txn, id.0)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
