//! Categories of work. An internal category (admin, training) is never
//! billable and never shown to clients.

use serde::{Deserialize, Serialize};

use super::CategoryId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Category {
    pub id: CategoryId,
    pub name: String,
    pub internal: bool,
    pub archived: bool,
}
