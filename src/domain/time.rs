//! Calendar logic in the agency's time zone.
//!
//! Instants are stored as UTC timestamps; days and weeks only exist relative
//! to the agency's zone and week start. Converting the instant to a civil
//! date first, and doing all arithmetic on civil dates, is what keeps weeks
//! correct across daylight-saving changes (a week is seven dates, not
//! 168 hours).

use jiff::civil::{Date, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};
use serde::{Deserialize, Serialize};

use super::Invalid;

/// A local calendar day, as days since 1970-01-01. Compact and ordered, so
/// it serves as a storage key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Day(pub i32);

const EPOCH: Date = Date::constant(1970, 1, 1);

impl Day {
    pub fn from_date(date: Date) -> Day {
        Day(date
            .since(EPOCH)
            .expect("civil dates are in range")
            .get_days())
    }

    pub fn date(self) -> Date {
        EPOCH
            .checked_add(i64::from(self.0).days())
            .expect("stored days are in range")
    }
}

/// The agency's clock: its zone and the weekday its weeks begin on.
#[derive(Debug, Clone)]
pub struct Calendar {
    pub zone: TimeZone,
    pub week_start: Weekday,
}

impl Calendar {
    pub fn new(zone_name: &str, week_start: Weekday) -> Result<Self, Invalid> {
        let zone = TimeZone::get(zone_name).map_err(|_| {
            Invalid::new(
                "time_zone",
                format!("{zone_name:?} is not an IANA time zone"),
            )
        })?;
        Ok(Calendar { zone, week_start })
    }

    pub fn utc() -> Self {
        Calendar {
            zone: TimeZone::UTC,
            week_start: Weekday::Monday,
        }
    }

    /// The local date on which an instant falls.
    pub fn date_of(&self, at: Timestamp) -> Date {
        at.to_zoned(self.zone.clone()).date()
    }

    pub fn day_of(&self, at: Timestamp) -> Day {
        Day::from_date(self.date_of(at))
    }

    /// The first day of the week containing `date`.
    pub fn week_of(&self, date: Date) -> Day {
        let back = date.weekday().since(self.week_start);
        Day::from_date(
            date.checked_sub(i64::from(back).days())
                .expect("dates are in range"),
        )
    }

    pub fn week_of_instant(&self, at: Timestamp) -> Day {
        self.week_of(self.date_of(at))
    }

    /// The instant a local date begins: midnight, or the first instant that
    /// exists where a zone skips midnight.
    pub fn start_of(&self, date: Date) -> Timestamp {
        date.to_zoned(self.zone.clone())
            .and_then(|z| z.start_of_day())
            .map(|z| z.timestamp())
            .expect("dates are in range")
    }

    /// The half-open span of instants `[start, end)` covered by a local date.
    pub fn span_of(&self, date: Date) -> (Timestamp, Timestamp) {
        let next = date.tomorrow().expect("dates are in range");
        (self.start_of(date), self.start_of(next))
    }
}

/// Parses `monday` .. `sunday` (any case).
pub fn parse_weekday(field: &'static str, raw: &str) -> Result<Weekday, Invalid> {
    let day = match raw.trim().to_ascii_lowercase().as_str() {
        "monday" | "mon" => Weekday::Monday,
        "tuesday" | "tue" => Weekday::Tuesday,
        "wednesday" | "wed" => Weekday::Wednesday,
        "thursday" | "thu" => Weekday::Thursday,
        "friday" | "fri" => Weekday::Friday,
        "saturday" | "sat" => Weekday::Saturday,
        "sunday" | "sun" => Weekday::Sunday,
        _ => return Err(Invalid::new(field, "must be a weekday such as monday")),
    };
    Ok(day)
}

pub fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Monday => "monday",
        Weekday::Tuesday => "tuesday",
        Weekday::Wednesday => "wednesday",
        Weekday::Thursday => "thursday",
        Weekday::Friday => "friday",
        Weekday::Saturday => "saturday",
        Weekday::Sunday => "sunday",
    }
}

/// `H:MM` for a duration in seconds, the form timesheets use.
pub fn format_duration(seconds: i64) -> String {
    let sign = if seconds < 0 { "-" } else { "" };
    let minutes = seconds.unsigned_abs() / 60;
    format!("{sign}{}:{:02}", minutes / 60, minutes % 60)
}

/// Hours with one decimal, for summaries: `12.5`.
pub fn format_hours(seconds: i64) -> String {
    // Tenths of an hour are 360 s; adding half of one rounds half away from zero.
    let tenths = (seconds.unsigned_abs() + 180) / 360;
    let sign = if seconds < 0 && tenths > 0 { "-" } else { "" };
    format!("{sign}{}.{}", tenths / 10, tenths % 10)
}

