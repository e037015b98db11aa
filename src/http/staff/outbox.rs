//! The outbox page: what mail is queued, sent or dead, and a retry for the
//! dead. Admins only.

use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::Timestamp;
use serde::Deserialize;

use super::{Chrome, Nav};
use crate::config::Config;
use crate::domain::time::Calendar;
use crate::http::auth::{Admin, Posted};
use crate::http::error::{Error, PageError};
use crate::http::{State, pages};
use crate::mail::outbox::{self, OutboxReads};
use crate::mail::worker::file_stem;
use crate::mail::{Queued, Status};
use crate::store::records::Reads;

const PAGE: usize = 50;

#[derive(Deserialize, Default)]
pub struct OutboxQuery {
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    before: Option<u64>,
    #[serde(default)]
    done: Option<String>,
}

pub struct Row {
    pub id: u64,
    pub kind: &'static str,
    pub to: String,
    pub subject: String,
    pub status: &'static str,
    pub attempts: u32,
    pub queued_at: String,
    /// When it goes next (queued), went (sent) or gave up (dead).
    pub when: String,
    pub last_error: Option<String>,
    pub file: Option<String>,
    pub dead: bool,
}

#[derive(Template)]
#[template(path = "staff/outbox.html")]
struct OutboxPage {
    chrome: Chrome,
    filter: &'static str,
    rows: Vec<Row>,
    next_page: Option<String>,
    transport: String,
}

pub async fn list(
    state: State,
    admin: Admin,
    query: web::Query<OutboxQuery>,
) -> Result<HttpResponse, PageError> {
    let status = match query.status.as_deref().map(str::trim) {
        None | Some("") | Some("all") => None,
        Some(raw) => Some(Status::parse(raw).map_err(Error::from)?),
    };
    let (messages, calendar) = state.store.read(|txn| {
        let messages = txn.outbox_list(status, query.before, PAGE)?;
        Ok((messages, txn.settings()?.calendar()))
    })?;
    let filter = status.map_or("all", Status::as_str);
    let next_page = (messages.len() == PAGE)
        .then(|| {
            messages
                .last()
                .map(|m| format!("?status={filter}&before={}", m.id))
        })
        .flatten();
    let rows = messages
        .iter()
        .map(|m| row(m, &calendar, &state.config))
        .collect();
    let page = OutboxPage {
        chrome: Chrome::new(&state, &admin.0, Nav::Settings, query.done.as_deref()),
        filter,
        rows,
        next_page,
        transport: match &state.config.mail.smtp {
            Some(smtp) => format!("the SMTP server {}:{}", smtp.host, smtp.port),
            None => "files in the mail folder of the data directory".to_owned(),
        },
    };
    Ok(pages::render(&page))
}

fn row(m: &Queued, calendar: &Calendar, config: &Config) -> Row {
    let local = |t: Timestamp| {
        t.to_zoned(calendar.zone.clone())
            .strftime("%Y-%m-%d %H:%M")
            .to_string()
    };
    let when = match m.status {
        Status::Queued => local(m.next_attempt),
        Status::Sent => m.sent_at.map(local).unwrap_or_default(),
        Status::Dead => String::new(),
    };
    let file = (m.status == Status::Sent && config.mail.smtp.is_none())
        .then(|| format!("mail/{}.eml", file_stem(m)));
    Row {
        id: m.id,
        kind: m.message.kind.as_str(),
        to: m.message.to.clone(),
        subject: m.message.subject.clone(),
        status: m.status.as_str(),
        attempts: m.attempts,
        queued_at: local(m.queued_at),
        when,
        last_error: m.last_error.clone(),
        file,
        dead: m.status == Status::Dead,
    }
}

pub async fn retry(
    state: State,
    _admin: Admin,
    _posted: Posted<serde::de::IgnoredAny>,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let id = path.into_inner();
    let now = Timestamp::now();
    state
        .store
        .write(move |txn| outbox::retry(txn, id, now))
        .await?;
    tracing::info!(id, "dead mail queued again from the outbox page");
    Ok(pages::see_other("/admin/outbox?status=dead&done=retried"))
}
