//! Background work that runs beside the server.
//!
//! Each job is a loop spawned on the server's runtime by `start`. Jobs that
//! produce mail (digests, alerts) only queue it with `mail::enqueue` in
//! their own write; the outbox worker started here delivers everything.

pub mod notify;

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::http::State;
use crate::mail::worker::{POLL, Worker};
use crate::store::auth::purge_sessions;

/// Starts every background job on the current runtime.
pub fn start(state: State) {
    actix_web::rt::spawn(purge_expired_sessions(state.clone()));
    actix_web::rt::spawn(notify::run(state.clone()));
    actix_web::rt::spawn(deliver_mail(state));
}

async fn deliver_mail(state: State) {
    match Worker::new(state.store.clone(), &state.config).await {
        Ok(worker) => worker.run(POLL).await,
        Err(e) => tracing::error!(error = %e, "mail cannot be delivered; it stays queued"),
    }
}

async fn purge_expired_sessions(state: State) {
    let idle = SignedDuration::try_from(state.config.session_idle).unwrap_or(SignedDuration::MAX);
    let absolute =
        SignedDuration::try_from(state.config.session_absolute).unwrap_or(SignedDuration::MAX);
    let mut tick = actix_web::rt::time::interval(Duration::from_secs(15 * 60));
    loop {
        tick.tick().await;
        let now = Timestamp::now();
        match state
            .store
            .write(move |txn| {
                Ok(purge_sessions(txn, now, idle, absolute)?
                    + crate::store::portal::purge(txn, now, idle, absolute)?)
            })
            .await
        {
            Ok(0) => {}
            Ok(n) => tracing::info!(sessions = n, "expired sessions removed"),
            Err(e) => tracing::warn!(error = %e, "could not remove expired sessions"),
        }
    }
}
