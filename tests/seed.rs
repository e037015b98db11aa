//! `glasshouse seed` through the real binary, and the bulk insert it uses
//! compared with inserting entries one at a time.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::Arc;

use actix_web::http::StatusCode;
use actix_web::test as actix_test;
use actix_web::web;
use glasshouse::config::Config;
use glasshouse::domain::contact::Contact;
use glasshouse::domain::milestone::Milestone;
use glasshouse::http::{self, AppState};
use glasshouse::metrics::Metrics;
use glasshouse::security::Throttle;
use glasshouse::store::portal::PortalReads;

use glasshouse::domain::category::Category;
use glasshouse::domain::entry::{Entry, EntryDraft, Source};
use glasshouse::domain::project::{Project, ProjectStatus};
use glasshouse::domain::user::{Role, User};
use glasshouse::domain::{CategoryId, EntryId, ProjectId, UserId};
use glasshouse::security::token_hash;
use glasshouse::store::records::{self, Reads};
use glasshouse::store::{Store, auth, entries, rollups, tables};
use jiff::{SignedDuration, Timestamp};
use redb::{ReadableTable, ReadableTableMetadata};

fn seed(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glasshouse"))
        .arg("--data")
        .arg(data)
        .arg("seed")
        .args(args)
        .env_remove("GLASSHOUSE_DATA")
        .output()
        .expect("the binary runs")
}

fn count(store: &Store, table: &str) -> u64 {
    store
        .read(|txn| {
            let n = match table {
                "entries" => txn.open_table(tables::ENTRIES)?.len()?,
                "by_project" => txn.open_table(tables::ENTRIES_BY_PROJECT)?.len()?,
                "by_user" => txn.open_table(tables::ENTRIES_BY_USER)?.len()?,
                "by_start" => txn.open_table(tables::ENTRIES_BY_START)?.len()?,
                other => panic!("no table {other}"),
            };
            Ok(n)
        })
        .unwrap()
}

