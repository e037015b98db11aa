//! Client notifications through a real store on disk: when weekly digests
//! go out (across DST changes, restarts and downtime), what they may say,
//! budget alerts once per period, the signed one-click unsubscribe and the
//! preferences page, the headers a real SMTP server receives, and the
//! demo's seeded mail.

mod support;

use std::path::Path;
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::{test, web};
use glasshouse::config::Config;
use glasshouse::domain::category::Category;
use glasshouse::domain::client::Client;
use glasshouse::domain::contact::{Contact, ContactDraft, Notice};
use glasshouse::domain::entry::{EntryDraft, Source};
use glasshouse::domain::lens::{Lens, Publishing, Sections, TimeDetail};
use glasshouse::domain::project::{BudgetPeriod, Project, ProjectStatus};
use glasshouse::domain::user::{Role, User};
use glasshouse::domain::{CategoryId, ClientId, ContactId, ProjectId, UserId};
use glasshouse::http::{self, AppState};
use glasshouse::jobs::notify::{self, Links};
use glasshouse::mail::worker::Worker;
use glasshouse::mail::{Kind, OUTBOX, Queued, unsubscribe};
use glasshouse::metrics::Metrics;
use glasshouse::security::{Throttle, new_token, token_hash};
use glasshouse::store::portal::{self as stored, PortalSession};
use glasshouse::store::records::{self, Reads};
use glasshouse::store::{Store, decode, entries, tables};
use jiff::civil::{Time, Weekday};
use jiff::{SignedDuration, Timestamp};
use redb::ReadableTable;
use support::*;

const PROJECT: ProjectId = ProjectId(1);
const CONTACT: ContactId = ContactId(1);
const HIDDEN_NAME: &str = "Quintus Verborgen";
const SECRET_NOTE: &str = "margin is thin, do not tell";
const SECRET_DESCRIPTION: &str = "internal retro about pricing";

fn links() -> Links {
    Links {
        public_url: "https://hours.agency.example".into(),
        lifetime: SignedDuration::from_hours(24 * 7),
    }
}

fn at(s: &str) -> Timestamp {
    s.parse().unwrap()
}

/// One manager, one client with one contact, one project with a ten-hour
/// budget, a visible and an internal category. Digests are due on Sundays
/// at 02:30 Berlin time, a time the spring DST change skips and the autumn
/// one repeats.
async fn agency(dir: &Path, lens: Lens, period: BudgetPeriod, created: Timestamp) -> Arc<Store> {
    let store = open(dir);
    store
        .write(move |txn| {
            let mut settings = txn.settings()?;
            settings.name = "Fern Studio".into();
            settings.time_zone = "Europe/Berlin".into();
            settings.digest_weekday = Weekday::Sunday;
            settings.digest_time = Time::constant(2, 30, 0, 0);
            records::put_settings(txn, &settings)?;
            records::put_user(
                txn,
                &User {
                    id: UserId(1),
                    email: "quintus@agency.example".into(),
                    name: HIDDEN_NAME.into(),
                    role: Role::Manager,
                    password_hash: String::new(),
                    cost_rate: Some(5000),
                    default_rate: None,
                    disabled: false,
                    created_at: created,
                },
            )?;
            records::put(
                txn,
                &Client {
                    id: ClientId(1),
                    name: "Contoso".into(),
                    archived: false,
                    created_at: created,
                },
            )?;
            for (id, internal) in [(1, false), (2, true)] {
                records::put(
                    txn,
                    &Category {
                        id: CategoryId(id),
                        name: if internal { "Admin" } else { "Design" }.into(),
                        internal,
                        archived: false,
                    },
                )?;
            }
            records::put(
                txn,
                &Project {
                    id: PROJECT,
                    client_id: ClientId(1),
                    name: "Relaunch".into(),
                    status: ProjectStatus::Active,
                    budget_seconds: Some(10 * 3600),
                    budget_amount: None,
                    budget_period: period,
                    start: None,
                    end: None,
                    members: vec![UserId(1)],
                    rate: None,
                    created_at: created,
                    lens: Some(lens),
                },
            )?;
            let draft = ContactDraft {
                name: "Ada Client".into(),
                email: "ada@contoso.example".into(),
            };
            stored::create_contact(txn, ClientId(1), draft, created)?;
            Ok(())
        })
        .await
        .unwrap();
    store
}

