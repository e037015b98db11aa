//! `/entries`: time entries, newest first, with filters and cursor paging.
//! The store decides who may see and change which entry; this file turns
//! requests into drafts and entries into their JSON shape.

use actix_web::{HttpResponse, web};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::{Reply, parse_date, parse_instant, resource, visible_project};
use crate::domain::entry::{Entry, EntryDraft, Source};
use crate::domain::hygiene::HygieneRules;
use crate::domain::time::Calendar;
use crate::domain::user::Actor;
use crate::domain::{CategoryId, EntryId, Invalid, ProjectId, UserId};
use crate::http::State;
use crate::http::auth::ApiUser;
use crate::http::error::{ApiError, Error};
use crate::store;
use crate::store::entries::{self, Query};
use crate::store::records::Reads;
use redb::ReadTransaction;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/entries")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(
        resource("/entries/{id}")
            .route(web::get().to(show))
            .route(web::patch().to(update))
            .route(web::delete().to(remove)),
    );
}

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 1000;

#[derive(Serialize)]
pub struct EntryView {
    id: EntryId,
    project_id: ProjectId,
    category_id: CategoryId,
    user_id: UserId,
    start: Timestamp,
    end: Timestamp,
    seconds: i64,
    description: String,
    billable: bool,
    internal: bool,
    internal_note: String,
    source: Source,
    created_at: Timestamp,
    updated_at: Timestamp,
    /// Why the description is too vague for a client to read, if it is.
    vague: Option<&'static str>,
}

impl EntryView {
    pub fn new(e: Entry, hygiene: &HygieneRules) -> Self {
        EntryView {
            vague: hygiene.check(&e.description).map(|v| v.message()),
            seconds: e.seconds(),
            id: e.id,
            project_id: e.project_id,
            category_id: e.category_id,
            user_id: e.user_id,
            start: e.start,
            end: e.end,
            description: e.description,
            billable: e.billable,
            internal: e.internal,
            internal_note: e.internal_note,
            source: e.source,
            created_at: e.created_at,
            updated_at: e.updated_at,
        }
    }
}

/// The list filters, shared with the CSV export.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Filters {
    project_id: Option<ProjectId>,
    user_id: Option<UserId>,
    /// Entries starting at or after: an instant, or the start of a local date.
    from: Option<String>,
    /// Entries starting before an instant, or on or before a local date.
    to: Option<String>,
    limit: Option<usize>,
    cursor: Option<String>,
}

fn bad_query(param: &str, message: &str) -> ApiError {
    ApiError(Error::BadRequest(format!("{param}: {message}")))
}

/// Which end of a day a date-only bound stands for.
#[derive(Clone, Copy)]
enum DayEdge {
    Start,
    /// The end of the day, so `to=2026-05-04` includes that whole day.
    End,
}

/// Parses a bound given as RFC 3339 or as a date in the agency's zone.
fn bound(
    param: &'static str,
    raw: &str,
    edge: DayEdge,
    calendar: &Calendar,
) -> Result<Timestamp, ApiError> {
    if let Ok(at) = parse_instant(param, raw) {
        return Ok(at);
    }
    let date = parse_date(param, raw).map_err(|_| {
        bad_query(
            param,
            "must be an RFC 3339 time or a date such as 2026-05-04",
        )
    })?;
    let date = match edge {
        DayEdge::Start => date,
        DayEdge::End => date
            .tomorrow()
            .map_err(|_| bad_query(param, "is out of range"))?,
    };
    Ok(calendar.start_of(date))
}

pub fn encode_cursor(cursor: (i64, u64)) -> String {
    URL_SAFE_NO_PAD.encode(format!("{}.{}", cursor.0, cursor.1))
}

fn decode_cursor(raw: &str) -> Option<(i64, u64)> {
    let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (start, id) = text.split_once('.')?;
    Some((start.parse().ok()?, id.parse().ok()?))
}

/// What a listing asks the store for; `empty` when the caller may see
/// nothing of what they asked for (a member filtering on someone else).
pub struct Listing {
    pub query: Query,
    pub empty: bool,
}

impl Filters {
    /// Checks the filters in `txn`: a project filter must name a project the
    /// caller may see.
    pub fn listing(&self, txn: &ReadTransaction, actor: Actor) -> Result<Listing, ApiError> {
        let calendar = txn.settings()?.calendar();
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(bad_query("limit", "must be between 1 and 1000"));
        }
        let before = self
            .cursor
            .as_deref()
            .map(|c| decode_cursor(c).ok_or_else(|| bad_query("cursor", "is not one we issued")))
            .transpose()?;
        if let Some(project) = self.project_id {
            visible_project(txn, actor, project)?;
        }
        let query = Query {
            project: self.project_id,
            user: self.user_id,
            from: self
                .from
                .as_deref()
                .map(|r| bound("from", r, DayEdge::Start, &calendar))
                .transpose()?,
            to: self
                .to
                .as_deref()
                .map(|r| bound("to", r, DayEdge::End, &calendar))
                .transpose()?,
            before,
            limit,
        };
        let empty = !actor.role.sees_all_time() && self.user_id.is_some_and(|u| u != actor.id);
        Ok(Listing { query, empty })
    }
}

/// A page of entries and the cursor of the next, if there is one.
pub type Found = (Vec<Entry>, Option<(i64, u64)>);

