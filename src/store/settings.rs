//! Saving the agency settings, with what a change of calendar implies.

use redb::WriteTransaction;

use super::records::{self, Reads};
use super::{Error, rollups};
use crate::domain::settings::AgencySettings;

/// Stores new settings. Roll-ups are bucketed by local day and week, so a
/// new time zone or week start rebuilds them in the same transaction.
/// Returns whether they were rebuilt.
pub fn save(txn: &WriteTransaction, new: &AgencySettings) -> Result<bool, Error> {
    new.validate()?;
    let old = txn.settings()?;
    records::put_settings(txn, new)?;
    let moved = old.time_zone != new.time_zone || old.week_start != new.week_start;
    if moved {
        rollups::rebuild(txn, &new.calendar())?;
    }
    Ok(moved)
}