/// Parses a duration typed by a person: `1:30`, `1.5`, `90m`, `1h30`, `2h`.
pub fn parse_duration(field: &'static str, raw: &str) -> Result<i64, Invalid> {
    let bad = || Invalid::new(field, "must be a duration such as 1:30, 1.5 or 90m");
    let text = raw.trim().to_ascii_lowercase().replace(' ', "");
    let seconds = if let Some((h, m)) = text.split_once(':') {
        let h: i64 = h.parse().map_err(|_| bad())?;
        let m: i64 = m.parse().map_err(|_| bad())?;
        if !(0..60).contains(&m) {
            return Err(bad());
        }
        h * 3600 + m * 60
    } else if let Some(m) = text.strip_suffix('m').filter(|m| !m.contains('h')) {
        m.parse::<i64>().map_err(|_| bad())? * 60
    } else if let Some((h, m)) = text.split_once('h') {
        let h: i64 = h.parse().map_err(|_| bad())?;
        let m = m.strip_suffix('m').unwrap_or(m);
        let m: i64 = if m.is_empty() {
            0
        } else {
            m.parse().map_err(|_| bad())?
        };
        h * 3600 + m * 60
    } else {
        let hours: f64 = text.parse().map_err(|_| bad())?;
        if !hours.is_finite() {
            return Err(bad());
        }
        (hours * 3600.0).round() as i64
    };
    if seconds <= 0 || seconds > 24 * 3600 {
        return Err(Invalid::new(
            field,
            "must be more than zero and at most 24 hours",
        ));
    }
    Ok(seconds)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn berlin() -> Calendar {
        Calendar::new("Europe/Berlin", Weekday::Monday).unwrap()
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn days_round_trip() {
        for d in [
            date(1970, 1, 1),
            date(2026, 3, 29),
            date(1969, 12, 31),
            date(2400, 2, 29),
        ] {
            assert_eq!(Day::from_date(d).date(), d);
        }
        assert_eq!(Day::from_date(date(1970, 1, 2)), Day(1));
    }

    #[test]
    fn late_evening_utc_is_the_next_local_day() {
        let cal = berlin();
        // 23:30 UTC on a summer Sunday is 01:30 on Monday in Berlin.
        let at = ts("2026-06-07T23:30:00Z");
        assert_eq!(cal.date_of(at), date(2026, 6, 8));
        assert_eq!(cal.week_of_instant(at), Day::from_date(date(2026, 6, 8)));
    }

    #[test]
    fn weeks_hold_seven_dates_across_dst() {
        let cal = berlin();
        // Berlin springs forward on 2026-03-29 (Sunday) and falls back on 2026-10-25.
        let monday = Day::from_date(date(2026, 3, 23));
        assert_eq!(cal.week_of_instant(ts("2026-03-23T00:30:00+01:00")), monday);
        assert_eq!(cal.week_of_instant(ts("2026-03-29T23:59:00+02:00")), monday);
        assert_eq!(
            cal.week_of_instant(ts("2026-03-30T00:00:00+02:00")),
            Day(monday.0 + 7)
        );

        let (start, end) = cal.span_of(date(2026, 3, 29));
        assert_eq!(end.duration_since(start).as_secs(), 23 * 3600);
        let (start, end) = cal.span_of(date(2026, 10, 25));
        assert_eq!(end.duration_since(start).as_secs(), 25 * 3600);
    }

    #[test]
    fn week_start_is_respected() {
        let cal = Calendar::new("America/New_York", Weekday::Sunday).unwrap();
        let wednesday = date(2026, 11, 4);
        assert_eq!(cal.week_of(wednesday), Day::from_date(date(2026, 11, 1)));
        assert_eq!(
            cal.week_of(date(2026, 11, 1)),
            Day::from_date(date(2026, 11, 1))
        );
        assert_eq!(
            cal.week_of(date(2026, 10, 31)),
            Day::from_date(date(2026, 10, 25))
        );
    }

    #[test]
    fn unknown_zones_are_rejected_by_name() {
        let err = Calendar::new("Mars/Olympus", Weekday::Monday).unwrap_err();
        assert_eq!(err.field, "time_zone");
    }

    #[test]
    fn durations_parse_the_ways_people_type_them() {
        for (raw, secs) in [
            ("1:30", 5400),
            ("1.5", 5400),
            ("90m", 5400),
            ("1h30", 5400),
            ("2h", 7200),
        ] {
            assert_eq!(parse_duration("duration", raw).unwrap(), secs, "{raw}");
        }
        for raw in ["", "0", "-1", "1:75", "25h", "abc", "NaN"] {
            assert!(parse_duration("duration", raw).is_err(), "{raw}");
        }
        assert_eq!(format_duration(5400), "1:30");
        assert_eq!(format_hours(5400), "1.5");
        assert_eq!(format_hours(0), "0.0");
        // 6.65 h rounds up, a second less rounds down; the sign survives below one hour.
        assert_eq!(format_hours(23_940), "6.7");
        assert_eq!(format_hours(23_939), "6.6");
        assert_eq!(format_hours(-1800), "-0.5");
        assert_eq!(format_hours(-100), "0.0");
    }
}

/// Serde for weekdays as their lower-case English names.
pub mod weekday_serde {
    use jiff::civil::Weekday;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(day: &Weekday, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(super::weekday_name(*day))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Weekday, D::Error> {
        let name = String::deserialize(d)?;
        super::parse_weekday("week_start", &name).map_err(serde::de::Error::custom)
    }
}
