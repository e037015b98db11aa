//! The pure core: types and rules of agency work, with no I/O.
//!
//! Everything here is deterministic and unit-tested without a database or a
//! server. Storage, HTTP and the portal build on these types; none of them
//! re-state a rule that lives here.

pub mod budget;
pub mod category;
pub mod client;
pub mod contact;
pub mod entry;
pub mod hygiene;
pub mod ids;
pub mod lens;
pub mod milestone;
pub mod money;
pub mod project;
pub mod rate;
pub mod rollup;
pub mod settings;
pub mod time;
pub mod timer;
pub mod user;

pub use ids::{CategoryId, ClientId, ContactId, EntryId, MilestoneId, ProjectId, UserId};

/// A rule broken by input: which field, and what to fix.
///
/// Domain validation returns this so that every edge (form, API, CLI) can
/// name the offending field in its own way.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct Invalid {
    pub field: &'static str,
    pub message: String,
}

impl Invalid {
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

/// Trims a user-supplied name and checks it is present and of sane length.
pub fn clean_name(field: &'static str, raw: &str, max: usize) -> Result<String, Invalid> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(Invalid::new(field, "must not be empty"));
    }
    if name.chars().count() > max {
        return Err(Invalid::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if name.chars().any(char::is_control) {
        return Err(Invalid::new(field, "must not contain control characters"));
    }
    Ok(name.to_owned())
}
