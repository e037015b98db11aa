//! The staff web UI, in process through the app factory, on a real store:
//! signing in, CSRF, who may open what, and the forms that change entries,
//! projects, users and settings.

#[path = "common/staff.rs"]
mod staff;

use actix_web::test::{self, TestRequest};
use glasshouse::domain::CategoryId;
use glasshouse::domain::client::Client;
use glasshouse::domain::entry::Entry;
use glasshouse::domain::milestone::Milestone;
use glasshouse::domain::project::Project;
use glasshouse::domain::time::{Calendar, Day};
use glasshouse::domain::user::{Role, User};
use glasshouse::http;
use glasshouse::store::records::Reads;
use glasshouse::store::rollups;
use jiff::civil::date;
use staff::{Agency, PASSWORD, csrf_of, send};

macro_rules! get {
    ($app:expr, $browser:expr, $path:expr) => {
        send(&$app, $browser.get(&$path).to_request()).await
    };
}

macro_rules! post {
    ($app:expr, $browser:expr, $path:expr, $fields:expr) => {
        send(&$app, $browser.post(&$path, $fields).to_request()).await
    };
}

/// An agency with staff of every role, one client with two projects and
/// two categories.
struct World {
    agency: Agency,
    owner: User,
    admin: User,
    manager: User,
    /// A member of `alpha` only.
    ana: User,
    /// A member of `beta` only.
    ben: User,
    client: Client,
    alpha: Project,
    beta: Project,
    design: CategoryId,
    training: CategoryId,
}

async fn world() -> World {
    let agency = Agency::new();
    let owner = agency.user("olga@example.com", "Olga", Role::Owner).await;
    let admin = agency.user("adam@example.com", "Adam", Role::Admin).await;
    let manager = agency.user("mia@example.com", "Mia", Role::Manager).await;
    let ana = agency.user("ana@example.com", "Ana", Role::Member).await;
    let ben = agency.user("ben@example.com", "Ben", Role::Member).await;
    let client = agency.client("Acme").await;
    let alpha = agency
        .project(client.id, "Alpha site", &[ana.id], Some(10))
        .await;
    let beta = agency.project(client.id, "Beta app", &[ben.id], None).await;
    let design = agency.category("Design", false).await.id;
    let training = agency.category("Training", true).await.id;
    World {
        agency,
        owner,
        admin,
        manager,
        ana,
        ben,
        client,
        alpha,
        beta,
        design,
        training,
    }
}

fn entries_of(agency: &Agency, user: &User) -> Vec<Entry> {
    let mut entries: Vec<Entry> = agency
        .store()
        .read(|txn| txn.all::<Entry>())
        .expect("entries")
        .into_iter()
        .filter(|e| e.user_id == user.id)
        .collect();
    entries.sort_by_key(|e| e.start);
    entries
}

fn entry_fields<'a>(
    project: &'a str,
    category: &'a str,
    date: &'a str,
    start: &'a str,
    end: &'a str,
    description: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("project_id", project),
        ("category_id", category),
        ("date", date),
        ("start_time", start),
        ("end_time", end),
        ("duration", ""),
        ("description", description),
        ("billable", "on"),
    ]
}

#[actix_web::test]
async fn signing_in_sets_a_session_and_a_wrong_password_does_not() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;

    let form = send(&app, TestRequest::get().uri("/login").to_request())
        .await
        .expect(200);
    let login_cookie = form
        .cookie("gh_login")
        .expect("a sign-in cookie")
        .to_owned();
    let csrf = csrf_of(&form.body);
    let attempt = |password: &str| {
        TestRequest::post()
            .uri("/login")
            .cookie(actix_web::cookie::Cookie::new(
                "gh_login",
                login_cookie.clone(),
            ))
            .set_form([
                ("email", "Ana@Example.com"),
                ("password", password),
                ("csrf", csrf.as_str()),
                ("next", "/entries"),
            ])
            .to_request()
    };

    let wrong = send(&app, attempt("not the password")).await.expect(401);
    assert!(wrong.body.contains("do not match an active account"));
    assert!(wrong.cookie("gh_session").is_none());

    let right = send(&app, attempt(PASSWORD)).await.expect(303);
    assert_eq!(right.location.as_deref(), Some("/entries"));
    let session = right
        .cookie("gh_session")
        .expect("a session cookie")
        .to_owned();
    let home = send(
        &app,
        TestRequest::get()
            .uri("/")
            .cookie(actix_web::cookie::Cookie::new("gh_session", session))
            .to_request(),
    )
    .await
    .expect(200);
    assert!(home.body.contains("Ana"));

    let anonymous = send(&app, TestRequest::get().uri("/entries").to_request()).await;
    assert_eq!(anonymous.status.as_u16(), 303);
    assert_eq!(
        anonymous.location.as_deref(),
        Some("/login?next=%2Fentries")
    );
}

#[actix_web::test]
async fn repeated_failures_throttle_even_the_right_password() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let form = send(&app, TestRequest::get().uri("/login").to_request()).await;
    let cookie = form.cookie("gh_login").unwrap().to_owned();
    let csrf = csrf_of(&form.body);
    let attempt = |password: &str| {
        TestRequest::post()
            .uri("/login")
            .cookie(actix_web::cookie::Cookie::new("gh_login", cookie.clone()))
            .set_form([
                ("email", "ben@example.com"),
                ("password", password),
                ("csrf", csrf.as_str()),
            ])
            .to_request()
    };
    for _ in 0..5 {
        send(&app, attempt("guess")).await.expect(401);
    }
    let throttled = send(&app, attempt(PASSWORD)).await.expect(429);
    assert!(throttled.body.contains("Too many failed attempts"));
    assert!(throttled.cookie("gh_session").is_none());
}

