//! The portal over HTTP, in process through the real app factory and a
//! real store on disk: magic-link sign-in, who may see what, revocation,
//! the separation of staff and contact sessions, the access log, the
//! preview, the lens editor and the contacts API.

use std::sync::Arc;

use actix_http::Request;
use actix_web::body::MessageBody;
use actix_web::cookie::Cookie;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::{test, web};
use glasshouse::config::Config;
use glasshouse::domain::category::Category;
use glasshouse::domain::client::Client;
use glasshouse::domain::contact::{Contact, ContactDraft};
use glasshouse::domain::entry::{EntryDraft, Source};
use glasshouse::domain::lens::{Lens, Publishing};
use glasshouse::domain::project::{BudgetPeriod, Project, ProjectStatus};
use glasshouse::domain::user::{Role, User};
use glasshouse::domain::{CategoryId, ClientId, ContactId, ProjectId, UserId};
use glasshouse::http::{self, AppState};
use glasshouse::mail::{OUTBOX, Queued};
use glasshouse::metrics::Metrics;
use glasshouse::security::{Throttle, new_token, token_hash};
use glasshouse::store::portal::{self as stored, Purpose};
use glasshouse::store::records::{self, Reads};
use glasshouse::store::{Store, auth as staff_auth, decode, entries};
use jiff::{SignedDuration, Timestamp};
use redb::{ReadableTable, ReadableTableMetadata};

const CLIENT_A: ClientId = ClientId(1);
const CLIENT_B: ClientId = ClientId(2);
const PROJECT_A: ProjectId = ProjectId(1);
const PROJECT_B: ProjectId = ProjectId(2);
const CONTACT_A: ContactId = ContactId(1);
const CONTACT_B: ContactId = ContactId(2);
const MANAGER: UserId = UserId(1);
const MEMBER: UserId = UserId(2);

struct Fixture {
    _dir: tempfile::TempDir,
    state: web::Data<AppState>,
}

fn user(id: UserId, name: &str, role: Role, now: Timestamp) -> User {
    User {
        id,
        email: format!("{}@agency.example", name.to_lowercase()),
        name: name.into(),
        role,
        password_hash: String::new(),
        cost_rate: Some(4_321_987),
        default_rate: None,
        disabled: false,
        created_at: now,
    }
}

fn project(id: ProjectId, client: ClientId, name: &str, now: Timestamp) -> Project {
    Project {
        id,
        client_id: client,
        name: name.into(),
        status: ProjectStatus::Active,
        budget_seconds: Some(40 * 3600),
        budget_amount: Some(5_555_500),
        budget_period: BudgetPeriod::Lifetime,
        start: None,
        end: None,
        members: vec![MANAGER, MEMBER],
        rate: Some(12_000),
        created_at: now,
        lens: None,
    }
}

