//! Sessions and API tokens, stored under the sha-256 of their secret.

use jiff::{SignedDuration, Timestamp};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::{Error, decode, encode, next_id, tables};
use crate::domain::UserId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub user_id: UserId,
    /// The form token of this session; forms echo it back.
    pub csrf: String,
    pub created_at: Timestamp,
    pub last_seen: Timestamp,
}

impl Session {
    pub fn expired(&self, now: Timestamp, idle: SignedDuration, absolute: SignedDuration) -> bool {
        now.duration_since(self.last_seen) > idle || now.duration_since(self.created_at) > absolute
    }
}

pub fn session(txn: &ReadTransaction, hash: &[u8; 32]) -> Result<Option<Session>, Error> {
    let table = txn.open_table(tables::SESSIONS)?;
    let value = table.get(hash)?;
    value.map(|v| decode("sessions", v.value())).transpose()
}

pub fn put_session(
    txn: &WriteTransaction,
    hash: &[u8; 32],
    session: &Session,
) -> Result<(), Error> {
    txn.open_table(tables::SESSIONS)?
        .insert(hash, encode(session).as_slice())?;
    Ok(())
}

pub fn delete_session(txn: &WriteTransaction, hash: &[u8; 32]) -> Result<(), Error> {
    txn.open_table(tables::SESSIONS)?.remove(hash)?;
    Ok(())
}

/// Ends every session of a user, as when they are disabled or change password.
pub fn delete_sessions_of(txn: &WriteTransaction, user: UserId) -> Result<usize, Error> {
    let mut table = txn.open_table(tables::SESSIONS)?;
    let mut doomed = Vec::new();
    for row in table.iter()? {
        let (key, value) = row?;
        let session: Session = decode("sessions", value.value())?;
        if session.user_id == user {
            doomed.push(*key.value());
        }
    }
    for key in &doomed {
        table.remove(key)?;
    }
    Ok(doomed.len())
}

/// Drops sessions past their timeouts.
pub fn purge_sessions(
    txn: &WriteTransaction,
    now: Timestamp,
    idle: SignedDuration,
    absolute: SignedDuration,
) -> Result<usize, Error> {
    let mut table = txn.open_table(tables::SESSIONS)?;
    let removed = table.extract_if(|_, value| {
        decode::<Session>("sessions", value).map_or(true, |s| s.expired(now, idle, absolute))
    })?;
    Ok(removed.count())
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ApiToken {
    pub id: u64,
    pub user_id: UserId,
    pub name: String,
    pub created_at: Timestamp,
}

pub fn api_token(txn: &ReadTransaction, hash: &[u8; 32]) -> Result<Option<ApiToken>, Error> {
    let table = txn.open_table(tables::API_TOKENS)?;
    let value = table.get(hash)?;
    value.map(|v| decode("api_tokens", v.value())).transpose()
}

pub fn create_api_token(
    txn: &WriteTransaction,
    hash: &[u8; 32],
    user_id: UserId,
    name: &str,
    now: Timestamp,
) -> Result<ApiToken, Error> {
    let token = ApiToken {
        id: next_id(txn, "api_tokens")?,
        user_id,
        name: name.to_owned(),
        created_at: now,
    };
    txn.open_table(tables::API_TOKENS)?
        .insert(hash, encode(&token).as_slice())?;
    Ok(token)
}

pub fn api_tokens(txn: &ReadTransaction) -> Result<Vec<ApiToken>, Error> {
    let table = txn.open_table(tables::API_TOKENS)?;
    let mut tokens = Vec::new();
    for row in table.iter()? {
        tokens.push(decode("api_tokens", row?.1.value())?);
    }
    Ok(tokens)
}

/// Revokes a token by its id; `NotFound` when there is none.
pub fn revoke_api_token(txn: &WriteTransaction, id: u64) -> Result<ApiToken, Error> {
    let mut table = txn.open_table(tables::API_TOKENS)?;
    let mut found = None;
    for row in table.iter()? {
        let (key, value) = row?;
        let token: ApiToken = decode("api_tokens", value.value())?;
        if token.id == id {
            found = Some((*key.value(), token));
            break;
        }
    }
    let (key, token) = found.ok_or(Error::NotFound)?;
    table.remove(&key)?;
    Ok(token)
}

pub fn session_exists(txn: &WriteTransaction, hash: &[u8; 32]) -> Result<bool, Error> {
    Ok(txn.open_table(tables::SESSIONS)?.get(hash)?.is_some())
}
