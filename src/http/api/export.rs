//! `GET /entries.csv`: the entries a listing would return, all pages of
//! them, as CSV.
//!
//! The body is streamed: each chunk reads one page in a fresh read
//! transaction and continues from the previous page's cursor, so memory
//! stays flat however many entries match and no transaction is held open
//! while the client reads. Entries changed between chunks show up as they
//! are when their page is read.

use std::collections::HashMap;
use std::sync::Arc;

use actix_web::web::Bytes;
use actix_web::{HttpResponse, web};
use futures_util::stream;
use redb::ReadTransaction;

use super::Reply;
use super::entries::{Filters, Listing, page};
use crate::domain::category::Category;
use crate::domain::entry::Entry;
use crate::domain::project::Project;
use crate::domain::time::Calendar;
use crate::domain::user::{Actor, User};
use crate::http::State;
use crate::http::auth::ApiUser;
use crate::store::records::Reads;
use crate::store::{self, Store};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/entries.csv", web::get().to(export));
}

/// Entries per chunk: large enough to amortise a transaction, small enough
/// that a chunk is a few hundred kilobytes at most.
const CHUNK: usize = 500;

const COLUMNS: [&str; 11] = [
    "id",
    "date",
    "start",
    "end",
    "hours",
    "project",
    "category",
    "user",
    "description",
    "billable",
    "internal",
];

/// Names already looked up, so each project, category and person is read
/// once per export rather than once per row.
#[derive(Default)]
struct Names {
    projects: HashMap<u64, String>,
    categories: HashMap<u64, String>,
    users: HashMap<u64, String>,
}

impl Names {
    fn project(&mut self, txn: &ReadTransaction, id: u64) -> Result<String, store::Error> {
        if let Some(name) = self.projects.get(&id) {
            return Ok(name.clone());
        }
        let name = txn.get::<Project>(id)?.map_or_else(String::new, |p| p.name);
        self.projects.insert(id, name.clone());
        Ok(name)
    }

    fn category(&mut self, txn: &ReadTransaction, id: u64) -> Result<String, store::Error> {
        if let Some(name) = self.categories.get(&id) {
            return Ok(name.clone());
        }
        let name = txn
            .get::<Category>(id)?
            .map_or_else(String::new, |c| c.name);
        self.categories.insert(id, name.clone());
        Ok(name)
    }

    fn user(&mut self, txn: &ReadTransaction, id: u64) -> Result<String, store::Error> {
        if let Some(name) = self.users.get(&id) {
            return Ok(name.clone());
        }
        let name = txn.get::<User>(id)?.map_or_else(String::new, |u| u.name);
        self.users.insert(id, name.clone());
        Ok(name)
    }
}

/// Hours with two decimals, rounded half away from zero: `1.25`.
fn hours(seconds: i64) -> String {
    let hundredths = (seconds * 100 + seconds.signum() * 1800) / 3600;
    format!("{}.{:02}", hundredths / 100, (hundredths % 100).abs())
}

/// Where an export is between chunks.
struct Export {
    store: Arc<Store>,
    actor: Actor,
    listing: Listing,
    names: Names,
    header: bool,
    done: bool,
}

impl Export {
    /// Reads the next page and renders it; `None` once everything is sent.
    fn next_chunk(&mut self) -> Result<Option<Bytes>, store::Error> {
        if self.done {
            return Ok(None);
        }
        let store = Arc::clone(&self.store);
        let bytes = store.read(|txn| {
            let calendar = txn.settings()?.calendar();
            let (entries, next) = page(txn, self.actor, &self.listing)?;
            let mut out = csv::Writer::from_writer(Vec::new());
            if !self.header {
                self.write_header(&mut out)?;
                self.header = true;
            }
            for entry in entries {
                self.write_row(&mut out, txn, &calendar, entry)?;
            }
            match next {
                Some(cursor) => self.listing.query.before = Some(cursor),
                None => self.done = true,
            }
            out.into_inner()
                .map_err(|e| csv_error(e.into_error().into()))
        })?;
        Ok(Some(Bytes::from(bytes)))
    }

    fn notes(&self) -> bool {
        self.actor.role.sees_all_time()
    }

    fn write_header(&self, out: &mut csv::Writer<Vec<u8>>) -> Result<(), store::Error> {
        let mut header = COLUMNS.to_vec();
        if self.notes() {
            header.push("internal_note");
        }
        out.write_record(&header).map_err(csv_error)
    }

    fn write_row(
        &mut self,
        out: &mut csv::Writer<Vec<u8>>,
        txn: &ReadTransaction,
        calendar: &Calendar,
        entry: Entry,
    ) -> Result<(), store::Error> {
        let local = |at: jiff::Timestamp| {
            at.to_zoned(calendar.zone.clone())
                .strftime("%Y-%m-%dT%H:%M:%S%:z")
                .to_string()
        };
        let mut row = vec![
            entry.id.to_string(),
            calendar.date_of(entry.start).to_string(),
            local(entry.start),
            local(entry.end),
            hours(entry.seconds()),
            self.names.project(txn, entry.project_id.0)?,
            self.names.category(txn, entry.category_id.0)?,
            self.names.user(txn, entry.user_id.0)?,
            entry.description,
            entry.billable.to_string(),
            entry.internal.to_string(),
        ];
        if self.notes() {
            row.push(entry.internal_note);
        }
        out.write_record(&row).map_err(csv_error)
    }
}

fn csv_error(e: csv::Error) -> store::Error {
    store::Error::Commit(format!("writing CSV: {e}"))
}

async fn export(state: State, user: ApiUser, filters: web::Query<Filters>) -> Reply {
    let actor = user.actor();
    // Bad filters are answered before any of the body is sent.
    let mut listing = state.store.read(|txn| Ok(filters.listing(txn, actor)))??;
    listing.query.limit = CHUNK;
    let export = Export {
        store: Arc::clone(&state.store),
        actor,
        listing,
        names: Names::default(),
        header: false,
        done: false,
    };
    let body = stream::unfold(export, |mut export| async move {
        match export.next_chunk() {
            Ok(Some(bytes)) => Some((Ok(bytes), export)),
            Ok(None) => None,
            Err(e) => {
                // The status is already sent; cutting the body short is the
                // only way left to tell the client the export is incomplete.
                tracing::error!(error = %e, "entry export failed");
                export.done = true;
                Some((Err(std::io::Error::other(e.to_string())), export))
            }
        }
    });
    Ok(HttpResponse::Ok()
        .content_type("text/csv; charset=utf-8")
        .insert_header((
            "Content-Disposition",
            "attachment; filename=\"entries.csv\"",
        ))
        .streaming(body))
}
