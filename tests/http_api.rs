//! The JSON API, in process through the app factory, on a real store.

#[macro_use]
#[path = "common/api.rs"]
mod api;

use std::collections::{BTreeMap, HashSet};

use actix_web::body::{BodySize, MessageBody};
use actix_web::http::{Method, StatusCode};
use actix_web::test;
use api::{Caller, Harness, at, draft, log_many, request, send_raw, world};
use glasshouse::domain::category::Category;
use glasshouse::domain::client::Client;
use glasshouse::domain::entry::Entry;
use glasshouse::domain::project::{Project, ProjectStatus};
use glasshouse::domain::user::User;
use glasshouse::http;
use glasshouse::store::records::{self, Reads};
use glasshouse::store::rollups::Snapshot;
use jiff::SignedDuration;
use serde_json::{Value, json};

fn stored_snapshot(h: &Harness) -> (Vec<Entry>, Snapshot) {
    h.store()
        .read(|txn| Ok((txn.all::<Entry>()?, Snapshot::stored(txn)?)))
        .unwrap()
}

fn error_code(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or("")
}

fn error_field(body: &Value) -> &str {
    body["error"]["field"].as_str().unwrap_or("")
}

#[actix_web::test]
async fn a_bearer_token_is_required() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;

    let response = test::call_service(
        &app,
        request(Method::GET, "/clients", None, None).to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        response.headers().get("WWW-Authenticate").unwrap(),
        "Bearer"
    );
    let body: Value = test::read_body_json(response).await;
    assert_eq!(error_code(&body), "unauthorized");

    let forged = Caller {
        id: w.owner.id,
        token: "not-a-token".into(),
    };
    let (status, body) = call!(app, GET, "/projects", Some(&forged));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&body), "unauthorized");

    // The token is checked before the body, so a bad body still answers 401.
    let (status, _) = call!(app, POST, "/clients", None, json!({"nmae": 1}));
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    let (status, _) = call!(app, GET, "/projects", Some(&w.owner));
    assert_eq!(status, StatusCode::OK);
}

#[actix_web::test]
async fn a_disabled_account_loses_its_tokens_and_unknown_paths_answer_json() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;

    let (status, body) = call!(app, GET, "/no-such-thing", Some(&w.ana));
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "not_found");

    let (status, _) = call!(app, GET, "/timer", Some(&w.ana));
    assert_eq!(status, StatusCode::OK);
    let ana = w.ana.id;
    h.store()
        .write(move |txn| {
            let mut user: User = txn.must(ana.0)?;
            user.disabled = true;
            records::put_user(txn, &user)
        })
        .await
        .unwrap();
    let (status, body) = call!(app, GET, "/timer", Some(&w.ana));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&body), "unauthorized");
    let (status, _) = call!(app, GET, "/timer", Some(&w.ben));
    assert_eq!(status, StatusCode::OK, "other tokens still work");
}

#[actix_web::test]
async fn clients_can_be_created_read_changed_and_deleted() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let m = Some(&w.manager);

    let (status, created) = call!(app, POST, "/clients", m, json!({"name": "  Globex  "}));
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["name"], "Globex");
    assert_eq!(created["archived"], false);
    let id = created["id"].as_u64().unwrap();

    let (status, list) = call!(app, GET, "/clients", m);
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Acme", "Globex"]);

    let (status, one) = call!(app, GET, format!("/clients/{id}"), m);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one, created);

    let (status, changed) = call!(
        app,
        PATCH,
        format!("/clients/{id}"),
        m,
        json!({"archived": true})
    );
    assert_eq!(status, StatusCode::OK);
    assert_eq!(changed["archived"], true);
    assert_eq!(
        changed["name"], "Globex",
        "a PATCH keeps what it does not name"
    );

    let (status, body) = call!(app, POST, "/clients", m, json!({"name": "acme"}));
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "conflict");
    let (status, _) = call!(
        app,
        PATCH,
        format!("/clients/{id}"),
        m,
        json!({"name": "ACME"})
    );
    assert_eq!(status, StatusCode::CONFLICT);

    // Members may neither create nor change clients; it looks like nothing is there.
    let a = Some(&w.ana);
    let (status, _) = call!(app, POST, "/clients", a, json!({"name": "Initech"}));
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call!(
        app,
        PATCH,
        format!("/clients/{}", w.client),
        a,
        json!({"name": "X"})
    );
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call!(app, DELETE, format!("/clients/{}", w.client), a);
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A member sees the client of their project, but not one they have no project with.
    let (status, list) = call!(app, GET, "/clients", a);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["name"], "Acme");
    let (status, _) = call!(app, GET, format!("/clients/{id}"), a);
    assert_eq!(status, StatusCode::NOT_FOUND);

    let (status, body) = call!(app, DELETE, format!("/clients/{}", w.client), m);
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "a client with projects stays: {body}"
    );
    // Nor does one whose only ties are portal contacts.
    let (_, initech) = call!(app, POST, "/clients", m, json!({"name": "Initech"}));
    let initech = initech["id"].as_u64().unwrap();
    let (status, _) = call!(
        app,
        POST,
        format!("/clients/{initech}/contacts"),
        m,
        json!({"name": "Gina Initech", "email": "gina@initech.example"})
    );
    assert_eq!(status, StatusCode::CREATED);
    let (status, body) = call!(app, DELETE, format!("/clients/{initech}"), m);
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(error_code(&body), "conflict");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("contacts")
    );
    let (status, _) = call!(app, GET, format!("/clients/{initech}"), m);
    assert_eq!(status, StatusCode::OK, "the refused delete changed nothing");
    let (status, _) = call!(app, DELETE, format!("/clients/{id}"), m);
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call!(app, GET, format!("/clients/{id}"), m);
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(h.count::<Client>(), 2);
}