/// Two clients with one project and one contact each; time on project A,
/// some of it internal, some not yet published under a daily cutoff.
async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let metrics = Metrics::new();
    let store = Store::open(dir.path(), metrics.store.clone()).unwrap();
    let now = Timestamp::now();
    store
        .write(move |txn| {
            let mut settings = txn.settings()?;
            settings.name = "Northwind Studio".into();
            settings.time_zone = "Europe/Berlin".into();
            settings.lens = Lens {
                publishing: Publishing::Daily {
                    at: jiff::civil::Time::constant(18, 0, 0, 0),
                },
                ..Lens::default()
            };
            records::put_settings(txn, &settings)?;
            records::put_user(txn, &user(MANAGER, "Maria", Role::Manager, now))?;
            records::put_user(txn, &user(MEMBER, "Milo", Role::Member, now))?;
            for (id, name) in [(CLIENT_A, "Contoso"), (CLIENT_B, "Fabrikam")] {
                records::put(
                    txn,
                    &Client {
                        id,
                        name: name.into(),
                        archived: false,
                        created_at: now,
                    },
                )?;
            }
            records::put(txn, &project(PROJECT_A, CLIENT_A, "Contoso relaunch", now))?;
            records::put(txn, &project(PROJECT_B, CLIENT_B, "Fabrikam shop", now))?;
            for (id, name, internal) in [(1, "Design", false), (2, "Training Qz", true)] {
                records::put(
                    txn,
                    &Category {
                        id: CategoryId(id),
                        name: name.into(),
                        internal,
                        archived: false,
                    },
                )?;
            }
            for (client, name, email) in [
                (CLIENT_A, "Ana", "ana@contoso.example"),
                (CLIENT_B, "Bo", "bo@fabrikam.example"),
            ] {
                let draft = ContactDraft {
                    name: name.into(),
                    email: email.into(),
                };
                stored::create_contact(txn, client, draft, now)?;
            }
            let actor = txn.must::<User>(MANAGER.0)?.actor();
            let day = SignedDuration::from_hours(24);
            let entry =
                |category, start: Timestamp, hours, desc: &str, internal, note: &str| EntryDraft {
                    project_id: PROJECT_A,
                    category_id: CategoryId(category),
                    user_id: MANAGER,
                    start,
                    end: start + SignedDuration::from_hours(hours),
                    description: desc.into(),
                    billable: true,
                    internal,
                    internal_note: note.into(),
                    approved: false,
                };
            let drafts = [
                entry(
                    1,
                    now - day * 3,
                    2,
                    "Homepage wireframes",
                    false,
                    "Secret note Nt1",
                ),
                entry(
                    1,
                    now - day * 3,
                    1,
                    "Pricing argument",
                    true,
                    "Secret note Nt2",
                ),
                entry(2, now - day * 3, 3, "Course Qx", false, ""),
                // Ends in the future: not published under a daily cutoff.
                entry(
                    1,
                    now - SignedDuration::from_mins(10),
                    1,
                    "Unfinished Uq",
                    false,
                    "",
                ),
            ];
            for draft in drafts {
                entries::create(txn, actor, draft, Source::Manual, now)?;
            }
            Ok(())
        })
        .await
        .unwrap();
    let config = Config::defaults(dir.path());
    let state = web::Data::new(AppState {
        store: Arc::new(store),
        config: Arc::new(config),
        metrics,
        throttle: Throttle::default(),
    });
    Fixture { _dir: dir, state }
}

/// The app under test, whatever its response body type.
trait App<B>: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error> {}
impl<S, B> App<B> for S where
    S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>
{
}

async fn call<B: MessageBody + 'static>(app: &impl App<B>, req: Request) -> ServiceResponse {
    test::call_service(app, req).await.map_into_boxed_body()
}

async fn body(resp: ServiceResponse) -> String {
    String::from_utf8(test::read_body(resp).await.to_vec()).unwrap()
}

fn cookie(resp: &ServiceResponse, name: &str) -> Option<Cookie<'static>> {
    resp.response()
        .cookies()
        .find(|c| c.name() == name)
        .map(|c| c.into_owned())
}

fn csrf_in(html: &str) -> String {
    let at = html.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    html[at..at + html[at..].find('"').unwrap()].to_owned()
}

fn location(resp: &ServiceResponse) -> String {
    resp.headers()
        .get("Location")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// Stores a link for `contact` and returns its token.
async fn seed_link(f: &Fixture, contact: ContactId, ttl: SignedDuration) -> String {
    let token = new_token();
    let hash = token_hash(&token);
    let now = Timestamp::now();
    f.state
        .store
        .write(move |txn| stored::create_link(txn, &hash, contact, Purpose::SignIn, now, ttl))
        .await
        .unwrap();
    token
}

/// Opens a link and presses its button; the response of the POST.
async fn redeem<B: MessageBody + 'static>(app: &impl App<B>, token: &str) -> ServiceResponse {
    let page = call(
        app,
        test::TestRequest::get()
            .uri(&format!("/portal/auth/{token}"))
            .to_request(),
    )
    .await;
    let login = cookie(&page, "gh_portal_login").expect("a form cookie");
    let html = body(page).await;
    let form = [("token", token.to_owned()), ("csrf", csrf_in(&html))];
    call(
        app,
        test::TestRequest::post()
            .uri("/portal/auth")
            .cookie(login)
            .set_form(form)
            .to_request(),
    )
    .await
}

