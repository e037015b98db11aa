//! Staff accounts, kept by admins: add, edit, disable and enable.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use serde::Deserialize;

use super::forms::optional_money;
use super::views::{Problem, invalid_or};
use super::{Chrome, FlashQuery, Nav, require_admin};
use crate::domain::money::{Currency, Money};
use crate::domain::user::{Role, User, normalize_email};
use crate::domain::{Invalid, UserId, clean_name};
use crate::http::auth::{Admin, Posted, Staff};
use crate::http::error::PageError;
use crate::http::{State, pages};
use crate::security::{check_password_strength, hash_password};
use crate::store::records::Reads;
use crate::store::users::{self, NewUser, UserChange};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/users", web::get().to(list))
        .route("/users", web::post().to(create))
        .route("/users/new", web::get().to(new_form))
        .route("/users/{id}", web::post().to(update))
        .route("/users/{id}/edit", web::get().to(edit_form))
        .route("/users/{id}/disable", web::post().to(disable));
}

pub struct UserRow {
    pub id: u64,
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub disabled: bool,
    pub cost_rate: String,
    pub default_rate: String,
}

#[derive(Template)]
#[template(path = "staff/users.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<UserRow>,
    problem: Problem,
}

fn list_page(
    state: &State,
    staff: &Staff,
    flash: Option<&str>,
    problem: Problem,
) -> Result<ListPage, crate::store::Error> {
    state.store.read(|txn| {
        let currency = txn.settings()?.currency;
        let money = |m: Option<i64>| {
            m.map(|m| Money::new(m, currency).to_string())
                .unwrap_or_default()
        };
        let mut users: Vec<User> = txn.all()?;
        users.sort_by_key(|u| (u.disabled, u.name.to_lowercase()));
        Ok(ListPage {
            chrome: Chrome::new(state, staff, Nav::Users, flash),
            rows: users
                .into_iter()
                .map(|u| UserRow {
                    id: u.id.0,
                    role: u.role.as_str(),
                    disabled: u.disabled,
                    cost_rate: money(u.cost_rate),
                    default_rate: money(u.default_rate),
                    name: u.name,
                    email: u.email,
                })
                .collect(),
            problem,
        })
    })
}

pub async fn list(
    state: State,
    admin: Admin,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, PageError> {
    let page = list_page(&state, &admin.0, query.done.as_deref(), Problem::none())?;
    Ok(pages::render(&page))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UserForm {
    email: String,
    name: String,
    role: String,
    password: String,
    cost_rate: String,
    default_rate: String,
}

#[derive(Template)]
#[template(path = "staff/user_form.html")]
struct FormPage {
    chrome: Chrome,
    editing: Option<u64>,
    form: UserForm,
    problem: Problem,
    roles: Vec<&'static str>,
    currency: String,
}

fn form_page(
    state: &State,
    staff: &Staff,
    editing: Option<u64>,
    form: UserForm,
    problem: Problem,
) -> Result<FormPage, crate::store::Error> {
    let currency = state.store.read(|txn| Ok(txn.settings()?.currency))?;
    Ok(FormPage {
        chrome: Chrome::new(state, staff, Nav::Users, None),
        editing,
        form,
        problem,
        roles: Role::ALL.iter().map(|r| r.as_str()).collect(),
        currency: currency.to_string(),
    })
}

fn rejected(
    state: &State,
    staff: &Staff,
    editing: Option<u64>,
    mut form: UserForm,
    invalid: Invalid,
) -> Result<HttpResponse, PageError> {
    form.password.clear();
    let page = form_page(state, staff, editing, form, Problem::of(invalid))?;
    Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

pub async fn new_form(state: State, admin: Admin) -> Result<HttpResponse, PageError> {
    let form = UserForm {
        role: "member".into(),
        ..UserForm::default()
    };
    let page = form_page(&state, &admin.0, None, form, Problem::none())?;
    Ok(pages::render(&page))
}

pub async fn create(state: State, posted: Posted<UserForm>) -> Result<HttpResponse, PageError> {
    let Posted { staff, form } = posted;
    require_admin(&staff)?;
    let checked = (|| {
        Ok::<_, Invalid>(NewUser {
            email: normalize_email(&form.email)?,
            name: clean_name("name", &form.name, 120)?,
            role: Role::parse(&form.role)?,
            password_hash: {
                check_password_strength(&form.password)?;
                hash_password(&form.password)
            },
        })
    })();
    let new = match checked {
        Ok(new) => new,
        Err(invalid) => return rejected(&state, &staff, None, form, invalid),
    };
    let actor = staff.actor();
    let now = Timestamp::now();
    let result = state
        .store
        .write(move |txn| users::create(txn, actor, new.clone(), now))
        .await;
    match invalid_or(result)? {
        Ok(_) => Ok(pages::see_other("/users?done=created")),
        Err(invalid) => rejected(&state, &staff, None, form, invalid),
    }
}

fn edit_values(user: &User, currency: Currency) -> UserForm {
    let money = |m: Option<i64>| {
        m.map(|m| Money::new(m, currency).decimal())
            .unwrap_or_default()
    };
    UserForm {
        email: user.email.clone(),
        name: user.name.clone(),
        role: user.role.as_str().into(),
        password: String::new(),
        cost_rate: money(user.cost_rate),
        default_rate: money(user.default_rate),
    }
}

pub async fn edit_form(
    state: State,
    admin: Admin,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let (user, currency) = state
        .store
        .read(|txn| Ok((txn.must::<User>(*path)?, txn.settings()?.currency)))?;
    let form = edit_values(&user, currency);
    let page = form_page(&state, &admin.0, Some(user.id.0), form, Problem::none())?;
    Ok(pages::render(&page))
}

pub async fn update(
    state: State,
    posted: Posted<UserForm>,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let Posted { staff, mut form } = posted;
    require_admin(&staff)?;
    let id = UserId(*path);
    let (user, currency) = state
        .store
        .read(|txn| Ok((txn.must::<User>(id.0)?, txn.settings()?.currency)))?;
    form.email = user.email;
    let checked = (|| {
        Ok::<_, Invalid>(UserChange {
            name: clean_name("name", &form.name, 120)?,
            role: Role::parse(&form.role)?,
            cost_rate: optional_money("cost_rate", &form.cost_rate, currency)?,
            default_rate: optional_money("default_rate", &form.default_rate, currency)?,
        })
    })();
    let change = match checked {
        Ok(change) => change,
        Err(invalid) => return rejected(&state, &staff, Some(id.0), form, invalid),
    };
    let actor = staff.actor();
    let result = state
        .store
        .write(move |txn| users::update(txn, actor, id, change.clone()))
        .await;
    match invalid_or(result)? {
        Ok(_) => Ok(pages::see_other("/users?done=saved")),
        Err(invalid) => rejected(&state, &staff, Some(id.0), form, invalid),
    }
}

#[derive(Deserialize)]
pub struct DisableForm {
    #[serde(default)]
    disabled: String,
}

pub async fn disable(
    state: State,
    posted: Posted<DisableForm>,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let Posted { staff, form } = posted;
    require_admin(&staff)?;
    let disabled = form.disabled == "true";
    let actor = staff.actor();
    let id = UserId(*path);
    let result = state
        .store
        .write(move |txn| users::set_disabled(txn, actor, id, disabled))
        .await;
    match invalid_or(result)? {
        Ok(_) => Ok(pages::see_other(if disabled {
            "/users?done=disabled"
        } else {
            "/users?done=enabled"
        })),
        Err(invalid) => {
            let page = list_page(&state, &staff, None, Problem::of(invalid))?;
            Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}
