//! Signed one-click unsubscribe tokens.
//!
//! A token names a recipient (a contact, or a staff member for the staff
//! kind of alert) and a kind of notification and carries an
//! HMAC-SHA256 over both, keyed with a random value created once per
//! database and kept in `meta`. Nothing is stored per token: the signature
//! alone authorises turning that one notification off, which is what lets
//! a mail client's RFC 8058 POST work without a session or a form token.
//! A token never expires; the worst it can do is switch one notification
//! off for the person it was mailed to.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use redb::{ReadableTable, WriteTransaction};
use sha2::Sha256;

use crate::domain::contact::Notice;
use crate::store::{Error, tables};

type HmacSha256 = Hmac<Sha256>;

/// `meta` keys of the four 64-bit words of the signing key.
const KEY_WORDS: [&str; 4] = [
    "unsubscribe_key_0",
    "unsubscribe_key_1",
    "unsubscribe_key_2",
    "unsubscribe_key_3",
];

/// The signing key, 32 bytes.
#[derive(Clone)]
pub struct Key([u8; 32]);

/// Creates the signing key unless the database has one.
pub fn prepare(txn: &WriteTransaction, fresh: [u64; 4]) -> Result<(), Error> {
    let mut meta = txn.open_table(tables::META)?;
    if meta.get(KEY_WORDS[0])?.is_none() {
        for (name, word) in KEY_WORDS.iter().zip(fresh) {
            meta.insert(*name, word)?;
        }
    }
    Ok(())
}

/// Reads the key from `meta` in either kind of transaction.
pub fn key(meta: &impl ReadableTable<&'static str, u64>) -> Result<Key, Error> {
    let mut bytes = [0u8; 32];
    for (i, name) in KEY_WORDS.iter().enumerate() {
        let word = meta.get(*name)?.map(|v| v.value()).ok_or(Error::Corrupt {
            table: "meta",
            detail: format!("{name} is missing"),
        })?;
        bytes[i * 8..(i + 1) * 8].copy_from_slice(&word.to_be_bytes());
    }
    Ok(Key(bytes))
}

pub fn read_key(txn: &redb::ReadTransaction) -> Result<Key, Error> {
    key(&txn.open_table(tables::META)?)
}

fn payload(recipient: u64, notice: Notice) -> [u8; 9] {
    let mut out = [0u8; 9];
    out[..8].copy_from_slice(&recipient.to_be_bytes());
    out[8] = notice.code();
    out
}

fn mac(key: &Key, payload: &[u8]) -> HmacSha256 {
    let mut mac = HmacSha256::new_from_slice(&key.0).expect("HMAC takes keys of any length");
    mac.update(payload);
    mac
}

/// The token for one recipient id and notification: payload and
/// signature, base64url without padding.
pub fn sign(key: &Key, recipient: u64, notice: Notice) -> String {
    let payload = payload(recipient, notice);
    let signature = mac(key, &payload).finalize().into_bytes();
    let mut raw = payload.to_vec();
    raw.extend_from_slice(&signature);
    URL_SAFE_NO_PAD.encode(raw)
}

/// The recipient id and notification a token names, when its signature
/// holds.
pub fn verify(key: &Key, token: &str) -> Option<(u64, Notice)> {
    let raw = URL_SAFE_NO_PAD.decode(token.as_bytes()).ok()?;
    if raw.len() != 9 + 32 {
        return None;
    }
    let (payload, signature) = raw.split_at(9);
    mac(key, payload).verify_slice(signature).ok()?;
    let id = u64::from_be_bytes(payload[..8].try_into().ok()?);
    Some((id, Notice::from_code(payload[8])?))
}

/// The absolute URL a message's `List-Unsubscribe` header points at.
pub fn url(public_url: &str, key: &Key, recipient: u64, notice: Notice) -> String {
    format!(
        "{}/portal/unsubscribe/{}",
        public_url.trim_end_matches('/'),
        sign(key, recipient, notice)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_verify_only_with_their_key_and_unaltered() {
        let key = Key([7; 32]);
        let token = sign(&key, 42, Notice::BudgetAlerts);
        assert_eq!(verify(&key, &token), Some((42, Notice::BudgetAlerts)));
        assert_eq!(verify(&Key([8; 32]), &token), None);
        let mut raw = URL_SAFE_NO_PAD.decode(&token).unwrap();
        raw[7] ^= 1;
        assert_eq!(verify(&key, &URL_SAFE_NO_PAD.encode(&raw)), None);
        assert_eq!(verify(&key, "not-a-token"), None);
        assert_ne!(token, sign(&key, 42, Notice::WeeklyDigest));
    }
}