async fn sign_in_contact<B: MessageBody + 'static>(
    f: &Fixture,
    app: &impl App<B>,
    contact: ContactId,
) -> Cookie<'static> {
    let token = seed_link(f, contact, SignedDuration::from_mins(15)).await;
    let resp = redeem(app, &token).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/portal");
    cookie(&resp, "gh_portal").expect("a portal cookie")
}

async fn sign_in_staff(f: &Fixture, id: UserId) -> (Cookie<'static>, String) {
    let user: User = f.state.store.read(|txn| txn.must(id.0)).unwrap();
    let cookie = http::auth::start_session(&f.state, &user).await.unwrap();
    let hash = token_hash(cookie.value());
    let csrf = f
        .state
        .store
        .read(|txn| staff_auth::session(txn, &hash))
        .unwrap()
        .unwrap()
        .csrf;
    (cookie, csrf)
}

async fn get<B: MessageBody + 'static>(
    app: &impl App<B>,
    uri: &str,
    cookie: Option<&Cookie<'static>>,
) -> ServiceResponse {
    let mut req = test::TestRequest::get().uri(uri);
    if let Some(c) = cookie {
        req = req.cookie(c.clone());
    }
    call(app, req.to_request()).await
}

fn outbox(f: &Fixture) -> Vec<Queued> {
    f.state
        .store
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

#[actix_web::test]
async fn a_contact_sees_published_client_visible_time_only() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let ana = sign_in_contact(&f, &app, CONTACT_A).await;

    let resp = get(&app, "/portal", Some(&ana)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let html = body(resp).await;
    assert!(html.contains("Contoso relaunch"));
    assert!(!html.contains("Fabrikam shop"));

    let resp = get(&app, "/portal/projects/1", Some(&ana)).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let html = body(resp).await;
    assert!(html.contains("<body class=\"portal\">"));
    // Only the two hours of visible, finished design work.
    assert!(html.contains("id=\"time-total\" value=\"7200\""), "{html}");
    assert!(html.contains("<svg"));
    assert!(html.contains("<meter class=\"bar\""));
    assert!(html.contains("Last updated"));
    assert!(html.contains("Next update"));
    for secret in [
        "Secret note",
        "Training Qz",
        "Course Qx",
        "Pricing argument",
        "Unfinished Uq",
        "Maria",
        "4321987",
        "55555.00",
    ] {
        assert!(!html.contains(secret), "{secret} leaked");
    }

    // Both views are in the client's access log, none in the other's. Views
    // are logged in the background; a write queued after them commits after.
    f.state.store.write(|_| Ok(())).await.unwrap();
    let (log_a, log_b) = f
        .state
        .store
        .read(|txn| {
            Ok((
                stored::access_log(txn, CLIENT_A, 10)?,
                stored::access_log(txn, CLIENT_B, 10)?,
            ))
        })
        .unwrap();
    assert_eq!(log_a.len(), 2);
    assert_eq!(log_a[0].project_id, Some(PROJECT_A));
    assert_eq!(log_a[1].project_id, None);
    assert!(log_a.iter().all(|a| a.contact_id == CONTACT_A));
    assert!(log_b.is_empty());
}

#[actix_web::test]
async fn a_contact_of_another_client_gets_404() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let bo = sign_in_contact(&f, &app, CONTACT_B).await;
    for uri in [
        "/portal/projects/1",
        "/portal/projects/999",
        "/portal/projects/x",
    ] {
        let resp = get(&app, uri, Some(&bo)).await;
        assert_eq!(resp.status(), StatusCode::NOT_FOUND, "{uri}");
        assert!(!body(resp).await.contains("Contoso"), "{uri}");
    }
    assert_eq!(
        get(&app, "/portal/projects/2", Some(&bo)).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn a_project_taken_off_the_portal_is_gone() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let ana = sign_in_contact(&f, &app, CONTACT_A).await;
    f.state
        .store
        .write(|txn| {
            let mut p: Project = txn.must(PROJECT_A.0)?;
            let mut lens = Lens::default();
            lens.sections.milestones = false;
            lens.sections.time = false;
            lens.sections.budget = false;
            p.lens = Some(lens);
            records::put(txn, &p)
        })
        .await
        .unwrap();
    assert_eq!(
        get(&app, "/portal/projects/1", Some(&ana)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(
        !body(get(&app, "/portal", Some(&ana)).await)
            .await
            .contains("Contoso relaunch")
    );
}

#[actix_web::test]
async fn revoking_access_ends_sessions_and_refuses_links() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let ana = sign_in_contact(&f, &app, CONTACT_A).await;
    let spare = seed_link(&f, CONTACT_A, SignedDuration::from_mins(15)).await;
    let (staff, csrf) = sign_in_staff(&f, MANAGER).await;

    let resp = call(
        &app,
        test::TestRequest::post()
            .uri("/clients/1/contacts/1/access")
            .cookie(staff.clone())
            .set_form([("csrf", csrf.as_str()), ("access", "off")])
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);

    let resp = get(&app, "/portal", Some(&ana)).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&resp), "/portal/login");
    let sessions = f
        .state
        .store
        .read(|txn| {
            Ok(txn
                .open_table(glasshouse::store::tables::PORTAL_SESSIONS)?
                .len()?)
        })
        .unwrap();
    assert_eq!(sessions, 0);

    let resp = redeem(&app, &spare).await;
    assert_eq!(resp.status(), StatusCode::GONE);
    assert!(cookie(&resp, "gh_portal").is_none());

    // Asking for a link now sends nothing, yet answers as for anyone.
    let before = outbox(&f).len();
    let resp = request_link(&app, "ana@contoso.example").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(outbox(&f).len(), before);
}

