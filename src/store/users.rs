//! Changes to staff accounts that have rules beyond one record: the role
//! ladder, unique emails, and keeping at least one active owner.

use jiff::Timestamp;
use redb::WriteTransaction;

use super::Error;
use super::auth::delete_sessions_of;
use super::records::{self, Reads};
use crate::domain::user::{Actor, Role, User, check_role_change};
use crate::domain::{Invalid, UserId};

/// What an admin sets when adding an account.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub password_hash: String,
}

/// What an admin may change on an account.
#[derive(Debug, Clone)]
pub struct UserChange {
    pub name: String,
    pub role: Role,
    pub cost_rate: Option<i64>,
    pub default_rate: Option<i64>,
}

fn active_owners(txn: &WriteTransaction) -> Result<usize, Error> {
    Ok(txn
        .all::<User>()?
        .iter()
        .filter(|u| u.role == Role::Owner && !u.disabled)
        .count())
}

fn email_taken(e: Error) -> Error {
    match e {
        Error::Conflict(message) => Invalid::new("email", message).into(),
        other => other,
    }
}

/// Adds an account as `actor`, who may not grant a role above their own.
pub fn create(
    txn: &WriteTransaction,
    actor: Actor,
    new: NewUser,
    now: Timestamp,
) -> Result<User, Error> {
    check_role_change(actor.role, None, new.role)?;
    insert(txn, new, now)
}

/// Adds an account with no one to check against: the box's administrator
/// at the command line, who already holds every key.
pub fn insert(txn: &WriteTransaction, new: NewUser, now: Timestamp) -> Result<User, Error> {
    let user = User {
        id: UserId(records::new_id::<User>(txn)?),
        email: new.email,
        name: new.name,
        role: new.role,
        password_hash: new.password_hash,
        cost_rate: None,
        default_rate: None,
        disabled: false,
        created_at: now,
    };
    records::put_user(txn, &user).map_err(email_taken)?;
    Ok(user)
}

pub fn update(
    txn: &WriteTransaction,
    actor: Actor,
    id: UserId,
    change: UserChange,
) -> Result<User, Error> {
    let old: User = txn.must(id.0)?;
    check_role_change(actor.role, Some(old.role), change.role)?;
    if old.role == Role::Owner
        && change.role != Role::Owner
        && !old.disabled
        && active_owners(txn)? <= 1
    {
        return Err(Invalid::new(
            "role",
            "this is the last active owner; make someone else owner first",
        )
        .into());
    }
    let user = User {
        name: change.name,
        role: change.role,
        cost_rate: change.cost_rate,
        default_rate: change.default_rate,
        ..old
    };
    records::put_user(txn, &user)?;
    Ok(user)
}

/// Disables or re-enables an account; disabling ends its sessions.
pub fn set_disabled(
    txn: &WriteTransaction,
    actor: Actor,
    id: UserId,
    disabled: bool,
) -> Result<User, Error> {
    let old: User = txn.must(id.0)?;
    if disabled {
        if id == actor.id {
            return Err(Invalid::new("disabled", "you cannot disable your own account").into());
        }
        if old.role == Role::Owner && actor.role != Role::Owner {
            return Err(Invalid::new("disabled", "only an owner can disable an owner").into());
        }
        if old.role == Role::Owner && !old.disabled && active_owners(txn)? <= 1 {
            return Err(Invalid::new(
                "disabled",
                "this is the last active owner; make someone else owner first",
            )
            .into());
        }
    }
    let user = User { disabled, ..old };
    records::put_user(txn, &user)?;
    if disabled {
        delete_sessions_of(txn, id)?;
    }
    Ok(user)
}