#[actix_web::test]
async fn a_post_without_the_right_csrf_token_changes_nothing() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let ana = w.agency.browser(&w.ana).await;
    let admin = w.agency.browser(&w.admin).await;
    let (project, category) = (w.alpha.id.to_string(), w.design.to_string());
    let fields = entry_fields(
        &project,
        &category,
        "2026-05-04",
        "09:00",
        "10:00",
        "Wireframes for the homepage",
    );

    let missing = send(&app, ana.post_raw("/entries", &fields).to_request()).await;
    assert_eq!(missing.status.as_u16(), 403);
    let mut wrong = vec![("csrf", "not-the-token")];
    wrong.extend_from_slice(&fields);
    let forged = send(&app, ana.post_raw("/entries", &wrong).to_request()).await;
    assert_eq!(forged.status.as_u16(), 403);
    assert!(entries_of(&w.agency, &w.ana).is_empty());

    let other_session = vec![("csrf", ana.csrf.as_str()), ("name", "Hijacked")];
    let refused = send(
        &app,
        admin.post_raw("/settings", &other_session).to_request(),
    )
    .await;
    assert_eq!(refused.status.as_u16(), 403);
    let settings = w.agency.store().read(|txn| txn.settings()).unwrap();
    assert_ne!(settings.name, "Hijacked");

    post!(app, ana, "/entries", &fields).expect(303);
    assert_eq!(entries_of(&w.agency, &w.ana).len(), 1);
}

#[actix_web::test]
async fn each_role_reaches_only_its_sections() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let browsers = [
        (Role::Member, w.agency.browser(&w.ana).await),
        (Role::Manager, w.agency.browser(&w.manager).await),
        (Role::Admin, w.agency.browser(&w.admin).await),
        (Role::Owner, w.agency.browser(&w.owner).await),
    ];
    let everyone = ["/", "/entries", "/entries/new", "/timesheet", "/projects"];
    let managers = [
        "/clients".to_owned(),
        "/clients/new".to_owned(),
        "/review".to_owned(),
        "/projects/new".to_owned(),
        format!("/clients/{}", w.client.id),
        format!("/clients/{}/edit", w.client.id),
        format!("/projects/{}/edit", w.alpha.id),
        format!("/projects/{}", w.beta.id),
    ];
    let admins = [
        "/categories",
        "/categories/new",
        "/users",
        "/users/new",
        "/settings",
    ];
    for (role, browser) in &browsers {
        for path in everyone {
            get!(app, browser, path).expect(200);
        }
        for path in &managers {
            let want = if role.sees_all_time() { 200 } else { 404 };
            assert_eq!(
                get!(app, browser, path).status.as_u16(),
                want,
                "{role:?} {path}"
            );
        }
        for path in admins {
            let want = if role.is_admin() { 200 } else { 404 };
            assert_eq!(
                get!(app, browser, path).status.as_u16(),
                want,
                "{role:?} {path}"
            );
        }
    }

    // Admin-only and manager-only forms refuse a member even with a valid token.
    let ana = &browsers[0].1;
    post!(app, ana, "/categories", &[("name", "Sneaky")]).expect(404);
    post!(app, ana, "/clients", &[("name", "Sneaky")]).expect(404);
    let categories = w
        .agency
        .store()
        .read(|txn| txn.all::<glasshouse::domain::category::Category>())
        .unwrap();
    assert!(categories.iter().all(|c| c.name != "Sneaky"));
    let clients = w.agency.store().read(|txn| txn.all::<Client>()).unwrap();
    assert_eq!(clients.len(), 1);
}

#[actix_web::test]
async fn members_get_404_for_other_peoples_entries_and_projects() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let ana = w.agency.browser(&w.ana).await;
    let ben = w.agency.browser(&w.ben).await;
    let (project, category) = (w.beta.id.to_string(), w.design.to_string());
    let fields = entry_fields(
        &project,
        &category,
        "2026-05-04",
        "09:00",
        "11:00",
        "Login screen: error states",
    );
    post!(app, ben, "/entries", &fields).expect(303);
    let bens = entries_of(&w.agency, &w.ben);
    let id = bens[0].id;

    get!(app, ana, format!("/entries/{id}/edit")).expect(404);
    get!(app, ana, format!("/projects/{}", w.beta.id)).expect(404);
    get!(app, ana, format!("/projects/{}", w.alpha.id)).expect(200);
    get!(app, ana, format!("/entries?project={}", w.beta.id)).expect(404);
    get!(app, ana, format!("/timesheet?user={}", w.ben.id)).expect(404);
    post!(app, ana, format!("/entries/{id}/delete"), &[]).expect(404);
    let edit = entry_fields(
        &project,
        &category,
        "2026-05-04",
        "09:00",
        "12:00",
        "Taken over",
    );
    post!(app, ana, format!("/entries/{id}"), &edit).expect(404);
    assert_eq!(entries_of(&w.agency, &w.ben), bens);

    let list = get!(app, ana, "/entries").expect(200);
    assert!(!list.body.contains("Login screen"));
    let projects = get!(app, ana, "/projects").expect(200);
    assert!(projects.body.contains("Alpha site") && !projects.body.contains("Beta app"));

    // A member may not log time on a project they are not on.
    let on_beta = entry_fields(
        &project,
        &category,
        "2026-05-05",
        "09:00",
        "10:00",
        "Sneaking time onto beta",
    );
    let refused = post!(app, ana, "/entries", &on_beta).expect(422);
    assert!(refused.body.contains("not a member of this project"));
    assert!(entries_of(&w.agency, &w.ana).is_empty());
}