#[actix_web::test]
async fn links_work_once_and_not_after_expiry() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let token = seed_link(&f, CONTACT_A, SignedDuration::from_mins(15)).await;
    assert_eq!(redeem(&app, &token).await.status(), StatusCode::SEE_OTHER);
    let again = redeem(&app, &token).await;
    assert_eq!(again.status(), StatusCode::GONE);
    assert!(cookie(&again, "gh_portal").is_none());
    assert!(body(again).await.contains("Email me a fresh link"));

    let stale = seed_link(&f, CONTACT_A, SignedDuration::from_secs(-1)).await;
    let page = get(&app, &format!("/portal/auth/{stale}"), None).await;
    assert_eq!(page.status(), StatusCode::GONE);
    let resp = redeem(&app, &stale).await;
    assert_eq!(resp.status(), StatusCode::GONE);
    assert!(cookie(&resp, "gh_portal").is_none());

    let unknown = get(&app, "/portal/auth/not-a-token", None).await;
    assert_eq!(unknown.status(), StatusCode::GONE);

    // Without the form cookie the button does nothing.
    let fresh = seed_link(&f, CONTACT_A, SignedDuration::from_mins(15)).await;
    let resp = call(
        &app,
        test::TestRequest::post()
            .uri("/portal/auth")
            .set_form([("token", fresh.as_str()), ("csrf", "guess")])
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    // Opening the link page alone does not spend it.
    get(&app, &format!("/portal/auth/{fresh}"), None).await;
    assert_eq!(redeem(&app, &fresh).await.status(), StatusCode::SEE_OTHER);
}

async fn request_link<B: MessageBody + 'static>(app: &impl App<B>, email: &str) -> ServiceResponse {
    let form = get(app, "/portal/login", None).await;
    let login = cookie(&form, "gh_portal_login").unwrap();
    let csrf = csrf_in(&body(form).await);
    call(
        app,
        test::TestRequest::post()
            .uri("/portal/login")
            .cookie(login)
            .set_form([("email", email), ("csrf", csrf.as_str())])
            .to_request(),
    )
    .await
}

#[actix_web::test]
async fn asking_for_a_link_answers_alike_and_mails_only_known_contacts() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let known = request_link(&app, "Ana@Contoso.example").await;
    assert_eq!(known.status(), StatusCode::OK);
    let known = body(known).await;
    let unknown = request_link(&app, "nobody@contoso.example").await;
    assert_eq!(unknown.status(), StatusCode::OK);
    let unknown = body(unknown).await;
    let strip = |html: &str| html.replace(&csrf_in(html), "");
    assert_eq!(strip(&known), strip(&unknown));

    let mail = outbox(&f);
    assert_eq!(mail.len(), 1);
    let message = &mail[0].message;
    assert_eq!(message.to, "ana@contoso.example");
    let at = message.text.find("/portal/auth/").unwrap() + "/portal/auth/".len();
    let token: String = message.text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    let resp = redeem(&app, &token).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);

    // A spent link offers a fresh one, which is mailed to its contact.
    let page = get(&app, &format!("/portal/auth/{token}"), None).await;
    let login = cookie(&page, "gh_portal_login").unwrap();
    let csrf = csrf_in(&body(page).await);
    let resp = call(
        &app,
        test::TestRequest::post()
            .uri("/portal/auth/resend")
            .cookie(login)
            .set_form([("token", token.as_str()), ("csrf", csrf.as_str())])
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert_eq!(outbox(&f).len(), 2);
}

