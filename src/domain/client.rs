//! Clients of the agency.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::ClientId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Client {
    pub id: ClientId,
    pub name: String,
    pub archived: bool,
    pub created_at: Timestamp,
}