#[actix_web::test]
async fn entries_are_created_edited_and_deleted_through_the_forms() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let ana = w.agency.browser(&w.ana).await;
    let (project, design) = (w.alpha.id.to_string(), w.design.to_string());

    let form = get!(app, ana, "/entries/new").expect(200);
    assert!(form.body.contains("name=\"duration\""));
    let fields = entry_fields(
        &project,
        &design,
        "2026-05-04",
        "09:00",
        "10:30",
        "Homepage hero: three logo variants",
    );
    let created = post!(app, ana, "/entries", &fields).expect(303);
    assert_eq!(created.location.as_deref(), Some("/entries?done=created"));
    let by_duration = [
        ("project_id", project.as_str()),
        ("category_id", design.as_str()),
        ("date", "2026-05-05"),
        ("duration", "1:15"),
        ("description", "misc"),
    ];
    post!(app, ana, "/entries", &by_duration).expect(303);
    let entries = entries_of(&w.agency, &w.ana);
    assert_eq!(
        entries.iter().map(Entry::seconds).collect::<Vec<_>>(),
        [5400, 4500]
    );
    assert!(entries[0].billable && !entries[1].billable);
    assert!(w.agency.rollup_differences().is_empty());

    let list = get!(app, ana, "/entries?done=created").expect(200);
    assert!(list.body.contains("Homepage hero"));
    assert!(list.body.contains("Created."));
    assert_eq!(list.body.matches("class=\"tag vague\"").count(), 1);

    let id = entries[0].id;
    let edit = get!(app, ana, format!("/entries/{id}/edit")).expect(200);
    assert!(edit.body.contains("value=\"10:30\""));
    let training = w.training.to_string();
    let mut changed = entry_fields(
        &project,
        &training,
        "2026-05-04",
        "09:00",
        "12:00",
        "Onboarding: design system walkthrough",
    );
    changed.push(("internal", "on"));
    post!(app, ana, format!("/entries/{id}"), &changed).expect(303);
    let saved: Entry = w.agency.get(id.0).unwrap();
    assert_eq!(saved.seconds(), 3 * 3600);
    assert!(saved.internal, "the internal flag was ticked");
    assert!(!saved.billable, "internal categories are never billable");
    assert_eq!(saved.category_id, w.training);
    assert!(w.agency.rollup_differences().is_empty());

    let delete_form = get!(app, ana, format!("/entries/{id}/edit")).expect(200);
    assert!(delete_form.body.contains("data-confirm="));
    post!(app, ana, format!("/entries/{id}/delete"), &[]).expect(303);
    assert!(w.agency.get::<Entry>(id.0).is_none());
    assert_eq!(entries_of(&w.agency, &w.ana).len(), 1);
    assert!(w.agency.rollup_differences().is_empty());
}

#[actix_web::test]
async fn bad_times_come_back_with_the_field_named_and_the_values_kept() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let ana = w.agency.browser(&w.ana).await;
    let (project, design) = (w.alpha.id.to_string(), w.design.to_string());

    let bad_duration = [
        ("project_id", project.as_str()),
        ("category_id", design.as_str()),
        ("date", "2026-05-04"),
        ("duration", "1:75"),
        ("description", "Homepage hero: variants"),
    ];
    let page = post!(app, ana, "/entries", &bad_duration).expect(422);
    assert!(page.body.contains("id=\"duration-error\""));
    assert!(page.body.contains("aria-describedby=\"duration-error\""));
    assert!(page.body.contains("value=\"1:75\""));
    assert!(page.body.contains("Homepage hero: variants"));

    let backwards = entry_fields(
        &project,
        &design,
        "2026-05-04",
        "11:00",
        "10:00",
        "Backwards",
    );
    let page = post!(app, ana, "/entries", &backwards).expect(422);
    assert!(page.body.contains("id=\"end_time-error\""));
    assert!(page.body.contains("must be after the start time"));
    assert!(page.body.contains("aria-invalid=\"true\""));
    assert!(!page.body.contains("id=\"duration-error\""));

    let no_date = entry_fields(&project, &design, "someday", "09:00", "10:00", "x");
    let page = post!(app, ana, "/entries", &no_date).expect(422);
    assert!(page.body.contains("id=\"date-error\""));

    assert!(entries_of(&w.agency, &w.ana).is_empty());
}

#[actix_web::test]
async fn the_lock_date_refuses_a_members_edit_but_not_an_admins() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let ana = w.agency.browser(&w.ana).await;
    let admin = w.agency.browser(&w.admin).await;
    let (project, design) = (w.alpha.id.to_string(), w.design.to_string());
    let april = entry_fields(
        &project,
        &design,
        "2026-04-20",
        "09:00",
        "10:00",
        "Sitemap and page inventory",
    );
    post!(app, ana, "/entries", &april).expect(303);
    let id = entries_of(&w.agency, &w.ana)[0].id;

    let settings = [
        ("name", "Studio North"),
        ("currency", "EUR"),
        ("time_zone", "UTC"),
        ("week_start", "monday"),
        ("lock_date", "2026-05-01"),
        ("vague_words", "misc\nstuff"),
        ("min_length", "10"),
    ];
    post!(app, admin, "/settings", &settings).expect(303);

    let longer = entry_fields(
        &project,
        &design,
        "2026-04-20",
        "09:00",
        "12:00",
        "Sitemap and page inventory",
    );
    let refused = post!(app, ana, format!("/entries/{id}"), &longer).expect(422);
    assert!(refused.body.contains("is locked"));
    assert!(refused.body.contains("role=\"alert\""));
    assert!(refused.body.contains("id=\"date-error\""));
    post!(app, ana, format!("/entries/{id}/delete"), &[]).expect(422);
    let new_locked = post!(app, ana, "/entries", &longer).expect(422);
    assert!(new_locked.body.contains("is locked"));
    let kept = entries_of(&w.agency, &w.ana);
    assert_eq!((kept.len(), kept[0].seconds()), (1, 3600));

    post!(app, admin, format!("/entries/{id}"), &longer).expect(303);
    assert_eq!(w.agency.get::<Entry>(id.0).unwrap().seconds(), 3 * 3600);
}