#[actix_web::test]
async fn link_requests_are_throttled_per_address() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(request_link(&app, "ana@contoso.example").await.status());
    }
    assert!(
        statuses[..5].iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
    assert_eq!(statuses[6], StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(outbox(&f).len(), 5);
}

#[actix_web::test]
async fn staff_and_contact_sessions_open_only_their_own_side() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let ana = sign_in_contact(&f, &app, CONTACT_A).await;
    let (staff, _) = sign_in_staff(&f, MANAGER).await;

    // A staff cookie is no contact.
    for uri in ["/portal", "/portal/projects/1"] {
        let resp = get(&app, uri, Some(&staff)).await;
        assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{uri}");
        assert_eq!(location(&resp), "/portal/login");
        let swapped = Cookie::new("gh_portal", staff.value().to_owned());
        assert_eq!(
            get(&app, uri, Some(&swapped)).await.status(),
            StatusCode::SEE_OTHER
        );
    }
    // A contact cookie, under either name, opens no staff page or API route.
    let swapped = Cookie::new("gh_session", ana.value().to_owned());
    for c in [&ana, &swapped] {
        for uri in [
            "/",
            "/projects/1/preview",
            "/projects/1/lens",
            "/clients/1/contacts",
        ] {
            let resp = get(&app, uri, Some(c)).await;
            assert_eq!(resp.status(), StatusCode::SEE_OTHER, "{uri}");
            assert!(location(&resp).starts_with("/login"), "{uri}");
        }
    }
    let resp = call(
        &app,
        test::TestRequest::post()
            .uri("/api/v1/contacts/1/invite")
            .cookie(ana.clone())
            .insert_header(("Authorization", format!("Bearer {}", ana.value())))
            .to_request(),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    // And the staff cookie still works on its side.
    assert_eq!(
        get(&app, "/projects/1/preview", Some(&staff))
            .await
            .status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn the_preview_is_the_portal_page_with_a_banner() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let ana = sign_in_contact(&f, &app, CONTACT_A).await;
    let (manager, _) = sign_in_staff(&f, MANAGER).await;
    let (member, _) = sign_in_staff(&f, MEMBER).await;

    let preview = body(get(&app, "/projects/1/preview", Some(&manager)).await).await;
    let portal = body(get(&app, "/portal/projects/1", Some(&ana)).await).await;
    assert!(preview.contains("class=\"preview-banner\""));
    assert!(!portal.contains("preview-banner"));
    let main = |html: &str| {
        let start = html.find("<main").unwrap();
        html[start..html.find("</main>").unwrap()].to_owned()
    };
    assert_eq!(main(&preview), main(&portal));
    assert_eq!(
        get(&app, "/projects/1/preview", Some(&member))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );
    // Staff previews are not client views.
    f.state.store.write(|_| Ok(())).await.unwrap();
    let log = f
        .state
        .store
        .read(|txn| stored::access_log(txn, CLIENT_A, 10))
        .unwrap();
    assert_eq!(log.len(), 1);
}

#[actix_web::test]
async fn managers_edit_the_lens_and_approve_time() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let (manager, csrf) = sign_in_staff(&f, MANAGER).await;
    let post = |uri: &str, form: Vec<(&'static str, String)>| {
        test::TestRequest::post()
            .uri(uri)
            .cookie(manager.clone())
            .set_form(form)
            .to_request()
    };
    let lens_form = |at: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("time_detail", "detailed".into()),
            ("grouping", "both".into()),
            ("staff_names", "on".into()),
            ("budget", "with_money".into()),
            ("publishing", "live".into()),
            ("publish_at", at.into()),
            ("publish_day", "friday".into()),
            ("only_approved", "on".into()),
            ("time", "on".into()),
            ("budget_section", "on".into()),
        ]
    };
    let resp = call(&app, post("/projects/1/lens", lens_form("18:00"))).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let p: Project = f.state.store.read(|txn| txn.must(PROJECT_A.0)).unwrap();
    let lens = p.lens.unwrap();
    assert_eq!(lens.publishing, Publishing::Live);
    assert!(lens.only_approved && lens.staff_names && !lens.sections.milestones);

    // Nothing is approved yet, so the client sees no time.
    let ana = sign_in_contact(&f, &app, CONTACT_A).await;
    let html = body(get(&app, "/portal/projects/1", Some(&ana)).await).await;
    assert!(html.contains("id=\"time-total\" value=\"0\""));
    let today = Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::get("Europe/Berlin").unwrap())
        .date()
        .to_string();
    let resp = call(
        &app,
        post(
            "/projects/1/approve",
            vec![("csrf", csrf.clone()), ("until", today)],
        ),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let html = body(get(&app, "/portal/projects/1", Some(&ana)).await).await;
    assert!(html.contains("id=\"time-total\" value=\"7200\""), "{html}");
    assert!(html.contains("Homepage wireframes") && html.contains("Maria"));
    assert!(html.contains("55555.00 EUR"));
    assert!(!html.contains("Unfinished Uq"));

    // A bad time names its field and changes nothing.
    let mut bad = lens_form("25:99");
    bad[5].1 = "daily".into();
    let resp = call(&app, post("/projects/1/lens", bad)).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body(resp).await.contains("publish_at"));
    let p: Project = f.state.store.read(|txn| txn.must(PROJECT_A.0)).unwrap();
    assert_eq!(p.lens.unwrap().publishing, Publishing::Live);
}

