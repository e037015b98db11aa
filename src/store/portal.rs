//! The portal's records: contacts, magic links, portal sessions and the
//! access log.
//!
//! Magic links and portal sessions live under the sha-256 of their token,
//! like staff sessions, but in their own tables: a staff cookie is never
//! looked up here, and a contact's cookie is never looked up in `sessions`.

use jiff::{SignedDuration, Timestamp};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::records::{self, Reads};
use super::{Error, decode, encode, next_id, tables};
use crate::domain::client::Client;
use crate::domain::contact::{Contact, ContactDraft, Notice};
use crate::domain::{ClientId, ContactId, ProjectId};

/// Why a magic link was sent; it decides how long the link lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Purpose {
    SignIn,
    Invitation,
    Notification,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MagicLink {
    pub contact_id: ContactId,
    pub purpose: Purpose,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub used: bool,
    /// Where the contact lands after signing in; a notification links to
    /// its project.
    pub project_id: Option<ProjectId>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PortalSession {
    pub contact_id: ContactId,
    /// The form token of this session; portal forms echo it back.
    pub csrf: String,
    pub created_at: Timestamp,
    pub last_seen: Timestamp,
}

impl PortalSession {
    pub fn expired(&self, now: Timestamp, idle: SignedDuration, absolute: SignedDuration) -> bool {
        now.duration_since(self.last_seen) > idle || now.duration_since(self.created_at) > absolute
    }
}

/// One portal page view, kept for the agency to see who looked at what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Access {
    pub contact_id: ContactId,
    pub project_id: Option<ProjectId>,
    pub at: Timestamp,
}

/// Reads shared by both kinds of transaction.
pub trait PortalReads {
    fn contact_by_email(&self, email: &str) -> Result<Option<Contact>, Error>;
    fn magic_link(&self, hash: &[u8; 32]) -> Result<Option<MagicLink>, Error>;
    fn portal_session(&self, hash: &[u8; 32]) -> Result<Option<PortalSession>, Error>;
}

macro_rules! impl_portal_reads {
    ($txn:ty) => {
        impl PortalReads for $txn {
            fn contact_by_email(&self, email: &str) -> Result<Option<Contact>, Error> {
                let id = self
                    .open_table(tables::CONTACTS_BY_EMAIL)?
                    .get(email)?
                    .map(|v| v.value());
                match id {
                    Some(id) => self.get(id),
                    None => Ok(None),
                }
            }

            fn magic_link(&self, hash: &[u8; 32]) -> Result<Option<MagicLink>, Error> {
                let table = self.open_table(tables::MAGIC_LINKS)?;
                let value = table.get(hash)?;
                value.map(|v| decode("magic_links", v.value())).transpose()
            }

            fn portal_session(&self, hash: &[u8; 32]) -> Result<Option<PortalSession>, Error> {
                let table = self.open_table(tables::PORTAL_SESSIONS)?;
                let value = table.get(hash)?;
                value
                    .map(|v| decode("portal_sessions", v.value()))
                    .transpose()
            }
        }
    };
}

impl_portal_reads!(ReadTransaction);
impl_portal_reads!(WriteTransaction);

/// Adds a contact to a client; the address must not belong to any other
/// contact.
pub fn create_contact(
    txn: &WriteTransaction,
    client: ClientId,
    draft: ContactDraft,
    now: Timestamp,
) -> Result<Contact, Error> {
    let draft = draft.validate()?;
    let _: Client = txn.must(client.0)?;
    let contact = Contact {
        id: ContactId(records::new_id::<Contact>(txn)?),
        client_id: client,
        name: draft.name,
        email: draft.email,
        portal_access: true,
        created_at: now,
        notifications: Default::default(),
    };
    put_contact(txn, &contact)?;
    Ok(contact)
}

