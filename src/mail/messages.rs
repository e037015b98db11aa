//! The messages other parts of Glasshouse queue, rendered from the shared
//! email layout in `web/templates/email/` (an HTML and a plain-text twin of
//! each, branded with the agency's name).
//!
//! Links are absolute URLs built by the caller from `config.public_url`;
//! nothing here knows routes.

use askama::Template;
use lettre::message::Mailbox;

use super::{Kind, Outgoing};

#[derive(Template)]
#[template(path = "email/portal_invitation.html")]
struct InvitationHtml<'a> {
    agency: &'a str,
    contact_name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/portal_invitation.txt")]
struct InvitationText<'a> {
    agency: &'a str,
    contact_name: &'a str,
    link: &'a str,
}

#[derive(Template)]
#[template(path = "email/portal_sign_in.html")]
struct SignInHtml<'a> {
    agency: &'a str,
    link: &'a str,
    expires: &'a str,
}

#[derive(Template)]
#[template(path = "email/portal_sign_in.txt")]
struct SignInText<'a> {
    agency: &'a str,
    link: &'a str,
    expires: &'a str,
}

#[derive(Template)]
#[template(path = "email/test.html")]
struct TestHtml<'a> {
    agency: &'a str,
    transport: &'a str,
}

#[derive(Template)]
#[template(path = "email/test.txt")]
struct TestText<'a> {
    agency: &'a str,
    transport: &'a str,
}

/// A project's week as its client may see it, already cut by the lens.
#[derive(Debug, Clone, PartialEq)]
pub struct Digest {
    pub project: String,
    /// The local dates the digest covers, e.g. `2026-11-23 – 2026-11-30`.
    pub period: String,
    /// Published hours of the week; `None` when the lens hides time.
    pub hours: Option<String>,
    pub reached: Vec<String>,
    pub next_steps: Vec<String>,
    /// `None` when the lens hides the budget.
    pub budget: Option<String>,
}

#[derive(Template)]
#[template(path = "email/weekly_digest.html")]
struct DigestHtml<'a> {
    agency: &'a str,
    contact_name: &'a str,
    digest: &'a Digest,
    link: &'a str,
    unsubscribe: &'a str,
}

#[derive(Template)]
#[template(path = "email/weekly_digest.txt")]
struct DigestText<'a> {
    agency: &'a str,
    contact_name: &'a str,
    digest: &'a Digest,
    link: &'a str,
    unsubscribe: &'a str,
}

#[derive(Template)]
#[template(path = "email/budget_alert.html")]
struct AlertHtml<'a> {
    agency: &'a str,
    name: &'a str,
    project: &'a str,
    threshold: u32,
    detail: Option<&'a str>,
    link: &'a str,
    unsubscribe: &'a str,
}

#[derive(Template)]
#[template(path = "email/budget_alert.txt")]
struct AlertText<'a> {
    agency: &'a str,
    name: &'a str,
    project: &'a str,
    threshold: u32,
    detail: Option<&'a str>,
    link: &'a str,
    unsubscribe: &'a str,
}

/// Templates only interpolate strings, which cannot fail to format.
fn render(template: &impl Template) -> String {
    template
        .render()
        .expect("email templates interpolate only strings")
}

/// `Name <address>` when the address parses, else the address as given (the
/// outbox then refuses it with a field error).
fn recipient(name: &str, address: &str) -> String {
    match address.trim().parse::<lettre::Address>() {
        Ok(email) if !name.trim().is_empty() => {
            Mailbox::new(Some(name.trim().to_owned()), email).to_string()
        }
        _ => address.trim().to_owned(),
    }
}

/// Welcomes a client contact to the portal.
pub fn portal_invitation(agency: &str, to: &str, contact_name: &str, link: &str) -> Outgoing {
    Outgoing {
        kind: Kind::PortalInvitation,
        to: recipient(contact_name, to),
        subject: format!("Your client portal at {agency}"),
        text: render(&InvitationText {
            agency,
            contact_name,
            link,
        }),
        html: render(&InvitationHtml {
            agency,
            contact_name,
            link,
        }),
        unsubscribe_url: None,
    }
}

/// A single-use sign-in link for a client contact.
pub fn portal_sign_in(agency: &str, to: &str, link: &str, expires_minutes: u32) -> Outgoing {
    let expires = in_words(expires_minutes);
    Outgoing {
        kind: Kind::PortalSignIn,
        to: to.trim().to_owned(),
        subject: format!("Sign in to {agency}"),
        text: render(&SignInText {
            agency,
            link,
            expires: &expires,
        }),
        html: render(&SignInHtml {
            agency,
            link,
            expires: &expires,
        }),
        unsubscribe_url: None,
    }
}

