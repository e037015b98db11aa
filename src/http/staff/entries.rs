//! Time entries: the filtered, paged list and the manual entry form.
//!
//! The store decides who may see and change which entry; a page here only
//! turns what was typed into a draft and shows what came back.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use serde::Deserialize;

use super::forms::{entry_span, optional_date, parse_id};
use super::views::{
    Choice, EntryRow, Names, Problem, active_categories, active_users, category_choices, entry_row,
    invalid_or, loggable_projects, project_choices, user_choices, visible_projects,
};
use super::{Chrome, Nav};
use crate::domain::entry::{Entry, EntryDraft, Source};
use crate::domain::project::Project;
use crate::domain::time::{Calendar, format_duration};
use crate::domain::user::User;
use crate::domain::{CategoryId, EntryId, Invalid, ProjectId, UserId};
use crate::http::auth::{Posted, Staff, urlencode};
use crate::http::error::{Error, PageError};
use crate::http::{State, pages};
use crate::store::entries::{self, Query};
use crate::store::records::Reads;

const PAGE: usize = 50;

#[derive(Deserialize, Default)]
pub struct ListQuery {
    project: Option<String>,
    user: Option<String>,
    from: Option<String>,
    to: Option<String>,
    before: Option<String>,
    done: Option<String>,
}

fn present(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

#[derive(Template)]
#[template(path = "staff/entries.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<EntryRow>,
    total: String,
    projects: Vec<Choice>,
    users: Vec<Choice>,
    project: u64,
    user: u64,
    from: String,
    to: String,
    next: Option<String>,
    filtered: bool,
}

pub async fn list(
    state: State,
    staff: Staff,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, PageError> {
    let actor = staff.actor();
    let bad = |i: Invalid| PageError(Error::BadRequest(i.to_string()));
    let project = present(&query.project)
        .map(|p| parse_id("project", p).map(ProjectId))
        .transpose()
        .map_err(bad)?;
    let user = present(&query.user)
        .map(|u| parse_id("user", u).map(UserId))
        .transpose()
        .map_err(bad)?;
    let from = optional_date("from", query.from.as_deref().unwrap_or("")).map_err(bad)?;
    let to = optional_date("to", query.to.as_deref().unwrap_or("")).map_err(bad)?;
    let before = present(&query.before)
        .map(|b| {
            b.split_once('.')
                .and_then(|(s, id)| Some((s.parse().ok()?, id.parse().ok()?)))
                .ok_or_else(|| Invalid::new("before", "is not a page of this list"))
        })
        .transpose()
        .map_err(bad)?;
    if !actor.role.sees_all_time() && user.is_some_and(|u| u != actor.id) {
        return Err(Error::NotFound.into());
    }

    let page = state.store.read(|txn| {
        let settings = txn.settings()?;
        let calendar = settings.calendar();
        let projects = visible_projects(txn, actor)?;
        if project.is_some_and(|id| !projects.iter().any(|p| p.id == id)) {
            return Err(crate::store::Error::NotFound);
        }
        let q = Query {
            project,
            user,
            from: from.map(|d| calendar.start_of(d)),
            to: to
                .and_then(|d| d.tomorrow().ok())
                .map(|d| calendar.start_of(d)),
            before,
            limit: PAGE,
        };
        let (found, cursor) = entries::list(txn, actor, &q)?;
        let names = Names::load(txn)?;
        let users = if actor.role.sees_all_time() {
            user_choices(&active_users(txn)?)
        } else {
            Vec::new()
        };
        let next = cursor.map(|(start, id)| {
            let mut link = format!("/entries?before={start}.{id}");
            for (key, value) in [
                ("project", project.map(|p| p.0.to_string())),
                ("user", user.map(|u| u.0.to_string())),
                ("from", from.map(|d| d.to_string())),
                ("to", to.map(|d| d.to_string())),
            ] {
                if let Some(value) = value {
                    link.push_str(&format!("&{key}={}", urlencode(&value)));
                }
            }
            link
        });
        Ok(ListPage {
            chrome: Chrome::new(&state, &staff, Nav::Entries, query.done.as_deref()),
            total: format_duration(found.iter().map(Entry::seconds).sum()),
            rows: found
                .iter()
                .map(|e| entry_row(e, &calendar, &settings.hygiene, &names))
                .collect(),
            projects: project_choices(&projects),
            users,
            project: project.map_or(0, |p| p.0),
            user: user.map_or(0, |u| u.0),
            from: from.map(|d| d.to_string()).unwrap_or_default(),
            to: to.map(|d| d.to_string()).unwrap_or_default(),
            next,
            filtered: project.is_some() || user.is_some() || from.is_some() || to.is_some(),
        })
    })?;
    Ok(pages::render(&page))
}

/// The manual entry form as typed, kept verbatim so a rejected form comes
/// back exactly as it was sent.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct EntryForm {
    project_id: String,
    category_id: String,
    user_id: String,
    date: String,
    start_time: String,
    end_time: String,
    duration: String,
    description: String,
    billable: Option<String>,
    internal: Option<String>,
    internal_note: String,
}