#[actix_web::test]
async fn categories_are_read_by_all_and_changed_by_admins() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let o = Some(&w.owner);

    let (status, created) = call!(
        app,
        POST,
        "/categories",
        o,
        json!({"name": "Training", "internal": true})
    );
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(created["internal"], true);
    let id = created["id"].as_u64().unwrap();

    let (status, _) = call!(
        app,
        POST,
        "/categories",
        Some(&w.manager),
        json!({"name": "QA"})
    );
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "managers do not change categories"
    );
    let (status, _) = call!(app, POST, "/categories", o, json!({"name": "design"}));
    assert_eq!(status, StatusCode::CONFLICT);

    let (status, list) = call!(app, GET, "/categories", Some(&w.ana));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().unwrap().len(), 3);
    let (status, one) = call!(app, GET, format!("/categories/{id}"), Some(&w.ana));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one["name"], "Training");

    let (status, changed) = call!(
        app,
        PATCH,
        format!("/categories/{id}"),
        o,
        json!({"name": "Learning"})
    );
    assert_eq!(status, StatusCode::OK);
    assert_eq!(changed["name"], "Learning");
    assert_eq!(changed["internal"], true);

    // A category with time logged in it is kept; an unused one goes.
    log_many(
        &h,
        w.owner.id,
        vec![draft(
            w.ana.id,
            w.alpha,
            w.design,
            at("2026-03-02T09:00:00Z"),
            60,
        )],
    )
    .await;
    let (status, _) = call!(app, DELETE, format!("/categories/{}", w.design), o);
    assert_eq!(status, StatusCode::CONFLICT);
    let (status, _) = call!(app, DELETE, format!("/categories/{id}"), Some(&w.manager));
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call!(app, DELETE, format!("/categories/{id}"), o);
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(h.count::<Category>(), 2);
}