#[test]
fn seeding_fills_an_empty_directory_consistently() {
    let dir = tempfile::tempdir().unwrap();
    // Small batches, so roll-up buckets span transactions.
    let out = seed(dir.path(), &["--entries", "5000", "--batch", "1200"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let store = Store::open(dir.path(), Default::default()).unwrap();
    assert_eq!(store.read(entries::check).unwrap(), Vec::<String>::new());
    for table in ["entries", "by_project", "by_user", "by_start"] {
        assert_eq!(count(&store, table), 5000, "{table}");
    }
    let stored = store.read(rollups::Snapshot::stored).unwrap();
    let counted = |tallies: Vec<i64>| tallies.iter().sum::<i64>();
    assert_eq!(
        counted(stored.project_day.values().map(|t| t.entries).collect()),
        5000
    );
    assert_eq!(
        counted(stored.project_week.values().map(|t| t.entries).collect()),
        5000
    );
    assert_eq!(
        counted(stored.user_week.values().map(|t| t.entries).collect()),
        5000
    );

    let (users, projects, categories, all) = store
        .read(|txn| {
            Ok((
                txn.all::<User>()?,
                txn.all::<Project>()?,
                txn.all::<Category>()?,
                txn.all::<Entry>()?,
            ))
        })
        .unwrap();
    assert_eq!(users.len(), 10);
    let ids: Vec<u64> = all.iter().map(|e| e.id.0).collect();
    assert_eq!(ids, (1..=5000).collect::<Vec<_>>());
    assert!(all.windows(2).all(|w| w[0].start <= w[1].start));
    for entry in &all {
        let project = projects.iter().find(|p| p.id == entry.project_id).unwrap();
        let user = users.iter().find(|u| u.id == entry.user_id).unwrap();
        assert!(
            entries::may_log(user.actor(), project, user.id),
            "{entry:?}"
        );
        let category = categories
            .iter()
            .find(|c| c.id == entry.category_id)
            .unwrap();
        assert!(!(category.internal && entry.billable), "{entry:?}");
        assert!(entry.end > entry.start);
    }
    assert!(categories.iter().any(|c| c.internal));
    // Every client project has a budget; the agency's own project has none.
    let budgeted = projects.iter().filter(|p| p.budget_seconds.is_some());
    assert_eq!(budgeted.count(), projects.len() - 1);

    let token = std::fs::read_to_string(dir.path().join("bench-token")).unwrap();
    let record = store
        .read(|txn| auth::api_token(txn, &token_hash(token.trim())))
        .unwrap()
        .expect("the written token is stored");
    let owner = users.iter().find(|u| u.id == record.user_id).unwrap();
    assert_eq!(owner.role, Role::Manager);
    let busiest: u64 = std::fs::read_to_string(dir.path().join("bench-project"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let busiest = projects
        .iter()
        .find(|p| p.id == ProjectId(busiest))
        .unwrap();
    assert_eq!(busiest.status, ProjectStatus::Active, "it takes new time");
}

#[actix_web::test]
async fn the_seeded_portal_session_opens_the_busiest_project() {
    let dir = tempfile::tempdir().unwrap();
    let out = seed(dir.path(), &["--entries", "2000"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let path = dir.path().join("bench-portal-cookie");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let cookie = std::fs::read_to_string(&path).unwrap().trim().to_owned();
    let (name, value) = cookie.split_once('=').expect("NAME=VALUE");
    assert_eq!(name, "gh_portal");
    let busiest = std::fs::read_to_string(dir.path().join("bench-project")).unwrap();
    let busiest = busiest.trim();

    let metrics = Metrics::new();
    let store = Store::open(dir.path(), metrics.store.clone()).unwrap();
    let session = store
        .read(|txn| txn.portal_session(&token_hash(value)))
        .unwrap()
        .expect("the cookie's session is stored");
    let (contact, project) = store
        .read(|txn| {
            Ok((
                txn.must::<Contact>(session.contact_id.0)?,
                txn.must::<Project>(busiest.parse().unwrap())?,
            ))
        })
        .unwrap();
    assert!(contact.portal_access);
    assert_eq!(contact.client_id, project.client_id);
    let sections = project.lens.expect("the project has its own lens").sections;
    assert!(sections.time && sections.budget && sections.milestones);

    let state = web::Data::new(AppState {
        store: Arc::new(store),
        config: Arc::new(Config::defaults(dir.path())),
        metrics,
        throttle: Throttle::default(),
    });
    let app_state = state.clone();
    let app = actix_test::init_service(http::app(state)).await;
    let page = |uri: String| {
        actix_test::TestRequest::get()
            .uri(&uri)
            .insert_header(("Cookie", cookie.clone()))
            .to_request()
    };
    let resp = actix_test::call_service(&app, page(format!("/portal/projects/{busiest}"))).await;
    assert_eq!(resp.status(), StatusCode::OK);
    let html = String::from_utf8(actix_test::read_body(resp).await.to_vec()).unwrap();
    for heading in ["Budget burn-down", "Timeline", "<h2>Time"] {
        assert!(html.contains(heading), "{heading} missing");
    }
    // A cached view gives way to any commit that changes what it shows, but
    // not to the page-view log.
    let store = Arc::clone(&app_state.store);
    let before = store.generation();
    store.write_in_background("test", |_| Ok(()));
    store.write(|_| Ok(())).await.unwrap();
    assert_eq!(store.generation(), before + 1);
    let project_id = project.id;
    let renamed = store
        .write(move |txn| {
            let mut milestone = txn
                .all::<Milestone>()?
                .into_iter()
                .find(|m| m.project_id == project_id && m.client_visible)
                .expect("a client-visible milestone");
            milestone.title = "Launch rehearsal Zq".into();
            records::put(txn, &milestone)?;
            Ok(milestone.title)
        })
        .await
        .unwrap();
    let resp = actix_test::call_service(&app, page(format!("/portal/projects/{busiest}"))).await;
    let html = String::from_utf8(actix_test::read_body(resp).await.to_vec()).unwrap();
    assert!(html.contains(&renamed), "the cached view outlived a change");

    // The first project is the agency's own, no client's.
    let resp = actix_test::call_service(&app, page("/portal/projects/1".into())).await;
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
}

#[test]
fn seeding_refuses_a_directory_with_data() {
    let dir = tempfile::tempdir().unwrap();
    assert!(seed(dir.path(), &["--entries", "300"]).status.success());
    let again = seed(dir.path(), &["--entries", "300"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already holds data"));
    let store = Store::open(dir.path(), Default::default()).unwrap();
    assert_eq!(count(&store, "entries"), 300);
}

fn sample(n: u64) -> Vec<EntryDraft> {
    let base: Timestamp = "2026-03-01T08:00:00Z".parse().unwrap();
    (0..n)
        .map(|i| {
            let start = base + SignedDuration::from_mins(i as i64 * 97);
            EntryDraft {
                project_id: ProjectId(1 + i % 3),
                category_id: CategoryId(1 + i % 2),
                user_id: UserId(1 + i % 4),
                start,
                end: start + SignedDuration::from_mins(15 + (i as i64 % 7) * 15),
                description: format!("Entry {i}"),
                billable: i % 5 != 0,
                internal: i % 11 == 0,
                internal_note: String::new(),
                approved: false,
            }
        })
        .collect()
}

fn as_entry(draft: EntryDraft, now: Timestamp) -> Entry {
    Entry {
        id: EntryId(0),
        project_id: draft.project_id,
        category_id: draft.category_id,
        user_id: draft.user_id,
        start: draft.start,
        end: draft.end,
        description: draft.description,
        billable: draft.billable,
        internal: draft.internal,
        internal_note: draft.internal_note,
        approved: draft.approved,
        source: Source::Import,
        created_at: now,
        updated_at: now,
    }
}

#[test]
fn bulk_insert_stores_what_single_inserts_store() {
    let now: Timestamp = "2026-06-01T00:00:00Z".parse().unwrap();
    let (one, bulk) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let single = Store::open(one.path(), Default::default()).unwrap();
    let batched = Store::open(bulk.path(), Default::default()).unwrap();
    let calendar = single.read(|txn| Ok(txn.settings()?.calendar())).unwrap();

    let cal = calendar.clone();
    single
        .write_blocking(move |txn| {
            for draft in sample(700) {
                entries::insert_vetted(txn, &cal, draft, Source::Import, now)?;
            }
            Ok(())
        })
        .unwrap();
    let drafts = sample(700);
    for chunk in drafts.chunks(250) {
        let mut batch: Vec<Entry> = chunk.iter().cloned().map(|d| as_entry(d, now)).collect();
        let cal = calendar.clone();
        batched
            .write_blocking(move |txn| entries::insert_bulk(txn, &cal, &mut batch))
            .unwrap();
    }

    let contents = |store: &Store| {
        store
            .read(|txn| {
                let entries = txn.all::<Entry>()?;
                let mut index = Vec::new();
                for row in txn.open_table(tables::ENTRIES_BY_PROJECT)?.iter()? {
                    index.push(row?.0.value());
                }
                for row in txn.open_table(tables::ENTRIES_BY_USER)?.iter()? {
                    index.push(row?.0.value());
                }
                let mut by_start = Vec::new();
                for row in txn.open_table(tables::ENTRIES_BY_START)?.iter()? {
                    by_start.push(row?.0.value());
                }
                Ok((entries, index, by_start, rollups::Snapshot::stored(txn)?))
            })
            .unwrap()
    };
    let (a, b) = (contents(&single), contents(&batched));
    assert_eq!(a.0.len(), 700);
    assert_eq!(a, b);
    assert_eq!(batched.read(entries::check).unwrap(), Vec::<String>::new());
}