#[actix_web::test]
async fn the_timesheet_adds_up_a_week_across_the_dst_change() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let ana = w.agency.browser(&w.ana).await;
    let admin = w.agency.browser(&w.admin).await;
    let (project, design, training) = (
        w.alpha.id.to_string(),
        w.design.to_string(),
        w.training.to_string(),
    );
    // Logged while the agency still counted in UTC; the zone change below
    // rebuilds the roll-ups around them.
    let early = entry_fields(
        &project,
        &design,
        "2026-03-23",
        "09:00",
        "10:30",
        "Kick-off workshop notes",
    );
    post!(app, ana, "/entries", &early).expect(303);

    let settings = [
        ("name", "Studio Berlin"),
        ("currency", "EUR"),
        ("time_zone", "Europe/Berlin"),
        ("week_start", "monday"),
        ("lock_date", ""),
        ("vague_words", "misc"),
        ("min_length", "5"),
    ];
    post!(app, admin, "/settings", &settings).expect(303);
    assert!(w.agency.rollup_differences().is_empty());

    // Berlin skips 02:00-03:00 on Sunday 2026-03-29: 01:00-04:00 is two hours.
    for fields in [
        entry_fields(
            &project,
            &design,
            "2026-03-29",
            "01:00",
            "04:00",
            "Launch night deploy",
        ),
        entry_fields(
            &project,
            &training,
            "2026-03-29",
            "23:00",
            "23:45",
            "Release retrospective",
        ),
        entry_fields(
            &project,
            &design,
            "2026-03-30",
            "00:15",
            "01:00",
            "Next week already",
        ),
    ] {
        post!(app, ana, "/entries", &fields).expect(303);
    }

    let sheet = get!(app, ana, "/timesheet?week=2026-03-26").expect(200);
    assert!(sheet.body.contains("Week of 2026-03-23"));
    assert!(
        sheet
            .body
            .contains("<td data-week-total><strong>4:15</strong></td>")
    );
    assert!(sheet.body.contains("data-day=\"0\">1:30</td>"));
    assert!(sheet.body.contains("data-day=\"6\">2:45</td>"));
    assert!(sheet.body.contains("data-day=\"3\">0:00</td>"));
    assert!(sheet.body.contains("href=\"/timesheet?week=2026-03-16\""));
    assert!(sheet.body.contains("href=\"/timesheet?week=2026-03-30\""));

    let calendar = Calendar::new("Europe/Berlin", jiff::civil::Weekday::Monday).unwrap();
    let week = calendar.week_of(date(2026, 3, 23));
    let tally = w
        .agency
        .store()
        .read(|txn| rollups::user_week(txn, w.ana.id, week))
        .unwrap();
    assert_eq!(tally.seconds, 4 * 3600 + 15 * 60);
    assert_eq!(week, Day::from_date(date(2026, 3, 23)));

    let next = get!(app, ana, "/timesheet?week=2026-03-30").expect(200);
    assert!(
        next.body
            .contains("<td data-week-total><strong>0:45</strong></td>")
    );

    let manager = w.agency.browser(&w.manager).await;
    let theirs = get!(
        app,
        manager,
        format!("/timesheet?week=2026-03-23&user={}", w.ana.id)
    )
    .expect(200);
    assert!(
        theirs
            .body
            .contains("<td data-week-total><strong>4:15</strong></td>")
    );
    assert!(w.agency.rollup_differences().is_empty());
}

#[actix_web::test]
async fn managers_plan_projects_and_milestones_through_the_forms() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let mia = w.agency.browser(&w.manager).await;
    let ana = w.agency.browser(&w.ana).await;
    let (client, ana_id, ben_id) = (
        w.client.id.to_string(),
        w.ana.id.to_string(),
        w.ben.id.to_string(),
    );
    let mut fields = vec![
        ("client_id", client.as_str()),
        ("name", "Gamma shop"),
        ("status", "active"),
        ("budget_hours", "20"),
        ("budget_amount", "2,500.50"),
        ("budget_period", "lifetime"),
        ("start", "2026-01-01"),
        ("end", "2026-12-31"),
        ("members", ana_id.as_str()),
        ("members", ben_id.as_str()),
        ("rate", "95"),
    ];
    let bad = [("budget_amount", "lots")];
    let mut with_bad = fields.clone();
    with_bad.retain(|(k, _)| *k != "budget_amount");
    with_bad.extend_from_slice(&bad);
    let page = post!(app, mia, "/projects", &with_bad).expect(422);
    assert!(page.body.contains("id=\"budget_amount-error\""));
    assert!(page.body.contains("value=\"Gamma shop\""));

    let created = post!(app, mia, "/projects", &fields).expect(303);
    let location = created.location.unwrap();
    let id: u64 = location
        .trim_start_matches("/projects/")
        .split('?')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let project: Project = w.agency.get(id).unwrap();
    assert_eq!(project.members, [w.ana.id, w.ben.id]);
    assert_eq!(project.budget_seconds, Some(20 * 3600));
    assert_eq!(project.budget_amount, Some(250_050));
    assert_eq!(project.rate, Some(9500));

    let design = w.design.to_string();
    let id_text = id.to_string();
    for (date, description) in [
        ("2026-11-30", "Product page layout"),
        ("2026-12-01", "Checkout flow review"),
    ] {
        let f = entry_fields(&id_text, &design, date, "08:00", "16:00", description);
        post!(app, ana, "/entries", &f).expect(303);
    }
    let detail = get!(app, ana, format!("/projects/{id}")).expect(200);
    assert!(detail.body.contains(
        "<meter class=\"bar\" min=\"0\" max=\"20.0\" low=\"16.0\" high=\"20.0\" optimum=\"0\" value=\"16.0\">"
    ));
    assert!(detail.body.contains("16.0 of 20.0 h (80 %)"));
    assert!(detail.body.contains("<svg"));
    assert!(detail.body.contains("2500.50 EUR"));
    assert!(
        !detail.body.contains("Add a milestone"),
        "members do not plan milestones"
    );

    let milestone = [
        ("title", "Design sign-off"),
        ("due", "2026-12-15"),
        ("status", "planned"),
        ("client_visible", "on"),
    ];
    post!(app, ana, format!("/projects/{id}/milestones"), &milestone).expect(404);
    let bad_due = [
        ("title", "Launch"),
        ("due", "next friday"),
        ("status", "planned"),
    ];
    let page = post!(app, mia, format!("/projects/{id}/milestones"), &bad_due).expect(422);
    assert!(page.body.contains("id=\"due-error\""));
    post!(app, mia, format!("/projects/{id}/milestones"), &milestone).expect(303);
    let milestones = w.agency.store().read(|txn| txn.all::<Milestone>()).unwrap();
    assert_eq!(milestones.len(), 1);
    assert!(milestones[0].client_visible);
    let mid = milestones[0].id;
    let done = [
        ("title", "Design sign-off"),
        ("due", "2026-12-15"),
        ("status", "done"),
    ];
    post!(app, mia, format!("/projects/{id}/milestones/{mid}"), &done).expect(303);
    let m: Milestone = w.agency.get(mid.0).unwrap();
    assert!(m.done_at.is_some() && !m.client_visible);
    post!(
        app,
        mia,
        format!("/projects/{}/milestones/{mid}/delete", w.alpha.id),
        &[]
    )
    .expect(404);
    post!(
        app,
        mia,
        format!("/projects/{id}/milestones/{mid}/delete"),
        &[]
    )
    .expect(303);
    assert!(w.agency.get::<Milestone>(mid.0).is_none());

    fields.retain(|(k, v)| !(*k == "members" && *v == ben_id));
    fields[1] = ("name", "Gamma shop relaunch");
    post!(app, mia, format!("/projects/{id}"), &fields).expect(303);
    let project: Project = w.agency.get(id).unwrap();
    assert_eq!(project.members, [w.ana.id]);
    assert_eq!(project.name, "Gamma shop relaunch");
    let ben = w.agency.browser(&w.ben).await;
    get!(app, ben, format!("/projects/{id}")).expect(404);
}