/// Logs `hours` starting at `start`.
async fn log(store: &Store, start: Timestamp, seconds: i64, internal: bool) {
    store
        .write(move |txn| {
            let actor = txn.must::<User>(1)?.actor();
            let draft = EntryDraft {
                project_id: PROJECT,
                category_id: CategoryId(1),
                user_id: UserId(1),
                start,
                end: start + SignedDuration::from_secs(seconds),
                description: if internal {
                    SECRET_DESCRIPTION
                } else {
                    "Homepage layout and navigation"
                }
                .into(),
                billable: true,
                internal,
                internal_note: if internal { SECRET_NOTE } else { "" }.into(),
                approved: true,
            };
            let now = start + SignedDuration::from_secs(seconds);
            entries::create(txn, actor, draft, Source::Manual, now)?;
            Ok(())
        })
        .await
        .unwrap();
}

fn outbox(store: &Store) -> Vec<Queued> {
    store
        .read(|txn| {
            let table = txn.open_table(OUTBOX)?;
            let mut out = Vec::new();
            for row in table.iter()? {
                out.push(decode("outbox", row?.1.value())?);
            }
            Ok(out)
        })
        .unwrap()
}

fn of_kind(store: &Store, kind: Kind) -> Vec<Queued> {
    outbox(store)
        .into_iter()
        .filter(|q| q.message.kind == kind)
        .collect()
}

fn live_lens() -> Lens {
    Lens {
        publishing: Publishing::Live,
        ..Lens::default()
    }
}

/// Ticks every 15 minutes from `from` to `to`, plus one second before
/// and at each of `exact`; returns the instants at which digests were
/// queued.
async fn tick(
    store: &Store,
    from: Timestamp,
    to: Timestamp,
    exact: &[Timestamp],
) -> Vec<Timestamp> {
    let mut instants = Vec::new();
    let mut t = from;
    while t < to {
        instants.push(t);
        t += SignedDuration::from_mins(15);
    }
    for e in exact.iter().filter(|e| from <= **e && **e < to) {
        instants.push(*e - SignedDuration::from_secs(1));
        instants.push(*e);
    }
    instants.sort();
    let mut sent = Vec::new();
    for now in instants {
        if notify::send_digests(store, &links(), now).await.unwrap() > 0 {
            sent.push(now);
        }
    }
    sent
}

#[actix_web::test]
async fn digests_go_out_once_a_week_across_dst_restarts_and_downtime() {
    let dir = tempfile::tempdir().unwrap();
    let created = at("2026-03-10T12:00:00Z");
    let store = agency(dir.path(), live_lens(), BudgetPeriod::Lifetime, created).await;
    // 02:30 on 29 March does not exist in Berlin: due at 03:30 CEST.
    let spring = at("2026-03-29T01:30:00Z");
    let after_spring = at("2026-04-05T00:30:00Z");
    let down_over = at("2026-04-12T00:30:00Z");
    let exact = [spring, after_spring, down_over];

    // The week of 9 March was due on 15 March, after the project began:
    // the first tick catches up with it, then nothing until the next due.
    let sent = tick(
        &store,
        at("2026-03-20T00:00:00Z"),
        at("2026-04-01T00:00:00Z"),
        &exact,
    )
    .await;
    assert_eq!(
        sent,
        vec![
            at("2026-03-20T00:00:00Z"),
            at("2026-03-22T01:30:00Z"),
            spring
        ]
    );

    // A restart between two dues sends nothing new.
    drop(store);
    let store = open(dir.path());
    let sent = tick(
        &store,
        at("2026-04-01T00:00:00Z"),
        at("2026-04-10T00:00:00Z"),
        &exact,
    )
    .await;
    assert_eq!(sent, vec![after_spring]);

    // Down from 11 April to 13 April: the digest due on the 12th goes out
    // at the first tick after the restart, once.
    drop(store);
    let store = open(dir.path());
    let back = at("2026-04-13T09:00:00Z");
    let sent = tick(&store, back, at("2026-04-14T00:00:00Z"), &exact).await;
    assert_eq!(sent, vec![back]);
    assert_eq!(of_kind(&store, Kind::WeeklyDigest).len(), 5);

    // Autumn: 02:30 on 25 October happens twice; the digest goes once.
    let autumn = at("2026-10-25T00:30:00Z");
    let next = at("2026-11-01T01:30:00Z");
    let sent = tick(
        &store,
        at("2026-10-20T00:00:00Z"),
        at("2026-11-05T00:00:00Z"),
        &[autumn, next],
    )
    .await;
    // 20 October catches up with the week due on the 18th.
    assert_eq!(sent, vec![at("2026-10-20T00:00:00Z"), autumn, next]);
    let week = store
        .read(|txn| {
            Ok(txn
                .open_table(tables::DIGESTS_SENT)?
                .get(PROJECT.0)?
                .map(|v| v.value()))
        })
        .unwrap();
    let calendar = store.read(|txn| txn.settings()).unwrap().calendar();
    assert_eq!(week, Some(calendar.week_of_instant(next).0));
    assert_eq!(of_kind(&store, Kind::WeeklyDigest).len(), 8);
}

