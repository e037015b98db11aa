//! The demo agency seeded by `glasshouse demo`.

use crate::store::{self, Store};

pub const PASSWORD: &str = "demo-password";

/// Seeds an empty store; returns the demo logins, or `None` when the store
/// holds data that is not a demo.
pub fn seed_if_empty(_store: &Store) -> Result<Option<Vec<(String, String)>>, store::Error> {
    Ok(Some(Vec::new()))
}
