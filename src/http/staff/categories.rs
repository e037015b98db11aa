//! Categories of work, kept by admins. An internal category is never
//! billable and never shown to clients.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::views::{Problem, invalid_or};
use super::{Chrome, FlashQuery, Nav, require_admin};
use crate::domain::category::Category;
use crate::domain::{CategoryId, Invalid, clean_name};
use crate::http::auth::{Admin, Posted, Staff};
use crate::http::error::PageError;
use crate::http::{State, pages};
use crate::store::records::{self, Reads};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/categories", web::get().to(list))
        .route("/categories", web::post().to(create))
        .route("/categories/new", web::get().to(new_form))
        .route("/categories/{id}", web::post().to(update))
        .route("/categories/{id}/edit", web::get().to(edit_form))
        .route("/categories/{id}/archive", web::post().to(archive));
}

#[derive(Template)]
#[template(path = "staff/categories.html")]
struct ListPage {
    chrome: Chrome,
    categories: Vec<Category>,
}

pub async fn list(
    state: State,
    admin: Admin,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, PageError> {
    let mut categories: Vec<Category> = state.store.read(|txn| txn.all())?;
    categories.sort_by_key(|c| (c.archived, c.internal, c.name.to_lowercase()));
    let page = ListPage {
        chrome: Chrome::new(&state, &admin.0, Nav::Categories, query.done.as_deref()),
        categories,
    };
    Ok(pages::render(&page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CategoryForm {
    name: String,
    internal: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/category_form.html")]
struct FormPage {
    chrome: Chrome,
    editing: Option<u64>,
    form: CategoryForm,
    problem: Problem,
}

fn rejected(
    state: &State,
    staff: &Staff,
    editing: Option<u64>,
    form: CategoryForm,
    invalid: Invalid,
) -> HttpResponse {
    let page = FormPage {
        chrome: Chrome::new(state, staff, Nav::Categories, None),
        editing,
        form,
        problem: Problem::of(invalid),
    };
    pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

pub async fn new_form(state: State, admin: Admin) -> HttpResponse {
    pages::render(&FormPage {
        chrome: Chrome::new(&state, &admin.0, Nav::Categories, None),
        editing: None,
        form: CategoryForm::default(),
        problem: Problem::none(),
    })
}

pub async fn edit_form(
    state: State,
    admin: Admin,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let category: Category = state.store.read(|txn| txn.must(*path))?;
    Ok(pages::render(&FormPage {
        chrome: Chrome::new(&state, &admin.0, Nav::Categories, None),
        editing: Some(category.id.0),
        form: CategoryForm {
            name: category.name,
            internal: category.internal.then(|| "on".into()),
        },
        problem: Problem::none(),
    }))
}

async fn submit(
    state: State,
    posted: Posted<CategoryForm>,
    editing: Option<u64>,
) -> Result<HttpResponse, PageError> {
    let Posted { staff, form } = posted;
    require_admin(&staff)?;
    let name = match clean_name("name", &form.name, 120) {
        Ok(name) => name,
        Err(invalid) => return Ok(rejected(&state, &staff, editing, form, invalid)),
    };
    let internal = form.internal.is_some();
    let result = state
        .store
        .write(move |txn| {
            let taken = txn
                .all::<Category>()?
                .into_iter()
                .any(|c| c.name.eq_ignore_ascii_case(&name) && Some(c.id.0) != editing);
            if taken {
                return Err(Invalid::new("name", "another category has this name").into());
            }
            let category = match editing {
                Some(id) => Category {
                    name: name.clone(),
                    internal,
                    ..txn.must::<Category>(id)?
                },
                None => Category {
                    id: CategoryId(records::new_id::<Category>(txn)?),
                    name: name.clone(),
                    internal,
                    archived: false,
                },
            };
            records::put(txn, &category)
        })
        .await;
    match invalid_or(result)? {
        Ok(()) => Ok(pages::see_other(if editing.is_some() {
            "/categories?done=saved"
        } else {
            "/categories?done=created"
        })),
        Err(invalid) => Ok(rejected(&state, &staff, editing, form, invalid)),
    }
}

pub async fn create(state: State, posted: Posted<CategoryForm>) -> Result<HttpResponse, PageError> {
    submit(state, posted, None).await
}

pub async fn update(
    state: State,
    posted: Posted<CategoryForm>,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    submit(state, posted, Some(*path)).await
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
    require_admin(&posted.staff)?;
    let archived = posted.form.archived == "true";
    let id = *path;
    state
        .store
        .write(move |txn| {
            let category = Category {
                archived,
                ..txn.must::<Category>(id)?
            };
            records::put(txn, &category)
        })
        .await?;
    Ok(pages::see_other(if archived {
        "/categories?done=archived"
    } else {
        "/categories?done=restored"
    }))
}
