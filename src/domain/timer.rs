//! The running timer: at most one per person.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::entry::EntryDraft;
use super::{CategoryId, ProjectId, UserId};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timer {
    pub user_id: UserId,
    pub project_id: ProjectId,
    pub category_id: CategoryId,
    pub description: String,
    pub billable: bool,
    pub started_at: Timestamp,
}

impl Timer {
    /// The entry the timer becomes when stopped at `now`. A timer stopped
    /// within the same second still records one second, so it is not lost.
    pub fn stop(&self, now: Timestamp) -> EntryDraft {
        let end = if now > self.started_at {
            now
        } else {
            self.started_at + jiff::SignedDuration::from_secs(1)
        };
        EntryDraft {
            project_id: self.project_id,
            category_id: self.category_id,
            user_id: self.user_id,
            start: self.started_at,
            end,
            description: self.description.clone(),
            billable: self.billable,
            internal: false,
            internal_note: String::new(),
            approved: false,
        }
    }
}
