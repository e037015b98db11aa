//! The single writer and its group commit.
//!
//! Every write in the process is a job sent to one thread. The thread takes
//! whatever jobs are queued, runs them all in one transaction and commits
//! once, so a burst of concurrent requests costs one fsync, not one each.
//! A job's reply is sent only after the commit is durable.
//!
//! If any job in a group fails, the group's transaction is dropped and each
//! job is run again alone, so one bad request never takes others with it.
//! Jobs therefore must only change the database, never the outside world.
//!
//! After each commit that held a job which may change what a page shows,
//! the writer advances the store's generation before it replies, so a view
//! computed from a snapshot taken after reading generation `g` is current
//! for as long as the generation stays `g`. Background jobs (page-view
//! logs) do not advance it.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;
use std::time::Instant;

use redb::{Database, WriteTransaction};
use tokio::sync::oneshot;

use super::Error;
use crate::metrics::StoreMetrics;

/// The most jobs committed together; bounds the latency of a big group.
const MAX_GROUP: usize = 512;

pub(super) trait Job: Send {
    /// Applies the job to the transaction, keeping its result for later.
    fn run(&mut self, txn: &WriteTransaction) -> Result<(), Error>;
    /// Sends the kept result once the commit is durable.
    fn succeed(self: Box<Self>);
    fn fail(self: Box<Self>, error: Error);
    /// Whether committing it may change what a page shows.
    fn changes_views(&self) -> bool;
}

pub(super) struct TypedJob<T, F> {
    op: F,
    result: Option<T>,
    reply: oneshot::Sender<Result<T, Error>>,
    /// What a background job writes, for the log: nobody waits for its reply.
    background: Option<&'static str>,
}

impl<T, F> TypedJob<T, F>
where
    T: Send + 'static,
    F: FnMut(&WriteTransaction) -> Result<T, Error> + Send + 'static,
{
    pub(super) fn boxed(op: F) -> (Box<dyn Job>, oneshot::Receiver<Result<T, Error>>) {
        Self::with(op, None)
    }

    /// A job nobody waits for, whose records no cached view shows; its
    /// failure is logged as `what`.
    pub(super) fn background(op: F, what: &'static str) -> Box<dyn Job> {
        Self::with(op, Some(what)).0
    }

    fn with(
        op: F,
        background: Option<&'static str>,
    ) -> (Box<dyn Job>, oneshot::Receiver<Result<T, Error>>) {
        let (reply, receiver) = oneshot::channel();
        (
            Box::new(TypedJob {
                op,
                result: None,
                reply,
                background,
            }),
            receiver,
        )
    }
}

impl<T, F> Job for TypedJob<T, F>
where
    T: Send + 'static,
    F: FnMut(&WriteTransaction) -> Result<T, Error> + Send + 'static,
{
    fn run(&mut self, txn: &WriteTransaction) -> Result<(), Error> {
        self.result = Some((self.op)(txn)?);
        Ok(())
    }

    fn succeed(self: Box<Self>) {
        let result = self.result.expect("a job succeeds only after it ran");
        // The requester may have gone away (client disconnected); the write stands.
        let _ = self.reply.send(Ok(result));
    }

    fn fail(self: Box<Self>, error: Error) {
        if let Some(what) = self.background {
            tracing::warn!(what, %error, "background write failed");
        }
        let _ = self.reply.send(Err(error));
    }

    fn changes_views(&self) -> bool {
        self.background.is_none()
    }
}

pub(super) fn spawn(
    db: Arc<Database>,
    metrics: StoreMetrics,
    generation: Arc<AtomicU64>,
) -> (mpsc::Sender<Box<dyn Job>>, std::thread::JoinHandle<()>) {
    let (sender, receiver) = mpsc::channel::<Box<dyn Job>>();
    let handle = std::thread::Builder::new()
        .name("glasshouse-writer".into())
        .spawn(move || run(&db, &receiver, &metrics, &generation))
        .expect("the writer thread starts");
    (sender, handle)
}

fn run(
    db: &Database,
    jobs: &mpsc::Receiver<Box<dyn Job>>,
    metrics: &StoreMetrics,
    generation: &AtomicU64,
) {
    while let Ok(first) = jobs.recv() {
        let mut group = vec![first];
        while group.len() < MAX_GROUP {
            match jobs.try_recv() {
                Ok(job) => group.push(job),
                Err(_) => break,
            }
        }
        let started = Instant::now();
        let size = group.len();
        commit_group(db, group, generation);
        metrics.observe_commit(started.elapsed(), size);
    }
}

fn commit_group(db: &Database, mut group: Vec<Box<dyn Job>>, generation: &AtomicU64) {
    if group.len() == 1 {
        let job = group.pop().expect("one job");
        return commit_alone(db, job, generation);
    }
    let txn = match db.begin_write() {
        Ok(txn) => txn,
        Err(e) => return fail_all(group, Error::from(e)),
    };
    let all_ran = group.iter_mut().all(|job| job.run(&txn).is_ok());
    if !all_ran {
        let _ = txn.abort();
        for job in group {
            commit_alone(db, job, generation);
        }
        return;
    }
    match txn.commit() {
        Ok(()) => {
            if group.iter().any(|job| job.changes_views()) {
                generation.fetch_add(1, Ordering::AcqRel);
            }
            group.into_iter().for_each(|job| job.succeed())
        }
        Err(e) => fail_all(group, Error::from(e)),
    }
}

fn commit_alone(db: &Database, mut job: Box<dyn Job>, generation: &AtomicU64) {
    let txn = match db.begin_write() {
        Ok(txn) => txn,
        Err(e) => return job.fail(Error::from(e)),
    };
    if let Err(e) = job.run(&txn) {
        let _ = txn.abort();
        return job.fail(e);
    }
    match txn.commit() {
        Ok(()) => {
            if job.changes_views() {
                generation.fetch_add(1, Ordering::AcqRel);
            }
            job.succeed()
        }
        Err(e) => job.fail(Error::from(e)),
    }
}

fn fail_all(group: Vec<Box<dyn Job>>, error: Error) {
    tracing::error!(%error, jobs = group.len(), "group commit failed");
    let message = error.to_string();
    for job in group {
        job.fail(Error::Commit(message.clone()));
    }
}