/// The weekly digest of one project for one contact. `link` signs the
/// contact in and opens the project; `unsubscribe` turns digests off.
pub fn weekly_digest(
    agency: &str,
    to: &str,
    contact_name: &str,
    digest: &Digest,
    link: &str,
    unsubscribe: &str,
) -> Outgoing {
    Outgoing {
        kind: Kind::WeeklyDigest,
        to: recipient(contact_name, to),
        subject: format!("{}: your week with {agency}", digest.project),
        text: render(&DigestText {
            agency,
            contact_name,
            digest,
            link,
            unsubscribe,
        }),
        html: render(&DigestHtml {
            agency,
            contact_name,
            digest,
            link,
            unsubscribe,
        }),
        unsubscribe_url: Some(unsubscribe.to_owned()),
    }
}

/// A project crossed `threshold` percent of its budget. `detail` is the
/// line of figures the recipient may see, if any.
#[allow(clippy::too_many_arguments)]
pub fn budget_alert(
    agency: &str,
    to: &str,
    name: &str,
    project: &str,
    threshold: u32,
    detail: Option<&str>,
    link: &str,
    unsubscribe: &str,
) -> Outgoing {
    Outgoing {
        kind: Kind::BudgetAlert,
        to: recipient(name, to),
        subject: format!("{project} has reached {threshold}% of its budget"),
        text: render(&AlertText {
            agency,
            name,
            project,
            threshold,
            detail,
            link,
            unsubscribe,
        }),
        html: render(&AlertHtml {
            agency,
            name,
            project,
            threshold,
            detail,
            link,
            unsubscribe,
        }),
        unsubscribe_url: Some(unsubscribe.to_owned()),
    }
}

/// What `glasshouse mail test` sends; `transport` says which way it went.
pub fn test(agency: &str, to: &str, transport: &str) -> Outgoing {
    Outgoing {
        kind: Kind::Test,
        to: to.trim().to_owned(),
        subject: format!("Test message from {agency}"),
        text: render(&TestText { agency, transport }),
        html: render(&TestHtml { agency, transport }),
        unsubscribe_url: None,
    }
}

fn in_words(minutes: u32) -> String {
    match minutes {
        1 => "1 minute".to_owned(),
        m if m < 60 || m % 60 != 0 => format!("{m} minutes"),
        60 => "1 hour".to_owned(),
        1440 => "1 day".to_owned(),
        m if m % 1440 == 0 => format!("{} days", m / 1440),
        m => format!("{} hours", m / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_has_both_bodies_and_the_link() {
        let link = "https://portal.example/p/invite?t=a&b=c";
        let m = portal_invitation("Fern & Oak", "ada@client.example", "Ada Lovelace", link);
        m.validate().expect("a valid message");
        assert_eq!(m.to, "Ada Lovelace <ada@client.example>");
        assert!(m.subject.contains("Fern & Oak"));
        assert!(m.text.contains(link), "{}", m.text);
        assert!(m.text.contains("Fern & Oak"));
        assert!(
            !m.html.contains("Fern & Oak"),
            "the HTML escapes the agency name"
        );
        assert!(m.html.contains("Fern &#38; Oak"));
        assert!(
            m.html
                .contains("https://portal.example/p/invite?t=a&#38;b=c")
        );
        assert!(m.html.contains("Ada Lovelace"));
    }

    #[test]
    fn markup_in_names_is_escaped_in_html() {
        let m = portal_invitation(
            "A",
            "x@y.example",
            "<script>x</script>",
            "https://p.example/",
        );
        assert!(!m.html.contains("<script>"));
        assert!(
            m.text.contains("<script>"),
            "plain text is not HTML-escaped"
        );
    }

    #[test]
    fn a_sign_in_link_says_when_it_expires() {
        let m = portal_sign_in("Agency", "ada@client.example", "https://p.example/s/1", 15);
        m.validate().expect("a valid message");
        assert!(m.text.contains("within 15 minutes"), "{}", m.text);
        assert!(m.html.contains("https://p.example/s/1"));
        assert_eq!(in_words(60), "1 hour");
        assert_eq!(in_words(120), "2 hours");
        assert_eq!(in_words(90), "90 minutes");
        assert_eq!(in_words(7 * 1440), "7 days");
    }

    #[test]
    fn a_digest_shows_only_what_it_is_given_and_links_the_unsubscribe() {
        let digest = Digest {
            project: "Atlas".into(),
            period: "2026-11-23 – 2026-11-30".into(),
            hours: Some("12.5 h".into()),
            reached: vec!["Launch".into()],
            next_steps: vec!["Handover".into()],
            budget: None,
        };
        let m = weekly_digest(
            "Studio",
            "ada@client.example",
            "Ada",
            &digest,
            "https://p.example/portal/auth/t",
            "https://p.example/portal/unsubscribe/u",
        );
        m.validate().expect("a valid notification");
        assert!(m.text.contains("12.5 h") && m.html.contains("Launch"));
        assert!(!m.text.contains("Budget used"));
        assert!(m.text.contains("https://p.example/portal/unsubscribe/u"));
        let alert = budget_alert(
            "Studio",
            "ada@client.example",
            "Ada",
            "Atlas",
            90,
            None,
            "https://p.example/a",
            "https://p.example/u",
        );
        alert.validate().expect("a valid notification");
        assert!(alert.subject.contains("90%"));
    }
}