#[actix_web::test]
async fn a_project_begun_after_the_due_time_waits_for_its_first_week() {
    let dir = tempfile::tempdir().unwrap();
    let store = agency(
        dir.path(),
        live_lens(),
        BudgetPeriod::Lifetime,
        at("2026-03-30T12:00:00Z"),
    )
    .await;
    let sent = tick(
        &store,
        at("2026-03-30T12:00:00Z"),
        at("2026-04-06T00:00:00Z"),
        &[],
    )
    .await;
    assert_eq!(sent, vec![at("2026-04-05T00:30:00Z")]);
}

#[actix_web::test]
async fn a_digest_says_only_what_the_lens_shows() {
    let dir = tempfile::tempdir().unwrap();
    let hidden_budget = Lens {
        time_detail: TimeDetail::Detailed,
        staff_names: false,
        sections: Sections {
            milestones: true,
            time: true,
            budget: false,
        },
        ..live_lens()
    };
    let store = agency(
        dir.path(),
        hidden_budget,
        BudgetPeriod::Lifetime,
        at("2026-03-01T00:00:00Z"),
    )
    .await;
    // Before the week: one hour. In the week: two visible hours and three
    // flagged internal.
    log(&store, at("2026-03-18T09:00:00Z"), 3600, false).await;
    log(&store, at("2026-03-24T09:00:00Z"), 7200, false).await;
    log(&store, at("2026-03-25T09:00:00Z"), 3 * 3600, true).await;
    let now = at("2026-03-29T02:00:00Z");
    notify::send_digests(&store, &links(), now).await.unwrap();
    let digests = of_kind(&store, Kind::WeeklyDigest);
    assert_eq!(digests.len(), 1);
    let m = &digests[0].message;
    assert_eq!(m.to, "Ada Client <ada@contoso.example>");
    for body in [&m.text, &m.html] {
        assert!(body.contains("2.0 h"), "{body}");
        for secret in [
            HIDDEN_NAME,
            SECRET_NOTE,
            SECRET_DESCRIPTION,
            "5.0 h",
            "6.0 h",
        ] {
            assert!(!body.contains(secret), "{secret} leaked: {body}");
        }
        assert!(!body.contains("Budget used"), "{body}");
        assert!(body.contains("/portal/auth/"));
    }
    assert!(
        m.unsubscribe_url
            .as_deref()
            .unwrap()
            .contains("/portal/unsubscribe/")
    );

    // The same week with the budget shown: published hours against it.
    let dir = tempfile::tempdir().unwrap();
    let store = agency(
        dir.path(),
        live_lens(),
        BudgetPeriod::Lifetime,
        at("2026-03-01T00:00:00Z"),
    )
    .await;
    log(&store, at("2026-03-24T09:00:00Z"), 7200, false).await;
    log(&store, at("2026-03-25T09:00:00Z"), 3 * 3600, true).await;
    notify::send_digests(&store, &links(), now).await.unwrap();
    let m = &of_kind(&store, Kind::WeeklyDigest)[0].message;
    assert!(
        m.text.contains("Budget used: 2.0 h of 10.0 h (20%)"),
        "{}",
        m.text
    );
}

