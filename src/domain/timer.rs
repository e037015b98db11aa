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
    /// The entry the timer becomes when stopped at `now`: whole seconds, as
    /// every duration is, and at least one, so a timer stopped at once is
    /// not lost.
    pub fn stop(&self, now: Timestamp) -> EntryDraft {
        let elapsed = now.duration_since(self.started_at).as_secs().max(1);
        let end = self.started_at + jiff::SignedDuration::from_secs(elapsed);
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
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timer(started_at: &str) -> Timer {
        Timer {
            user_id: UserId(1),
            project_id: ProjectId(2),
            category_id: CategoryId(3),
            description: "Wireframes".into(),
            billable: true,
            started_at: started_at.parse().unwrap(),
        }
    }

    #[test]
    fn a_stopped_timer_lasts_whole_seconds_and_at_least_one() {
        let t = timer("2026-05-04T09:00:00.700Z");
        let quick = t.stop("2026-05-04T09:00:01.200Z".parse().unwrap());
        assert_eq!(quick.end.duration_since(quick.start).as_secs(), 1);
        assert_eq!(quick.end.duration_since(quick.start).subsec_nanos(), 0);
        let long = t.stop("2026-05-04T10:30:00.100Z".parse().unwrap());
        assert_eq!(long.end.duration_since(long.start).as_secs(), 5399);
        assert_eq!(long.end.duration_since(long.start).subsec_nanos(), 0);
        let backwards = t.stop("2026-05-04T08:00:00Z".parse().unwrap());
        assert_eq!(backwards.end.duration_since(backwards.start).as_secs(), 1);
    }
}
