//! Follow-up for managers: recent entries whose descriptions are too vague
//! for a client to read.

use actix_web::HttpResponse;
use askama::Template;
use jiff::{SignedDuration, Timestamp};

use super::views::{EntryRow, Names, entry_row};
use super::{Chrome, Nav};
use crate::domain::entry::Entry;
use crate::domain::user::Actor;
use crate::http::auth::Manager;
use crate::http::error::PageError;
use crate::http::{State, pages};
use crate::store::entries::{self, Query};
use crate::store::records::Reads;

const DAYS: i64 = 30;
const SHOWN: usize = 500;

#[derive(Template)]
#[template(path = "staff/review.html")]
struct ReviewPage {
    chrome: Chrome,
    days: i64,
    rows: Vec<EntryRow>,
    more: bool,
}

/// Vague entries that started after `since`, newest first, at most `max`
/// (and whether there were more).
fn vague_since(
    txn: &redb::ReadTransaction,
    actor: Actor,
    since: Timestamp,
    max: usize,
) -> Result<(Vec<Entry>, bool), crate::store::Error> {
    let hygiene = txn.settings()?.hygiene;
    let mut query = Query {
        from: Some(since),
        limit: 500,
        ..Query::default()
    };
    let mut vague = Vec::new();
    loop {
        let (page, next) = entries::list(txn, actor, &query)?;
        vague.extend(
            page.into_iter()
                .filter(|e| hygiene.check(&e.description).is_some()),
        );
        match next {
            Some(cursor) if vague.len() <= max => query.before = Some(cursor),
            _ => break,
        }
    }
    let more = vague.len() > max;
    vague.truncate(max);
    Ok((vague, more))
}

pub async fn vague(state: State, manager: Manager) -> Result<HttpResponse, PageError> {
    let staff = manager.0;
    let since = Timestamp::now()
        .checked_sub(SignedDuration::from_hours(24 * DAYS))
        .unwrap_or(Timestamp::MIN);
    let page = state.store.read(|txn| {
        let settings = txn.settings()?;
        let calendar = settings.calendar();
        let (found, more) = vague_since(txn, staff.actor(), since, SHOWN)?;
        let names = Names::load(txn)?;
        Ok(ReviewPage {
            chrome: Chrome::new(&state, &staff, Nav::Review, None),
            days: DAYS,
            rows: found
                .iter()
                .map(|e| entry_row(e, &calendar, &settings.hygiene, &names))
                .collect(),
            more,
        })
    })?;
    Ok(pages::render(&page))
}
