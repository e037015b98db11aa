//! Background work that runs beside the server.

use std::time::Duration;

use jiff::{SignedDuration, Timestamp};

use crate::http::State;
use crate::store::auth::purge_sessions;

/// Starts every background job on the current runtime.
pub fn start(state: State) {
    actix_web::rt::spawn(purge_expired_sessions(state));
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
