//! A client's contacts: the people who sign in to the portal.
//!
//! An email address belongs to at most one contact across all clients, so a
//! sign-in link always names exactly one person and one client. Someone who
//! works with two clients of the agency gets a second address.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::user::normalize_email;
use super::{ClientId, ContactId, Invalid};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    pub client_id: ClientId,
    pub name: String,
    /// Normalised (lower case); unique across all contacts.
    pub email: String,
    /// Whether this person may sign in to the portal at all.
    pub portal_access: bool,
    pub created_at: Timestamp,
    /// Which notification emails this person receives.
    pub notifications: Notifications,
}

/// A contact's notification preferences; everything is on until they say
/// otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notifications {
    pub weekly_digest: bool,
    pub budget_alerts: bool,
}

impl Default for Notifications {
    fn default() -> Self {
        Notifications {
            weekly_digest: true,
            budget_alerts: true,
        }
    }
}

/// The kinds of notification a contact can turn off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice {
    WeeklyDigest,
    BudgetAlerts,
    /// A staff member's budget alerts; the token then names a user.
    StaffBudgetAlerts,
}

impl Notice {
    pub fn code(self) -> u8 {
        match self {
            Notice::WeeklyDigest => 1,
            Notice::BudgetAlerts => 2,
            Notice::StaffBudgetAlerts => 3,
        }
    }

    pub fn from_code(code: u8) -> Option<Notice> {
        match code {
            1 => Some(Notice::WeeklyDigest),
            2 => Some(Notice::BudgetAlerts),
            3 => Some(Notice::StaffBudgetAlerts),
            _ => None,
        }
    }

    /// How the confirmation page names it.
    pub fn label(self) -> &'static str {
        match self {
            Notice::WeeklyDigest => "the weekly digest",
            Notice::BudgetAlerts | Notice::StaffBudgetAlerts => "budget alerts",
        }
    }
}

impl Notifications {
    pub fn wants(self, notice: Notice) -> bool {
        match notice {
            Notice::WeeklyDigest => self.weekly_digest,
            Notice::BudgetAlerts => self.budget_alerts,
            Notice::StaffBudgetAlerts => false,
        }
    }

    pub fn set(&mut self, notice: Notice, on: bool) {
        match notice {
            Notice::WeeklyDigest => self.weekly_digest = on,
            Notice::BudgetAlerts => self.budget_alerts = on,
            Notice::StaffBudgetAlerts => {}
        }
    }
}

/// What a person types when adding a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactDraft {
    pub name: String,
    pub email: String,
}

impl ContactDraft {
    /// Trims the name and normalises the address.
    pub fn validate(self) -> Result<ContactDraft, Invalid> {
        Ok(ContactDraft {
            name: super::clean_name("name", &self.name, 120)?,
            email: normalize_email(&self.email)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drafts_are_cleaned_and_checked_by_field() {
        let d = ContactDraft {
            name: "  Ana Ruiz ".into(),
            email: " Ana@Client.Example ".into(),
        }
        .validate()
        .unwrap();
        assert_eq!(d.name, "Ana Ruiz");
        assert_eq!(d.email, "ana@client.example");
        let err = ContactDraft {
            name: " ".into(),
            email: "ana@client.example".into(),
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field, "name");
        let err = ContactDraft {
            name: "Ana".into(),
            email: "ana".into(),
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field, "email");
    }
}