#[actix_web::test]
async fn the_contacts_page_adds_invites_and_lists_views() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let (manager, csrf) = sign_in_staff(&f, MANAGER).await;
    let (member, member_csrf) = sign_in_staff(&f, MEMBER).await;
    let ana = sign_in_contact(&f, &app, CONTACT_A).await;
    get(&app, "/portal/projects/1", Some(&ana)).await;
    // The view is logged in the background; a later write commits after it.
    f.state.store.write(|_| Ok(())).await.unwrap();

    let html = body(get(&app, "/clients/1/contacts", Some(&manager)).await).await;
    assert!(html.contains("ana@contoso.example") && !html.contains("bo@fabrikam.example"));
    assert!(
        html.contains("Contoso relaunch"),
        "the access log names the project"
    );
    assert_eq!(
        get(&app, "/clients/1/contacts", Some(&member))
            .await
            .status(),
        StatusCode::NOT_FOUND
    );

    let add = |c: &Cookie<'static>, csrf: &str, email: &str| {
        test::TestRequest::post()
            .uri("/clients/1/contacts")
            .cookie(c.clone())
            .set_form([("csrf", csrf), ("name", "Carla"), ("email", email)])
            .to_request()
    };
    let resp = call(&app, add(&manager, &csrf, "carla@contoso.example")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = call(&app, add(&manager, &csrf, "bo@fabrikam.example")).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let resp = call(&app, add(&manager, &csrf, "carla")).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let resp = call(&app, add(&member, &member_csrf, "dan@contoso.example")).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let contacts = f
        .state
        .store
        .read(|txn| stored::contacts_of(txn, CLIENT_A))
        .unwrap();
    assert_eq!(contacts.len(), 2);

    // Inviting through another client's path is 404; through its own, a mail.
    let invite = |path: &str| {
        test::TestRequest::post()
            .uri(path)
            .cookie(manager.clone())
            .set_form([("csrf", csrf.as_str())])
            .to_request()
    };
    let resp = call(&app, invite("/clients/2/contacts/1/invite")).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(outbox(&f).is_empty());
    let resp = call(&app, invite("/clients/1/contacts/1/invite")).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let mail = outbox(&f);
    assert_eq!(mail.len(), 1);
    assert_eq!(
        mail[0].message.kind,
        glasshouse::mail::Kind::PortalInvitation
    );
    let link = f
        .state
        .store
        .read(|txn| {
            let table = txn.open_table(glasshouse::store::tables::MAGIC_LINKS)?;
            let mut links = Vec::new();
            for row in table.iter()? {
                links.push(decode::<stored::MagicLink>("magic_links", row?.1.value())?);
            }
            Ok(links)
        })
        .unwrap()
        .into_iter()
        .find(|l| l.purpose == Purpose::Invitation)
        .unwrap();
    assert_eq!(
        link.expires_at.duration_since(link.created_at),
        SignedDuration::from_hours(168)
    );
}