#[actix_web::test]
async fn projects_carry_budgets_and_patch_only_what_they_name() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let m = Some(&w.manager);

    let body = json!({
        "client_id": w.client.0,
        "name": "Gamma rebrand",
        "budget_hours": 12.5,
        "budget_amount": "1,250.50",
        "budget_period": "monthly",
        "start": "2026-03-01",
        "end": "2026-06-30",
        "members": [w.ana.id.0, w.ben.id.0, w.ana.id.0],
        "rate": 95
    });
    let (status, created) = call!(app, POST, "/projects", m, body);
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_u64().unwrap();
    assert_eq!(created["budget_hours"], 12.5);
    assert_eq!(created["budget_seconds"], 45_000);
    assert_eq!(created["budget_amount"], "1250.50");
    assert_eq!(created["budget_amount_minor"], 125_050);
    assert_eq!(created["rate"], "95.00");
    assert_eq!(created["rate_minor"], 9_500);
    assert_eq!(created["status"], "active");
    assert_eq!(created["budget_period"], "monthly");
    assert_eq!(created["start"], "2026-03-01");
    assert_eq!(created["members"], json!([w.ana.id.0, w.ben.id.0]));

    let (status, changed) = call!(
        app,
        PATCH,
        format!("/projects/{id}"),
        m,
        json!({"name": "Gamma", "rate": null, "budget_amount": 99.5})
    );
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["name"], "Gamma");
    assert_eq!(changed["rate"], Value::Null);
    assert_eq!(changed["budget_amount_minor"], 9_950);
    for kept in [
        "budget_seconds",
        "start",
        "end",
        "members",
        "budget_period",
        "client_id",
    ] {
        assert_eq!(changed[kept], created[kept], "{kept} is kept");
    }
    let (status, one) = call!(app, GET, format!("/projects/{id}"), m);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one, changed);

    let (status, body) = call!(
        app,
        PATCH,
        format!("/projects/{id}"),
        m,
        json!({"end": "2026-02-01"})
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&body), "end");
    let (status, body) = call!(
        app,
        POST,
        "/projects",
        m,
        json!({"client_id": 999, "name": "Nowhere"})
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&body), "client_id");
    let (status, body) = call!(
        app,
        POST,
        "/projects",
        m,
        json!({"client_id": w.client.0, "name": "X", "budget_amount": "12.345"})
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&body), "budget_amount");
    let (status, body) = call!(
        app,
        POST,
        "/projects",
        m,
        json!({"client_id": w.client.0, "name": "X", "members": [999]})
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&body), "members");
    let (status, body) = call!(
        app,
        POST,
        "/projects",
        m,
        json!({"client_id": w.client.0, "name": "alpha SITE"})
    );
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    let (status, body) = call!(app, POST, "/projects", m, json!({"client_id": w.client.0}));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&body), "name");
    assert_eq!(h.count::<Project>(), 3, "refused requests stored nothing");

    let (status, _) = call!(
        app,
        POST,
        "/projects",
        Some(&w.ana),
        json!({"client_id": w.client.0, "name": "Mine"})
    );
    assert_eq!(status, StatusCode::NOT_FOUND);

    log_many(
        &h,
        w.owner.id,
        vec![draft(
            w.ana.id,
            w.alpha,
            w.design,
            at("2026-03-02T09:00:00Z"),
            30,
        )],
    )
    .await;
    let (status, _) = call!(app, DELETE, format!("/projects/{}", w.alpha), m);
    assert_eq!(status, StatusCode::CONFLICT, "a project with time stays");
    let (status, _) = call!(app, DELETE, format!("/projects/{id}"), m);
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call!(app, GET, format!("/projects/{id}"), m);
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn members_see_only_their_projects_and_their_own_entries() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let start = at("2026-03-02T09:00:00Z");
    let logged = log_many(
        &h,
        w.owner.id,
        vec![
            draft(w.ana.id, w.alpha, w.design, start, 60),
            draft(w.ben.id, w.beta, w.design, start, 90),
            draft(w.manager.id, w.alpha, w.design, start, 30),
        ],
    )
    .await;
    let (anas, bens, managers) = (logged[0].id, logged[1].id, logged[2].id);

    let (_, projects) = call!(app, GET, "/projects", Some(&w.ana));
    let ids: Vec<u64> = projects
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [w.alpha.0]);
    let (status, _) = call!(app, GET, format!("/projects/{}", w.beta), Some(&w.ana));
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = call!(
        app,
        GET,
        format!("/projects/{}/summary", w.beta),
        Some(&w.ana)
    );
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, projects) = call!(app, GET, "/projects", Some(&w.manager));
    assert_eq!(projects.as_array().unwrap().len(), 2);

    // Ana sees her own entry only, even on her own project.
    let (_, page) = call!(app, GET, "/entries", Some(&w.ana));
    let ids: Vec<u64> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [anas.0]);
    let (_, page) = call!(
        app,
        GET,
        format!("/entries?user_id={}", w.manager.id),
        Some(&w.ana)
    );
    assert_eq!(page["entries"], json!([]));
    let (status, _) = call!(
        app,
        GET,
        format!("/entries?project_id={}", w.beta),
        Some(&w.ana)
    );
    assert_eq!(status, StatusCode::NOT_FOUND);
    for other in [bens, managers] {
        let path = format!("/entries/{other}");
        let (status, _) = call!(app, GET, path, Some(&w.ana));
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = call!(
            app,
            PATCH,
            path,
            Some(&w.ana),
            json!({"description": "Taken over"})
        );
        assert_eq!(status, StatusCode::NOT_FOUND);
        let (status, _) = call!(app, DELETE, path, Some(&w.ana));
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    // Nor may she log time for someone else or on a project she is not on.
    let body = json!({"project_id": w.alpha.0, "category_id": w.design.0, "user_id": w.ben.id.0,
        "start": "2026-03-03T09:00:00Z", "end": "2026-03-03T10:00:00Z", "description": "Wireframes for the shop"});
    let (status, body) = call!(app, POST, "/entries", Some(&w.ana), body);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&body), "user_id");
    let body = json!({"project_id": w.beta.0, "category_id": w.design.0,
        "start": "2026-03-03T09:00:00Z", "end": "2026-03-03T10:00:00Z"});
    let (status, body) = call!(app, POST, "/entries", Some(&w.ana), body);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&body), "project_id");

    let (_, page) = call!(app, GET, "/entries", Some(&w.manager));
    assert_eq!(page["entries"].as_array().unwrap().len(), 3);
    let (status, _) = call!(app, GET, format!("/entries/{bens}"), Some(&w.manager));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(h.count::<Entry>(), 3);
}

#[actix_web::test]
async fn entries_are_logged_read_patched_and_deleted() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let a = Some(&w.ana);

    let body = json!({
        "project_id": w.alpha.0,
        "category_id": w.design.0,
        "start": "2026-03-02T09:00:00+01:00",
        "end": "2026-03-02T10:30:00+01:00",
        "description": "misc",
        "internal_note": "client was late"
    });
    let (status, created) = call!(app, POST, "/entries", a, body);
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let id = created["id"].as_u64().unwrap();
    assert_eq!(created["user_id"], w.ana.id.0, "the caller by default");
    assert_eq!(created["billable"], true);
    assert_eq!(created["internal"], false);
    assert_eq!(created["seconds"], 5400);
    assert_eq!(created["start"], "2026-03-02T08:00:00Z");
    assert_eq!(created["source"], "api");
    assert!(
        created["vague"]
            .as_str()
            .is_some_and(|m| m.contains("vague"))
    );
    assert!(created["created_at"].is_string() && created["updated_at"].is_string());

    let path = format!("/entries/{id}");
    let (status, changed) = call!(
        app,
        PATCH,
        path,
        a,
        json!({"description": "Checkout page wireframes"})
    );
    assert_eq!(status, StatusCode::OK, "{changed}");
    assert_eq!(changed["description"], "Checkout page wireframes");
    assert_eq!(changed["vague"], Value::Null);
    for kept in [
        "start",
        "end",
        "project_id",
        "category_id",
        "billable",
        "internal_note",
        "created_at",
    ] {
        assert_eq!(changed[kept], created[kept], "{kept} is kept");
    }
    let (status, changed) = call!(app, PATCH, path, a, json!({"end": "2026-03-02T08:45:00Z"}));
    assert_eq!(status, StatusCode::OK);
    assert_eq!(changed["seconds"], 2700);
    assert_eq!(changed["description"], "Checkout page wireframes");

    let (status, one) = call!(app, GET, path, a);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(one, changed);

    // An entry in an internal category is never billable.
    let body = json!({"project_id": w.alpha.0, "category_id": w.admin.0, "internal": true,
        "start": "2026-03-02T11:00:00Z", "end": "2026-03-02T11:15:00Z", "description": "Timesheet upkeep"});
    let (status, internal) = call!(app, POST, "/entries", a, body);
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(internal["billable"], false);
    assert_eq!(internal["internal"], true);

    let (status, _) = call!(app, DELETE, path, a);
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, _) = call!(app, GET, path, a);
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(h.count::<Entry>(), 1);
}