impl EntryForm {
    pub fn project(&self) -> u64 {
        self.project_id.trim().parse().unwrap_or(0)
    }

    pub fn category(&self) -> u64 {
        self.category_id.trim().parse().unwrap_or(0)
    }

    pub fn user(&self) -> u64 {
        self.user_id.trim().parse().unwrap_or(0)
    }

    fn of_entry(e: &Entry, calendar: &Calendar) -> EntryForm {
        let start = e.start.to_zoned(calendar.zone.clone());
        let end = e.end.to_zoned(calendar.zone.clone());
        let same_day = start.date() == end.date();
        EntryForm {
            project_id: e.project_id.0.to_string(),
            category_id: e.category_id.0.to_string(),
            user_id: e.user_id.0.to_string(),
            date: start.date().to_string(),
            start_time: start.strftime("%H:%M").to_string(),
            end_time: if same_day {
                end.strftime("%H:%M").to_string()
            } else {
                String::new()
            },
            duration: if same_day {
                String::new()
            } else {
                format_duration(e.seconds())
            },
            description: e.description.clone(),
            billable: e.billable.then(|| "on".into()),
            internal: e.internal.then(|| "on".into()),
            internal_note: e.internal_note.clone(),
        }
    }

    fn same_span(&self, other: &EntryForm) -> bool {
        let t = |s: &str| s.trim().to_owned();
        (
            t(&self.date),
            t(&self.start_time),
            t(&self.end_time),
            t(&self.duration),
        ) == (
            t(&other.date),
            t(&other.start_time),
            t(&other.end_time),
            t(&other.duration),
        )
    }

    /// Names the form field a store rule refers to.
    fn field_of(&self, invalid: Invalid) -> Invalid {
        let field = match invalid.field {
            "start" => "date",
            "end" if !self.duration.trim().is_empty() => "duration",
            "end" => "end_time",
            other => other,
        };
        Invalid::new(field, invalid.message)
    }
}

/// The parts of a draft that do not depend on the entry being replaced.
#[derive(Clone)]
struct Parsed {
    project_id: ProjectId,
    category_id: CategoryId,
    user_id: Option<UserId>,
    span: (Timestamp, Timestamp),
    form: EntryForm,
}

impl Parsed {
    fn read(form: &EntryForm, calendar: &Calendar, sees_all: bool) -> Result<Parsed, Invalid> {
        let project_id = ProjectId(parse_id("project_id", &form.project_id)?);
        let category_id = CategoryId(parse_id("category_id", &form.category_id)?);
        let user_id = if sees_all && !form.user_id.trim().is_empty() {
            Some(UserId(parse_id("user_id", &form.user_id)?))
        } else {
            None
        };
        let span = entry_span(
            calendar,
            &form.date,
            &form.start_time,
            &form.end_time,
            &form.duration,
        )?;
        Ok(Parsed {
            project_id,
            category_id,
            user_id,
            span,
            form: form.clone(),
        })
    }

