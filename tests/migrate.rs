//! Databases written by earlier versions open, migrate and read back; a
//! database from a newer version is refused.

#[path = "fixtures/dataset.rs"]
mod dataset;

use std::path::{Path, PathBuf};

use glasshouse::domain::category::Category;
use glasshouse::domain::client::Client;
use glasshouse::domain::entry::Entry;
use glasshouse::domain::milestone::Milestone;
use glasshouse::domain::project::Project;
use glasshouse::domain::user::User;
use glasshouse::store::records::Reads;
use glasshouse::store::{DB_FILE, OpenError, Store, auth, entries, migrate, tables};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A copy of a fixture as the database of a fresh data directory, so that
/// opening (and migrating) it never changes the committed file.
fn data_dir_with(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(fixture(name), dir.path().join(DB_FILE)).expect("the fixture exists");
    dir
}

#[test]
fn a_v1_database_opens_and_reads_back() {
    let dir = data_dir_with("schema-v1.redb");
    let raw = redb::Database::open(dir.path().join(DB_FILE)).unwrap();
    assert_eq!(migrate::version(&raw).unwrap(), 1);
    drop(raw);

    let store = Store::open(dir.path(), Default::default()).unwrap();
    let version = store.read(|txn| {
        let meta = txn.open_table(tables::META)?;
        Ok(meta.get("schema_version")?.map(|v| v.value()))
    });
    assert_eq!(version.unwrap(), Some(migrate::CURRENT));

    store
        .read(|txn| {
            assert_eq!(txn.settings()?, dataset::settings());
            let mut users = txn.all::<User>()?;
            users.sort_by_key(|u| u.id);
            assert_eq!(users, dataset::users());
            assert_eq!(
                txn.user_by_email("member@fixture.example")?,
                Some(dataset::users()[1].clone())
            );
            assert_eq!(txn.all::<Client>()?, vec![dataset::client()]);
            assert_eq!(txn.all::<Project>()?, vec![dataset::project()]);
            assert_eq!(txn.all::<Category>()?, dataset::categories());
            assert_eq!(txn.project_rates(1)?, dataset::rates());
            assert_eq!(txn.all::<Milestone>()?, vec![dataset::milestone()]);
            let stored = txn.all::<Entry>()?;
            assert_eq!(stored.len(), dataset::ENTRIES.len());
            for (entry, (start, end, description, billable, internal, note)) in
                stored.iter().zip(dataset::ENTRIES)
            {
                assert_eq!(entry.start, dataset::at(start));
                assert_eq!(entry.end, dataset::at(end));
                assert_eq!(entry.description, description);
                assert_eq!((entry.billable, entry.internal), (billable, internal));
                assert_eq!(entry.internal_note, note);
            }
            assert_eq!(
                entries::timer(txn, dataset::timer().user_id)?,
                Some(dataset::timer())
            );
            let token = auth::api_token(txn, &dataset::TOKEN_HASH)?.expect("the token");
            assert_eq!(token.name, "fixture");
            assert_eq!(entries::check(txn)?, Vec::<String>::new());
            Ok(())
        })
        .unwrap();
}

#[test]
fn a_v1_database_takes_new_writes() {
    let dir = data_dir_with("schema-v1.redb");
    let store = Store::open(dir.path(), Default::default()).unwrap();
    let owner = dataset::users()[0].actor();
    let entry = store
        .write_blocking(move |txn| {
            let draft = glasshouse::domain::entry::EntryDraft {
                project_id: glasshouse::domain::ProjectId(1),
                category_id: glasshouse::domain::CategoryId(1),
                user_id: owner.id,
                start: dataset::at("2026-02-02T09:00:00Z"),
                end: dataset::at("2026-02-02T10:00:00Z"),
                description: "Design review notes".into(),
                billable: true,
                internal: false,
                internal_note: String::new(),
                approved: false,
            };
            let now = dataset::at("2026-02-02T10:00:00Z");
            entries::create(
                txn,
                owner,
                draft,
                glasshouse::domain::entry::Source::Api,
                now,
            )
        })
        .unwrap();
    // The id sequence carried over: no id of the fixture is reused.
    assert_eq!(entry.id.0, dataset::ENTRIES.len() as u64 + 1);
    assert_eq!(store.read(entries::check).unwrap(), Vec::<String>::new());
}

#[test]
fn a_database_from_a_newer_version_is_refused() {
    let dir = data_dir_with("schema-v1.redb");
    let newer = migrate::CURRENT + 1;
    {
        let raw = redb::Database::open(dir.path().join(DB_FILE)).unwrap();
        let txn = raw.begin_write().unwrap();
        txn.open_table(tables::META)
            .unwrap()
            .insert("schema_version", newer)
            .unwrap();
        txn.commit().unwrap();
    }
    match Store::open(dir.path(), Default::default()) {
        Err(OpenError::TooNew { found, known }) => {
            assert_eq!((found, known), (newer, migrate::CURRENT));
        }
        Err(other) => panic!("expected TooNew, got {other}"),
        Ok(_) => panic!("a newer database was opened"),
    }
    // Refusing must not have changed the file.
    let raw = redb::Database::open(dir.path().join(DB_FILE)).unwrap();
    assert_eq!(migrate::version(&raw).unwrap(), newer);
}