/// Stores a contact, keeping the email index unique.
pub fn put_contact(txn: &WriteTransaction, contact: &Contact) -> Result<(), Error> {
    let mut emails = txn.open_table(tables::CONTACTS_BY_EMAIL)?;
    let owner = emails.get(contact.email.as_str())?.map(|v| v.value());
    if owner.is_some_and(|id| id != contact.id.0) {
        return Err(Error::Conflict(format!(
            "a contact with the email {} exists",
            contact.email
        )));
    }
    let previous: Option<Contact> = txn.get(contact.id.0)?;
    if let Some(previous) = previous.filter(|p| p.email != contact.email) {
        emails.remove(previous.email.as_str())?;
    }
    emails.insert(contact.email.as_str(), contact.id.0)?;
    drop(emails);
    records::put(txn, contact)
}

/// A client's contacts, by name.
pub fn contacts_of(txn: &impl Reads, client: ClientId) -> Result<Vec<Contact>, Error> {
    let mut contacts: Vec<Contact> = txn
        .all::<Contact>()?
        .into_iter()
        .filter(|c| c.client_id == client)
        .collect();
    contacts.sort_by_key(|c| c.name.to_lowercase());
    Ok(contacts)
}

/// Grants or revokes portal access. Revoking ends the contact's portal
/// sessions in the same transaction, so the next request is refused.
pub fn set_portal_access(
    txn: &WriteTransaction,
    contact: ContactId,
    access: bool,
) -> Result<Contact, Error> {
    let mut found: Contact = txn.must(contact.0)?;
    found.portal_access = access;
    records::put(txn, &found)?;
    if !access {
        delete_sessions_of(txn, contact)?;
    }
    Ok(found)
}

/// Stores a new magic link under the hash of its token.
pub fn create_link(
    txn: &WriteTransaction,
    hash: &[u8; 32],
    contact: ContactId,
    purpose: Purpose,
    now: Timestamp,
    lifetime: SignedDuration,
) -> Result<MagicLink, Error> {
    let link = MagicLink {
        contact_id: contact,
        purpose,
        created_at: now,
        expires_at: now + lifetime,
        used: false,
        project_id: None,
    };
    txn.open_table(tables::MAGIC_LINKS)?
        .insert(hash, encode(&link).as_slice())?;
    Ok(link)
}

/// Stores a link that lands its contact on one project's page.
pub fn create_link_to(
    txn: &WriteTransaction,
    hash: &[u8; 32],
    contact: ContactId,
    project: ProjectId,
    now: Timestamp,
    lifetime: SignedDuration,
) -> Result<MagicLink, Error> {
    let mut link = create_link(txn, hash, contact, Purpose::Notification, now, lifetime)?;
    link.project_id = Some(project);
    txn.open_table(tables::MAGIC_LINKS)?
        .insert(hash, encode(&link).as_slice())?;
    Ok(link)
}

/// Turns one kind of notification on or off for a contact.
pub fn set_notification(
    txn: &WriteTransaction,
    contact: ContactId,
    notice: Notice,
    on: bool,
) -> Result<Contact, Error> {
    let mut found: Contact = txn.must(contact.0)?;
    found.notifications.set(notice, on);
    records::put(txn, &found)?;
    Ok(found)
}

/// What a magic link is worth right now.
#[derive(Debug, Clone, PartialEq)]
pub enum LinkState {
    /// Unused, unexpired, and its contact may sign in.
    Valid(MagicLink, Contact),
    /// Known but spent: used, expired, or its contact lost access.
    Spent(MagicLink),
    Unknown,
}

pub fn link_state(
    txn: &(impl PortalReads + Reads),
    hash: &[u8; 32],
    now: Timestamp,
) -> Result<LinkState, Error> {
    let Some(link) = txn.magic_link(hash)? else {
        return Ok(LinkState::Unknown);
    };
    if link.used || now >= link.expires_at {
        return Ok(LinkState::Spent(link));
    }
    let contact: Option<Contact> = txn.get(link.contact_id.0)?;
    match contact {
        Some(contact) if contact.portal_access => Ok(LinkState::Valid(link, contact)),
        _ => Ok(LinkState::Spent(link)),
    }
}

