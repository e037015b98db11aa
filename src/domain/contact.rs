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
