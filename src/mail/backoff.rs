//! When to try a failed message again, and when to give up.
//!
//! The wait doubles from 30 seconds up to an hour, with ±20 % jitter so a
//! batch that failed together (the server was down) does not retry in
//! lockstep. Two days after a round of attempts began, the message is dead:
//! long enough to ride out a weekend outage, short enough that a sign-in
//! link is not delivered long after it expired.

use jiff::{SignedDuration, Timestamp};
use rand::Rng;

pub const FIRST_WAIT: SignedDuration = SignedDuration::from_secs(30);
pub const LONGEST_WAIT: SignedDuration = SignedDuration::from_secs(60 * 60);
pub const GIVE_UP_AFTER: SignedDuration = SignedDuration::from_hours(48);
/// The jitter, as a fraction of the wait either way.
pub const JITTER: f64 = 0.2;

/// The wait after the `attempts`-th failure (1 for the first), before jitter.
pub fn base_wait(attempts: u32) -> SignedDuration {
    let doublings = attempts.saturating_sub(1).min(16);
    let secs = FIRST_WAIT.as_secs().saturating_mul(1 << doublings);
    SignedDuration::from_secs(secs.min(LONGEST_WAIT.as_secs()))
}

/// When to try again after the `attempts`-th failure at `now`, or `None`
/// when the round that began at `since` has run out.
pub fn next_attempt(
    attempts: u32,
    since: Timestamp,
    now: Timestamp,
    rng: &mut impl Rng,
) -> Option<Timestamp> {
    if now.duration_since(since) >= GIVE_UP_AFTER {
        return None;
    }
    let base = base_wait(attempts).as_millis() as f64;
    let factor = rng.gen_range((1.0 - JITTER)..=(1.0 + JITTER));
    let wait = SignedDuration::from_millis((base * factor).round() as i64);
    Some(now.saturating_add(wait).unwrap_or(Timestamp::MAX))
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    #[test]
    fn waits_double_then_cap() {
        assert_eq!(base_wait(1), FIRST_WAIT);
        assert_eq!(base_wait(2), FIRST_WAIT * 2);
        assert_eq!(base_wait(3), FIRST_WAIT * 4);
        assert_eq!(base_wait(8), LONGEST_WAIT);
        assert_eq!(base_wait(u32::MAX), LONGEST_WAIT);
        for n in 1..40 {
            assert!(base_wait(n) <= base_wait(n + 1));
        }
    }

    #[test]
    fn jitter_stays_within_a_fifth() {
        let mut rng = StdRng::seed_from_u64(7);
        let since = Timestamp::UNIX_EPOCH;
        let mut seen = std::collections::BTreeSet::new();
        for attempts in 1..12 {
            for _ in 0..50 {
                let at = next_attempt(attempts, since, since, &mut rng).unwrap();
                let wait = at.duration_since(since).as_secs_f64();
                let base = base_wait(attempts).as_secs_f64();
                assert!(wait >= base * 0.8 - 0.001 && wait <= base * 1.2 + 0.001);
                seen.insert(at.as_millisecond());
            }
        }
        assert!(seen.len() > 100, "jitter spreads retries apart");
    }

    #[test]
    fn a_round_ends_after_two_days() {
        let mut rng = StdRng::seed_from_u64(1);
        let since = Timestamp::UNIX_EPOCH;
        let almost = since + (GIVE_UP_AFTER - SignedDuration::from_secs(1));
        assert!(next_attempt(60, since, almost, &mut rng).is_some());
        assert!(next_attempt(60, since, since + GIVE_UP_AFTER, &mut rng).is_none());
    }
}