#[actix_web::test]
async fn the_digest_link_signs_the_contact_in_on_the_project_page() {
    let dir = tempfile::tempdir().unwrap();
    let store = agency(
        dir.path(),
        live_lens(),
        BudgetPeriod::Lifetime,
        at("2026-03-01T00:00:00Z"),
    )
    .await;
    let now = Timestamp::now();
    notify::send_digests(&store, &links(), now).await.unwrap();
    let m = of_kind(&store, Kind::WeeklyDigest).remove(0).message;
    let start = m.text.find("/portal/auth/").unwrap() + "/portal/auth/".len();
    let token: String = m.text[start..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let link = store
        .read(|txn| {
            use glasshouse::store::portal::PortalReads;
            txn.magic_link(&token_hash(&token))
        })
        .unwrap()
        .expect("the link is stored");
    assert_eq!(link.project_id, Some(PROJECT));
    assert_eq!(link.purpose, stored::Purpose::Notification);
    assert_eq!(link.expires_at, link.created_at + links().lifetime);

    let state = app_state(dir.path(), store);
    let app = test::init_service(http::app(state.clone())).await;
    let page = test::call_service(
        &app,
        test::TestRequest::get()
            .uri(&format!("/portal/auth/{token}"))
            .to_request(),
    )
    .await;
    assert_eq!(page.status(), StatusCode::OK);
    let login_cookie = page.response().cookies().next().unwrap().into_owned();
    let html = String::from_utf8(test::read_body(page).await.to_vec()).unwrap();
    let at = html.find("name=\"csrf\" value=\"").unwrap() + 19;
    let csrf = &html[at..at + html[at..].find('"').unwrap()];
    let resp = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/portal/auth")
            .cookie(login_cookie)
            .set_form([("token", token.as_str()), ("csrf", csrf)])
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        resp.headers().get("Location").unwrap(),
        "/portal/projects/1"
    );
}

fn app_state(dir: &Path, store: Arc<Store>) -> web::Data<AppState> {
    let store = Arc::try_unwrap(store).ok().expect("the only handle");
    web::Data::new(AppState {
        store: Arc::new(store),
        config: Arc::new(Config::defaults(dir)),
        metrics: Metrics::new(),
        throttle: Throttle::default(),
    })
}

fn alerts_to(store: &Store, who: &str) -> Vec<Queued> {
    of_kind(store, Kind::BudgetAlert)
        .into_iter()
        .filter(|q| q.message.to.contains(who))
        .collect()
}

#[actix_web::test]
async fn thresholds_fire_once_per_month_and_contacts_only_when_the_budget_shows() {
    let dir = tempfile::tempdir().unwrap();
    let store = agency(
        dir.path(),
        live_lens(),
        BudgetPeriod::Monthly,
        at("2026-02-01T00:00:00Z"),
    )
    .await;
    // 7.6 h of 10 in March: 75 % crossed.
    log(
        &store,
        at("2026-03-02T08:00:00Z"),
        7 * 3600 + 36 * 60,
        false,
    )
    .await;
    let t = at("2026-03-02T17:00:00Z");
    assert!(notify::check_alerts(&store, &links(), t).await.unwrap() > 0);
    assert_eq!(notify::check_alerts(&store, &links(), t).await.unwrap(), 0);
    let staff = alerts_to(&store, "quintus@agency.example");
    assert_eq!(staff.len(), 1);
    assert!(staff[0].message.subject.contains("75%"));
    let client = alerts_to(&store, "ada@contoso.example");
    assert_eq!(client.len(), 1);
    assert!(!client[0].message.text.contains(HIDDEN_NAME));

    // 9.6 h: 90 % crossed, once; 100 % not yet.
    log(&store, at("2026-03-03T08:00:00Z"), 2 * 3600, false).await;
    let t = at("2026-03-03T17:00:00Z");
    notify::check_alerts(&store, &links(), t).await.unwrap();
    notify::check_alerts(&store, &links(), t).await.unwrap();
    let staff = alerts_to(&store, "quintus@agency.example");
    assert_eq!(staff.len(), 2);
    assert!(staff[1].message.subject.contains("90%"));

    // April starts a new period: nothing until it fills again, then 75 %
    // fires a second time.
    let t = at("2026-04-01T09:00:00Z");
    assert_eq!(notify::check_alerts(&store, &links(), t).await.unwrap(), 0);
    log(&store, at("2026-04-01T06:00:00Z"), 8 * 3600, false).await;
    let t = at("2026-04-01T15:00:00Z");
    notify::check_alerts(&store, &links(), t).await.unwrap();
    let staff = alerts_to(&store, "quintus@agency.example");
    assert_eq!(staff.len(), 3);
    assert!(staff[2].message.subject.contains("75%"));
    for q in of_kind(&store, Kind::BudgetAlert) {
        assert!(q.message.unsubscribe_url.is_some());
    }
}

