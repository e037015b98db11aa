//! Reading what people type into staff forms: dates, times, hours, money
//! and the start and end of an entry, each failure naming its field.

use jiff::civil::{Date, Time};
use jiff::{SignedDuration, Timestamp};

use crate::domain::Invalid;
use crate::domain::money::{Currency, Money};
use crate::domain::time::{Calendar, parse_duration};

/// A date as `YYYY-MM-DD`, the form `<input type="date">` sends.
pub fn parse_date(field: &'static str, raw: &str) -> Result<Date, Invalid> {
    raw.trim()
        .parse::<Date>()
        .map_err(|_| Invalid::new(field, "must be a date such as 2026-05-04"))
}

/// An optional date: empty means none.
pub fn optional_date(field: &'static str, raw: &str) -> Result<Option<Date>, Invalid> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        parse_date(field, raw).map(Some)
    }
}

/// A time of day as `HH:MM`.
pub fn parse_time(field: &'static str, raw: &str) -> Result<Time, Invalid> {
    raw.trim()
        .parse::<Time>()
        .map_err(|_| Invalid::new(field, "must be a time such as 09:30"))
}

/// A number of hours such as `120` or `37.5`; empty means none.
pub fn optional_hours(field: &'static str, raw: &str) -> Result<Option<i64>, Invalid> {
    let text = raw.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let hours: f64 = text
        .parse()
        .map_err(|_| Invalid::new(field, "must be a number of hours such as 120 or 37.5"))?;
    if !hours.is_finite() || !(0.0..=1_000_000.0).contains(&hours) {
        return Err(Invalid::new(field, "must be between 0 and 1,000,000 hours"));
    }
    Ok(Some((hours * 3600.0).round() as i64))
}

/// An amount in the agency currency; empty means none.
pub fn optional_money(
    field: &'static str,
    raw: &str,
    currency: Currency,
) -> Result<Option<i64>, Invalid> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    let money = Money::parse(field, raw, currency)?;
    if money.minor < 0 {
        return Err(Invalid::new(field, "must not be negative"));
    }
    Ok(Some(money.minor))
}

/// An id picked from a list; `field` names the picker.
pub fn parse_id(field: &'static str, raw: &str) -> Result<u64, Invalid> {
    raw.trim()
        .parse()
        .map_err(|_| Invalid::new(field, "choose one from the list"))
}

/// The instants an entry covers, from a local date and either a start and
/// end time or a duration. Without a start time, a duration is placed at
/// 09:00, the start of an ordinary working day.
pub fn entry_span(
    calendar: &Calendar,
    date: &str,
    start_time: &str,
    end_time: &str,
    duration: &str,
) -> Result<(Timestamp, Timestamp), Invalid> {
    let date = parse_date("date", date)?;
    let at = |time: Time| {
        date.to_datetime(time)
            .to_zoned(calendar.zone.clone())
            .map(|z| z.timestamp())
            .map_err(|_| Invalid::new("date", "is out of range"))
    };
    if !duration.trim().is_empty() {
        let seconds = parse_duration("duration", duration)?;
        let start = if start_time.trim().is_empty() {
            Time::constant(9, 0, 0, 0)
        } else {
            parse_time("start_time", start_time)?
        };
        let start = at(start)?;
        return Ok((start, start + SignedDuration::from_secs(seconds)));
    }
    if start_time.trim().is_empty() {
        return Err(Invalid::new(
            "start_time",
            "give a start and end time, or a duration",
        ));
    }
    let start_clock = parse_time("start_time", start_time)?;
    if end_time.trim().is_empty() {
        return Err(Invalid::new(
            "end_time",
            "give an end time, or a duration instead",
        ));
    }
    let end_clock = parse_time("end_time", end_time)?;
    if end_clock <= start_clock {
        return Err(Invalid::new("end_time", "must be after the start time"));
    }
    Ok((at(start_clock)?, at(end_clock)?))
}

/// A form read as its raw pairs, for forms with repeated keys (checkbox
/// lists), which typed decoding cannot express.
pub struct Pairs(pub Vec<(String, String)>);

impl Pairs {
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::Weekday;

    fn berlin() -> Calendar {
        Calendar::new("Europe/Berlin", Weekday::Monday).unwrap()
    }

    #[test]
    fn a_span_from_times_is_local() {
        let (start, end) = entry_span(&berlin(), "2026-05-04", "09:00", "10:30", "").unwrap();
        assert_eq!(start, "2026-05-04T07:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(end.duration_since(start).as_secs(), 5400);
    }

    #[test]
    fn a_span_across_the_spring_gap_is_shorter() {
        // Berlin skips 02:00-03:00 on 2026-03-29.
        let (start, end) = entry_span(&berlin(), "2026-03-29", "01:00", "04:00", "").unwrap();
        assert_eq!(end.duration_since(start).as_secs(), 2 * 3600);
    }

    #[test]
    fn a_duration_wins_over_an_end_time() {
        let (start, end) = entry_span(&berlin(), "2026-05-04", "", "", "1:30").unwrap();
        assert_eq!(start, "2026-05-04T07:00:00Z".parse::<Timestamp>().unwrap());
        assert_eq!(end.duration_since(start).as_secs(), 5400);
    }

    #[test]
    fn each_mistake_names_its_field() {
        let cal = berlin();
        let field = |d, s, e, dur| entry_span(&cal, d, s, e, dur).unwrap_err().field;
        assert_eq!(field("2026-13-01", "09:00", "10:00", ""), "date");
        assert_eq!(field("2026-05-04", "10:00", "09:00", ""), "end_time");
        assert_eq!(field("2026-05-04", "10:00", "", ""), "end_time");
        assert_eq!(field("2026-05-04", "", "", ""), "start_time");
        assert_eq!(field("2026-05-04", "9h", "10:00", ""), "start_time");
        assert_eq!(field("2026-05-04", "", "", "1:75"), "duration");
    }

    #[test]
    fn hours_and_money_are_optional() {
        assert_eq!(optional_hours("budget_hours", " ").unwrap(), None);
        assert_eq!(
            optional_hours("budget_hours", "37.5").unwrap(),
            Some(135_000)
        );
        assert!(optional_hours("budget_hours", "-1").is_err());
        assert_eq!(
            optional_money("rate", "95.50", Currency::EUR).unwrap(),
            Some(9550)
        );
        assert_eq!(optional_money("rate", "", Currency::EUR).unwrap(), None);
        assert_eq!(
            optional_money("rate", "-3", Currency::EUR)
                .unwrap_err()
                .field,
            "rate"
        );
    }
}