#[actix_web::test]
async fn entry_pages_have_no_gaps_or_duplicates_and_filters_apply() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let first = at("2026-03-02T08:00:00Z");
    let mut drafts = Vec::new();
    for i in 0..250 {
        let (user, project) = if i % 3 == 0 {
            (w.ben.id, w.beta)
        } else {
            (w.ana.id, w.alpha)
        };
        // Every fifth entry shares its start with the one before: the cursor must split ties.
        let start = first + SignedDuration::from_hours(i - i64::from(i % 5 == 4));
        drafts.push(draft(user, project, w.design, start, 20));
    }
    let logged = log_many(&h, w.owner.id, drafts).await;

    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let path = match &cursor {
            Some(c) => format!("/entries?limit=70&cursor={c}"),
            None => "/entries?limit=70".to_owned(),
        };
        let (status, page) = call!(app, GET, path, Some(&w.manager));
        assert_eq!(status, StatusCode::OK, "{page}");
        pages += 1;
        for e in page["entries"].as_array().unwrap() {
            seen.push((at(e["start"].as_str().unwrap()), e["id"].as_u64().unwrap()));
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 4);
    let unique: HashSet<u64> = seen.iter().map(|(_, id)| *id).collect();
    assert_eq!(unique.len(), seen.len(), "no entry twice");
    let all: HashSet<u64> = logged.iter().map(|e| e.id.0).collect();
    assert_eq!(unique, all, "every entry once");
    assert!(seen.windows(2).all(|p| p[0] > p[1]), "newest first");

    // Filters: by project, by user, and by a time window as instants or dates.
    let (_, page) = call!(
        app,
        GET,
        format!("/entries?project_id={}&limit=1000", w.beta),
        Some(&w.manager)
    );
    let expected = logged.iter().filter(|e| e.project_id == w.beta).count();
    assert_eq!(page["entries"].as_array().unwrap().len(), expected);
    assert!(
        page["entries"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["project_id"] == w.beta.0)
    );
    let (_, page) = call!(
        app,
        GET,
        format!("/entries?user_id={}&limit=1000", w.ana.id),
        Some(&w.manager)
    );
    let expected = logged.iter().filter(|e| e.user_id == w.ana.id).count();
    assert_eq!(page["entries"].as_array().unwrap().len(), expected);

    let (_, page) = call!(
        app,
        GET,
        "/entries?from=2026-03-03&to=2026-03-03&limit=1000",
        Some(&w.manager)
    );
    let (day_start, day_end) = (at("2026-03-03T00:00:00Z"), at("2026-03-04T00:00:00Z"));
    let expected = logged
        .iter()
        .filter(|e| e.start >= day_start && e.start < day_end)
        .count();
    assert!(expected > 0);
    assert_eq!(page["entries"].as_array().unwrap().len(), expected);
    let (_, page) = call!(
        app,
        GET,
        "/entries?from=2026-03-03T10:00:00Z&to=2026-03-03T12:00:00Z",
        Some(&w.manager)
    );
    let (lo, hi) = (at("2026-03-03T10:00:00Z"), at("2026-03-03T12:00:00Z"));
    let expected = logged
        .iter()
        .filter(|e| e.start >= lo && e.start < hi)
        .count();
    assert_eq!(page["entries"].as_array().unwrap().len(), expected);
    assert!(page["entries"].as_array().unwrap().iter().all(|e| {
        let start = at(e["start"].as_str().unwrap());
        start >= lo && start < hi
    }));

    // The default page is 100.
    let (_, page) = call!(app, GET, "/entries", Some(&w.manager));
    assert_eq!(page["entries"].as_array().unwrap().len(), 100);
    assert!(page["next_cursor"].is_string());
}