#[actix_web::test]
async fn disabling_ends_sessions_and_the_last_owner_stays() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let admin = w.agency.browser(&w.admin).await;
    let owner = w.agency.browser(&w.owner).await;
    let ben = w.agency.browser(&w.ben).await;
    get!(app, ben, "/").expect(200);

    post!(
        app,
        admin,
        format!("/users/{}/disable", w.ben.id),
        &[("disabled", "true")]
    )
    .expect(303);
    let signed_out = get!(app, ben, "/");
    assert_eq!(signed_out.status.as_u16(), 303);
    assert!(w.agency.get::<User>(w.ben.id.0).unwrap().disabled);

    let refused = post!(
        app,
        owner,
        format!("/users/{}/disable", w.owner.id),
        &[("disabled", "true")]
    )
    .expect(422);
    assert!(refused.body.contains("your own account"));
    let refused = post!(
        app,
        admin,
        format!("/users/{}/disable", w.owner.id),
        &[("disabled", "true")]
    )
    .expect(422);
    assert!(refused.body.contains("owner"));
    let demote = [
        ("name", "Olga"),
        ("role", "admin"),
        ("cost_rate", ""),
        ("default_rate", ""),
    ];
    let refused = post!(app, owner, format!("/users/{}", w.owner.id), &demote).expect(422);
    assert!(refused.body.contains("last active owner"));
    assert!(!w.agency.get::<User>(w.owner.id.0).unwrap().disabled);
    assert_eq!(
        w.agency.get::<User>(w.owner.id.0).unwrap().role,
        Role::Owner
    );

    post!(
        app,
        admin,
        format!("/users/{}/disable", w.ben.id),
        &[("disabled", "false")]
    )
    .expect(303);
    assert!(!w.agency.get::<User>(w.ben.id.0).unwrap().disabled);

    let add = [
        ("email", "cleo@example.com"),
        ("name", "Cleo"),
        ("role", "manager"),
        ("password", "short"),
    ];
    let page = post!(app, admin, "/users", &add).expect(422);
    assert!(page.body.contains("id=\"password-error\""));
    let add = [
        ("email", "ANA@example.com"),
        ("name", "Another Ana"),
        ("role", "member"),
        ("password", "a long enough password"),
    ];
    let page = post!(app, admin, "/users", &add).expect(422);
    assert!(page.body.contains("id=\"email-error\""));
    let add = [
        ("email", "cleo@example.com"),
        ("name", "Cleo"),
        ("role", "manager"),
        ("password", "a long enough password"),
    ];
    post!(app, admin, "/users", &add).expect(303);
    let cleo = w
        .agency
        .store()
        .read(|txn| txn.user_by_email("cleo@example.com"))
        .unwrap()
        .unwrap();
    assert_eq!(cleo.role, Role::Manager);
    let rates = [
        ("name", "Cleo B."),
        ("role", "manager"),
        ("cost_rate", "40"),
        ("default_rate", "90.5"),
    ];
    post!(app, admin, format!("/users/{}", cleo.id), &rates).expect(303);
    let cleo: User = w.agency.get(cleo.id.0).unwrap();
    assert_eq!(
        (cleo.cost_rate, cleo.default_rate),
        (Some(4000), Some(9050))
    );
}

