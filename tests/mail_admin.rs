//! What an admin does with the outbox: the outbox page (in-process HTTP
//! through the app factory) and `glasshouse mail` (the real binary).

mod support;

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use actix_web::cookie::Cookie;
use actix_web::http::StatusCode;
use actix_web::{test, web};
use glasshouse::config::Config;
use glasshouse::domain::UserId;
use glasshouse::domain::user::{Role, User};
use glasshouse::http::{self, AppState};
use glasshouse::mail::outbox::{self, OutboxReads};
use glasshouse::mail::worker::Worker;
use glasshouse::mail::{Status, messages};
use glasshouse::metrics::Metrics;
use glasshouse::security::{Throttle, new_token, token_hash};
use glasshouse::store::Store;
use glasshouse::store::auth::{Session, put_session};
use glasshouse::store::records::{self, put_user};
use jiff::Timestamp;
use support::*;

/// A signed-in staff member: the session cookie's value and the CSRF token.
struct SignedIn {
    token: String,
    csrf: String,
}

async fn sign_in(store: &Store, email: &str, role: Role) -> SignedIn {
    let token = new_token();
    let csrf = new_token();
    let (hash, email, session_csrf) = (token_hash(&token), email.to_owned(), csrf.clone());
    store
        .write(move |txn| {
            let now = Timestamp::now();
            let user = User {
                id: UserId(records::new_id::<User>(txn)?),
                email: email.clone(),
                name: format!("{role:?} person"),
                role,
                password_hash: String::new(),
                cost_rate: None,
                default_rate: None,
                disabled: false,
                created_at: now,
            };
            put_user(txn, &user)?;
            let session = Session {
                user_id: user.id,
                csrf: session_csrf.clone(),
                created_at: now,
                last_seen: now,
            };
            put_session(txn, &hash, &session)
        })
        .await
        .unwrap();
    SignedIn { token, csrf }
}

/// Queues a message and lets it die at once, as after two days of failures.
async fn dead_message(store: &Store, to: &str, error: &'static str) -> u64 {
    let id = queue(
        store,
        messages::portal_invitation("Fern & Oak", to, "Ada", "https://p.example/i/1"),
        Timestamp::now(),
    )
    .await;
    store
        .write(move |txn| outbox::record_failure(txn, id, error, None))
        .await
        .unwrap();
    id
}

fn status_of(store: &Store, id: u64) -> Status {
    store
        .read(|txn| txn.outbox_get(id))
        .unwrap()
        .unwrap()
        .status
}

#[actix_web::test]
async fn an_admin_sees_dead_mail_and_retries_it_from_the_outbox_page() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let config = Config::defaults(dir.path());
    let admin = sign_in(&store, "admin@agency.example", Role::Admin).await;
    let member = sign_in(&store, "member@agency.example", Role::Member).await;
    let id = dead_message(&store, "ada@client.example", "the SMTP server said no").await;
    let state = web::Data::new(AppState {
        store: Arc::clone(&store),
        config: Arc::new(config.clone()),
        metrics: Metrics::new(),
        throttle: Throttle::default(),
    });
    let app = test::init_service(http::app(state)).await;
    let cookie = |who: &SignedIn| Cookie::new("gh_session", who.token.clone());

    let page = test::TestRequest::get()
        .uri("/admin/outbox?status=dead")
        .cookie(cookie(&admin))
        .send_request(&app)
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let body = String::from_utf8(test::read_body(page).await.to_vec()).unwrap();
    assert!(
        body.contains("Your client portal at Fern &#38; Oak"),
        "{body}"
    );
    assert!(body.contains("the SMTP server said no"));
    assert!(body.contains(&format!("action=\"/admin/outbox/{id}/retry\"")));

    let bad_filter = test::TestRequest::get()
        .uri("/admin/outbox?status=lost")
        .cookie(cookie(&admin))
        .send_request(&app)
        .await;
    assert_eq!(bad_filter.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body = String::from_utf8(test::read_body(bad_filter).await.to_vec()).unwrap();
    assert!(body.contains("status"), "{body}");

    let as_member = test::TestRequest::get()
        .uri("/admin/outbox")
        .cookie(cookie(&member))
        .send_request(&app)
        .await;
    assert_eq!(as_member.status(), StatusCode::NOT_FOUND);

    let retry = |who: &SignedIn, csrf: &str, id: u64| {
        test::TestRequest::post()
            .uri(&format!("/admin/outbox/{id}/retry"))
            .cookie(cookie(who))
            .set_form([("csrf", csrf.to_owned())])
            .to_request()
    };
    let member_retry = test::call_service(&app, retry(&member, &member.csrf, id)).await;
    assert_eq!(member_retry.status(), StatusCode::NOT_FOUND);
    let forged = test::call_service(&app, retry(&admin, "not-the-token", id)).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        status_of(&store, id),
        Status::Dead,
        "refused retries change nothing"
    );

    let done = test::call_service(&app, retry(&admin, &admin.csrf, id)).await;
    assert_eq!(done.status(), StatusCode::SEE_OTHER);
    let location = done.headers().get("Location").unwrap().to_str().unwrap();
    assert_eq!(location, "/admin/outbox?status=dead&done=retried");
    let queued = store.read(|txn| txn.outbox_get(id)).unwrap().unwrap();
    assert_eq!((queued.status, queued.attempts), (Status::Queued, 0));

    let again = test::call_service(&app, retry(&admin, &admin.csrf, id)).await;
    assert_eq!(again.status(), StatusCode::CONFLICT);
    let missing = test::call_service(&app, retry(&admin, &admin.csrf, id + 100)).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);

    let worker = Worker::new(Arc::clone(&store), &config).await.unwrap();
    assert_eq!(worker.deliver_due(Timestamp::now()).await.unwrap().sent, 1);
    assert_eq!(status_of(&store, id), Status::Sent);

    let sent = test::TestRequest::get()
        .uri("/admin/outbox?status=sent")
        .cookie(cookie(&admin))
        .send_request(&app)
        .await;
    let body = String::from_utf8(test::read_body(sent).await.to_vec()).unwrap();
    assert!(
        body.contains(".eml"),
        "file-transport mail names its file: {body}"
    );
    assert!(!body.contains("/retry\""), "sent mail has no retry button");
}

