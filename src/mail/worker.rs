//! The outbox worker: picks due messages, sends each off the async runtime,
//! records the outcome through the store's writer.
//!
//! It polls the due index (a read of its first keys, which costs next to
//! nothing) once a second rather than being woken by `enqueue`: a message
//! is queued inside the caller's transaction, and a wake-up sent before
//! that transaction commits would find nothing, so every caller would have
//! to remember to wake the worker after its write resolved. A second of
//! latency for a sign-in link is a fair price for not having that rule.
//!
//! One pass is `deliver_due(now)`, with the clock passed in, so tests can
//! step through days of backoff without waiting for them.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;

use super::compose::Composer;
use super::outbox::{self, AfterFailure, OutboxReads};
use super::transport::{Delivered, SendError, Transport};
use super::{Queued, SetupError, backoff};
use crate::config::Config;
use crate::store::{self, Store};

/// How often the worker looks for due mail.
pub const POLL: Duration = Duration::from_secs(1);
/// The most messages one pass picks; a full batch is followed at once by
/// another pass.
const BATCH: usize = 32;

/// What one pass did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Pass {
    pub sent: usize,
    pub retrying: usize,
    pub dead: usize,
}

impl Pass {
    pub fn picked(&self) -> usize {
        self.sent + self.retrying + self.dead
    }
}

enum Outcome {
    Sent,
    Failed(AfterFailure),
}

pub struct Worker {
    store: Arc<Store>,
    transport: Transport,
    composer: Composer,
}

impl Worker {
    /// A worker for the configured transport.
    pub async fn new(store: Arc<Store>, config: &Config) -> Result<Worker, SetupError> {
        let transport = Transport::from_config(config)?;
        Worker::with_transport(store, config, transport).await
    }

    pub async fn with_transport(
        store: Arc<Store>,
        config: &Config,
        transport: Transport,
    ) -> Result<Worker, SetupError> {
        let fresh_key = rand::random();
        store
            .write(move |txn| outbox::prepare(txn, fresh_key))
            .await?;
        let key = store.read(|txn| txn.message_id_key())?;
        let composer = Composer::new(&config.mail.from, &config.public_url, key)?;
        Ok(Worker {
            store,
            transport,
            composer,
        })
    }

    /// Runs until the process ends.
    pub async fn run(self, poll: Duration) {
        tracing::info!(transport = %self.transport.describe(), "mail worker started");
        loop {
            let pass = self.deliver_due(Timestamp::now()).await;
            match pass {
                Ok(pass) if pass.picked() >= BATCH => continue,
                Ok(_) => {}
                Err(store::Error::Closed) => return,
                Err(e) => tracing::error!(error = %e, "the mail worker could not reach the outbox"),
            }
            tokio::time::sleep(poll).await;
        }
    }

    /// Sends every message due at `now` (up to a batch) and records each
    /// outcome durably before returning.
    pub async fn deliver_due(&self, now: Timestamp) -> Result<Pass, store::Error> {
        let due = self.store.read(|txn| txn.outbox_due(now, BATCH))?;
        let mut pass = Pass::default();
        for queued in due {
            match self.deliver(queued, now).await? {
                Outcome::Sent => pass.sent += 1,
                Outcome::Failed(AfterFailure::RetryAt(_)) => pass.retrying += 1,
                Outcome::Failed(AfterFailure::Dead) => pass.dead += 1,
                Outcome::Failed(AfterFailure::Gone) => {}
            }
        }
        Ok(pass)
    }

    async fn deliver(&self, queued: Queued, now: Timestamp) -> Result<Outcome, store::Error> {
        let id = queued.id;
        let result = self.send(&queued).await;
        match result {
            Ok(delivered) => {
                self.store
                    .write(move |txn| outbox::record_sent(txn, id, now))
                    .await?;
                match delivered {
                    Delivered::Smtp { server } => tracing::info!(id, %server, "mail sent"),
                    Delivered::File(path) => {
                        tracing::info!(id, path = %path.display(), "mail written")
                    }
                }
                Ok(Outcome::Sent)
            }
            Err(error) => {
                let retry_at = if error.permanent {
                    None
                } else {
                    backoff::next_attempt(
                        queued.attempts + 1,
                        queued.attempts_since,
                        now,
                        &mut rand::thread_rng(),
                    )
                };
                let message = error.message.clone();
                let outcome = self
                    .store
                    .write(move |txn| outbox::record_failure(txn, id, &message, retry_at))
                    .await?;
                match outcome {
                    AfterFailure::Dead => tracing::warn!(id, error = %error, "mail is dead"),
                    _ => tracing::info!(id, error = %error, "mail failed; will retry"),
                }
                Ok(Outcome::Failed(outcome))
            }
        }
    }

    async fn send(&self, queued: &Queued) -> Result<Delivered, SendError> {
        let message_id = self.composer.message_id(queued.id);
        let message = self
            .composer
            .compose(&queued.message, message_id, queued.queued_at)
            .map_err(SendError::permanent)?;
        let transport = self.transport.clone();
        let stem = file_stem(queued);
        tokio::task::spawn_blocking(move || transport.send(&message, &stem))
            .await
            .unwrap_or_else(|e| Err(SendError::transient(format!("the send stopped: {e}"))))
    }
}

/// `20261203T114008Z-42`: sorts by queueing time, unique by id.
pub fn file_stem(queued: &Queued) -> String {
    format!(
        "{}Z-{}",
        queued.queued_at.strftime("%Y%m%dT%H%M%S"),
        queued.id
    )
}
