//! Typed access to the record tables, the same for read and write
//! transactions.

use redb::{ReadTransaction, ReadableTable, TableDefinition, WriteTransaction};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::{Error, decode, encode, next_id, tables};
use crate::domain::category::Category;
use crate::domain::client::Client;
use crate::domain::contact::Contact;
use crate::domain::entry::Entry;
use crate::domain::milestone::Milestone;
use crate::domain::project::Project;
use crate::domain::rate::ProjectRates;
use crate::domain::settings::AgencySettings;
use crate::domain::user::User;

/// A domain type kept in its own table under a numeric id.
pub trait Record: Serialize + DeserializeOwned {
    const TABLE: TableDefinition<'static, u64, &'static [u8]>;
    /// The id sequence new records draw from, also the table name.
    const SEQUENCE: &'static str;
    fn key(&self) -> u64;
}

macro_rules! record {
    ($t:ty, $table:expr, $seq:literal) => {
        impl Record for $t {
            const TABLE: TableDefinition<'static, u64, &'static [u8]> = $table;
            const SEQUENCE: &'static str = $seq;
            fn key(&self) -> u64 {
                self.id.0
            }
        }
    };
}

record!(User, tables::USERS, "users");
record!(Client, tables::CLIENTS, "clients");
record!(Project, tables::PROJECTS, "projects");
record!(Category, tables::CATEGORIES, "categories");
record!(Milestone, tables::MILESTONES, "milestones");
record!(Entry, tables::ENTRIES, "entries");
record!(Contact, tables::CONTACTS, "contacts");

/// Reads shared by read and write transactions, so a write sees exactly
/// what a read would.
pub trait Reads {
    fn get<R: Record>(&self, id: u64) -> Result<Option<R>, Error>;
    fn all<R: Record>(&self) -> Result<Vec<R>, Error>;
    fn settings(&self) -> Result<AgencySettings, Error>;
    fn user_by_email(&self, email: &str) -> Result<Option<User>, Error>;
    fn project_rates(&self, project: u64) -> Result<ProjectRates, Error>;

    /// Like `get`, but a missing record is `Error::NotFound`.
    fn must<R: Record>(&self, id: u64) -> Result<R, Error> {
        self.get(id)?.ok_or(Error::NotFound)
    }
}

macro_rules! impl_reads {
    ($txn:ty) => {
        impl Reads for $txn {
            fn get<R: Record>(&self, id: u64) -> Result<Option<R>, Error> {
                let table = self.open_table(R::TABLE)?;
                let value = table.get(id)?;
                value.map(|v| decode(R::SEQUENCE, v.value())).transpose()
            }

            fn all<R: Record>(&self) -> Result<Vec<R>, Error> {
                let table = self.open_table(R::TABLE)?;
                let mut records = Vec::new();
                for row in table.iter()? {
                    let (_, value) = row?;
                    records.push(decode(R::SEQUENCE, value.value())?);
                }
                Ok(records)
            }

            fn settings(&self) -> Result<AgencySettings, Error> {
                let table = self.open_table(tables::SETTINGS)?;
                let value = table.get("agency")?;
                match value {
                    Some(v) => decode("settings", v.value()),
                    None => Ok(AgencySettings::default()),
                }
            }

            fn user_by_email(&self, email: &str) -> Result<Option<User>, Error> {
                let id = self
                    .open_table(tables::USER_EMAILS)?
                    .get(email)?
                    .map(|v| v.value());
                match id {
                    Some(id) => self.get(id),
                    None => Ok(None),
                }
            }

            fn project_rates(&self, project: u64) -> Result<ProjectRates, Error> {
                let table = self.open_table(tables::PROJECT_RATES)?;
                let value = table.get(project)?;
                match value {
                    Some(v) => decode("project_rates", v.value()),
                    None => Ok(ProjectRates::default()),
                }
            }
        }
    };
}

impl_reads!(ReadTransaction);
impl_reads!(WriteTransaction);

/// Writes a record under its own id, replacing any earlier version.
pub fn put<R: Record>(txn: &WriteTransaction, record: &R) -> Result<(), Error> {
    txn.open_table(R::TABLE)?
        .insert(record.key(), encode(record).as_slice())?;
    Ok(())
}

/// Draws a new id for a record of type `R`.
pub fn new_id<R: Record>(txn: &WriteTransaction) -> Result<u64, Error> {
    next_id(txn, R::SEQUENCE)
}

pub fn delete<R: Record>(txn: &WriteTransaction, id: u64) -> Result<bool, Error> {
    Ok(txn.open_table(R::TABLE)?.remove(id)?.is_some())
}

pub fn put_settings(txn: &WriteTransaction, settings: &AgencySettings) -> Result<(), Error> {
    txn.open_table(tables::SETTINGS)?
        .insert("agency", encode(settings).as_slice())?;
    Ok(())
}

pub fn put_project_rates(
    txn: &WriteTransaction,
    project: u64,
    rates: &ProjectRates,
) -> Result<(), Error> {
    txn.open_table(tables::PROJECT_RATES)?
        .insert(project, encode(rates).as_slice())?;
    Ok(())
}

/// Stores a user, keeping the email index unique.
pub fn put_user(txn: &WriteTransaction, user: &User) -> Result<(), Error> {
    let mut emails = txn.open_table(tables::USER_EMAILS)?;
    let owner = emails.get(user.email.as_str())?.map(|v| v.value());
    if owner.is_some_and(|id| id != user.id.0) {
        return Err(Error::Conflict(format!(
            "a user with the email {} exists",
            user.email
        )));
    }
    let previous: Option<User> = txn.get(user.id.0)?;
    if let Some(previous) = previous.filter(|p| p.email != user.email) {
        emails.remove(previous.email.as_str())?;
    }
    emails.insert(user.email.as_str(), user.id.0)?;
    drop(emails);
    put(txn, user)
}