#[actix_web::test]
async fn contacts_hear_nothing_of_a_hidden_budget_nor_after_opting_out() {
    let dir = tempfile::tempdir().unwrap();
    let lens = Lens {
        sections: Sections {
            milestones: true,
            time: true,
            budget: false,
        },
        ..live_lens()
    };
    let store = agency(
        dir.path(),
        lens,
        BudgetPeriod::Lifetime,
        at("2026-02-01T00:00:00Z"),
    )
    .await;
    log(&store, at("2026-03-02T08:00:00Z"), 11 * 3600, false).await;
    notify::check_alerts(&store, &links(), at("2026-03-02T20:00:00Z"))
        .await
        .unwrap();
    let staff = alerts_to(&store, "quintus@agency.example");
    assert_eq!(
        staff.len(),
        1,
        "one alert for the highest threshold crossed"
    );
    assert!(staff[0].message.subject.contains("100%"));
    assert!(alerts_to(&store, "ada@contoso.example").is_empty());

    // With the budget shown but alerts turned off, still nothing.
    let dir = tempfile::tempdir().unwrap();
    let store = agency(
        dir.path(),
        live_lens(),
        BudgetPeriod::Lifetime,
        at("2026-02-01T00:00:00Z"),
    )
    .await;
    store
        .write(|txn| {
            stored::set_notification(txn, CONTACT, Notice::BudgetAlerts, false).map(|_| ())
        })
        .await
        .unwrap();
    log(&store, at("2026-03-02T08:00:00Z"), 8 * 3600, false).await;
    notify::check_alerts(&store, &links(), at("2026-03-02T20:00:00Z"))
        .await
        .unwrap();
    assert_eq!(alerts_to(&store, "quintus@agency.example").len(), 1);
    assert!(alerts_to(&store, "ada@contoso.example").is_empty());
}

fn contact(state: &AppState) -> Contact {
    state.store.read(|txn| txn.must(CONTACT.0)).unwrap()
}

#[actix_web::test]
async fn one_click_unsubscribe_turns_the_digest_off_and_a_forged_link_is_404() {
    let dir = tempfile::tempdir().unwrap();
    let store = agency(
        dir.path(),
        live_lens(),
        BudgetPeriod::Lifetime,
        at("2026-03-01T00:00:00Z"),
    )
    .await;
    notify::send_digests(&store, &links(), Timestamp::now())
        .await
        .unwrap();
    let url = of_kind(&store, Kind::WeeklyDigest)[0]
        .message
        .unsubscribe_url
        .clone()
        .unwrap();
    let path = url
        .strip_prefix("https://hours.agency.example")
        .unwrap()
        .to_owned();
    let state = app_state(dir.path(), store);
    let app = test::init_service(http::app(state.clone())).await;

    let page = test::call_service(&app, test::TestRequest::get().uri(&path).to_request()).await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        contact(&state).notifications.weekly_digest,
        "GET changes nothing"
    );

    let mut forged = path.clone();
    let last = forged.pop().unwrap();
    forged.push(if last == 'A' { 'B' } else { 'A' });
    for req in [
        test::TestRequest::get().uri(&forged),
        test::TestRequest::post().uri(&forged),
        test::TestRequest::post().uri("/portal/unsubscribe/bm90LWEtdG9rZW4"),
    ] {
        let resp = test::call_service(
            &app,
            req.set_payload("List-Unsubscribe=One-Click").to_request(),
        )
        .await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    }
    assert!(contact(&state).notifications.weekly_digest);

    // The RFC 8058 POST: no cookie, no form token.
    let resp = test::call_service(
        &app,
        test::TestRequest::post()
            .uri(&path)
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload("List-Unsubscribe=One-Click")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    let after = contact(&state);
    assert!(!after.notifications.weekly_digest);
    assert!(
        after.notifications.budget_alerts,
        "only the named kind is off"
    );

    // A digest due later skips the contact.
    let later = Timestamp::now() + SignedDuration::from_hours(24 * 8);
    assert_eq!(
        notify::send_digests(&state.store, &links(), later)
            .await
            .unwrap(),
        0
    );
}