fn glasshouse(data: &Path, args: &[&str], env: &[(&str, String)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_glasshouse"));
    command.env_clear().arg("--data").arg(data).args(args);
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("the binary runs")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn smtp_env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        ("GLASSHOUSE_MAIL_SMTP_HOST", "127.0.0.1".to_owned()),
        ("GLASSHOUSE_MAIL_SMTP_PORT", port.to_string()),
        ("GLASSHOUSE_MAIL_SMTP_SECURITY", "plain".to_owned()),
    ]
}

#[actix_web::test]
async fn the_command_line_lists_and_retries_dead_mail() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    let dead = dead_message(&store, "ada@client.example", "mailbox unavailable").await;
    let queued = queue(&store, digest("bo@client.example"), Timestamp::now()).await;
    drop(store);

    let listed = glasshouse(dir.path(), &["mail", "list", "--status", "dead"], &[]);
    assert!(listed.status.success(), "{}", text(&listed.stderr));
    let out = text(&listed.stdout);
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with(&format!("{dead}\tdead\t1\t")), "{out}");
    assert!(out.contains("mailbox unavailable"));

    let all = glasshouse(dir.path(), &["mail", "list"], &[]);
    let out = text(&all.stdout);
    assert!(
        out.lines()
            .next()
            .unwrap()
            .starts_with(&format!("{queued}\tqueued")),
        "{out}"
    );

    let bad = glasshouse(dir.path(), &["mail", "list", "--status", "lost"], &[]);
    assert!(!bad.status.success());
    assert!(text(&bad.stderr).contains("status"));

    let retried = glasshouse(dir.path(), &["mail", "retry", &dead.to_string()], &[]);
    assert!(retried.status.success(), "{}", text(&retried.stderr));
    assert!(text(&retried.stdout).contains("queued again"));
    let twice = glasshouse(dir.path(), &["mail", "retry", &dead.to_string()], &[]);
    assert!(!twice.status.success());
    assert!(text(&twice.stderr).contains("only dead messages can be retried"));
    let missing = glasshouse(dir.path(), &["mail", "retry", "999"], &[]);
    assert_eq!(
        text(&missing.stderr).trim(),
        "error: there is no message 999 in the outbox"
    );

    let store = open(dir.path());
    assert_eq!(status_of(&store, dead), Status::Queued);
}

#[actix_web::test]
async fn mail_test_sends_at_once_and_says_plainly_what_failed() {
    let dir = tempfile::tempdir().unwrap();
    let server = SmtpServer::start();
    let sent = glasshouse(
        dir.path(),
        &["mail", "test", "--to", "ada@client.example"],
        &smtp_env(server.port),
    );
    assert!(sent.status.success(), "{}", text(&sent.stderr));
    let received = server.received();
    assert_eq!(
        received.len(),
        1,
        "sent synchronously, before the command returned"
    );
    let parsed = received[0].parsed();
    assert!(
        header(&parsed, "Subject")
            .unwrap()
            .starts_with("Test message from")
    );
    assert!(
        part(&parsed, "text/plain")
            .unwrap()
            .contains("glasshouse mail test")
    );

    let port = free_port();
    let refused = glasshouse(
        dir.path(),
        &["mail", "test", "--to", "ada@client.example"],
        &smtp_env(port),
    );
    assert!(!refused.status.success());
    assert_eq!(
        text(&refused.stderr).trim(),
        format!("error: cannot connect to 127.0.0.1:{port}: connection refused")
    );

    let auth = password_refusing_server();
    let mut env = smtp_env(auth.port());
    env.push(("GLASSHOUSE_MAIL_SMTP_USERNAME", "studio".to_owned()));
    env.push(("GLASSHOUSE_MAIL_SMTP_PASSWORD", "wrong".to_owned()));
    let rejected = glasshouse(
        dir.path(),
        &["mail", "test", "--to", "ada@client.example"],
        &env,
    );
    assert!(!rejected.status.success());
    assert_eq!(
        text(&rejected.stderr).trim(),
        "error: the SMTP server rejected the username or password"
    );

    let bad_address = glasshouse(dir.path(), &["mail", "test", "--to", "ada"], &[]);
    assert!(!bad_address.status.success());
    assert!(text(&bad_address.stderr).starts_with("error: --to:"));
}
