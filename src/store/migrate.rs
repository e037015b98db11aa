//! Schema versions and the forward migrations between them.
//!
//! The version lives in `meta` under `schema_version`. Each migration moves
//! the database one version forward inside one transaction, so a crash
//! mid-migration leaves the previous version intact. A database newer than
//! this binary is refused rather than guessed at.

use redb::{Database, ReadableTable, WriteTransaction};

use super::{Error, OpenError, encode, tables};
use crate::domain::settings::AgencySettings;

pub const CURRENT: u64 = 1;

type Migration = fn(&WriteTransaction) -> Result<(), Error>;

/// `MIGRATIONS[n]` takes a database from version `n` to `n + 1`.
const MIGRATIONS: &[Migration] = &[create_v1];

pub fn run(db: &Database) -> Result<(), OpenError> {
    let found = version(db).map_err(OpenError::Migrate)?;
    if found > CURRENT {
        return Err(OpenError::TooNew {
            found,
            known: CURRENT,
        });
    }
    for (from, migration) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let step = || -> Result<(), Error> {
            let txn = db.begin_write()?;
            migration(&txn)?;
            txn.open_table(tables::META)?
                .insert("schema_version", from as u64 + 1)?;
            txn.commit()?;
            Ok(())
        };
        step().map_err(OpenError::Migrate)?;
        tracing::info!(version = from + 1, "database migrated");
    }
    Ok(())
}

pub fn version(db: &Database) -> Result<u64, Error> {
    let txn = db.begin_read()?;
    match txn.open_table(tables::META) {
        Ok(meta) => Ok(meta.get("schema_version")?.map(|v| v.value()).unwrap_or(0)),
        Err(redb::TableError::TableDoesNotExist(_)) => Ok(0),
        Err(e) => Err(e.into()),
    }
}

/// Version 1: every table exists and the agency has default settings.
fn create_v1(txn: &WriteTransaction) -> Result<(), Error> {
    txn.open_table(tables::META)?;
    txn.open_table(tables::USERS)?;
    txn.open_table(tables::USER_EMAILS)?;
    txn.open_table(tables::SESSIONS)?;
    txn.open_table(tables::API_TOKENS)?;
    txn.open_table(tables::CLIENTS)?;
    txn.open_table(tables::PROJECTS)?;
    txn.open_table(tables::PROJECT_RATES)?;
    txn.open_table(tables::CATEGORIES)?;
    txn.open_table(tables::MILESTONES)?;
    txn.open_table(tables::ENTRIES)?;
    txn.open_table(tables::ENTRIES_BY_PROJECT)?;
    txn.open_table(tables::ENTRIES_BY_USER)?;
    txn.open_table(tables::ENTRIES_BY_START)?;
    txn.open_table(tables::TIMERS)?;
    txn.open_table(tables::ROLLUP_PROJECT_WEEK)?;
    txn.open_table(tables::ROLLUP_PROJECT_DAY)?;
    txn.open_table(tables::ROLLUP_USER_WEEK)?;
    crate::mail::outbox::prepare(txn, rand::random())?;
    txn.open_table(tables::CONTACTS)?;
    txn.open_table(tables::CONTACTS_BY_EMAIL)?;
    txn.open_table(tables::MAGIC_LINKS)?;
    txn.open_table(tables::PORTAL_SESSIONS)?;
    txn.open_table(tables::PORTAL_ACCESS)?;
    txn.open_table(tables::DIGESTS_SENT)?;
    txn.open_table(tables::ALERTS_FIRED)?;
    txn.open_table(tables::ALERTS_MUTED)?;
    crate::mail::unsubscribe::prepare(txn, rand::random())?;
    let mut settings = txn.open_table(tables::SETTINGS)?;
    if settings.get("agency")?.is_none() {
        settings.insert("agency", encode(&AgencySettings::default()).as_slice())?;
    }
    Ok(())
}
