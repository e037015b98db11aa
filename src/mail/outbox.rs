//! The outbox's state changes: what is due, and recording each outcome.
//!
//! Every change keeps `OUTBOX_DUE` (queued messages by next attempt) and
//! `OUTBOX_DEAD` in step with the record's status, in the same transaction.

use jiff::Timestamp;
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use super::{OUTBOX, OUTBOX_DEAD, OUTBOX_DUE, Queued, Status};
use crate::store::{Error, decode, encode, tables};

/// The `meta` key of the random value in every Message-ID of this database.
pub const MESSAGE_ID_KEY: &str = "mail.message_id_key";

/// Reads shared by read and write transactions.
pub trait OutboxReads {
    fn outbox_get(&self, id: u64) -> Result<Option<Queued>, Error>;
    /// Queued messages whose next attempt is at or before `now`, soonest first.
    fn outbox_due(&self, now: Timestamp, limit: usize) -> Result<Vec<Queued>, Error>;
    /// Newest first, optionally of one status, older than the id `before`.
    fn outbox_list(
        &self,
        status: Option<Status>,
        before: Option<u64>,
        limit: usize,
    ) -> Result<Vec<Queued>, Error>;
    fn message_id_key(&self) -> Result<u64, Error>;
}

macro_rules! impl_outbox_reads {
    ($txn:ty) => {
        impl OutboxReads for $txn {
            fn outbox_get(&self, id: u64) -> Result<Option<Queued>, Error> {
                let table = self.open_table(OUTBOX)?;
                let value = table.get(id)?;
                value.map(|v| decode("outbox", v.value())).transpose()
            }

            fn outbox_due(&self, now: Timestamp, limit: usize) -> Result<Vec<Queued>, Error> {
                let due = self.open_table(OUTBOX_DUE)?;
                let mut found = Vec::new();
                for row in due.range(..=(now.as_millisecond(), u64::MAX))?.take(limit) {
                    let (_, id) = row?.0.value();
                    if let Some(queued) = self.outbox_get(id)? {
                        found.push(queued);
                    }
                }
                Ok(found)
            }

            fn outbox_list(
                &self,
                status: Option<Status>,
                before: Option<u64>,
                limit: usize,
            ) -> Result<Vec<Queued>, Error> {
                let before = before.unwrap_or(u64::MAX);
                let ids: Vec<u64> = match status {
                    Some(Status::Dead) => {
                        let dead = self.open_table(OUTBOX_DEAD)?;
                        let mut ids = Vec::new();
                        for row in dead.range(..before)?.rev().take(limit) {
                            ids.push(row?.0.value());
                        }
                        ids
                    }
                    Some(Status::Queued) => {
                        let due = self.open_table(OUTBOX_DUE)?;
                        let mut ids = Vec::new();
                        for row in due.iter()? {
                            let id = row?.0.value().1;
                            if id < before {
                                ids.push(id);
                            }
                        }
                        ids.sort_unstable_by(|a, b| b.cmp(a));
                        ids.truncate(limit);
                        ids
                    }
                    Some(Status::Sent) | None => {
                        let outbox = self.open_table(OUTBOX)?;
                        let mut ids = Vec::new();
                        for row in outbox.range(..before)?.rev() {
                            let (id, value) = row?;
                            let queued: Queued = decode("outbox", value.value())?;
                            if status.is_none_or(|s| s == queued.status) {
                                ids.push(id.value());
                            }
                            if ids.len() == limit {
                                break;
                            }
                        }
                        ids
                    }
                };
                let mut found = Vec::with_capacity(ids.len());
                for id in ids {
                    found.extend(self.outbox_get(id)?);
                }
                Ok(found)
            }

            fn message_id_key(&self) -> Result<u64, Error> {
                let meta = self.open_table(tables::META)?;
                let value = meta.get(MESSAGE_ID_KEY)?;
                value.map(|v| v.value()).ok_or(Error::Corrupt {
                    table: "meta",
                    detail: format!("{MESSAGE_ID_KEY} is missing"),
                })
            }
        }
    };
}

