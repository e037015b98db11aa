//! The web server: one app factory used by the binary and by the tests.
//!
//! `staff/` serves the team's pages, `api/` the JSON API; this module wires
//! them up with the middleware every response passes through: security
//! headers, request metrics and a log line named by route template.

pub mod api;
pub mod auth;
pub mod error;
pub mod pages;
pub mod portal;
pub mod staff;

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceFactory, ServiceRequest, ServiceResponse};
use actix_web::middleware::{Compress, DefaultHeaders, Next, from_fn};
use actix_web::{App, HttpResponse, web};
use rust_embed::Embed;
use tracing::Instrument;

use crate::config::Config;
use crate::metrics::{LatencyLabels, Metrics, RouteLabels};
use crate::security::Throttle;
use crate::store::Store;

/// Everything a handler may need, shared by all workers.
pub struct AppState {
    pub store: Arc<Store>,
    pub config: Arc<Config>,
    pub metrics: Arc<Metrics>,
    pub throttle: Throttle,
}

pub type State = web::Data<AppState>;

const CSP: &str = "default-src 'self'; style-src 'self'; script-src 'self'; img-src 'self' data:; \
                   frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'";

/// The whole application, exactly as served.
pub fn app(
    state: State,
) -> App<
    impl ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let mut headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", CSP))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "same-origin"))
        .add(("X-Frame-Options", "DENY"));
    if state.config.secure_cookies() {
        headers = headers.add(("Strict-Transport-Security", "max-age=31536000"));
    }
    let json_limit = web::JsonConfig::default()
        .limit(64 * 1024)
        .error_handler(|err, _| api::json_error(err).into());
    App::new()
        .app_data(state)
        .app_data(json_limit)
        .app_data(web::FormConfig::default().limit(64 * 1024))
        .app_data(web::PathConfig::default().error_handler(|err, req| {
            let e = error::Error::NotFound;
            tracing::debug!(%err, "unmatched path parameter");
            if req.path().starts_with("/api/") {
                error::ApiError(e).into()
            } else {
                error::PageError(e).into()
            }
        }))
        .app_data(web::QueryConfig::default().error_handler(|err, req| {
            let e = error::Error::BadRequest(err.to_string());
            if req.path().starts_with("/api/") {
                error::ApiError(e).into()
            } else {
                error::PageError(e).into()
            }
        }))
        .wrap(Compress::default())
        .wrap(headers)
        .wrap(from_fn(observe))
        .route("/healthz", web::get().to(healthz))
        .route("/metrics", web::get().to(metrics_text))
        .route("/static/{file:.*}", web::get().to(static_file))
        .service(web::scope("/api/v1").configure(api::routes))
        .configure(staff::routes)
        .configure(portal::routes)
        .default_service(web::to(not_found))
}

/// Times every request, counts it by route template and status, and runs
/// the handler inside a span named by its route template: never the raw
/// path, which may carry ids or magic-link tokens.
async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let route = req.match_pattern().unwrap_or_else(|| "unmatched".into());
    let method = req.method().to_string();
    let metrics = req
        .app_data::<State>()
        .map(|state| Arc::clone(&state.metrics));
    let span = tracing::info_span!("request", %method, %route, status = tracing::field::Empty);
    let started = Instant::now();
    let result = next.call(req).instrument(span.clone()).await;
    let took = started.elapsed();
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    span.record("status", status);
    span.in_scope(|| tracing::debug!(micros = took.as_micros() as u64, "answered"));
    if let Some(metrics) = metrics {
        let labels = RouteLabels {
            method,
            route: route.clone(),
            status,
        };
        metrics.requests.get_or_create(&labels).inc();
        metrics
            .latency
            .get_or_create(&LatencyLabels { route })
            .observe(took.as_secs_f64());
    }
    result
}

async fn not_found(req: actix_web::HttpRequest) -> Result<HttpResponse, actix_web::Error> {
    if req.path().starts_with("/api/") {
        Err(error::ApiError(error::Error::NotFound).into())
    } else {
        Err(error::PageError(error::Error::NotFound).into())
    }
}

async fn healthz(state: State) -> HttpResponse {
    match state.store.ping() {
        Ok(()) => HttpResponse::Ok().content_type("text/plain").body("ok"),
        Err(e) => {
            tracing::error!(error = %e, "health check failed");
            HttpResponse::ServiceUnavailable()
                .content_type("text/plain")
                .body("database unavailable")
        }
    }
}

/// Metrics answer only on loopback: they reveal traffic patterns, and a
/// scraper on the same host (or a proxy that forwards to it) is the norm.
async fn metrics_text(state: State, req: actix_web::HttpRequest) -> HttpResponse {
    if !req.peer_addr().is_some_and(|addr| addr.ip().is_loopback()) {
        return HttpResponse::NotFound().finish();
    }
    HttpResponse::Ok()
        .content_type("application/openmetrics-text; version=1.0.0; charset=utf-8")
        .body(state.metrics.render())
}

#[derive(Embed)]
#[folder = "web/static/"]
struct Static;

async fn static_file(path: web::Path<String>) -> HttpResponse {
    match Static::get(&path) {
        Some(file) => {
            let mime = mime_guess::from_path(path.as_str()).first_or_octet_stream();
            HttpResponse::Ok()
                .content_type(mime.as_ref())
                .insert_header(("Cache-Control", "public, max-age=3600"))
                .insert_header((
                    "ETag",
                    format!("\"{}\"", hex_prefix(&file.metadata.sha256_hash())),
                ))
                .body(file.data.into_owned())
        }
        None => HttpResponse::NotFound().finish(),
    }
}

fn hex_prefix(hash: &[u8; 32]) -> String {
    hash[..8].iter().map(|b| format!("{b:02x}")).collect()
}