#[actix_web::test]
async fn admins_keep_categories_and_settings_and_managers_clients() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let admin = w.agency.browser(&w.admin).await;
    let mia = w.agency.browser(&w.manager).await;

    post!(app, admin, "/categories", &[("name", "design")]).expect(422);
    post!(
        app,
        admin,
        "/categories",
        &[("name", "Research"), ("internal", "on")]
    )
    .expect(303);
    post!(
        app,
        admin,
        format!("/categories/{}/archive", w.design),
        &[("archived", "true")]
    )
    .expect(303);
    let new_entry = get!(app, w.agency.browser(&w.ana).await, "/entries/new").expect(200);
    assert!(!new_entry.body.contains(">Design<"));
    assert!(new_entry.body.contains("Research (internal)"));

    let bad_zone = [
        ("name", "Studio"),
        ("currency", "EUR"),
        ("time_zone", "Mars/Olympus"),
        ("week_start", "monday"),
        ("lock_date", ""),
        ("vague_words", ""),
        ("min_length", "10"),
    ];
    let page = post!(app, admin, "/settings", &bad_zone).expect(422);
    assert!(page.body.contains("id=\"time_zone-error\""));
    assert!(page.body.contains("role=\"alert\""));
    assert!(
        page.body
            .contains("aria-describedby=\"time_zone-error time_zone-hint\""),
        "the error and the hint are both read with the field"
    );
    assert!(page.body.contains("id=\"time_zone-hint\""));
    assert!(page.body.contains("value=\"Mars/Olympus\""));
    let saved = w.agency.store().read(|txn| txn.settings()).unwrap();
    assert_eq!(saved.time_zone, "UTC");

    let notifications = |time: &'static str, thresholds: &'static str| {
        [
            ("name", "Studio"),
            ("currency", "EUR"),
            ("time_zone", "UTC"),
            ("week_start", "monday"),
            ("lock_date", ""),
            ("vague_words", ""),
            ("min_length", "10"),
            ("digest_weekday", "friday"),
            ("digest_time", time),
            ("alert_thresholds", thresholds),
        ]
    };
    let page = post!(app, admin, "/settings", &notifications("25:00", "80")).expect(422);
    assert!(page.body.contains("id=\"digest_time-error\""));
    let page = post!(app, admin, "/settings", &notifications("17:30", "80, lots")).expect(422);
    assert!(page.body.contains("id=\"alert_thresholds-error\""));
    let unchanged = w.agency.store().read(|txn| txn.settings()).unwrap();
    assert_eq!(unchanged.alert_thresholds, [75, 90, 100]);
    post!(app, admin, "/settings", &notifications("17:30", "100, 80")).expect(303);
    let saved = w.agency.store().read(|txn| txn.settings()).unwrap();
    assert_eq!(saved.digest_weekday, jiff::civil::Weekday::Friday);
    assert_eq!(saved.digest_time, jiff::civil::Time::constant(17, 30, 0, 0));
    assert_eq!(saved.alert_thresholds, [80, 100]);
    let page = get!(app, admin, "/settings").expect(200);
    assert!(page.body.contains("value=\"17:30\""));
    assert!(page.body.contains("value=\"80, 100\""));

    post!(app, mia, "/clients", &[("name", "  ")]).expect(422);
    let created = post!(app, mia, "/clients", &[("name", "Globex")]).expect(303);
    let id = created.location.unwrap();
    let id = id
        .trim_start_matches("/clients/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    post!(
        app,
        mia,
        format!("/clients/{id}/archive"),
        &[("archived", "true")]
    )
    .expect(303);
    let client: Client = w.agency.get(id.parse().unwrap()).unwrap();
    assert!(client.archived && client.name == "Globex");
    let page = get!(app, mia, format!("/clients/{}", w.client.id)).expect(200);
    assert!(page.body.contains("Alpha site") && page.body.contains("Beta app"));
}

#[actix_web::test]
async fn the_review_page_lists_vague_entries_for_managers() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let ana = w.agency.browser(&w.ana).await;
    let today = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .to_string();
    let (project, design) = (w.alpha.id.to_string(), w.design.to_string());
    for description in ["stuff", "Homepage hero: three logo variants"] {
        let f = entry_fields(&project, &design, &today, "00:00", "00:30", description);
        post!(app, ana, "/entries", &f).expect(303);
    }
    let mia = w.agency.browser(&w.manager).await;
    let page = get!(app, mia, "/review").expect(200);
    assert!(page.body.contains("stuff"));
    assert!(!page.body.contains("three logo variants"));
    assert_eq!(page.body.matches("class=\"tag vague\"").count(), 1);
}

#[actix_web::test]
async fn the_entry_list_filters_and_pages_with_the_store_cursor() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let ana = w.agency.browser(&w.ana).await;
    let (project, design) = (w.alpha.id.to_string(), w.design.to_string());
    // 55 entries over 11 days of May, five a day.
    for n in 0..55 {
        let day = format!("2026-05-{:02}", 1 + n / 5);
        let start = format!("{:02}:00", 8 + n % 5);
        let end = format!("{:02}:30", 8 + n % 5);
        let description = format!("Component library, part {n:02}");
        let f = entry_fields(&project, &design, &day, &start, &end, &description);
        post!(app, ana, "/entries", &f).expect(303);
    }

    let first = get!(app, ana, "/entries").expect(200);
    assert_eq!(first.body.matches("/edit\">Edit</a>").count(), 50);
    assert!(first.body.contains("part 54"), "newest first");
    assert!(!first.body.contains("part 04"));
    let marker = "href=\"/entries?before=";
    let start = first.body.find(marker).expect("a link to older entries") + 6;
    let end = first.body[start..].find('"').unwrap();
    let next = first.body[start..start + end].replace("&amp;", "&");
    let second = get!(app, ana, next).expect(200);
    assert_eq!(second.body.matches("/edit\">Edit</a>").count(), 5);
    assert!(second.body.contains("part 04") && second.body.contains("part 00"));
    assert!(!second.body.contains("Older entries"));

    let day = get!(app, ana, "/entries?from=2026-05-03&to=2026-05-03").expect(200);
    assert_eq!(day.body.matches("/edit\">Edit</a>").count(), 5);
    assert!(day.body.contains("part 10") && day.body.contains("part 14"));
    assert!(day.body.contains("value=\"2026-05-03\""));
    let filtered = get!(
        app,
        ana,
        format!("/entries?project={}&from=2026-05-10", w.alpha.id)
    )
    .expect(200);
    assert_eq!(filtered.body.matches("/edit\">Edit</a>").count(), 10);
    get!(app, ana, "/entries?from=yesterday").expect(400);
}

