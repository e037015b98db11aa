//! A consistent copy of the database, taken from one read transaction.
//!
//! redb has no online backup, and copying the file under a live writer can
//! catch it between a commit's pages. A read transaction is a snapshot, so
//! copying every table out of one into a new database gives the state of a
//! single instant while writes go on; the copy is also compacted.
//!
//! Every table is named below. A table in the database that this list does
//! not know is an error, so a new table can never be silently left out of
//! the backups.

use std::path::{Path, PathBuf};

use redb::{
    Database, Key, MultimapTableHandle, ReadTransaction, ReadableTable, TableDefinition,
    TableHandle, Value, WriteTransaction,
};

use super::{Error, Store, tables};

/// What a finished backup holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backup {
    pub path: PathBuf,
    pub tables: usize,
    pub rows: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0} exists; choose a new file, a backup never overwrites one")]
    Exists(PathBuf),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "the table {0} is not known to the backup; it would be left out, so nothing was written"
    )]
    UnknownTable(String),
    #[error(transparent)]
    Store(#[from] Error),
}

impl From<redb::DatabaseError> for BackupError {
    fn from(e: redb::DatabaseError) -> Self {
        BackupError::Store(e.into())
    }
}

/// Calls `copy!` with every table of the schema.
macro_rules! every_table {
    ($copy:ident) => {
        $copy!(tables::META);
        $copy!(tables::SETTINGS);
        $copy!(tables::USERS);
        $copy!(tables::USER_EMAILS);
        $copy!(tables::SESSIONS);
        $copy!(tables::API_TOKENS);
        $copy!(tables::CLIENTS);
        $copy!(tables::PROJECTS);
        $copy!(tables::PROJECT_RATES);
        $copy!(tables::CATEGORIES);
        $copy!(tables::MILESTONES);
        $copy!(tables::ENTRIES);
        $copy!(tables::ENTRIES_BY_PROJECT);
        $copy!(tables::ENTRIES_BY_USER);
        $copy!(tables::ENTRIES_BY_START);
        $copy!(tables::TIMERS);
        $copy!(tables::ROLLUP_PROJECT_WEEK);
        $copy!(tables::ROLLUP_PROJECT_DAY);
        $copy!(tables::ROLLUP_USER_WEEK);
        $copy!(crate::mail::OUTBOX);
        $copy!(crate::mail::OUTBOX_DUE);
        $copy!(crate::mail::OUTBOX_DEAD);
        $copy!(tables::CONTACTS);
        $copy!(tables::CONTACTS_BY_EMAIL);
        $copy!(tables::MAGIC_LINKS);
        $copy!(tables::PORTAL_SESSIONS);
        $copy!(tables::PORTAL_ACCESS);
        $copy!(tables::DIGESTS_SENT);
        $copy!(tables::ALERTS_FIRED);
        $copy!(tables::ALERTS_MUTED);
    };
}

fn known_tables() -> Vec<&'static str> {
    let mut names = Vec::new();
    macro_rules! name {
        ($table:expr) => {
            names.push($table.name())
        };
    }
    every_table!(name);
    names
}

impl Store {
    /// Writes a consistent copy of the database to `target`, a new file.
    /// Safe while the server runs: writes wait for nothing.
    pub fn backup_to(&self, target: &Path) -> Result<Backup, BackupError> {
        if target.exists() {
            return Err(BackupError::Exists(target.to_owned()));
        }
        let snapshot = self.db.begin_read().map_err(Error::from)?;
        let known = known_tables();
        for table in snapshot.list_tables().map_err(Error::from)? {
            if !known.contains(&table.name()) {
                return Err(BackupError::UnknownTable(table.name().to_owned()));
            }
        }
        if let Some(table) = snapshot.list_multimap_tables().map_err(Error::from)?.next() {
            return Err(BackupError::UnknownTable(table.name().to_owned()));
        }

        // Written beside the target and renamed into place, so a backup that
        // fails half-way never looks like a finished one.
        let partial = target.with_extension("partial");
        let written = write_copy(&snapshot, &partial);
        let backup = match written {
            Ok(backup) => backup,
            Err(e) => {
                let _ = std::fs::remove_file(&partial);
                return Err(e);
            }
        };
        let io = |source| BackupError::Io {
            path: target.to_owned(),
            source,
        };
        std::fs::rename(&partial, target).map_err(io)?;
        if let Some(dir) = target.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io)?;
        }
        Ok(Backup {
            path: target.to_owned(),
            ..backup
        })
    }
}