    fn draft(&self, user: UserId, span: (Timestamp, Timestamp)) -> EntryDraft {
        EntryDraft {
            project_id: self.project_id,
            category_id: self.category_id,
            user_id: self.user_id.unwrap_or(user),
            start: span.0,
            end: span.1,
            description: self.form.description.clone(),
            billable: self.form.billable.is_some(),
            internal: self.form.internal.is_some(),
            internal_note: self.form.internal_note.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "staff/entry_form.html")]
struct FormPage {
    chrome: Chrome,
    editing: Option<u64>,
    form: EntryForm,
    problem: Problem,
    projects: Vec<Choice>,
    categories: Vec<Choice>,
    users: Vec<Choice>,
    lock_date: Option<String>,
}

fn form_page(
    state: &State,
    staff: &Staff,
    editing: Option<&Entry>,
    form: EntryForm,
    problem: Problem,
) -> Result<FormPage, crate::store::Error> {
    let actor = staff.actor();
    state.store.read(|txn| {
        let mut projects = loggable_projects(txn, actor)?;
        let mut categories = active_categories(txn)?;
        // An entry keeps its project and category in the pickers even when
        // they are no longer offered for new time.
        if let Some(e) = editing {
            if !projects.iter().any(|p| p.id == e.project_id) {
                projects.push(txn.must::<Project>(e.project_id.0)?);
            }
            if !categories.iter().any(|c| c.id == e.category_id) {
                categories.push(txn.must(e.category_id.0)?);
            }
        }
        let mut users: Vec<User> = if actor.role.sees_all_time() {
            active_users(txn)?
        } else {
            Vec::new()
        };
        // Never let the picker silently hand an entry to someone else.
        if let Some(e) = editing.filter(|_| actor.role.sees_all_time())
            && !users.iter().any(|u| u.id == e.user_id)
        {
            users.push(txn.must::<User>(e.user_id.0)?);
        }
        Ok(FormPage {
            chrome: Chrome::new(state, staff, Nav::Entries, None),
            editing: editing.map(|e| e.id.0),
            form,
            problem,
            projects: project_choices(&projects),
            categories: category_choices(&categories),
            users: user_choices(&users),
            lock_date: txn.settings()?.lock_date.map(|d| d.to_string()),
        })
    })
}

fn rejected(
    state: &State,
    staff: &Staff,
    editing: Option<&Entry>,
    form: EntryForm,
    invalid: Invalid,
) -> Result<HttpResponse, PageError> {
    let problem = Problem::of(form.field_of(invalid));
    let page = form_page(state, staff, editing, form, problem)?;
    Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
}

#[derive(Deserialize)]
pub struct NewQuery {
    date: Option<String>,
    project: Option<u64>,
}

pub async fn new_form(
    state: State,
    staff: Staff,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, PageError> {
    let calendar = state.store.read(|txn| Ok(txn.settings()?.calendar()))?;
    let today = calendar.date_of(Timestamp::now());
    let date = query
        .date
        .as_deref()
        .and_then(|d| d.parse::<jiff::civil::Date>().ok())
        .unwrap_or(today);
    let form = EntryForm {
        project_id: query.project.map(|p| p.to_string()).unwrap_or_default(),
        user_id: staff.user.id.0.to_string(),
        date: date.to_string(),
        billable: Some("on".into()),
        ..EntryForm::default()
    };
    let page = form_page(&state, &staff, None, form, Problem::none())?;
    Ok(pages::render(&page))
}

pub async fn create(state: State, posted: Posted<EntryForm>) -> Result<HttpResponse, PageError> {
    let Posted { staff, form } = posted;
    let actor = staff.actor();
    let calendar = state.store.read(|txn| Ok(txn.settings()?.calendar()))?;
    let parsed = match Parsed::read(&form, &calendar, actor.role.sees_all_time()) {
        Ok(parsed) => parsed,
        Err(invalid) => return rejected(&state, &staff, None, form, invalid),
    };
    let draft = parsed.draft(actor.id, parsed.span);
    let now = Timestamp::now();
    let result = state
        .store
        .write(move |txn| entries::create(txn, actor, draft.clone(), Source::Manual, now))
        .await;
    match invalid_or(result)? {
        Ok(_) => Ok(pages::see_other("/entries?done=created")),
        Err(invalid) => rejected(&state, &staff, None, form, invalid),
    }
}

pub async fn edit_form(
    state: State,
    staff: Staff,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let actor = staff.actor();
    let (entry, calendar) = state.store.read(|txn| {
        let entry = entries::get(txn, actor, EntryId(*path))?;
        Ok((entry, txn.settings()?.calendar()))
    })?;
    let form = EntryForm::of_entry(&entry, &calendar);
    let page = form_page(&state, &staff, Some(&entry), form, Problem::none())?;
    Ok(pages::render(&page))
}

pub async fn update(
    state: State,
    posted: Posted<EntryForm>,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let Posted { staff, form } = posted;
    let actor = staff.actor();
    let id = EntryId(*path);
    let (entry, calendar) = state.store.read(|txn| {
        let entry = entries::get(txn, actor, id)?;
        Ok((entry, txn.settings()?.calendar()))
    })?;
    let parsed = match Parsed::read(&form, &calendar, actor.role.sees_all_time()) {
        Ok(parsed) => parsed,
        Err(invalid) => return rejected(&state, &staff, Some(&entry), form, invalid),
    };
    let now = Timestamp::now();
    let result = state
        .store
        .write(move |txn| {
            let parsed = parsed.clone();
            let calendar = calendar.clone();
            entries::update(
                txn,
                actor,
                id,
                move |old| {
                    // Untouched times keep their seconds; the form shows minutes.
                    let span = if parsed.form.same_span(&EntryForm::of_entry(old, &calendar)) {
                        (old.start, old.end)
                    } else {
                        parsed.span
                    };
                    parsed.draft(old.user_id, span)
                },
                now,
            )
        })
        .await;
    match invalid_or(result)? {
        Ok(_) => Ok(pages::see_other("/entries?done=saved")),
        Err(invalid) => rejected(&state, &staff, Some(&entry), form, invalid),
    }
}

pub async fn delete(
    state: State,
    posted: Posted<serde::de::IgnoredAny>,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let staff = posted.staff;
    let actor = staff.actor();
    let id = EntryId(*path);
    let result = state
        .store
        .write(move |txn| entries::delete(txn, actor, id))
        .await;
    match invalid_or(result)? {
        Ok(_) => Ok(pages::see_other("/entries?done=deleted")),
        Err(invalid) => {
            let (entry, calendar) = state
                .store
                .read(|txn| Ok((entries::get(txn, actor, id)?, txn.settings()?.calendar())))?;
            let form = EntryForm::of_entry(&entry, &calendar);
            rejected(&state, &staff, Some(&entry), form, invalid)
        }
    }
}