/// One page of what a listing asks for.
pub fn page(txn: &ReadTransaction, actor: Actor, listing: &Listing) -> Result<Found, store::Error> {
    if listing.empty {
        return Ok((Vec::new(), None));
    }
    entries::list(txn, actor, &listing.query)
}

#[derive(Serialize)]
struct Page {
    entries: Vec<EntryView>,
    next_cursor: Option<String>,
}

fn list_page(txn: &ReadTransaction, actor: Actor, filters: &Filters) -> Result<Page, ApiError> {
    let listing = filters.listing(txn, actor)?;
    let hygiene = txn.settings()?.hygiene;
    let (found, next) = page(txn, actor, &listing)?;
    Ok(Page {
        entries: found
            .into_iter()
            .map(|e| EntryView::new(e, &hygiene))
            .collect(),
        next_cursor: next.map(encode_cursor),
    })
}

async fn list(state: State, user: ApiUser, filters: web::Query<Filters>) -> Reply {
    let actor = user.actor();
    let page = state
        .store
        .read(|txn| Ok(list_page(txn, actor, &filters)))??;
    Ok(HttpResponse::Ok().json(page))
}

async fn show(state: State, user: ApiUser, id: web::Path<u64>) -> Reply {
    let actor = user.actor();
    let view = state.store.read(|txn| {
        let entry = entries::get(txn, actor, EntryId(*id))?;
        Ok(EntryView::new(entry, &txn.settings()?.hygiene))
    })?;
    Ok(HttpResponse::Ok().json(view))
}

#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct EntryFields {
    project_id: Option<ProjectId>,
    category_id: Option<CategoryId>,
    user_id: Option<UserId>,
    start: Option<String>,
    end: Option<String>,
    description: Option<String>,
    billable: Option<bool>,
    internal: Option<bool>,
    internal_note: Option<String>,
}

/// The fields with their times parsed, ready to lay over an entry.
#[derive(Clone)]
struct Changes {
    fields: EntryFields,
    start: Option<Timestamp>,
    end: Option<Timestamp>,
}

impl Changes {
    fn parse(fields: EntryFields) -> Result<Changes, Invalid> {
        let start = fields
            .start
            .as_deref()
            .map(|s| parse_instant("start", s))
            .transpose()?;
        let end = fields
            .end
            .as_deref()
            .map(|s| parse_instant("end", s))
            .transpose()?;
        Ok(Changes { fields, start, end })
    }

    fn over(self, draft: EntryDraft) -> EntryDraft {
        let f = self.fields;
        EntryDraft {
            project_id: f.project_id.unwrap_or(draft.project_id),
            category_id: f.category_id.unwrap_or(draft.category_id),
            user_id: f.user_id.unwrap_or(draft.user_id),
            start: self.start.unwrap_or(draft.start),
            end: self.end.unwrap_or(draft.end),
            description: f.description.unwrap_or(draft.description),
            billable: f.billable.unwrap_or(draft.billable),
            internal: f.internal.unwrap_or(draft.internal),
            internal_note: f.internal_note.unwrap_or(draft.internal_note),
        }
    }

    /// A complete draft for a new entry; names the first missing field.
    fn draft(self, caller: UserId) -> Result<EntryDraft, Invalid> {
        let required = |present: bool, field: &'static str| {
            if present {
                Ok(())
            } else {
                Err(Invalid::new(field, "is required"))
            }
        };
        required(self.fields.project_id.is_some(), "project_id")?;
        required(self.fields.category_id.is_some(), "category_id")?;
        required(self.start.is_some(), "start")?;
        required(self.end.is_some(), "end")?;
        let base = EntryDraft {
            project_id: ProjectId(0),
            category_id: CategoryId(0),
            user_id: caller,
            start: Timestamp::UNIX_EPOCH,
            end: Timestamp::UNIX_EPOCH,
            description: String::new(),
            billable: true,
            internal: false,
            internal_note: String::new(),
        };
        Ok(self.over(base))
    }
}

fn draft_of(entry: &Entry) -> EntryDraft {
    EntryDraft {
        project_id: entry.project_id,
        category_id: entry.category_id,
        user_id: entry.user_id,
        start: entry.start,
        end: entry.end,
        description: entry.description.clone(),
        billable: entry.billable,
        internal: entry.internal,
        internal_note: entry.internal_note.clone(),
    }
}

async fn create(state: State, user: ApiUser, body: web::Json<EntryFields>) -> Reply {
    let actor = user.actor();
    let draft = Changes::parse(body.into_inner())?.draft(actor.id)?;
    let now = Timestamp::now();
    let view = state
        .store
        .write(move |txn| {
            let entry = entries::create(txn, actor, draft.clone(), Source::Api, now)?;
            Ok(EntryView::new(entry, &txn.settings()?.hygiene))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

async fn update(
    state: State,
    user: ApiUser,
    id: web::Path<u64>,
    body: web::Json<EntryFields>,
) -> Reply {
    let actor = user.actor();
    let id = EntryId(*id);
    let changes = Changes::parse(body.into_inner())?;
    let now = Timestamp::now();
    let view = state
        .store
        .write(move |txn| {
            let changes = changes.clone();
            let entry = entries::update(txn, actor, id, |old| changes.over(draft_of(old)), now)?;
            Ok(EntryView::new(entry, &txn.settings()?.hygiene))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

async fn remove(state: State, user: ApiUser, id: web::Path<u64>) -> Reply {
    let actor = user.actor();
    let id = EntryId(*id);
    state
        .store
        .write(move |txn| entries::delete(txn, actor, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
