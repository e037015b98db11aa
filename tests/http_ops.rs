//! Operations endpoints and the headers every response carries.

#[allow(
    dead_code,
    unused_macros,
    reason = "each test file uses part of the shared helper"
)]
#[path = "common/api.rs"]
mod api;

use actix_web::http::StatusCode;
use actix_web::test;
use api::Harness;
use glasshouse::http;

fn peer(ip: &str) -> std::net::SocketAddr {
    format!("{ip}:40000").parse().unwrap()
}

#[actix_web::test]
async fn health_and_metrics_by_route_template() {
    let h = Harness::new();
    let app = test::init_service(http::app(h.state.clone())).await;

    let res = test::call_service(&app, test::TestRequest::get().uri("/healthz").to_request()).await;
    assert_eq!(res.status(), StatusCode::OK);
    // A raw path with an id must be counted under its template.
    let req = test::TestRequest::get()
        .uri("/api/v1/entries/4711")
        .to_request();
    assert_eq!(
        test::call_service(&app, req).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let req = test::TestRequest::get()
        .uri("/metrics")
        .peer_addr(peer("127.0.0.1"))
        .to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let text = String::from_utf8(test::read_body(res).await.to_vec()).unwrap();
    assert!(text.contains(r#"route="/healthz""#), "{text}");
    assert!(text.contains(r#"route="/api/v1/entries/{id}""#), "{text}");
    assert!(!text.contains("4711"), "a raw path reached the metrics");
    assert!(text.contains("glasshouse_http_request_duration_seconds_bucket"));
    assert!(text.contains("glasshouse_store_commit_duration_seconds"));
}

#[actix_web::test]
async fn metrics_are_not_served_beyond_loopback() {
    let h = Harness::new();
    let app = test::init_service(http::app(h.state.clone())).await;
    let req = test::TestRequest::get()
        .uri("/metrics")
        .peer_addr(peer("203.0.113.9"))
        .to_request();
    assert_eq!(
        test::call_service(&app, req).await.status(),
        StatusCode::NOT_FOUND
    );
    let req = test::TestRequest::get().uri("/metrics").to_request();
    assert_eq!(
        test::call_service(&app, req).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[actix_web::test]
async fn every_response_carries_the_security_headers() {
    let h = Harness::new();
    let app = test::init_service(http::app(h.state.clone())).await;
    for uri in [
        "/login",
        "/healthz",
        "/no-such-page",
        "/api/v1/nothing",
        "/static/app.css",
    ] {
        let res = test::call_service(&app, test::TestRequest::get().uri(uri).to_request()).await;
        let headers = res.headers();
        let csp = headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"),
            "{uri}"
        );
        assert_eq!(
            headers.get("x-content-type-options").unwrap(),
            "nosniff",
            "{uri}"
        );
        assert_eq!(headers.get("x-frame-options").unwrap(), "DENY", "{uri}");
        // Served over plain http, so no HSTS.
        assert!(headers.get("strict-transport-security").is_none(), "{uri}");
    }
}

#[actix_web::test]
async fn unknown_paths_answer_in_their_audience_s_format() {
    let h = Harness::new();
    let app = test::init_service(http::app(h.state.clone())).await;
    let res = test::call_service(&app, test::TestRequest::get().uri("/nope").to_request()).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(
        res.headers()
            .get("content-type")
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let req = test::TestRequest::get().uri("/api/v1/nope").to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let body: serde_json::Value = test::read_body_json(res).await;
    assert_eq!(body["error"]["code"], "not_found");
}

#[actix_web::test]
async fn static_files_are_embedded_with_their_types() {
    let h = Harness::new();
    let app = test::init_service(http::app(h.state.clone())).await;
    let req = test::TestRequest::get().uri("/static/app.js").to_request();
    let res = test::call_service(&app, req).await;
    assert_eq!(res.status(), StatusCode::OK);
    let kind = res
        .headers()
        .get("content-type")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(kind.contains("javascript"), "{kind}");
    assert!(res.headers().get("etag").is_some());
    let req = test::TestRequest::get()
        .uri("/static/../Cargo.toml")
        .to_request();
    assert_ne!(test::call_service(&app, req).await.status(), StatusCode::OK);
}