impl_outbox_reads!(ReadTransaction);
impl_outbox_reads!(WriteTransaction);

/// Creates the outbox tables and the random Message-ID value unless the
/// database has them. Runs with the schema's creation, and again when the
/// worker starts, for a database created before the outbox had them.
pub fn prepare(txn: &WriteTransaction, fresh_key: u64) -> Result<(), Error> {
    txn.open_table(OUTBOX)?;
    txn.open_table(OUTBOX_DUE)?;
    txn.open_table(OUTBOX_DEAD)?;
    let mut meta = txn.open_table(tables::META)?;
    if meta.get(MESSAGE_ID_KEY)?.is_none() {
        meta.insert(MESSAGE_ID_KEY, fresh_key)?;
    }
    Ok(())
}

fn put(txn: &WriteTransaction, queued: &Queued) -> Result<(), Error> {
    txn.open_table(OUTBOX)?
        .insert(queued.id, encode(queued).as_slice())?;
    Ok(())
}

/// Loads a message that must still be queued; anything else means another
/// change got there first, and the outcome is not recorded.
fn queued(txn: &WriteTransaction, id: u64) -> Result<Option<Queued>, Error> {
    Ok(txn.outbox_get(id)?.filter(|q| q.status == Status::Queued))
}

fn unschedule(txn: &WriteTransaction, queued: &Queued) -> Result<(), Error> {
    txn.open_table(OUTBOX_DUE)?
        .remove((queued.next_attempt.as_millisecond(), queued.id))?;
    Ok(())
}

fn schedule(txn: &WriteTransaction, queued: &Queued) -> Result<(), Error> {
    txn.open_table(OUTBOX_DUE)?
        .insert((queued.next_attempt.as_millisecond(), queued.id), ())?;
    Ok(())
}

/// Records that the transport accepted the message.
pub fn record_sent(txn: &WriteTransaction, id: u64, now: Timestamp) -> Result<bool, Error> {
    let Some(mut message) = queued(txn, id)? else {
        return Ok(false);
    };
    unschedule(txn, &message)?;
    message.status = Status::Sent;
    message.sent_at = Some(now);
    message.last_error = None;
    put(txn, &message)?;
    Ok(true)
}

/// What became of a message after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    RetryAt(Timestamp),
    Dead,
    /// It was no longer queued; nothing was recorded.
    Gone,
}

/// Records a failed attempt: rescheduled at `retry_at`, or dead when that
/// is `None`.
pub fn record_failure(
    txn: &WriteTransaction,
    id: u64,
    error: &str,
    retry_at: Option<Timestamp>,
) -> Result<AfterFailure, Error> {
    let Some(mut message) = queued(txn, id)? else {
        return Ok(AfterFailure::Gone);
    };
    unschedule(txn, &message)?;
    message.attempts += 1;
    message.last_error = Some(error.to_owned());
    let outcome = match retry_at {
        Some(at) => {
            message.next_attempt = at;
            schedule(txn, &message)?;
            AfterFailure::RetryAt(at)
        }
        None => {
            message.status = Status::Dead;
            txn.open_table(OUTBOX_DEAD)?.insert(message.id, ())?;
            AfterFailure::Dead
        }
    };
    put(txn, &message)?;
    Ok(outcome)
}

/// Queues a dead message again, with a fresh round of attempts.
pub fn retry(txn: &WriteTransaction, id: u64, now: Timestamp) -> Result<Queued, Error> {
    let mut message = txn.outbox_get(id)?.ok_or(Error::NotFound)?;
    if message.status != Status::Dead {
        return Err(Error::Conflict(format!(
            "message {id} is {}; only dead messages can be retried",
            message.status.as_str()
        )));
    }
    txn.open_table(OUTBOX_DEAD)?.remove(id)?;
    message.status = Status::Queued;
    message.attempts = 0;
    message.attempts_since = now;
    message.next_attempt = now;
    schedule(txn, &message)?;
    put(txn, &message)?;
    Ok(message)
}
