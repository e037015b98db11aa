//! Time entries and the rules every change to one must pass.

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use serde::{Deserialize, Serialize};

use super::category::Category;
use super::time::Calendar;
use super::user::Role;
use super::{CategoryId, EntryId, Invalid, ProjectId, UserId};

/// The longest single entry accepted; anything longer is a forgotten timer.
pub const MAX_ENTRY: SignedDuration = SignedDuration::from_hours(24);
pub const MAX_DESCRIPTION: usize = 2000;
pub const MAX_NOTE: usize = 4000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Timer,
    Manual,
    Api,
    Import,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Timer => "timer",
            Source::Manual => "manual",
            Source::Api => "api",
            Source::Import => "import",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub id: EntryId,
    pub project_id: ProjectId,
    pub category_id: CategoryId,
    pub user_id: UserId,
    pub start: Timestamp,
    pub end: Timestamp,
    pub description: String,
    pub billable: bool,
    /// Flagged internal by its author: counted in staff views, never shown
    /// to the client.
    pub internal: bool,
    /// A note for staff only.
    pub internal_note: String,
    /// Approved by a manager; a lens may publish only approved time.
    pub approved: bool,
    pub source: Source,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Entry {
    pub fn seconds(&self) -> i64 {
        self.end.duration_since(self.start).as_secs()
    }

    /// Seconds that count as billable: never for internal categories.
    pub fn billable_seconds(&self) -> i64 {
        if self.billable { self.seconds() } else { 0 }
    }
}

/// What a person may set on an entry; ids and stamps are the store's.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryDraft {
    pub project_id: ProjectId,
    pub category_id: CategoryId,
    pub user_id: UserId,
    pub start: Timestamp,
    pub end: Timestamp,
    pub description: String,
    pub billable: bool,
    pub internal: bool,
    pub internal_note: String,
    pub approved: bool,
}

impl From<&Entry> for EntryDraft {
    /// The draft an edit starts from: the entry as it stands.
    fn from(entry: &Entry) -> Self {
        EntryDraft {
            project_id: entry.project_id,
            category_id: entry.category_id,
            user_id: entry.user_id,
            start: entry.start,
            end: entry.end,
            description: entry.description.clone(),
            billable: entry.billable,
            internal: entry.internal,
            internal_note: entry.internal_note.clone(),
            approved: entry.approved,
        }
    }
}

impl EntryDraft {
    /// Checks the draft's own fields and normalises it: text is trimmed and
    /// an entry in an internal category is never billable.
    pub fn validate(mut self, category: &Category) -> Result<EntryDraft, Invalid> {
        if self.end <= self.start {
            return Err(Invalid::new("end", "must be after the start"));
        }
        if self.end.duration_since(self.start) > MAX_ENTRY {
            return Err(Invalid::new("end", "an entry can be at most 24 hours long"));
        }
        self.description = self.description.trim().to_owned();
        if self.description.chars().count() > MAX_DESCRIPTION {
            return Err(Invalid::new(
                "description",
                format!("must be at most {MAX_DESCRIPTION} characters"),
            ));
        }
        self.internal_note = self.internal_note.trim().to_owned();
        if self.internal_note.chars().count() > MAX_NOTE {
            return Err(Invalid::new(
                "internal_note",
                format!("must be at most {MAX_NOTE} characters"),
            ));
        }
        if category.archived {
            return Err(Invalid::new("category_id", "this category is archived"));
        }
        if category.internal {
            self.billable = false;
        }
        Ok(self)
    }
}

/// The lock date freezes entries that start before it for everyone below
/// admin. Returns the error to show, if the change is not allowed.
pub fn check_lock(
    lock: Option<Date>,
    calendar: &Calendar,
    role: Role,
    start: Timestamp,
) -> Result<(), Invalid> {
    match lock {
        Some(lock) if !role.is_admin() && calendar.date_of(start) < lock => Err(Invalid::new(
            "start",
            format!("time before {lock} is locked; ask an admin to change it"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date};

    fn category(internal: bool) -> Category {
        Category {
            id: CategoryId(1),
            name: "Design".into(),
            internal,
            archived: false,
        }
    }

    fn draft(start: &str, end: &str) -> EntryDraft {
        EntryDraft {
            project_id: ProjectId(1),
            category_id: CategoryId(1),
            user_id: UserId(1),
            start: start.parse().unwrap(),
            end: end.parse().unwrap(),
            description: "  Homepage wireframes ".into(),
            billable: true,
            internal: false,
            internal_note: String::new(),
            approved: false,
        }
    }

    #[test]
    fn a_valid_draft_is_trimmed() {
        let d = draft("2026-05-04T09:00:00Z", "2026-05-04T10:30:00Z").validate(&category(false));
        assert_eq!(d.unwrap().description, "Homepage wireframes");
    }

    #[test]
    fn end_must_follow_start_within_a_day() {
        let err = draft("2026-05-04T10:00:00Z", "2026-05-04T10:00:00Z")
            .validate(&category(false))
            .unwrap_err();
        assert_eq!(err.field, "end");
        let err = draft("2026-05-04T10:00:00Z", "2026-05-05T10:00:01Z")
            .validate(&category(false))
            .unwrap_err();
        assert_eq!(err.field, "end");
    }

    #[test]
    fn internal_categories_are_never_billable() {
        let d = draft("2026-05-04T09:00:00Z", "2026-05-04T10:00:00Z").validate(&category(true));
        assert!(!d.unwrap().billable);
    }

    #[test]
    fn the_lock_date_binds_all_but_admins() {
        let cal = Calendar::new("Europe/Berlin", Weekday::Monday).unwrap();
        let lock = Some(date(2026, 5, 1));
        // 23:30 UTC on 30 April is already 1 May in Berlin: not locked.
        let edge: Timestamp = "2026-04-30T22:30:00Z".parse().unwrap();
        assert!(check_lock(lock, &cal, Role::Member, edge).is_ok());
        let before: Timestamp = "2026-04-30T21:30:00Z".parse().unwrap();
        assert_eq!(
            check_lock(lock, &cal, Role::Manager, before)
                .unwrap_err()
                .field,
            "start"
        );
        assert!(check_lock(lock, &cal, Role::Admin, before).is_ok());
        assert!(check_lock(None, &cal, Role::Member, before).is_ok());
    }
}
