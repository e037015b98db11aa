//! The week grid: one row per project and category, one column per local
//! day of the agency's week, with totals.

use std::collections::BTreeMap;

use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::civil::{Date, Weekday};
use jiff::{Timestamp, ToSpan};
use serde::Deserialize;

use super::forms::{parse_date, parse_id};
use super::views::{Choice, Names, active_users, user_choices};
use super::{Chrome, Nav};
use crate::domain::entry::Entry;
use crate::domain::time::{Calendar, format_duration};
use crate::domain::user::{Actor, User};
use crate::domain::{CategoryId, ProjectId, UserId};
use crate::http::auth::Staff;
use crate::http::error::{Error, PageError};
use crate::http::{State, pages};
use crate::store::entries::{self, Query};
use crate::store::records::Reads;

#[derive(Deserialize)]
pub struct WeekQuery {
    week: Option<String>,
    user: Option<String>,
}

pub struct Column {
    pub weekday: String,
    pub date: String,
    pub class: &'static str,
    pub total: String,
}

pub struct Cell {
    pub text: String,
    pub class: &'static str,
}

pub struct Row {
    pub project: String,
    pub category: String,
    pub cells: Vec<Cell>,
    pub total: String,
}

#[derive(Template)]
#[template(path = "staff/timesheet.html")]
struct WeekPage {
    chrome: Chrome,
    person: String,
    user: u64,
    users: Vec<Choice>,
    week: String,
    columns: Vec<Column>,
    rows: Vec<Row>,
    total: String,
    prev: String,
    next: String,
    this_week: String,
}

/// Seconds per (project, category) and local day of the week starting on
/// `first`; an entry counts on the day it starts, as in the roll-ups.
pub fn grid(
    entries: &[Entry],
    calendar: &Calendar,
    first: Date,
) -> BTreeMap<(ProjectId, CategoryId), [i64; 7]> {
    let mut grid: BTreeMap<(ProjectId, CategoryId), [i64; 7]> = BTreeMap::new();
    for e in entries {
        let day = calendar
            .date_of(e.start)
            .since(first)
            .map_or(-1, |span| span.get_days());
        if let Ok(day) = usize::try_from(day)
            && day < 7
        {
            grid.entry((e.project_id, e.category_id)).or_default()[day] += e.seconds();
        }
    }
    grid
}

fn week_entries(
    txn: &redb::ReadTransaction,
    actor: Actor,
    user: UserId,
    calendar: &Calendar,
    first: Date,
) -> Result<Vec<Entry>, crate::store::Error> {
    let after = first.checked_add(7.days()).unwrap_or(first);
    let mut query = Query {
        user: Some(user),
        from: Some(calendar.start_of(first)),
        to: Some(calendar.start_of(after)),
        limit: 1000,
        ..Query::default()
    };
    let mut all = Vec::new();
    loop {
        let (page, next) = entries::list(txn, actor, &query)?;
        all.extend(page);
        match next {
            Some(cursor) => query.before = Some(cursor),
            None => return Ok(all),
        }
    }
}

pub async fn week(
    state: State,
    staff: Staff,
    query: web::Query<WeekQuery>,
) -> Result<HttpResponse, PageError> {
    let actor = staff.actor();
    let bad = |i: crate::domain::Invalid| PageError(Error::BadRequest(i.to_string()));
    let asked = query
        .week
        .as_deref()
        .filter(|w| !w.trim().is_empty())
        .map(|w| parse_date("week", w))
        .transpose()
        .map_err(bad)?;
    let user = query
        .user
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .map(|u| parse_id("user", u).map(UserId))
        .transpose()
        .map_err(bad)?
        .unwrap_or(actor.id);
    if user != actor.id && !actor.role.sees_all_time() {
        return Err(Error::NotFound.into());
    }

    let page = state.store.read(|txn| {
        let calendar = txn.settings()?.calendar();
        let person: User = txn.must(user.0)?;
        let today = calendar.date_of(Timestamp::now());
        let first = calendar.week_of(asked.unwrap_or(today)).date();
        let found = week_entries(txn, actor, user, &calendar, first)?;
        let grid = grid(&found, &calendar, first);
        let names = Names::load(txn)?;

        let days: Vec<Date> = (0..7)
            .map(|i| first.checked_add(i.days()).unwrap_or(first))
            .collect();
        let class = |date: Date| match (date == today, date.weekday()) {
            (true, _) => "today",
            (false, Weekday::Saturday | Weekday::Sunday) => "weekend",
            _ => "",
        };
        let mut day_totals = [0_i64; 7];
        let mut rows: Vec<Row> = grid
            .iter()
            .map(|((project, category), seconds)| {
                for (total, s) in day_totals.iter_mut().zip(seconds) {
                    *total += s;
                }
                Row {
                    project: names.project(*project),
                    category: names.category(*category),
                    cells: seconds
                        .iter()
                        .zip(&days)
                        .map(|(s, d)| Cell {
                            text: if *s == 0 {
                                String::new()
                            } else {
                                format_duration(*s)
                            },
                            class: class(*d),
                        })
                        .collect(),
                    total: format_duration(seconds.iter().sum()),
                }
            })
            .collect();
        rows.sort_by_key(|r| (r.project.to_lowercase(), r.category.to_lowercase()));
        let columns = days
            .iter()
            .zip(day_totals)
            .map(|(d, total)| Column {
                weekday: d.strftime("%a").to_string(),
                date: d.strftime("%d %b").to_string(),
                class: class(*d),
                total: format_duration(total),
            })
            .collect();
        let link = |date: Date| {
            if user == actor.id {
                format!("/timesheet?week={date}")
            } else {
                format!("/timesheet?week={date}&user={user}")
            }
        };
        let users = if actor.role.sees_all_time() {
            user_choices(&active_users(txn)?)
        } else {
            Vec::new()
        };
        Ok(WeekPage {
            chrome: Chrome::new(&state, &staff, Nav::Timesheet, None),
            person: person.name,
            user: user.0,
            users,
            week: first.to_string(),
            columns,
            rows,
            total: format_duration(day_totals.iter().sum()),
            prev: link(first.checked_sub(7.days()).unwrap_or(first)),
            next: link(first.checked_add(7.days()).unwrap_or(first)),
            this_week: link(calendar.week_of(today).date()),
        })
    })?;
    Ok(pages::render(&page))
}
