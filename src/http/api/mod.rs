//! The JSON API under `/api/v1`, authenticated with bearer tokens.
//!
//! One file per resource, each holding its request and response shapes next
//! to its handlers. Permissions mirror the staff pages: members see their
//! own projects and entries, managers and above see everything, and an
//! object the caller may not see answers 404 exactly like a missing one.
//! Request bodies reject unknown fields so a typo never passes silently.

mod categories;
mod clients;
mod entries;
mod export;
mod projects;
mod summary;
mod timer;

use actix_web::error::JsonPayloadError;
use actix_web::{HttpResponse, web};
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Deserializer};

use super::auth::ApiUser;
use super::error::{ApiError, Error};
use crate::domain::money::{Currency, Money};
use crate::domain::project::Project;
use crate::domain::user::Actor;
use crate::domain::{Invalid, ProjectId};
use crate::store::{self, records::Reads};

/// The OpenAPI description of everything below, kept by hand beside the code.
const OPENAPI: &str = include_str!("../../../assets/openapi.json");

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/openapi.json", web::get().to(openapi))
        .configure(clients::routes)
        .configure(categories::routes)
        .configure(projects::routes)
        .configure(summary::routes)
        .configure(export::routes)
        .configure(entries::routes)
        .configure(timer::routes);
}

/// Maps a body that failed to parse to the API's error shape.
pub fn json_error(err: JsonPayloadError) -> ApiError {
    match err {
        JsonPayloadError::Overflow { .. } | JsonPayloadError::OverflowKnownLength { .. } => {
            ApiError(Error::TooLarge)
        }
        JsonPayloadError::ContentType => ApiError(Error::BadRequest(
            "send the body as application/json".into(),
        )),
        other => ApiError(Error::BadRequest(format!(
            "the JSON body is malformed: {other}"
        ))),
    }
}

async fn openapi() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(OPENAPI)
}

type Reply = Result<HttpResponse, ApiError>;

/// A resource whose unsupported methods answer in the API's error shape
/// rather than with actix's empty 405.
fn resource(path: &str) -> actix_web::Resource {
    web::resource(path).default_service(web::to(method_not_allowed))
}

async fn method_not_allowed() -> HttpResponse {
    HttpResponse::MethodNotAllowed().json(serde_json::json!({
        "error": {
            "code": "method_not_allowed",
            "message": "this method is not supported here; see /api/v1/openapi.json",
        }
    }))
}

/// The caller, if they manage projects and clients; anyone else gets 404.
fn manager(user: &ApiUser) -> Result<Actor, ApiError> {
    let actor = user.actor();
    if actor.role.sees_all_time() {
        Ok(actor)
    } else {
        Err(ApiError(Error::NotFound))
    }
}

/// The caller, if they are an admin or the owner; anyone else gets 404.
fn admin(user: &ApiUser) -> Result<Actor, ApiError> {
    let actor = user.actor();
    if actor.role.is_admin() {
        Ok(actor)
    } else {
        Err(ApiError(Error::NotFound))
    }
}

/// Members see the projects they belong to; managers see all.
fn sees_project(actor: Actor, project: &Project) -> bool {
    actor.role.sees_all_time() || project.has_member(actor.id)
}

/// Loads a project the actor may see; anything else is `NotFound`.
fn visible_project(txn: &impl Reads, actor: Actor, id: ProjectId) -> Result<Project, store::Error> {
    let project: Project = txn.must(id.0)?;
    if sees_project(actor, &project) {
        Ok(project)
    } else {
        Err(store::Error::NotFound)
    }
}

/// Deserializes a field that may be left out (`None`), set to null
/// (`Some(None)`) or set to a value, so PATCH can clear optional fields.
fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// An amount of money as clients send it: `"1250.50"` or `1250.5`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
enum Amount {
    Text(String),
    Number(serde_json::Number),
}

impl Amount {
    fn minor(&self, field: &'static str, currency: Currency) -> Result<i64, Invalid> {
        let text = match self {
            Amount::Text(text) => text.clone(),
            Amount::Number(number) => number.to_string(),
        };
        Ok(Money::parse(field, &text, currency)?.minor)
    }
}

/// An RFC 3339 instant with an offset, such as `2026-05-04T09:00:00+02:00`.
/// Fractions of a second are dropped: durations are whole seconds.
fn parse_instant(field: &'static str, raw: &str) -> Result<Timestamp, Invalid> {
    let bad = || {
        Invalid::new(
            field,
            "must be an RFC 3339 time such as 2026-05-04T09:00:00Z",
        )
    };
    let at: Timestamp = raw.trim().parse().map_err(|_| bad())?;
    Timestamp::from_second(at.as_second()).map_err(|_| bad())
}

/// A calendar date, `YYYY-MM-DD`.
fn parse_date(field: &'static str, raw: &str) -> Result<Date, Invalid> {
    raw.trim()
        .parse()
        .map_err(|_| Invalid::new(field, "must be a date such as 2026-05-04"))
}

/// A money amount in minor units, as the API answers it.
fn decimal(minor: i64, currency: Currency) -> String {
    Money::new(minor, currency).decimal()
}
