//! Secrets: password hashing, random tokens, and sign-in throttling.
//!
//! Tokens (sessions, API tokens, CSRF) are 256 random bits shown to their
//! holder once; only their sha-256 is stored, so a copy of the database
//! opens no session.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// argon2id with the OWASP-recommended 19 MiB, two passes, one lane.
fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("OWASP parameters are valid");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

pub const MIN_PASSWORD: usize = 10;

pub fn check_password_strength(password: &str) -> Result<(), crate::domain::Invalid> {
    if password.chars().count() < MIN_PASSWORD {
        return Err(crate::domain::Invalid::new(
            "password",
            format!("must be at least {MIN_PASSWORD} characters"),
        ));
    }
    if password.len() > 1024 {
        return Err(crate::domain::Invalid::new(
            "password",
            "must be at most 1024 bytes",
        ));
    }
    Ok(())
}

pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    argon2()
        .hash_password(password.as_bytes(), &salt)
        .expect("hashing with valid parameters succeeds")
        .to_string()
}

/// Verifies a password; an empty or malformed hash never matches.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| {
        argon2()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
}

/// A hash to verify against when the account does not exist, so that a
/// wrong email takes as long as a wrong password.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not a real password, only for timing"))
}

/// A new random token, URL-safe, 43 characters.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database stores for a token.
pub fn token_hash(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Counts failed sign-ins per account and per address in a sliding window.
///
/// In memory on purpose: a restart forgives, and the counters never cost a
/// disk write.
pub struct Throttle {
    failures: Mutex<HashMap<String, Vec<Instant>>>,
    window: Duration,
    per_account: usize,
    per_ip: usize,
}

impl Default for Throttle {
    fn default() -> Self {
        Throttle::new(Duration::from_secs(15 * 60), 5, 20)
    }
}

impl Throttle {
    pub fn new(window: Duration, per_account: usize, per_ip: usize) -> Self {
        Throttle {
            failures: Mutex::new(HashMap::new()),
            window,
            per_account,
            per_ip,
        }
    }

    fn keys(account: &str, ip: Option<IpAddr>) -> (String, Option<String>) {
        (format!("a:{account}"), ip.map(|ip| format!("i:{ip}")))
    }

    /// `Err(wait)` when the account or the address has failed too often.
    pub fn check(&self, account: &str, ip: Option<IpAddr>) -> Result<(), Duration> {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("throttle lock");
        let (account_key, ip_key) = Throttle::keys(account, ip);
        let mut wait = None;
        for (key, limit) in [(Some(account_key), self.per_account), (ip_key, self.per_ip)] {
            let Some(list) = key.and_then(|k| failures.get_mut(&k)) else {
                continue;
            };
            list.retain(|t| now.duration_since(*t) < self.window);
            if list.len() >= limit {
                let oldest = list[list.len() - limit];
                let left = self.window.saturating_sub(now.duration_since(oldest));
                wait = Some(wait.map_or(left, |w: Duration| w.max(left)));
            }
        }
        match wait {
            Some(wait) => Err(wait),
            None => Ok(()),
        }
    }

    pub fn fail(&self, account: &str, ip: Option<IpAddr>) {
        let now = Instant::now();
        let mut failures = self.failures.lock().expect("throttle lock");
        // Bound memory under a spray of made-up accounts.
        if failures.len() > 100_000 {
            failures.retain(|_, list| {
                list.last()
                    .is_some_and(|t| now.duration_since(*t) < self.window)
            });
        }
        let (account_key, ip_key) = Throttle::keys(account, ip);
        failures.entry(account_key).or_default().push(now);
        if let Some(ip_key) = ip_key {
            failures.entry(ip_key).or_default().push(now);
        }
    }

    pub fn succeed(&self, account: &str) {
        self.failures
            .lock()
            .expect("throttle lock")
            .remove(&format!("a:{account}"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_only_against_their_hash() {
        let hash = hash_password("correct horse battery");
        assert!(hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
        assert!(!verify_password("anything", ""));
    }

    #[test]
    fn tokens_are_256_bits_and_distinct() {
        let (a, b) = (new_token(), new_token());
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), 32);
        assert_ne!(a, b);
        assert_ne!(token_hash(&a), token_hash(&b));
    }

    #[test]
    fn throttle_limits_accounts_and_addresses() {
        let t = Throttle::new(Duration::from_secs(60), 2, 3);
        let ip: Option<IpAddr> = Some("10.0.0.1".parse().unwrap());
        t.fail("ana", ip);
        assert!(t.check("ana", ip).is_ok());
        t.fail("ana", ip);
        assert!(t.check("ana", ip).is_err());
        assert!(t.check("ben", None).is_ok());
        t.fail("ben", ip);
        assert!(
            t.check("cleo", ip).is_err(),
            "the address is now over its limit"
        );
        t.succeed("ana");
        assert!(t.check("ana", None).is_ok());
    }
}
