//! Storage: one redb file in the data directory, one writer thread, and the
//! typed operations the rest of the program uses.
//!
//! Reads open a read transaction on the caller's thread; they never wait for
//! the writer. Writes are closures sent to the writer (see `writer.rs`) and
//! are durable when their future resolves.

pub mod auth;
pub mod backup;
mod codec;
pub mod entries;
pub mod migrate;
pub mod portal;
pub mod records;
pub mod rollups;
pub mod settings;
pub mod tables;
pub mod users;
mod writer;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, mpsc};

use redb::{Database, ReadTransaction, ReadableTable, WriteTransaction};

pub use codec::{decode, encode};

use crate::domain::Invalid;
use crate::metrics::StoreMetrics;

/// redb's own page cache. Small on purpose: hot pages (roll-ups, recent
/// entries) fit easily, the kernel's page cache serves the rest, and a full
/// scan such as the CSV export cannot grow the process by redb's 1 GiB default.
const CACHE_BYTES: usize = 16 << 20;

/// The database file's name inside the data directory.
pub const DB_FILE: &str = "glasshouse.redb";

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Invalid(#[from] Invalid),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("a record in {table} cannot be read: {detail}")]
    Corrupt { table: &'static str, detail: String },
    /// Boxed: redb's error is large, and this type is returned everywhere.
    #[error("database: {0}")]
    Database(Box<redb::Error>),
    #[error("commit failed: {0}")]
    Commit(String),
    #[error("the store is shutting down")]
    Closed,
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Error::Database(Box::new(redb::Error::from(e)))
            }
        }
    )*};
}

from_redb!(
    redb::Error,
    redb::TableError,
    redb::StorageError,
    redb::TransactionError,
    redb::CommitError,
    redb::DatabaseError
);

/// Why the store could not be opened; each says what the admin should do.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(
        "the data directory {0} is in use by another glasshouse process; stop it or choose \
         another --data directory"
    )]
    Locked(PathBuf),
    #[error("cannot open the database {path}: {source}")]
    Database {
        path: PathBuf,
        source: redb::DatabaseError,
    },
    #[error("cannot migrate the database: {0}")]
    Migrate(Error),
    #[error(
        "the database was written by a newer glasshouse (schema {found}, this binary knows up to \
         {known}); upgrade the binary"
    )]
    TooNew { found: u64, known: u64 },
}

pub struct Store {
    db: Arc<Database>,
    generation: Arc<AtomicU64>,
    jobs: Option<mpsc::Sender<Box<dyn writer::Job>>>,
    writer: Option<std::thread::JoinHandle<()>>,
}

impl Store {
    /// Opens (or creates) the database in `data_dir` and brings its schema
    /// up to date. Fails with `OpenError::Locked` when another process holds it.
    pub fn open(data_dir: &Path, metrics: StoreMetrics) -> Result<Store, OpenError> {
        let path = data_dir.join(DB_FILE);
        let db = Database::builder()
            .set_cache_size(CACHE_BYTES)
            .create(&path)
            .map_err(|source| match source {
                redb::DatabaseError::DatabaseAlreadyOpen => OpenError::Locked(data_dir.to_owned()),
                source => OpenError::Database {
                    path: path.clone(),
                    source,
                },
            })?;
        migrate::run(&db)?;
        let db = Arc::new(db);
        let generation = Arc::new(AtomicU64::new(0));
        let (jobs, writer) = writer::spawn(Arc::clone(&db), metrics, Arc::clone(&generation));
        Ok(Store {
            db,
            generation,
            jobs: Some(jobs),
            writer: Some(writer),
        })
    }

    /// Counts the commits so far that may have changed what a page shows;
    /// background writes do not count. Read it before a read transaction:
    /// whatever that snapshot gives stays current while this is unchanged.
    pub fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Runs `f` in a read transaction, a consistent snapshot.
    pub fn read<T>(
        &self,
        f: impl FnOnce(&ReadTransaction) -> Result<T, Error>,
    ) -> Result<T, Error> {
        let txn = self.db.begin_read()?;
        f(&txn)
    }

    /// Queues `op` for the writer and waits until it is durably committed.
    ///
    /// `op` may run more than once (see `writer.rs`) and must only touch the
    /// transaction.
    pub async fn write<T, F>(&self, op: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnMut(&WriteTransaction) -> Result<T, Error> + Send + 'static,
    {
        let (job, done) = writer::TypedJob::boxed(op);
        self.jobs
            .as_ref()
            .ok_or(Error::Closed)?
            .send(job)
            .map_err(|_| Error::Closed)?;
        done.await.map_err(|_| Error::Closed)?
    }

    /// Queues `op` for the writer without waiting for its commit, for
    /// records whose loss in a crash costs nothing but a line of history
    /// (page views) and that no cached view shows: its commit does not
    /// advance the generation. The job is queued before this returns, so
    /// any write queued later commits after it; a failure is logged as `what`.
    pub fn write_in_background<F>(&self, what: &'static str, op: F)
    where
        F: FnMut(&WriteTransaction) -> Result<(), Error> + Send + 'static,
    {
        let job = writer::TypedJob::background(op, what);
        let queued = self
            .jobs
            .as_ref()
            .is_some_and(|jobs| jobs.send(job).is_ok());
        if !queued {
            tracing::warn!(
                what,
                "the store is shutting down; a background write was dropped"
            );
        }
    }

    /// `write` for code outside the async runtime (the command line).
    pub fn write_blocking<T, F>(&self, op: F) -> Result<T, Error>
    where
        T: Send + 'static,
        F: FnMut(&WriteTransaction) -> Result<T, Error> + Send + 'static,
    {
        let (job, done) = writer::TypedJob::boxed(op);
        self.jobs
            .as_ref()
            .ok_or(Error::Closed)?
            .send(job)
            .map_err(|_| Error::Closed)?;
        done.blocking_recv().map_err(|_| Error::Closed)?
    }

    /// Checks the database can answer a read.
    pub fn ping(&self) -> Result<(), Error> {
        self.read(|txn| {
            txn.open_table(tables::META)?;
            Ok(())
        })
    }
}

impl Drop for Store {
    fn drop(&mut self) {
        // Closing the queue lets the writer finish what it holds, then stop.
        drop(self.jobs.take());
        if let Some(writer) = self.writer.take() {
            let _ = writer.join();
        }
    }
}

/// Takes the next id of a sequence (`users`, `entries`, ...).
pub fn next_id(txn: &WriteTransaction, sequence: &str) -> Result<u64, Error> {
    reserve_ids(txn, sequence, 1)
}

/// Takes the next `count` ids of a sequence at once; returns the first.
pub fn reserve_ids(txn: &WriteTransaction, sequence: &str, count: u64) -> Result<u64, Error> {
    let key = format!("seq.{sequence}");
    let mut meta = txn.open_table(tables::META)?;
    let last = meta.get(key.as_str())?.map(|v| v.value()).unwrap_or(0);
    meta.insert(key.as_str(), last + count)?;
    Ok(last + 1)
}
