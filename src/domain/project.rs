//! Projects: who the work is for, its budget and who works on it.

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use super::{ClientId, Invalid, ProjectId, UserId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProjectStatus {
    Active,
    Paused,
    Done,
}

impl ProjectStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProjectStatus::Active => "active",
            ProjectStatus::Paused => "paused",
            ProjectStatus::Done => "done",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "active" => Ok(ProjectStatus::Active),
            "paused" => Ok(ProjectStatus::Paused),
            "done" => Ok(ProjectStatus::Done),
            _ => Err(Invalid::new("status", "must be active, paused or done")),
        }
    }
}

/// Whether the budget covers the whole project or renews every month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BudgetPeriod {
    Lifetime,
    Monthly,
}

impl BudgetPeriod {
    pub fn as_str(self) -> &'static str {
        match self {
            BudgetPeriod::Lifetime => "lifetime",
            BudgetPeriod::Monthly => "monthly",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, Invalid> {
        match raw.trim() {
            "lifetime" => Ok(BudgetPeriod::Lifetime),
            "monthly" => Ok(BudgetPeriod::Monthly),
            _ => Err(Invalid::new("budget_period", "must be lifetime or monthly")),
        }
    }

    /// The dates whose time counts against the budget on `today`: all of
    /// them, or the calendar month of `today`.
    pub fn window(self, today: Date) -> Option<(Date, Date)> {
        match self {
            BudgetPeriod::Lifetime => None,
            BudgetPeriod::Monthly => {
                let first = today.first_of_month();
                Some((first, first.last_of_month()))
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Project {
    pub id: ProjectId,
    pub client_id: ClientId,
    pub name: String,
    pub status: ProjectStatus,
    /// Budgeted time in seconds.
    pub budget_seconds: Option<i64>,
    /// Budgeted amount in the agency currency's minor units.
    pub budget_amount: Option<i64>,
    pub budget_period: BudgetPeriod,
    pub start: Option<Date>,
    pub end: Option<Date>,
    pub members: Vec<UserId>,
    /// The project's billing rate per hour, in minor units.
    pub rate: Option<i64>,
    pub created_at: Timestamp,
}

impl Project {
    pub fn has_member(&self, user: UserId) -> bool {
        self.members.contains(&user)
    }

    /// Checks the rules that span fields.
    pub fn validate(&self) -> Result<(), Invalid> {
        if let (Some(start), Some(end)) = (self.start, self.end)
            && end < start
        {
            return Err(Invalid::new("end", "must not be before the start date"));
        }
        if self.budget_seconds.is_some_and(|s| s < 0) {
            return Err(Invalid::new("budget_hours", "must not be negative"));
        }
        if self.budget_amount.is_some_and(|a| a < 0) {
            return Err(Invalid::new("budget_amount", "must not be negative"));
        }
        if self.rate.is_some_and(|r| r < 0) {
            return Err(Invalid::new("rate", "must not be negative"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn a_monthly_budget_counts_the_current_month() {
        assert_eq!(BudgetPeriod::Lifetime.window(date(2026, 2, 14)), None);
        assert_eq!(
            BudgetPeriod::Monthly.window(date(2026, 2, 14)),
            Some((date(2026, 2, 1), date(2026, 2, 28)))
        );
    }
}