#[actix_web::test]
async fn errors_have_their_status_and_shape() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let m = Some(&w.manager);

    let bad_json = request(Method::POST, "/clients", m, None)
        .insert_header(("Content-Type", "application/json"))
        .set_payload("{\"name\": ");
    let (status, body) = api::send(&app, bad_json.to_request()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&body), "bad_request");

    let (status, body) = call!(app, POST, "/clients", m, json!({"nmae": "Typo Ltd"}));
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["error"]["message"].as_str().unwrap().contains("nmae"));
    let (status, _) = call!(
        app,
        PATCH,
        format!("/projects/{}", w.alpha),
        m,
        json!({"budget": 3})
    );
    assert_eq!(status, StatusCode::BAD_REQUEST);

    for query in [
        "limit=0",
        "limit=1001",
        "cursor=garbage",
        "from=yesterday",
        "to=2026-13-01",
        "colour=red",
        "user_id=ana",
    ] {
        let (status, body) = call!(app, GET, format!("/entries?{query}"), m);
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}: {body}");
        assert_eq!(error_code(&body), "bad_request");
    }

    let (status, body) = call!(app, PUT, "/clients", m, json!({"name": "Globex"}));
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(error_code(&body), "method_not_allowed");
    assert_eq!(h.count::<Client>(), 1);

    let (status, body) = call!(app, GET, "/clients/999", m);
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&body), "not_found");
    let (status, _) = call!(app, GET, "/entries/not-a-number", m);
    assert_eq!(status, StatusCode::NOT_FOUND);

    let huge = json!({"name": "x".repeat(70 * 1024)});
    let (status, body) = call!(app, POST, "/clients", m, huge);
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(error_code(&body), "too_large");

    let (status, body) = call!(app, POST, "/clients", m, json!({"name": "Acme"}));
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(error_code(&body), "conflict");

    let (status, body) = call!(app, POST, "/clients", m, json!({"name": "   "}));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&body), "name");
}

#[actix_web::test]
async fn an_invalid_entry_is_refused_and_changes_nothing() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let logged = log_many(
        &h,
        w.owner.id,
        vec![draft(
            w.ana.id,
            w.alpha,
            w.design,
            at("2026-03-02T09:00:00Z"),
            60,
        )],
    )
    .await;
    let before = stored_snapshot(&h);
    let a = Some(&w.ana);
    let base = json!({"project_id": w.alpha.0, "category_id": w.design.0,
        "start": "2026-03-03T10:00:00Z", "end": "2026-03-03T11:00:00Z", "description": "Wireframes"});

    let cases = [
        ("end", json!({"end": "2026-03-01T09:00:00Z"})),
        ("end", json!({"end": "2026-03-04T12:00:00Z"})),
        ("category_id", json!({"category_id": 999})),
        ("project_id", json!({"project_id": 999})),
        ("start", json!({"start": "tomorrow morning"})),
        ("description", json!({"description": "d".repeat(2001)})),
    ];
    for (field, change) in cases {
        let mut body = base.clone();
        body.as_object_mut()
            .unwrap()
            .extend(change.as_object().unwrap().clone());
        let (status, reply) = call!(app, POST, "/entries", a, body);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {reply}");
        assert_eq!(error_code(&reply), "invalid");
        assert_eq!(error_field(&reply), field);

        let (status, reply) = call!(app, PATCH, format!("/entries/{}", logged[0].id), a, change);
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {reply}");
        assert_eq!(error_field(&reply), field);
    }
    let mut missing = base.clone();
    missing.as_object_mut().unwrap().remove("start");
    let (status, reply) = call!(app, POST, "/entries", a, missing);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_field(&reply), "start");

    assert_eq!(
        stored_snapshot(&h),
        before,
        "entries and roll-ups are untouched"
    );
}

#[actix_web::test]
async fn the_timer_starts_stops_and_saves_entries() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let a = Some(&w.ana);

    let (status, timer) = call!(app, GET, "/timer", a);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(timer, Value::Null);
    let (status, _) = call!(app, DELETE, "/timer", a);
    assert_eq!(status, StatusCode::CONFLICT, "nothing to stop");

    let (status, body) = call!(
        app,
        POST,
        "/timer",
        a,
        json!({"project_id": w.beta.0, "category_id": w.design.0})
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "not her project");
    assert_eq!(error_field(&body), "project_id");

    let start = json!({"project_id": w.alpha.0, "category_id": w.design.0, "description": "Homepage hero copy", "billable": false});
    let (status, started) = call!(app, POST, "/timer", a, start);
    assert_eq!(status, StatusCode::CREATED, "{started}");
    assert_eq!(started["timer"]["project_id"], w.alpha.0);
    assert_eq!(started["stopped"], Value::Null);
    let (_, running) = call!(app, GET, "/timer", a);
    assert_eq!(running["description"], "Homepage hero copy");
    assert_eq!(running["started_at"], started["timer"]["started_at"]);

    // Starting another saves the first.
    let next = json!({"project_id": w.alpha.0, "category_id": w.admin.0, "description": "Planning the sprint"});
    let (status, restarted) = call!(app, POST, "/timer", a, next);
    assert_eq!(status, StatusCode::CREATED);
    let first = &restarted["stopped"];
    assert_eq!(first["description"], "Homepage hero copy");
    assert_eq!(first["billable"], false);
    assert_eq!(first["source"], "timer");
    assert!(first["seconds"].as_i64().unwrap() >= 1);

    let (status, saved) = call!(app, DELETE, "/timer", a);
    assert_eq!(status, StatusCode::OK, "{saved}");
    assert_eq!(saved["description"], "Planning the sprint");
    assert_eq!(saved["user_id"], w.ana.id.0);
    let (_, running) = call!(app, GET, "/timer", a);
    assert_eq!(running, Value::Null);

    call!(
        app,
        POST,
        "/timer",
        a,
        json!({"project_id": w.alpha.0, "category_id": w.design.0, "description": "Footer links"})
    );
    let (status, saved) = call!(app, POST, "/timer/stop", a);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(saved["description"], "Footer links");

    let (_, page) = call!(app, GET, "/entries", a);
    assert_eq!(page["entries"].as_array().unwrap().len(), 3);
    // Ben's timer is his own.
    let (_, his) = call!(app, GET, "/timer", Some(&w.ben));
    assert_eq!(his, Value::Null);
}

