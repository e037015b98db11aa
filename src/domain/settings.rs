//! Agency-wide settings, changed by admins in the UI.

use jiff::civil::{Date, Time, Weekday};
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
    /// When contacts get their weekly digest, in the agency's time zone.
    #[serde(with = "super::time::weekday_serde")]
    pub digest_weekday: Weekday,
    pub digest_time: Time,
    /// Percentages of a budget at which managers (and, when the lens shows
    /// the budget, contacts) are alerted; ascending, each fires once per
    /// budget period.
    pub alert_thresholds: Vec<u32>,
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
            digest_weekday: Weekday::Monday,
            digest_time: Time::constant(8, 0, 0, 0),
            alert_thresholds: vec![75, 90, 100],
        }
    }
}

/// Reads thresholds typed as `75, 90, 100`; sorted and deduplicated.
pub fn parse_thresholds(raw: &str) -> Result<Vec<u32>, Invalid> {
    let mut out = Vec::new();
    for part in raw.split([',', ' ']).filter(|p| !p.trim().is_empty()) {
        let value: u32 = part.trim().trim_end_matches('%').parse().map_err(|_| {
            Invalid::new(
                "alert_thresholds",
                format!("{part:?} is not a whole percentage"),
            )
        })?;
        if !(1..=1000).contains(&value) {
            return Err(Invalid::new(
                "alert_thresholds",
                "each threshold must be between 1 and 1000",
            ));
        }
        out.push(value);
    }
    out.sort_unstable();
    out.dedup();
    Ok(out)
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
        let ascending = self.alert_thresholds.windows(2).all(|w| w[0] < w[1]);
        if !ascending
            || self
                .alert_thresholds
                .iter()
                .any(|t| !(1..=1000).contains(t))
        {
            return Err(Invalid::new(
                "alert_thresholds",
                "must be ascending percentages between 1 and 1000",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_parse_sorted_and_name_their_field() {
        assert_eq!(parse_thresholds("100, 75 90%").unwrap(), vec![75, 90, 100]);
        assert_eq!(parse_thresholds("").unwrap(), Vec::<u32>::new());
        assert_eq!(parse_thresholds("x").unwrap_err().field, "alert_thresholds");
        assert_eq!(parse_thresholds("0").unwrap_err().field, "alert_thresholds");
        let mut s = AgencySettings::default();
        s.validate().unwrap();
        s.alert_thresholds = vec![90, 75];
        assert_eq!(s.validate().unwrap_err().field, "alert_thresholds");
    }
}