fn write_copy(snapshot: &ReadTransaction, path: &Path) -> Result<Backup, BackupError> {
    let copy = Database::builder().create(path)?;
    let txn = copy.begin_write().map_err(Error::from)?;
    let (mut tables, mut rows) = (0, 0);
    macro_rules! copy {
        ($table:expr) => {
            if let Some(n) = copy_table(snapshot, &txn, $table)? {
                tables += 1;
                rows += n;
            }
        };
    }
    every_table!(copy);
    // The commit is durable (fsync'd) before it returns.
    txn.commit().map_err(Error::from)?;
    Ok(Backup {
        path: path.to_owned(),
        tables,
        rows,
    })
}

/// Copies one table's rows; `None` when the snapshot does not have it.
fn copy_table<K: Key + 'static, V: Value + 'static>(
    from: &ReadTransaction,
    to: &WriteTransaction,
    table: TableDefinition<K, V>,
) -> Result<Option<u64>, Error> {
    let source = match from.open_table(table) {
        Ok(source) => source,
        Err(redb::TableError::TableDoesNotExist(_)) => return Ok(None),
        Err(e) => return Err(e.into()),
    };
    let mut target = to.open_table(table)?;
    let mut rows = 0;
    for row in source.iter()? {
        let (key, value) = row?;
        target.insert(key.value(), value.value())?;
        rows += 1;
    }
    Ok(Some(rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::entry::Entry;
    use crate::domain::user::User;
    use crate::store::records::Reads;
    use crate::store::{DB_FILE, entries};

    #[test]
    fn a_backup_opens_as_the_same_agency() {
        let live = tempfile::tempdir().unwrap();
        let store = Store::open(live.path(), Default::default()).unwrap();
        let links = crate::jobs::notify::Links {
            public_url: "https://demo.example".into(),
            lifetime: jiff::SignedDuration::from_hours(24),
        };
        crate::demo::seed_if_empty(&store, &links).unwrap().unwrap();

        let restored = tempfile::tempdir().unwrap();
        let target = restored.path().join(DB_FILE);
        let backup = store.backup_to(&target).unwrap();
        assert_eq!(backup.tables, known_tables().len());
        assert!(backup.rows > 1000, "{backup:?}");
        assert!(!target.with_extension("partial").exists());

        let again = store.backup_to(&target).unwrap_err();
        assert!(matches!(again, BackupError::Exists(_)), "{again}");

        let copy = Store::open(restored.path(), Default::default()).unwrap();
        let summary = |s: &Store| {
            s.read(|txn| {
                let users = txn.all::<User>()?;
                let entries = txn.all::<Entry>()?;
                Ok((users, entries.len(), txn.settings()?))
            })
            .unwrap()
        };
        assert_eq!(summary(&copy), summary(&store));
        assert_eq!(copy.read(entries::check).unwrap(), Vec::<String>::new());
        // The id sequences came along: a new record takes a fresh id.
        let next = copy
            .write_blocking(crate::store::records::new_id::<Entry>)
            .unwrap();
        assert_eq!(next, summary(&store).1 as u64 + 1);
    }

    #[test]
    fn every_table_of_the_schema_is_known() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), Default::default()).unwrap();
        let known = known_tables();
        let names: Vec<String> = store
            .read(|txn| Ok(txn.list_tables()?.map(|t| t.name().to_owned()).collect()))
            .unwrap();
        for name in &names {
            assert!(
                known.contains(&name.as_str()),
                "backup.rs does not list {name}"
            );
        }
    }

    #[test]
    fn an_unknown_table_stops_the_backup() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), Default::default()).unwrap();
        store
            .write_blocking(|txn| {
                let stray: TableDefinition<u64, u64> = TableDefinition::new("stray");
                txn.open_table(stray)?.insert(1, 2)?;
                Ok(())
            })
            .unwrap();
        let target = dir.path().join("copy.redb");
        let error = store.backup_to(&target).unwrap_err();
        assert!(error.to_string().contains("stray"), "{error}");
        assert!(!target.exists());
    }
}
