//! Milestones of a project, optionally shown to the client.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{Invalid, MilestoneId, ProjectId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MilestoneStatus {
    Planned,
    InProgress,
    Done,
}

impl MilestoneStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            MilestoneStatus::Planned => "planned",
            MilestoneStatus::InProgress => "in_progress",
            MilestoneStatus::Done => "done",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "planned" => Ok(MilestoneStatus::Planned),
            "in_progress" => Ok(MilestoneStatus::InProgress),
            "done" => Ok(MilestoneStatus::Done),
            _ => Err(Invalid::new(
                "status",
                "must be planned, in_progress or done",
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Milestone {
    pub id: MilestoneId,
    pub project_id: ProjectId,
    pub title: String,
    pub due: Option<Date>,
    pub status: MilestoneStatus,
    pub client_visible: bool,
    pub done_at: Option<Timestamp>,
}

/// Milestones in timeline order: by due date (undated last), then by id.
pub fn sort_timeline(milestones: &mut [Milestone]) {
    milestones.sort_by_key(|m| (m.due.is_none(), m.due, m.id));
}
