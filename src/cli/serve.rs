//! `glasshouse serve`: open the store, start the background jobs, serve.

use std::io::IsTerminal;
use std::sync::Arc;

use actix_web::{HttpServer, web};
use anyhow::Context;

use crate::config::Config;
use crate::http::{self, AppState};
use crate::metrics::Metrics;
use crate::security::Throttle;
use crate::store::Store;

/// Logs to stderr through the configured filter; a filter that does not
/// parse is a configuration error, not a silent fallback.
pub fn init_logging(filter: &str) -> anyhow::Result<()> {
    let parsed = tracing_subscriber::EnvFilter::try_new(filter)
        .map_err(|e| anyhow::anyhow!("log: {filter:?} is not a log filter ({e})"))?;
    let _ = tracing_subscriber::fmt()
        .with_env_filter(parsed)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
    Ok(())
}

pub fn run(config: Config) -> anyhow::Result<()> {
    init_logging(&config.log)?;
    let metrics = Metrics::new();
    let store = super::open_store_with(&config, metrics.store.clone())?;
    serve(config, store, metrics, || {})
}

/// Serves with an opened store; `ready` runs once the port is bound.
pub fn serve(
    config: Config,
    store: Store,
    metrics: Arc<Metrics>,
    ready: impl FnOnce(),
) -> anyhow::Result<()> {
    let listen = config.listen;
    let state = web::Data::new(AppState {
        store: Arc::new(store),
        config: Arc::new(config),
        metrics,
        throttle: Throttle::default(),
    });
    actix_web::rt::System::new().block_on(async move {
        let app_state = state.clone();
        let server = HttpServer::new(move || http::app(app_state.clone()))
            .bind(listen)
            .with_context(|| format!("cannot listen on {listen}"))?
            .run();
        tracing::info!(%listen, url = %state.config.public_url, "serving");
        ready();
        crate::jobs::start(state.clone());
        server.await.context("the server stopped with an error")
    })
}
