//! The portal's emails: sign-in links and invitations, in plain text and
//! simple HTML.

use jiff::Timestamp;

use crate::domain::contact::Contact;
use crate::domain::time::Calendar;
use crate::mail::{Kind, Outgoing};

fn escape(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn local(calendar: &Calendar, at: Timestamp) -> String {
    at.to_zoned(calendar.zone.clone())
        .strftime("%Y-%m-%d %H:%M %Z")
        .to_string()
}

fn message(
    kind: Kind,
    contact: &Contact,
    subject: String,
    lead: &str,
    link: &str,
    expires: &str,
) -> Outgoing {
    let text = format!(
        "Hello {name},\n\n{lead}\n\n{link}\n\nThe link works once and until {expires}. \
         If you did not expect this message, you can ignore it.\n",
        name = contact.name,
    );
    let html = format!(
        "<!doctype html><html><body><p>Hello {name},</p><p>{lead}</p>\
         <p><a href=\"{link}\">Open the client portal</a></p>\
         <p>The link works once and until {expires}. If you did not expect this message, \
         you can ignore it.</p></body></html>",
        name = escape(&contact.name),
        lead = escape(lead),
        link = escape(link),
        expires = escape(expires),
    );
    Outgoing {
        kind,
        to: contact.email.clone(),
        subject,
        text,
        html,
        unsubscribe_url: None,
    }
}

/// A link to sign in, sent when the contact asks for one.
pub fn sign_in(
    agency: &str,
    contact: &Contact,
    link: &str,
    expires: Timestamp,
    calendar: &Calendar,
) -> Outgoing {
    message(
        Kind::PortalSignIn,
        contact,
        format!("Your sign-in link for {agency}"),
        &format!("Here is your link to sign in to the {agency} client portal:"),
        link,
        &local(calendar, expires),
    )
}

/// The first link, sent when the agency invites a contact.
pub fn invitation(
    agency: &str,
    contact: &Contact,
    link: &str,
    expires: Timestamp,
    calendar: &Calendar,
) -> Outgoing {
    message(
        Kind::PortalInvitation,
        contact,
        format!("{agency} invites you to its client portal"),
        &format!(
            "{agency} has invited you to its client portal, where you can follow the \
             progress of your projects."
        ),
        link,
        &local(calendar, expires),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{ClientId, ContactId};

    #[test]
    fn bodies_carry_the_link_and_escape_names() {
        let contact = Contact {
            id: ContactId(1),
            client_id: ClientId(1),
            name: "Ana <b>".into(),
            email: "ana@client.example".into(),
            portal_access: true,
            created_at: Timestamp::UNIX_EPOCH,
        };
        let link = "https://gh.example/portal/auth/abc";
        let m = invitation(
            "Studio",
            &contact,
            link,
            Timestamp::UNIX_EPOCH,
            &Calendar::utc(),
        );
        assert_eq!(m.kind, Kind::PortalInvitation);
        assert_eq!(m.to, "ana@client.example");
        assert!(m.text.contains(link) && m.html.contains(link));
        assert!(m.html.contains("Ana &lt;b&gt;") && !m.html.contains("<b>"));
        assert!(m.text.contains("1970-01-01 00:00 UTC"));
    }
}