#[actix_web::test]
async fn the_preferences_page_needs_a_session_and_its_form_token() {
    let dir = tempfile::tempdir().unwrap();
    let store = agency(
        dir.path(),
        live_lens(),
        BudgetPeriod::Lifetime,
        at("2026-03-01T00:00:00Z"),
    )
    .await;
    let state = app_state(dir.path(), store);
    let token = new_token();
    let (hash, now) = (token_hash(&token), Timestamp::now());
    state
        .store
        .write(move |txn| {
            let session = PortalSession {
                contact_id: CONTACT,
                csrf: "form-token".into(),
                created_at: now,
                last_seen: now,
            };
            stored::put_session(txn, &hash, &session)
        })
        .await
        .unwrap();
    let app = test::init_service(http::app(state.clone())).await;
    let name = http::portal::auth::portal_cookie_name(&state);
    let cookie = actix_web::cookie::Cookie::new(name, token);

    let anonymous = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/portal/preferences")
            .to_request(),
    )
    .await;
    assert_ne!(anonymous.status(), StatusCode::OK);
    let page = test::call_service(
        &app,
        test::TestRequest::get()
            .uri("/portal/preferences")
            .cookie(cookie.clone())
            .to_request(),
    )
    .await;
    assert_eq!(page.status(), StatusCode::OK);
    let html = String::from_utf8(test::read_body(page).await.to_vec()).unwrap();
    assert!(html.contains("name=\"weekly_digest\" value=\"on\" checked"));

    let bad = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/portal/preferences")
            .cookie(cookie.clone())
            .set_form([("csrf", "wrong"), ("weekly_digest", "on")])
            .to_request(),
    )
    .await;
    assert_eq!(bad.status(), StatusCode::FORBIDDEN);
    assert!(contact(&state).notifications.budget_alerts);

    let ok = test::call_service(
        &app,
        test::TestRequest::post()
            .uri("/portal/preferences")
            .cookie(cookie)
            .set_form([("csrf", "form-token"), ("weekly_digest", "on")])
            .to_request(),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::SEE_OTHER);
    let after = contact(&state);
    assert!(after.notifications.weekly_digest);
    assert!(!after.notifications.budget_alerts);
}

#[actix_web::test]
async fn digests_and_alerts_reach_smtp_with_one_click_unsubscribe_headers() {
    let server = SmtpServer::start();
    let dir = tempfile::tempdir().unwrap();
    let store = agency(
        dir.path(),
        live_lens(),
        BudgetPeriod::Lifetime,
        at("2026-03-01T00:00:00Z"),
    )
    .await;
    log(&store, at("2026-03-02T08:00:00Z"), 8 * 3600, false).await;
    let now = at("2026-03-09T12:00:00Z");
    notify::send_digests(&store, &links(), now).await.unwrap();
    notify::check_alerts(&store, &links(), now).await.unwrap();
    // One digest, an alert to the manager and one to the contact.
    assert_eq!(outbox(&store).len(), 3);
    let worker = Worker::new(store.clone(), &smtp_config(dir.path(), server.port))
        .await
        .unwrap();
    worker.deliver_due(now).await.unwrap();
    let received = server.wait_for(3);
    assert_eq!(received.len(), 3);
    for mail in &received {
        let parsed = mail.parsed();
        let list = header(&parsed, "List-Unsubscribe").expect("a List-Unsubscribe header");
        assert!(
            list.starts_with("<https://hours.agency.example/portal/unsubscribe/"),
            "{list}"
        );
        assert_eq!(
            header(&parsed, "List-Unsubscribe-Post").as_deref(),
            Some("List-Unsubscribe=One-Click")
        );
        assert!(part(&parsed, "text/plain").is_some());
    }
    // The contact's links verify against the database's key.
    let key = store.read(unsubscribe::read_key).unwrap();
    let token = outbox(&store)
        .into_iter()
        .find(|q| q.message.kind == Kind::WeeklyDigest)
        .and_then(|q| q.message.unsubscribe_url)
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    assert_eq!(
        unsubscribe::verify(&key, &token),
        Some((CONTACT.0, Notice::WeeklyDigest))
    );
}