#[actix_web::test]
async fn managers_log_time_for_others_and_a_new_week_start_reshapes_the_timesheet() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let mia = w.agency.browser(&w.manager).await;
    let admin = w.agency.browser(&w.admin).await;
    let (project, design, ana_id) = (
        w.alpha.id.to_string(),
        w.design.to_string(),
        w.ana.id.to_string(),
    );
    let mut fields = entry_fields(
        &project,
        &design,
        "2026-03-22",
        "10:00",
        "12:00",
        "Moodboard for the campaign",
    );
    fields.push(("user_id", ana_id.as_str()));
    post!(app, mia, "/entries", &fields).expect(303);
    let anas = entries_of(&w.agency, &w.ana);
    assert_eq!(anas.len(), 1);
    assert!(entries_of(&w.agency, &w.manager).is_empty());

    let ana = w.agency.browser(&w.ana).await;
    let monday_weeks = get!(app, ana, "/timesheet?week=2026-03-22").expect(200);
    assert!(monday_weeks.body.contains("Week of 2026-03-16"));
    assert!(monday_weeks.body.contains("data-day=\"6\">2:00</td>"));

    let settings = [
        ("name", "Studio"),
        ("currency", "EUR"),
        ("time_zone", "UTC"),
        ("week_start", "sunday"),
        ("lock_date", ""),
        ("vague_words", "misc\nMisc\nstuff"),
        ("min_length", "10"),
    ];
    post!(app, admin, "/settings", &settings).expect(303);
    let saved = w.agency.store().read(|txn| txn.settings()).unwrap();
    assert_eq!(saved.hygiene.vague_words, ["misc", "stuff"]);
    assert!(w.agency.rollup_differences().is_empty());

    let sunday_weeks = get!(app, ana, "/timesheet?week=2026-03-25").expect(200);
    assert!(sunday_weeks.body.contains("Week of 2026-03-22"));
    assert!(sunday_weeks.body.contains("data-day=\"0\">2:00</td>"));
    let calendar = saved.calendar();
    let tally = w
        .agency
        .store()
        .read(|txn| rollups::user_week(txn, w.ana.id, calendar.week_of(date(2026, 3, 22))))
        .unwrap();
    assert_eq!(tally.seconds, 2 * 3600);
}

#[actix_web::test]
async fn a_monthly_budget_counts_only_this_months_time() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let mia = w.agency.browser(&w.manager).await;
    let (client, ana_id) = (w.client.id.to_string(), w.ana.id.to_string());
    let fields = [
        ("client_id", client.as_str()),
        ("name", "Retainer"),
        ("status", "active"),
        ("budget_hours", "10"),
        ("budget_period", "monthly"),
        ("members", ana_id.as_str()),
    ];
    let created = post!(app, mia, "/projects", &fields).expect(303);
    let id = created.location.unwrap();
    let id = id
        .trim_start_matches("/projects/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();

    let this_month = jiff::Timestamp::now()
        .to_zoned(jiff::tz::TimeZone::UTC)
        .date()
        .first_of_month();
    let last_month = this_month.yesterday().unwrap();
    let (this_month, last_month) = (this_month.to_string(), last_month.to_string());
    let ana = w.agency.browser(&w.ana).await;
    let design = w.design.to_string();
    for (day, end) in [(&last_month, "05:00"), (&this_month, "03:00")] {
        let f = entry_fields(
            &id,
            &design,
            day,
            "00:00",
            end,
            "Monthly maintenance window",
        );
        post!(app, ana, "/entries", &f).expect(303);
    }
    let page = get!(app, ana, format!("/projects/{id}")).expect(200);
    assert!(page.body.contains("3.0 of 10.0 h (30 %)"), "{}", page.body);
    let list = get!(app, ana, "/projects").expect(200);
    assert!(list.body.contains("value=\"3.0\""));
}

/// Every same-site link on a staff page, with `&amp;` decoded.
fn links_of(html: &str) -> Vec<String> {
    html.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(|href| href.replace("&amp;", "&"))
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .filter(|href| {
            !["/static/", "/portal", "/api/"]
                .iter()
                .any(|p| href.starts_with(p))
        })
        .collect()
}

/// Follows every link from the home page; returns the pages reached, each
/// without its query string.
async fn crawl<S, B>(app: &S, browser: &staff::Browser) -> std::collections::BTreeSet<String>
where
    S: actix_web::dev::Service<
            actix_http::Request,
            Response = actix_web::dev::ServiceResponse<B>,
            Error = actix_web::Error,
        >,
    B: actix_web::body::MessageBody,
{
    let mut seen = std::collections::BTreeSet::from(["/".to_owned()]);
    let mut queue = vec!["/".to_owned()];
    while let Some(path) = queue.pop() {
        let page = send(app, browser.get(&path).to_request()).await;
        assert_eq!(page.status.as_u16(), 200, "a link leads to {path}");
        for link in links_of(&page.body) {
            if seen.len() < 400 && seen.insert(link.clone()) {
                queue.push(link);
            }
        }
    }
    seen.iter()
        .map(|p| p.split(['?', '#']).next().unwrap().to_owned())
        .collect()
}