#[actix_web::test]
async fn the_summary_adds_up_to_the_entries() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let mut drafts = Vec::new();
    for i in 0..40_i64 {
        let category = if i % 4 == 0 { w.admin } else { w.design };
        let start = at("2026-03-02T09:00:00Z") + SignedDuration::from_hours(i * 13);
        let mut d = draft(
            if i % 2 == 0 { w.ana.id } else { w.manager.id },
            w.alpha,
            category,
            start,
            15 + i * 7,
        );
        d.billable = i % 5 != 0;
        drafts.push(d);
    }
    drafts.push(draft(
        w.ben.id,
        w.beta,
        w.design,
        at("2026-03-02T09:00:00Z"),
        600,
    ));
    log_many(&h, w.owner.id, drafts).await;

    let (status, page) = call!(
        app,
        GET,
        format!("/entries?project_id={}&limit=1000", w.alpha),
        Some(&w.manager)
    );
    assert_eq!(status, StatusCode::OK);
    let entries = page["entries"].as_array().unwrap();
    let seconds = |e: &Value| e["seconds"].as_i64().unwrap();
    let total: i64 = entries.iter().map(seconds).sum();
    let billable: i64 = entries
        .iter()
        .filter(|e| e["billable"] == true)
        .map(seconds)
        .sum();
    let mut by_category: BTreeMap<u64, i64> = BTreeMap::new();
    let mut by_week: BTreeMap<String, i64> = BTreeMap::new();
    for e in entries {
        *by_category
            .entry(e["category_id"].as_u64().unwrap())
            .or_default() += seconds(e);
        let date = at(e["start"].as_str().unwrap())
            .to_zoned(jiff::tz::TimeZone::UTC)
            .date();
        let monday =
            date - jiff::Span::new().days(i64::from(date.weekday().to_monday_zero_offset()));
        *by_week.entry(monday.to_string()).or_default() += seconds(e);
    }

    let (status, summary) = call!(
        app,
        GET,
        format!("/projects/{}/summary", w.alpha),
        Some(&w.ana)
    );
    assert_eq!(status, StatusCode::OK, "{summary}");
    assert_eq!(summary["total"]["seconds"], total);
    assert_eq!(summary["total"]["billable_seconds"], billable);
    assert_eq!(summary["total"]["entries"], entries.len());
    let got: BTreeMap<u64, i64> = summary["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["category_id"].as_u64().unwrap(),
                r["seconds"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, by_category);
    let admin_row = summary["by_category"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["category_id"] == w.admin.0)
        .unwrap();
    assert_eq!(admin_row["internal"], true);
    assert_eq!(
        admin_row["billable_seconds"], 0,
        "internal categories are never billable"
    );
    let got: BTreeMap<String, i64> = summary["by_week"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["week"].as_str().unwrap().to_owned(),
                r["seconds"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(got, by_week);

    let budget = 40 * 3600;
    assert_eq!(summary["budget"]["budget_seconds"], budget);
    assert_eq!(summary["budget"]["used_seconds"], total);
    assert_eq!(summary["budget"]["remaining_seconds"], budget - total);
    let percent = (total * 10_000 / budget) as f64 / 100.0;
    assert_eq!(summary["budget"]["percent_used"], percent);
    assert_eq!(summary["budget"]["over"], total > budget);
    let kind = summary["forecast"]["kind"].as_str().unwrap();
    assert_eq!(
        kind,
        if total >= budget {
            "over_budget"
        } else {
            "no_burn"
        },
        "nothing logged in the last 28 days"
    );

    // A summary already sent gives way to the next entry.
    log_many(
        &h,
        w.owner.id,
        vec![draft(
            w.ana.id,
            w.alpha,
            w.design,
            at("2026-03-30T09:00:00Z"),
            45,
        )],
    )
    .await;
    let (_, again) = call!(
        app,
        GET,
        format!("/projects/{}/summary", w.alpha),
        Some(&w.ana)
    );
    assert_eq!(again["total"]["seconds"], total + 45 * 60);
    assert_eq!(again["total"]["entries"], entries.len() + 1);
}

#[actix_web::test]
async fn the_csv_export_streams_every_matching_entry() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let mut drafts = Vec::new();
    for i in 0..1_234_i64 {
        let (user, project) = if i % 4 == 0 {
            (w.ben.id, w.beta)
        } else {
            (w.ana.id, w.alpha)
        };
        let mut d = draft(
            user,
            project,
            w.design,
            at("2026-01-05T08:00:00Z") + SignedDuration::from_mins(i * 50),
            45,
        );
        d.description = format!("Layout pass {i}");
        d.internal_note = format!("note {i}");
        drafts.push(d);
    }
    drafts[17].description = "Design, \"final\" review".into();
    let logged = log_many(&h, w.owner.id, drafts).await;
    let quoted = logged[17].id;

    let response = test::call_service(
        &app,
        request(Method::GET, "/entries.csv", Some(&w.manager), None).to_request(),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get("Content-Type").unwrap(),
        "text/csv; charset=utf-8"
    );
    assert_eq!(
        response.response().body().size(),
        BodySize::Stream,
        "the export is streamed, not built whole"
    );
    let body = test::read_body(response).await;
    let text = std::str::from_utf8(&body).unwrap();
    assert!(
        text.contains("\"Design, \"\"final\"\" review\""),
        "the description is quoted"
    );
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    assert_eq!(
        header,
        [
            "id",
            "date",
            "start",
            "end",
            "hours",
            "project",
            "category",
            "user",
            "description",
            "billable",
            "internal",
            "internal_note"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), logged.len());
    let ids: HashSet<&str> = rows.iter().map(|r| &r[0]).collect();
    assert_eq!(ids.len(), logged.len(), "no entry twice across chunks");
    let row = rows.iter().find(|r| r[0] == quoted.to_string()).unwrap();
    assert_eq!(&row[8], "Design, \"final\" review");
    assert_eq!(&row[4], "0.75");
    assert_eq!(&row[5], "Alpha site");
    assert_eq!(&row[6], "Design");
    assert_eq!(&row[7], "Ana Member");
    assert_eq!(&row[9], "true");
    assert_eq!(&row[11], "note 17");
    assert_eq!(&row[1], "2026-01-05");
    assert_eq!(&row[2], "2026-01-05T22:10:00+00:00");

    // A member's export holds their own entries, without internal notes.
    let path = format!("/entries.csv?project_id={}", w.alpha);
    let (status, body) = send_raw(
        &app,
        request(Method::GET, &path, Some(&w.ana), None).to_request(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(&body[..]);
    assert_eq!(reader.headers().unwrap().len(), 11);
    assert!(
        !reader
            .headers()
            .unwrap()
            .iter()
            .any(|c| c == "internal_note")
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        rows.len(),
        logged.iter().filter(|e| e.user_id == w.ana.id).count()
    );
    assert!(rows.iter().all(|r| &r[7] == "Ana Member"));

    let (status, body) = send_raw(
        &app,
        request(Method::GET, "/entries.csv?from=soon", Some(&w.ana), None).to_request(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body:?}");
}

/// Fills `{id}` in a documented path with an object that exists.
fn concrete(path: &str, ids: &BTreeMap<&str, u64>) -> String {
    if !path.contains("{id}") {
        return path.to_owned();
    }
    let resource = path.trim_start_matches('/').split('/').next().unwrap();
    path.replace("{id}", &ids[resource].to_string())
}

#[actix_web::test]
async fn every_documented_route_answers() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let logged = log_many(
        &h,
        w.owner.id,
        vec![draft(
            w.ana.id,
            w.alpha,
            w.design,
            at("2026-03-02T09:00:00Z"),
            60,
        )],
    )
    .await;
    let (status, contact) = call!(
        app,
        POST,
        format!("/clients/{}/contacts", w.client),
        Some(&w.owner),
        json!({"name": "Cleo Client", "email": "cleo@acme.example"})
    );
    assert_eq!(status, StatusCode::CREATED);
    let ids = BTreeMap::from([
        ("clients", w.client.0),
        ("categories", w.design.0),
        ("projects", w.alpha.0),
        ("entries", logged[0].id.0),
        ("contacts", contact["id"].as_u64().unwrap()),
    ]);
    call!(
        app,
        POST,
        "/timer",
        Some(&w.owner),
        json!({"project_id": w.alpha.0, "category_id": w.design.0})
    );

    let (status, doc) = call!(app, GET, "/openapi.json", None);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.len() >= 10);
    for portal in ["/clients/{id}/contacts", "/contacts/{id}/invite"] {
        assert!(
            paths[portal].get("post").is_some(),
            "{portal} is documented"
        );
    }
    let mut operations = Vec::new();
    for (path, item) in paths {
        for method in ["get", "post", "patch", "delete"] {
            if item.get(method).is_some() {
                operations.push((method, path.as_str()));
            }
        }
    }
    // Deletes last, so every other call still finds its object.
    operations.sort_by_key(|(method, _)| *method == "delete");
    for (method, path) in operations {
        let uri = concrete(path, &ids);
        let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let body = (method == Method::POST || method == Method::PATCH).then(|| json!({}));
        let req = request(method.clone(), &uri, Some(&w.owner), body.as_ref());
        let (status, body) = send_raw(&app, req.to_request()).await;
        let text = String::from_utf8_lossy(&body);
        for secret in ["password_hash", "cost_rate", w.owner.token.as_str()] {
            assert!(!text.contains(secret), "{method} {uri} shows {secret}");
        }
        assert_ne!(status, StatusCode::NOT_FOUND, "{method} {uri}");
        assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{method} {uri}");
        assert!(!status.is_server_error(), "{method} {uri}: {status}");
    }
}

#[actix_web::test]
async fn dates_in_filters_and_exports_follow_the_agency_zone() {
    let h = Harness::new();
    let w = world(&h).await;
    h.store()
        .write(|txn| {
            let mut settings = txn.settings()?;
            settings.time_zone = "Europe/Berlin".into();
            records::put_settings(txn, &settings)
        })
        .await
        .unwrap();
    let app = test::init_service(http::app(h.state.clone())).await;
    let logged = log_many(
        &h,
        w.owner.id,
        vec![
            // 23:30 on 2 March in Berlin.
            draft(w.ana.id, w.alpha, w.design, at("2026-03-02T22:30:00Z"), 20),
            // 00:30 on 3 March in Berlin.
            draft(w.ana.id, w.alpha, w.design, at("2026-03-02T23:30:00Z"), 20),
        ],
    )
    .await;

    let (status, page) = call!(
        app,
        GET,
        "/entries?from=2026-03-03&to=2026-03-03",
        Some(&w.ana)
    );
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<u64> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [logged[1].id.0]);
    let (_, page) = call!(app, GET, "/entries?to=2026-03-02", Some(&w.ana));
    assert_eq!(page["entries"][0]["id"], logged[0].id.0);
    assert_eq!(page["entries"].as_array().unwrap().len(), 1);

    let (status, body) = send_raw(
        &app,
        request(Method::GET, "/entries.csv", Some(&w.ana), None).to_request(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(&body[..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][1], "2026-03-03");
    assert_eq!(&rows[0][2], "2026-03-03T00:30:00+01:00");
    assert_eq!(&rows[1][1], "2026-03-02");
}

async fn set_status(h: &Harness, project: glasshouse::domain::ProjectId, status: ProjectStatus) {
    h.store()
        .write(move |txn| {
            let mut p: Project = txn.must(project.0)?;
            p.status = status;
            records::put(txn, &p)
        })
        .await
        .unwrap();
}

#[actix_web::test]
async fn paused_projects_take_time_only_from_managers_and_done_ones_from_nobody() {
    let h = Harness::new();
    let w = world(&h).await;
    let app = test::init_service(http::app(h.state.clone())).await;
    let hour = |day: u32| {
        json!({"project_id": w.alpha.0, "category_id": w.design.0,
            "start": format!("2026-03-{day:02}T09:00:00Z"),
            "end": format!("2026-03-{day:02}T10:00:00Z"),
            "description": "Homepage layout"})
    };
    let (status, logged) = call!(app, POST, "/entries", Some(&w.ana), hour(2));
    assert_eq!(status, StatusCode::CREATED, "{logged}");
    let logged = logged["id"].as_u64().unwrap();

    set_status(&h, w.alpha, ProjectStatus::Paused).await;
    let (status, body) = call!(app, POST, "/entries", Some(&w.ana), hour(3));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_field(&body), "project_id");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("paused")
    );
    let start = json!({"project_id": w.alpha.0, "category_id": w.design.0});
    let (status, body) = call!(app, POST, "/timer", Some(&w.ana), start.clone());
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_field(&body), "project_id");
    let (status, body) = call!(app, POST, "/entries", Some(&w.manager), hour(3));
    assert_eq!(status, StatusCode::CREATED, "a manager may: {body}");

    set_status(&h, w.alpha, ProjectStatus::Done).await;
    for who in [&w.ana, &w.manager, &w.owner] {
        let (status, body) = call!(app, POST, "/entries", Some(who), hour(4));
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_field(&body), "project_id");
        assert!(body["error"]["message"].as_str().unwrap().contains("done"));
    }
    let (status, body) = call!(app, POST, "/timer", Some(&w.manager), start);
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(h.count::<Entry>(), 2, "nothing refused was stored");

    // Corrections stay possible on a closed project...
    let (status, fixed) = call!(
        app,
        PATCH,
        format!("/entries/{logged}"),
        Some(&w.ana),
        json!({"description": "Homepage layout, second pass"})
    );
    assert_eq!(status, StatusCode::OK, "{fixed}");
    assert_eq!(fixed["description"], "Homepage layout, second pass");
    // ...but moving time onto one is new time there.
    let (status, moved) = call!(
        app,
        POST,
        "/entries",
        Some(&w.manager),
        json!({"project_id": w.beta.0, "category_id": w.design.0,
            "start": "2026-03-05T09:00:00Z", "end": "2026-03-05T10:00:00Z",
            "description": "Wireframes"})
    );
    assert_eq!(status, StatusCode::CREATED, "{moved}");
    let (status, body) = call!(
        app,
        PATCH,
        format!("/entries/{}", moved["id"]),
        Some(&w.manager),
        json!({"project_id": w.alpha.0})
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_field(&body), "project_id");
    let (_, still) = call!(
        app,
        GET,
        format!("/entries/{}", moved["id"]),
        Some(&w.manager)
    );
    assert_eq!(still["project_id"], w.beta.0);
}