/// Spends a valid link and opens a portal session for its contact, in one
/// transaction: a link opens at most one session.
pub fn redeem_link(
    txn: &WriteTransaction,
    link_hash: &[u8; 32],
    session_hash: &[u8; 32],
    csrf: &str,
    now: Timestamp,
) -> Result<LinkState, Error> {
    let state = link_state(txn, link_hash, now)?;
    if let LinkState::Valid(link, contact) = &state {
        let spent = MagicLink {
            used: true,
            ..link.clone()
        };
        txn.open_table(tables::MAGIC_LINKS)?
            .insert(link_hash, encode(&spent).as_slice())?;
        let session = PortalSession {
            contact_id: contact.id,
            csrf: csrf.to_owned(),
            created_at: now,
            last_seen: now,
        };
        put_session(txn, session_hash, &session)?;
    }
    Ok(state)
}

pub fn put_session(
    txn: &WriteTransaction,
    hash: &[u8; 32],
    session: &PortalSession,
) -> Result<(), Error> {
    txn.open_table(tables::PORTAL_SESSIONS)?
        .insert(hash, encode(session).as_slice())?;
    Ok(())
}

pub fn delete_session(txn: &WriteTransaction, hash: &[u8; 32]) -> Result<(), Error> {
    txn.open_table(tables::PORTAL_SESSIONS)?.remove(hash)?;
    Ok(())
}

pub fn delete_sessions_of(txn: &WriteTransaction, contact: ContactId) -> Result<usize, Error> {
    let mut table = txn.open_table(tables::PORTAL_SESSIONS)?;
    let removed = table.extract_if(|_, value| {
        decode::<PortalSession>("portal_sessions", value).is_ok_and(|s| s.contact_id == contact)
    })?;
    Ok(removed.count())
}

/// Appends one page view to the client's access log.
pub fn log_access(
    txn: &WriteTransaction,
    contact: &Contact,
    project: Option<ProjectId>,
    now: Timestamp,
) -> Result<(), Error> {
    let seq = next_id(txn, "portal_access")?;
    let access = Access {
        contact_id: contact.id,
        project_id: project,
        at: now,
    };
    txn.open_table(tables::PORTAL_ACCESS)?.insert(
        (contact.client_id.0, now.as_microsecond(), seq),
        encode(&access).as_slice(),
    )?;
    Ok(())
}

/// The client's most recent portal page views, newest first.
pub fn access_log(
    txn: &ReadTransaction,
    client: ClientId,
    limit: usize,
) -> Result<Vec<Access>, Error> {
    let table = txn.open_table(tables::PORTAL_ACCESS)?;
    let mut out = Vec::new();
    for row in table
        .range((client.0, i64::MIN, 0)..=(client.0, i64::MAX, u64::MAX))?
        .rev()
        .take(limit)
    {
        out.push(decode("portal_access", row?.1.value())?);
    }
    Ok(out)
}

/// Drops portal sessions past their timeouts and links past their expiry.
pub fn purge(
    txn: &WriteTransaction,
    now: Timestamp,
    idle: SignedDuration,
    absolute: SignedDuration,
) -> Result<usize, Error> {
    let mut sessions = txn.open_table(tables::PORTAL_SESSIONS)?;
    let stale = sessions.extract_if(|_, value| {
        decode::<PortalSession>("portal_sessions", value)
            .is_ok_and(|s| s.expired(now, idle, absolute))
    })?;
    let mut removed = stale.count();
    drop(sessions);
    let mut links = txn.open_table(tables::MAGIC_LINKS)?;
    let spent = links.extract_if(|_, value| {
        decode::<MagicLink>("magic_links", value).is_ok_and(|l| now >= l.expires_at)
    })?;
    removed += spent.count();
    Ok(removed)
}
