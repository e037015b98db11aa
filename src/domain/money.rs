//! Money as integer minor units with an ISO 4217 currency; never floats.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::Invalid;

/// An ISO 4217 alphabetic code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Currency([u8; 3]);

impl Currency {
    pub const EUR: Currency = Currency(*b"EUR");

    pub fn parse(code: &str) -> Result<Self, Invalid> {
        let code = code.trim().to_ascii_uppercase();
        match code.as_bytes() {
            [a, b, c] if [a, b, c].iter().all(|ch| ch.is_ascii_uppercase()) => {
                Ok(Currency([*a, *b, *c]))
            }
            _ => Err(Invalid::new(
                "currency",
                "must be a three-letter ISO 4217 code",
            )),
        }
    }

    pub fn code(&self) -> &str {
        std::str::from_utf8(&self.0).expect("currency codes are ASCII by construction")
    }

    /// Digits after the decimal point. ISO 4217 gives most currencies two;
    /// these are the common exceptions.
    pub fn exponent(&self) -> u32 {
        match self.code() {
            "JPY" | "KRW" | "ISK" | "CLP" | "VND" | "XOF" | "XAF" | "UGX" | "PYG" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" | "IQD" | "LYD" => 3,
            _ => 2,
        }
    }

    fn unit(&self) -> i64 {
        10_i64.pow(self.exponent())
    }
}

impl TryFrom<String> for Currency {
    type Error = Invalid;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Currency::parse(&value)
    }
}

impl From<Currency> for String {
    fn from(value: Currency) -> Self {
        value.code().to_owned()
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// An amount in minor units (cents for EUR).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Self {
        Self { minor, currency }
    }

    /// Parses a decimal amount such as `1250`, `1250.5` or `1,250.50`.
    pub fn parse(field: &'static str, raw: &str, currency: Currency) -> Result<Self, Invalid> {
        let bad = || {
            Invalid::new(
                field,
                format!("must be an amount such as 1250.00 {currency}"),
            )
        };
        let text: String = raw
            .trim()
            .chars()
            .filter(|c| *c != ',' && *c != '_')
            .collect();
        let (negative, text) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.as_str()),
        };
        let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
        let digits = currency.exponent() as usize;
        let all_digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !all_digits(whole) || !all_digits(frac) || frac.len() > digits {
            return Err(bad());
        }
        let whole: i64 = whole.parse().map_err(|_| bad())?;
        let frac: i64 = if frac.is_empty() {
            0
        } else {
            format!("{frac:0<digits$}").parse().map_err(|_| bad())?
        };
        let minor = whole
            .checked_mul(currency.unit())
            .and_then(|w| w.checked_add(frac))
            .ok_or_else(bad)?;
        Ok(Money::new(if negative { -minor } else { minor }, currency))
    }

    /// The amount earned by `seconds` of work at `self` per hour, rounded
    /// half away from zero to the minor unit.
    pub fn per_hour_times(self, seconds: i64) -> Money {
        let product = i128::from(self.minor) * i128::from(seconds);
        let rounded = (product + product.signum() * 1800) / 3600;
        Money::new(
            rounded.clamp(i64::MIN as i128, i64::MAX as i128) as i64,
            self.currency,
        )
    }

    /// The amount as a plain decimal without a currency code: `1250.50`.
    pub fn decimal(&self) -> String {
        let unit = self.currency.unit();
        let sign = if self.minor < 0 { "-" } else { "" };
        let abs = self.minor.unsigned_abs();
        let digits = self.currency.exponent() as usize;
        if digits == 0 {
            return format!("{sign}{abs}");
        }
        let unit = unit as u64;
        format!("{sign}{}.{:0digits$}", abs / unit, abs % unit)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.decimal(), self.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(minor: i64) -> Money {
        Money::new(minor, Currency::EUR)
    }

    #[test]
    fn parses_and_formats_amounts() {
        assert_eq!(
            Money::parse("rate", "1,250.5", Currency::EUR).unwrap(),
            eur(125_050)
        );
        assert_eq!(
            Money::parse("rate", "-3", Currency::EUR).unwrap(),
            eur(-300)
        );
        assert_eq!(eur(125_050).to_string(), "1250.50 EUR");
        assert_eq!(eur(-5).decimal(), "-0.05");
        let yen = Currency::parse("jpy").unwrap();
        assert_eq!(
            Money::parse("rate", "1500", yen).unwrap().to_string(),
            "1500 JPY"
        );
    }

    #[test]
    fn rejects_malformed_amounts() {
        for raw in ["", "abc", "1.234", "1.2.3", ".5", "1e3"] {
            assert!(Money::parse("rate", raw, Currency::EUR).is_err(), "{raw:?}");
        }
        assert!(Money::parse("rate", "0.5", Currency::parse("JPY").unwrap()).is_err());
    }

    #[test]
    fn hourly_amounts_round_half_away_from_zero() {
        // 100.00/h for 1 s is 2.78 cents; for 18 s exactly half a cent rounds up.
        assert_eq!(eur(10_000).per_hour_times(1), eur(3));
        assert_eq!(eur(100).per_hour_times(18), eur(1));
        assert_eq!(eur(12_000).per_hour_times(5400), eur(18_000));
        assert_eq!(eur(-100).per_hour_times(18), eur(-1));
    }

    #[test]
    fn currency_codes_are_validated() {
        assert!(Currency::parse("eu").is_err());
        assert!(Currency::parse("EU1").is_err());
        assert_eq!(Currency::parse(" usd ").unwrap().code(), "USD");
    }
}