/// The demo seeds from the command line, outside the runtime.
async fn seed_demo(store: &Arc<Store>) {
    let store = store.clone();
    actix_web::rt::task::spawn_blocking(move || {
        glasshouse::demo::seed_if_empty(&store, &links())
            .unwrap()
            .unwrap()
    })
    .await
    .unwrap();
}

#[actix_web::test]
async fn the_demo_queues_invitations_and_a_digest_written_as_eml_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = open(dir.path());
    seed_demo(&store).await;
    let contacts = glasshouse::demo::CONTACTS.len();
    assert_eq!(of_kind(&store, Kind::PortalInvitation).len(), contacts);
    let digests = of_kind(&store, Kind::WeeklyDigest);
    assert!(
        !digests.is_empty(),
        "the first project's contacts get a digest"
    );
    // Seeding again queues nothing more.
    seed_demo(&store).await;
    assert_eq!(outbox(&store).len(), contacts + digests.len());
    // The scheduler's first tick owes nothing more.
    let now = Timestamp::now();
    assert_eq!(
        notify::send_digests(&store, &links(), now).await.unwrap(),
        0
    );

    let worker = Worker::new(store.clone(), &Config::defaults(dir.path()))
        .await
        .unwrap();
    worker.deliver_due(Timestamp::now()).await.unwrap();
    let files: Vec<_> = std::fs::read_dir(dir.path().join("mail"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "eml"))
        .collect();
    assert_eq!(files.len(), contacts + digests.len());
    let mut invitations = 0;
    for file in files {
        let raw = std::fs::read(&file).unwrap();
        let parsed = mailparse::parse_mail(&raw).unwrap();
        let text = part(&parsed, "text/plain").expect("a plain-text part");
        assert!(
            text.contains("https://hours.agency.example/portal/auth/"),
            "{text}"
        );
        let subject = header(&parsed, "Subject").unwrap();
        if subject.contains("client portal") {
            invitations += 1;
        } else {
            assert!(header(&parsed, "List-Unsubscribe").is_some(), "{subject}");
        }
    }
    assert_eq!(invitations, contacts);
}

#[actix_web::test]
async fn a_manager_can_stop_budget_alerts_with_the_link_in_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = agency(
        dir.path(),
        live_lens(),
        BudgetPeriod::Monthly,
        at("2026-02-01T00:00:00Z"),
    )
    .await;
    log(&store, at("2026-03-02T08:00:00Z"), 8 * 3600, false).await;
    notify::check_alerts(&store, &links(), at("2026-03-02T20:00:00Z"))
        .await
        .unwrap();
    let url = alerts_to(&store, "quintus@agency.example")[0]
        .message
        .unsubscribe_url
        .clone()
        .unwrap();
    let path = url
        .strip_prefix("https://hours.agency.example")
        .unwrap()
        .to_owned();
    let state = app_state(dir.path(), store);
    let app = test::init_service(http::app(state.clone())).await;
    let resp = test::call_service(
        &app,
        test::TestRequest::post()
            .uri(&path)
            .set_payload("List-Unsubscribe=One-Click")
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);

    log(&state.store, at("2026-04-01T06:00:00Z"), 8 * 3600, false).await;
    notify::check_alerts(&state.store, &links(), at("2026-04-01T20:00:00Z"))
        .await
        .unwrap();
    assert_eq!(alerts_to(&state.store, "quintus@agency.example").len(), 1);
    assert_eq!(
        alerts_to(&state.store, "ada@contoso.example").len(),
        2,
        "the contact still hears of April's crossing"
    );
}
