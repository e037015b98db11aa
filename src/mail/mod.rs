//! Outgoing email: a durable outbox in redb.
//!
//! A message is queued with `enqueue` inside the same write transaction as
//! the change that causes it, so a crash never loses one and a change that
//! rolls back never sends one.

use jiff::Timestamp;
use redb::{TableDefinition, WriteTransaction};
use serde::{Deserialize, Serialize};

use crate::store::{self, encode, next_id};

/// id -> queued message.
pub const OUTBOX: TableDefinition<u64, &[u8]> = TableDefinition::new("outbox");

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

/// A message ready to send: both bodies are rendered before queueing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    pub kind: Kind,
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Queued,
    Sent,
    Dead,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Queued {
    pub id: u64,
    pub message: Outgoing,
    pub status: Status,
    pub attempts: u32,
    pub queued_at: Timestamp,
    pub next_attempt: Timestamp,
    pub last_error: Option<String>,
}

/// Queues a message in the caller's transaction; returns its id.
pub fn enqueue(
    txn: &WriteTransaction,
    message: Outgoing,
    now: Timestamp,
) -> Result<u64, store::Error> {
    let id = next_id(txn, "outbox")?;
    let queued = Queued {
        id,
        message,
        status: Status::Queued,
        attempts: 0,
        queued_at: now,
        next_attempt: now,
        last_error: None,
    };
    txn.open_table(OUTBOX)?
        .insert(id, encode(&queued).as_slice())?;
    Ok(id)
}
