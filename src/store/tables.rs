//! The redb tables. Records are postcard-encoded domain types; keys are
//! plain integers and tuples so ranges come out in a useful order.
//!
//! Changing the encoding of any record means a new schema version and a
//! migration in `migrate.rs`. A new table is also listed in `backup.rs`,
//! which refuses to copy a database holding a table it does not know.

use redb::TableDefinition;

type Bytes = &'static [u8];

/// Schema version, id sequences and other single values.
pub const META: TableDefinition<&str, u64> = TableDefinition::new("meta");
/// The agency settings record, under the key `agency`.
pub const SETTINGS: TableDefinition<&str, Bytes> = TableDefinition::new("settings");

pub const USERS: TableDefinition<u64, Bytes> = TableDefinition::new("users");
pub const USER_EMAILS: TableDefinition<&str, u64> = TableDefinition::new("user_emails");
/// sha-256 of a session token -> session.
pub const SESSIONS: TableDefinition<&[u8; 32], Bytes> = TableDefinition::new("sessions");
/// sha-256 of an API token -> token record.
pub const API_TOKENS: TableDefinition<&[u8; 32], Bytes> = TableDefinition::new("api_tokens");

pub const CLIENTS: TableDefinition<u64, Bytes> = TableDefinition::new("clients");
pub const PROJECTS: TableDefinition<u64, Bytes> = TableDefinition::new("projects");
/// project -> rate overrides.
pub const PROJECT_RATES: TableDefinition<u64, Bytes> = TableDefinition::new("project_rates");
pub const CATEGORIES: TableDefinition<u64, Bytes> = TableDefinition::new("categories");
pub const MILESTONES: TableDefinition<u64, Bytes> = TableDefinition::new("milestones");

pub const ENTRIES: TableDefinition<u64, Bytes> = TableDefinition::new("entries");
/// (project, start, entry) for a project's entries in time order.
pub const ENTRIES_BY_PROJECT: TableDefinition<(u64, i64, u64), ()> =
    TableDefinition::new("entries_by_project");
/// (user, start, entry) for a person's entries in time order.
pub const ENTRIES_BY_USER: TableDefinition<(u64, i64, u64), ()> =
    TableDefinition::new("entries_by_user");
/// (start, entry) for all entries in time order.
pub const ENTRIES_BY_START: TableDefinition<(i64, u64), ()> =
    TableDefinition::new("entries_by_start");
/// user -> running timer.
pub const TIMERS: TableDefinition<u64, Bytes> = TableDefinition::new("timers");

/// (project, category, week start day) -> tally.
pub const ROLLUP_PROJECT_WEEK: TableDefinition<(u64, u64, i32), Bytes> =
    TableDefinition::new("rollup_project_week");
/// (project, day) -> tally.
pub const ROLLUP_PROJECT_DAY: TableDefinition<(u64, i32), Bytes> =
    TableDefinition::new("rollup_project_day");
/// (user, week start day) -> tally.
pub const ROLLUP_USER_WEEK: TableDefinition<(u64, i32), Bytes> =
    TableDefinition::new("rollup_user_week");

/// Client contacts, the people who sign in to the portal.
pub const CONTACTS: TableDefinition<u64, Bytes> = TableDefinition::new("contacts");
/// Normalised email -> contact; one contact per address across all clients.
pub const CONTACTS_BY_EMAIL: TableDefinition<&str, u64> = TableDefinition::new("contacts_by_email");
/// sha-256 of a magic-link token -> link.
pub const MAGIC_LINKS: TableDefinition<&[u8; 32], Bytes> = TableDefinition::new("magic_links");
/// sha-256 of a portal session token -> portal session; apart from staff
/// sessions, so neither kind of cookie opens the other side.
pub const PORTAL_SESSIONS: TableDefinition<&[u8; 32], Bytes> =
    TableDefinition::new("portal_sessions");
/// (client, microseconds since the epoch, sequence) -> portal page view.
/// Append-only.
pub const PORTAL_ACCESS: TableDefinition<(u64, i64, u64), Bytes> =
    TableDefinition::new("portal_access");

/// project -> the start day of the last week whose digest was queued.
pub const DIGESTS_SENT: TableDefinition<u64, i32> = TableDefinition::new("digests_sent");
/// (project, budget period start day or `LIFETIME`, threshold percent) for
/// every budget alert already queued.
pub const ALERTS_FIRED: TableDefinition<(u64, i32, u32), ()> = TableDefinition::new("alerts_fired");
/// The period key of a lifetime budget in `ALERTS_FIRED`.
pub const LIFETIME: i32 = i32::MIN;
/// Staff who turned budget alerts off.
pub const ALERTS_MUTED: TableDefinition<u64, ()> = TableDefinition::new("alerts_muted");