#[actix_web::test]
async fn every_staff_page_is_reachable_from_the_navigation() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let owner = w.agency.browser(&w.owner).await;
    let reached = crawl(&app, &owner).await;
    let (client, alpha) = (w.client.id, w.alpha.id);
    for page in [
        "/timesheet".to_owned(),
        "/entries".to_owned(),
        "/entries/new".to_owned(),
        "/review".to_owned(),
        "/projects/new".to_owned(),
        format!("/projects/{alpha}/edit"),
        format!("/projects/{alpha}/lens"),
        format!("/projects/{alpha}/preview"),
        "/clients/new".to_owned(),
        format!("/clients/{client}/edit"),
        format!("/clients/{client}/contacts"),
        "/categories/new".to_owned(),
        "/users/new".to_owned(),
        format!("/users/{}/edit", w.ana.id),
        "/settings".to_owned(),
        "/admin/outbox".to_owned(),
    ] {
        assert!(
            reached.contains(&page),
            "{page} is linked; reached {reached:?}"
        );
    }

    // A member follows every link they are shown without meeting a 404,
    // and is shown none of the managers' pages.
    let ana = w.agency.browser(&w.ana).await;
    let reached = crawl(&app, &ana).await;
    assert!(reached.contains(&format!("/projects/{alpha}")));
    for hidden in [
        format!("/projects/{alpha}/lens"),
        format!("/projects/{alpha}/preview"),
        "/clients".to_owned(),
        "/settings".to_owned(),
        "/admin/outbox".to_owned(),
    ] {
        assert!(!reached.contains(&hidden), "a member is shown {hidden}");
    }
}

async fn set_status(w: &World, status: glasshouse::domain::project::ProjectStatus) {
    let id = w.alpha.id;
    w.agency
        .store()
        .write(move |txn| {
            let mut p: Project = txn.must(id.0)?;
            p.status = status;
            glasshouse::store::records::put(txn, &p)
        })
        .await
        .unwrap();
}

#[actix_web::test]
async fn the_entry_form_refuses_new_time_on_paused_and_done_projects() {
    use glasshouse::domain::project::ProjectStatus;
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let ana = w.agency.browser(&w.ana).await;
    let mia = w.agency.browser(&w.manager).await;
    let (project, design) = (w.alpha.id.to_string(), w.design.to_string());
    let fields = |date| entry_fields(&project, &design, date, "09:00", "10:00", "Hero layout");
    post!(app, ana, "/entries", &fields("2026-05-04")).expect(303);
    // Another project of hers stays open, so the form still has a picker.
    w.agency
        .project(w.client.id, "Gamma shop", &[w.ana.id], None)
        .await;

    set_status(&w, ProjectStatus::Paused).await;
    let page = post!(app, ana, "/entries", &fields("2026-05-05")).expect(422);
    assert!(page.body.contains("role=\"alert\""));
    assert!(page.body.contains("id=\"project_id-error\""));
    assert!(page.body.contains("aria-describedby=\"project_id-error\""));
    assert!(page.body.contains("this project is paused"));
    assert!(page.body.contains("Hero layout"), "the values are kept");
    let form = get!(app, ana, "/entries/new").expect(200);
    // The project's name appears on the form only in the picker.
    let option = w.alpha.name.clone();
    assert!(
        !form.body.contains(&option),
        "a paused project is not offered"
    );
    let mut for_ana = fields("2026-05-05");
    let ana_id = w.ana.id.to_string();
    for_ana.push(("user_id", &ana_id));
    post!(app, mia, "/entries", &for_ana).expect(303);
    assert!(
        get!(app, mia, "/entries/new")
            .expect(200)
            .body
            .contains(&option)
    );

    set_status(&w, ProjectStatus::Done).await;
    let page = post!(app, mia, "/entries", &for_ana).expect(422);
    assert!(page.body.contains("this project is done"));
    assert!(
        !get!(app, mia, "/entries/new")
            .expect(200)
            .body
            .contains(&option)
    );
    let logged = entries_of(&w.agency, &w.ana);
    assert_eq!(logged.len(), 2);

    // A correction to time already logged still goes through, and the
    // edit form keeps the closed project selected.
    let edit = format!("/entries/{}/edit", logged[0].id);
    let form = get!(app, ana, edit).expect(200);
    assert!(form.body.contains(&option));
    let mut fixed = fields("2026-05-04");
    fixed[6] = ("description", "Hero layout, final");
    post!(app, ana, format!("/entries/{}", logged[0].id), &fixed).expect(303);
    assert_eq!(
        entries_of(&w.agency, &w.ana)[0].description,
        "Hero layout, final"
    );
}

#[actix_web::test]
async fn the_contact_form_ties_its_errors_to_the_fields() {
    let w = world().await;
    let app = test::init_service(http::app(w.agency.state.clone())).await;
    let mia = w.agency.browser(&w.manager).await;
    let path = format!("/clients/{}/contacts", w.client.id);

    let bad = [("name", "Cleo Client"), ("email", "not an address")];
    let page = post!(app, mia, path, &bad).expect(422);
    assert!(page.body.contains("role=\"alert\""));
    assert!(page.body.contains("id=\"email-error\""));
    assert!(
        page.body
            .contains("aria-describedby=\"email-error email-hint\"")
    );
    assert!(
        page.body.contains("value=\"Cleo Client\""),
        "the values are kept"
    );

    let good = [("name", "Cleo Client"), ("email", "cleo@acme.example")];
    post!(app, mia, path, &good).expect(303);
    let again = [("name", "Cleo Again"), ("email", "cleo@acme.example")];
    let page = post!(app, mia, path, &again).expect(409);
    assert!(page.body.contains("id=\"email-error\""));
    let list = get!(app, mia, path).expect(200);
    assert!(
        list.body
            .contains("Send invitation<span class=\"sr-only\"> to Cleo Client</span>")
    );
    assert!(!list.body.contains("Cleo Again"));
}
