//! Turning a queued message into the MIME message a transport sends.
//!
//! Everything that names the message is derived from what is stored, so a
//! retry, even after a crash, produces the same `Message-ID` and `Date`.

use std::time::SystemTime;

use jiff::Timestamp;
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};

use super::{Outgoing, SetupError};

const LIST_UNSUBSCRIBE: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe");
const LIST_UNSUBSCRIBE_POST: HeaderName = HeaderName::new_from_ascii_str("List-Unsubscribe-Post");

/// Builds messages for one database and one configuration.
#[derive(Debug, Clone)]
pub struct Composer {
    from: Mailbox,
    domain: String,
    key: u64,
}

impl Composer {
    /// `key` is the database's random Message-ID value (see
    /// `outbox::MESSAGE_ID_KEY`); `public_url` names the host in ids.
    pub fn new(from: &str, public_url: &str, key: u64) -> Result<Composer, SetupError> {
        let from = from
            .parse::<Mailbox>()
            .map_err(|e| SetupError::From(format!("{from:?} is not an address: {e}")))?;
        Ok(Composer {
            from,
            domain: host_of(public_url).to_owned(),
            key,
        })
    }

    /// `<outbox-ID.KEY@HOST>`: unique across databases sharing a host name,
    /// and the same on every attempt.
    pub fn message_id(&self, outbox_id: u64) -> String {
        format!("<outbox-{outbox_id}.{:016x}@{}>", self.key, self.domain)
    }

    /// A Message-ID for a message that is not in the outbox (`mail test`).
    pub fn one_off_id(&self, nonce: u64) -> String {
        format!("<test-{nonce:016x}.{:016x}@{}>", self.key, self.domain)
    }

    pub fn compose(
        &self,
        message: &Outgoing,
        message_id: String,
        queued_at: Timestamp,
    ) -> Result<Message, String> {
        let to = message
            .to
            .parse::<Mailbox>()
            .map_err(|e| format!("the address {:?} is not valid: {e}", message.to))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(message.subject.clone())
            .message_id(Some(message_id))
            .date(SystemTime::from(queued_at));
        if let Some(url) = &message.unsubscribe_url {
            builder = builder
                .raw_header(HeaderValue::new(LIST_UNSUBSCRIBE, format!("<{url}>")))
                .raw_header(HeaderValue::new(
                    LIST_UNSUBSCRIBE_POST,
                    "List-Unsubscribe=One-Click".to_owned(),
                ));
        }
        builder
            .multipart(MultiPart::alternative_plain_html(
                message.text.clone(),
                message.html.clone(),
            ))
            .map_err(|e| format!("the message cannot be built: {e}"))
    }
}

/// The host part of a URL such as `https://hours.example.com:8443/x`.
pub fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let authority = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    if authority.starts_with('[') {
        return authority
            .find(']')
            .map_or(authority, |end| &authority[..=end]);
    }
    let host = authority.split(':').next().unwrap_or(authority);
    if host.is_empty() { "localhost" } else { host }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mail::Kind;

    fn outgoing(kind: Kind, unsubscribe: Option<&str>) -> Outgoing {
        Outgoing {
            kind,
            to: "Ada <ada@client.example>".into(),
            subject: "Your week".into(),
            text: "Plain body".into(),
            html: "<p>HTML body</p>".into(),
            unsubscribe_url: unsubscribe.map(str::to_owned),
        }
    }

    #[test]
    fn hosts_come_from_the_public_url() {
        assert_eq!(host_of("https://hours.example.com"), "hours.example.com");
        assert_eq!(host_of("http://127.0.0.1:8080/"), "127.0.0.1");
        assert_eq!(host_of("http://[::1]:8080"), "[::1]");
        assert_eq!(host_of("https://u@h.example:1/p?q"), "h.example");
    }

    #[test]
    fn the_same_message_composes_the_same_identity() {
        let composer = Composer::new("Agency <hi@agency.example>", "https://h.example", 0xabc)
            .expect("valid sender");
        assert_eq!(
            composer.message_id(7),
            "<outbox-7.0000000000000abc@h.example>"
        );
        let message = outgoing(Kind::PortalSignIn, None);
        let at = Timestamp::from_second(1_700_000_000).unwrap();
        let first = composer
            .compose(&message, composer.message_id(7), at)
            .unwrap();
        let second = composer
            .compose(&message, composer.message_id(7), at)
            .unwrap();
        let header = |m: &Message, name: &str| m.headers().get_raw(name).map(str::to_owned);
        assert_eq!(header(&first, "Message-ID"), header(&second, "Message-ID"));
        assert_eq!(header(&first, "Date"), header(&second, "Date"));
        assert!(header(&first, "List-Unsubscribe").is_none());
    }

    #[test]
    fn notifications_carry_one_click_unsubscribe() {
        let composer = Composer::new("a@agency.example", "https://h.example", 1).unwrap();
        let message = outgoing(Kind::WeeklyDigest, Some("https://h.example/u/abc"));
        let built = composer
            .compose(&message, composer.message_id(1), Timestamp::UNIX_EPOCH)
            .unwrap();
        let raw = String::from_utf8(built.formatted()).unwrap();
        assert!(
            raw.contains("List-Unsubscribe: <https://h.example/u/abc>"),
            "{raw}"
        );
        assert!(raw.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert!(raw.contains("multipart/alternative"));
    }
}
