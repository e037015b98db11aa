//! Agency-wide settings, changed by admins in the UI.

use jiff::civil::{Date, Weekday};
use serde::{Deserialize, Serialize};

use super::Invalid;
use super::hygiene::HygieneRules;
use super::lens::Lens;
use super::money::Currency;
use super::time::Calendar;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgencySettings {
    pub name: String,
    pub currency: Currency,
    /// An IANA zone name such as `Europe/Berlin`.
    pub time_zone: String,
    #[serde(with = "super::time::weekday_serde")]
    pub week_start: Weekday,
    /// Entries starting before this local date are frozen for non-admins.
    pub lock_date: Option<Date>,
    pub hygiene: HygieneRules,
    /// What clients see of a project that has no lens of its own.
    #[serde(default)]
    pub lens: Lens,
}

impl Default for AgencySettings {
    fn default() -> Self {
        Self {
            name: "My Agency".into(),
            currency: Currency::EUR,
            time_zone: "UTC".into(),
            week_start: Weekday::Monday,
            lock_date: None,
            hygiene: HygieneRules::default(),
            lens: Lens::default(),
        }
    }
}

impl AgencySettings {
    pub fn calendar(&self) -> Calendar {
        Calendar::new(&self.time_zone, self.week_start).unwrap_or_else(|_| Calendar::utc())
    }

    pub fn validate(&self) -> Result<(), Invalid> {
        super::clean_name("name", &self.name, 120)?;
        Calendar::new(&self.time_zone, self.week_start)?;
        if self.hygiene.min_length > 200 {
            return Err(Invalid::new("min_length", "must be at most 200"));
        }
        Ok(())
    }
}
