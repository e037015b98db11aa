//! Outgoing email: a durable outbox in redb, a worker that drains it, and the
//! transports it delivers through.
//!
//! A message is queued with `enqueue` inside the same write transaction as
//! the change that causes it, so a crash never loses one and a change that
//! rolls back never sends one. The worker (`worker.rs`) picks due messages
//! through an index ordered by next attempt, hands each to the transport
//! (SMTP, or `.eml` files when no SMTP server is configured) and records the
//! outcome; failures are retried with backoff (`backoff.rs`) until the
//! message is dead, which an admin sees and can retry.
//!
//! Delivery is at least once. The outcome of a send is recorded in a write
//! after the SMTP server accepted the message; a crash between the two
//! leaves the message queued, and it is sent again after the restart. A
//! duplicate carries the same `Message-ID` (derived from the outbox id and a
//! random value kept in the database, see `compose.rs`), so mail clients and
//! many servers fold it into the first copy. The alternative, marking a
//! message sent before sending it, would lose mail in the same window, and
//! a lost sign-in link is worse than a repeated one.

pub mod backoff;
pub mod compose;
mod files;
pub mod messages;
pub mod outbox;
mod smtp;
pub mod transport;
pub mod unsubscribe;
pub mod worker;

use jiff::Timestamp;
use redb::{TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::domain::Invalid;
use crate::store::{self, encode, next_id};

/// id -> queued message.
pub const OUTBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("outbox");
/// (next attempt in ms since the epoch, id) for every queued message, so the
/// worker finds due mail without walking past mail already sent.
pub const OUTBOX_DUE: TableDefinition<(i64, u64), ()> = TableDefinition::new("outbox_due");
/// ids of dead messages, for the admin's list.
pub const OUTBOX_DEAD: TableDefinition<u64, ()> = TableDefinition::new("outbox_dead");

/// What kind of message it is, for the admin view and for preferences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    PortalInvitation,
    PortalSignIn,
    WeeklyDigest,
    BudgetAlert,
    Test,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::PortalInvitation => "portal invitation",
            Kind::PortalSignIn => "portal sign-in",
            Kind::WeeklyDigest => "weekly digest",
            Kind::BudgetAlert => "budget alert",
            Kind::Test => "test",
        }
    }

    /// Notifications can be turned off by the recipient, so they carry a
    /// one-click unsubscribe; sign-in and invitation mail cannot.
    pub fn is_notification(self) -> bool {
        matches!(self, Kind::WeeklyDigest | Kind::BudgetAlert)
    }
}

/// A message ready to send: both bodies are rendered before queueing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    pub kind: Kind,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// An absolute URL that turns this kind of notification off with one
    /// POST (RFC 8058); required for notification kinds.
    #[serde(default)]
    pub unsubscribe_url: Option<String>,
}

impl Outgoing {
    /// Checks what a transport would otherwise reject after the fact, so a
    /// bad message fails the write that queues it.
    pub fn validate(&self) -> Result<(), Invalid> {
        if self.to.parse::<lettre::message::Mailbox>().is_err() {
            return Err(Invalid::new(
                "to",
                format!("{:?} is not an email address", self.to),
            ));
        }
        if self.subject.trim().is_empty() {
            return Err(Invalid::new("subject", "a message needs a subject"));
        }
        if self.subject.contains(['\r', '\n']) {
            return Err(Invalid::new("subject", "must be one line"));
        }
        match &self.unsubscribe_url {
            Some(url) if !(url.starts_with("https://") || url.starts_with("http://")) => Err(
                Invalid::new("unsubscribe_url", "must be an absolute http(s) URL"),
            ),
            Some(url) if url.contains(['\r', '\n', '<', '>', ' ']) => Err(Invalid::new(
                "unsubscribe_url",
                "must not contain spaces or angle brackets",
            )),
            None if self.kind.is_notification() => Err(Invalid::new(
                "unsubscribe_url",
                "notifications need an unsubscribe link",
            )),
            _ => Ok(()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Queued,
    Sent,
    Dead,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Queued => "queued",
            Status::Sent => "sent",
            Status::Dead => "dead",
        }
    }

    pub fn parse(raw: &str) -> Result<Status, Invalid> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "queued" => Ok(Status::Queued),
            "sent" => Ok(Status::Sent),
            "dead" => Ok(Status::Dead),
            _ => Err(Invalid::new("status", "must be queued, sent or dead")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    pub id: u64,
    pub message: Outgoing,
    pub status: Status,
    /// Failed attempts since `attempts_since`.
    pub attempts: u32,
    pub queued_at: Timestamp,
    pub next_attempt: Timestamp,
    pub last_error: Option<String>,
    /// When the current round of attempts began: queueing, or an admin's
    /// retry of a dead message. The message dies two days after it.
    pub attempts_since: Timestamp,
    pub sent_at: Option<Timestamp>,
}

/// Queues a message in the caller's transaction; returns its id.
///
/// An invalid message (bad address, notification without an unsubscribe
/// link) fails the whole transaction with `Error::Invalid`.
pub fn enqueue(
    txn: &WriteTransaction,
    message: Outgoing,
    now: Timestamp,
) -> Result<u64, store::Error> {
    message.validate()?;
    let id = next_id(txn, "outbox")?;
    let queued = Queued {
        id,
        message,
        status: Status::Queued,
        attempts: 0,
        queued_at: now,
        next_attempt: now,
        last_error: None,
        attempts_since: now,
        sent_at: None,
    };
    txn.open_table(OUTBOX)?
        .insert(id, encode(&queued).as_slice())?;
    txn.open_table(OUTBOX_DUE)?
        .insert((now.as_millisecond(), id), ())?;
    Ok(id)
}

/// Why the mail worker or a transport could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    #[error("mail.smtp_host: {0}")]
    Smtp(String),
    #[error("mail.from: {0}")]
    From(String),
    #[error(transparent)]
    Store(#[from] store::Error),
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(kind: Kind) -> Outgoing {
        Outgoing {
            kind,
            to: "Ada <ada@client.example>".into(),
            subject: "Hello".into(),
            text: "t".into(),
            html: "<p>h</p>".into(),
            unsubscribe_url: None,
        }
    }

    #[test]
    fn validation_names_the_field() {
        message(Kind::PortalSignIn).validate().unwrap();
        let field = |m: Outgoing| m.validate().unwrap_err().field;
        assert_eq!(
            field(Outgoing {
                to: "ada".into(),
                ..message(Kind::Test)
            }),
            "to"
        );
        assert_eq!(
            field(Outgoing {
                subject: "a\r\nBcc: x@y.example".into(),
                ..message(Kind::Test)
            }),
            "subject"
        );
        assert_eq!(field(message(Kind::BudgetAlert)), "unsubscribe_url");
        assert_eq!(
            field(Outgoing {
                unsubscribe_url: Some("https://h.example/u> <x".into()),
                ..message(Kind::WeeklyDigest)
            }),
            "unsubscribe_url"
        );
        Outgoing {
            unsubscribe_url: Some("https://h.example/u/1".into()),
            ..message(Kind::WeeklyDigest)
        }
        .validate()
        .unwrap();
    }

    #[test]
    fn statuses_parse_from_their_names() {
        for status in [Status::Queued, Status::Sent, Status::Dead] {
            assert_eq!(Status::parse(status.as_str()), Ok(status));
        }
        assert_eq!(Status::parse(" Dead "), Ok(Status::Dead));
        assert_eq!(Status::parse("lost").unwrap_err().field, "status");
    }
}