#[actix_web::test]
async fn the_api_adds_and_invites_contacts_for_managers_only() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let mut tokens = Vec::new();
    for user in [MANAGER, MEMBER] {
        let token = new_token();
        let hash = token_hash(&token);
        f.state
            .store
            .write(move |txn| staff_auth::create_api_token(txn, &hash, user, "t", Timestamp::now()))
            .await
            .unwrap();
        tokens.push(token);
    }
    let (manager, member) = (tokens[0].clone(), tokens[1].clone());
    let api = |token: &str, uri: &str, json: Option<serde_json::Value>| {
        let req = test::TestRequest::post()
            .uri(uri)
            .insert_header(("Authorization", format!("Bearer {token}")));
        match json {
            Some(json) => req.set_json(json).to_request(),
            None => req.to_request(),
        }
    };
    let new = serde_json::json!({"name": "Dana", "email": "Dana@Contoso.example"});
    let resp = call(
        &app,
        api(&member, "/api/v1/clients/1/contacts", Some(new.clone())),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = call(
        &app,
        api(&manager, "/api/v1/clients/1/contacts", Some(new.clone())),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let created: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(created["email"], "dana@contoso.example");
    assert_eq!(created["client_id"], 1);
    let resp = call(&app, api(&manager, "/api/v1/clients/2/contacts", Some(new))).await;
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    let bad = serde_json::json!({"name": "Eve", "email": "eve"});
    let resp = call(&app, api(&manager, "/api/v1/clients/1/contacts", Some(bad))).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let err: serde_json::Value = test::read_body_json(resp).await;
    assert_eq!(err["error"]["field"], "email");
    let ghost = serde_json::json!({"name": "Gus", "email": "gus@x.example"});
    let resp = call(
        &app,
        api(&manager, "/api/v1/clients/99/contacts", Some(ghost)),
    )
    .await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);

    let id = created["id"].as_u64().unwrap();
    let uri = format!("/api/v1/contacts/{id}/invite");
    assert_eq!(
        call(&app, api(&member, &uri, None)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert!(outbox(&f).is_empty());
    assert_eq!(
        call(&app, api(&manager, &uri, None)).await.status(),
        StatusCode::ACCEPTED
    );
    let mail = outbox(&f);
    assert_eq!(mail.len(), 1);
    // The mail builders address a contact by name as well as address.
    assert_eq!(mail[0].message.to, "Dana <dana@contoso.example>");
    let contact: Contact = f.state.store.read(|txn| txn.must(id)).unwrap();
    assert!(contact.portal_access);
}

#[actix_web::test]
async fn expired_links_and_idle_portal_sessions_are_purged() {
    let f = fixture().await;
    let app = test::init_service(http::app(f.state.clone())).await;
    let ana = sign_in_contact(&f, &app, CONTACT_A).await;
    seed_link(&f, CONTACT_A, SignedDuration::from_secs(-1)).await;
    let live = seed_link(&f, CONTACT_A, SignedDuration::from_mins(15)).await;
    let later = Timestamp::now() + SignedDuration::from_mins(5);
    let idle = SignedDuration::from_mins(1);
    let removed = f
        .state
        .store
        .write(move |txn| stored::purge(txn, later, idle, SignedDuration::from_hours(1)))
        .await
        .unwrap();
    // The idle session and the expired link; the used link from signing in
    // is still unexpired and stays, as does the fresh one.
    assert_eq!(removed, 2);
    assert_eq!(
        get(&app, "/portal", Some(&ana)).await.status(),
        StatusCode::SEE_OTHER
    );
    assert_eq!(redeem(&app, &live).await.status(), StatusCode::SEE_OTHER);
}
