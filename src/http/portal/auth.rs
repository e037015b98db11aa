//! Who is asking on the portal: a signed-in contact with portal access.
//!
//! Portal sessions have their own cookie (`gh_portal`, `__Host-gh_portal`
//! over TLS) and their own table, so a staff cookie is never a contact's
//! and a contact's cookie opens no staff or API route.

use std::future::{Ready, ready};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::{FromRequest, HttpRequest};
use jiff::{SignedDuration, Timestamp};

use crate::domain::client::Client;
use crate::domain::contact::Contact;
use crate::http::error::{Error, PageError};
use crate::http::{State, pages};
use crate::security::token_hash;
use crate::store::portal::{self as stored, PortalReads, PortalSession};
use crate::store::records::Reads;

const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(60);

pub fn portal_cookie_name(state: &State) -> &'static str {
    if state.config.secure_cookies() {
        "__Host-gh_portal"
    } else {
        "gh_portal"
    }
}

pub fn portal_login_cookie_name(state: &State) -> &'static str {
    if state.config.secure_cookies() {
        "__Host-gh_portal_login"
    } else {
        "gh_portal_login"
    }
}

pub(super) fn timeouts(state: &State) -> (SignedDuration, SignedDuration) {
    let idle = SignedDuration::try_from(state.config.session_idle).unwrap_or(SignedDuration::MAX);
    let absolute =
        SignedDuration::try_from(state.config.session_absolute).unwrap_or(SignedDuration::MAX);
    (idle, absolute)
}

/// A signed-in contact whose portal access is on.
#[derive(Debug, Clone)]
pub struct PortalContact {
    pub contact: Contact,
    pub client: Client,
    pub csrf: String,
    pub session: [u8; 32],
}

fn contact_of(req: &HttpRequest) -> Result<Option<PortalContact>, Error> {
    let state = req
        .app_data::<State>()
        .expect("the app factory installs the state")
        .clone();
    let Some(cookie) = req.cookie(portal_cookie_name(&state)) else {
        return Ok(None);
    };
    let hash = token_hash(cookie.value());
    let now = Timestamp::now();
    let (idle, absolute) = timeouts(&state);
    let found = state.store.read(|txn| {
        let Some(session) = txn.portal_session(&hash)? else {
            return Ok(None);
        };
        let Some(contact) = txn.get::<Contact>(session.contact_id.0)? else {
            return Ok(None);
        };
        let client: Client = txn.must(contact.client_id.0)?;
        Ok(Some((session, contact, client)))
    })?;
    let Some((session, contact, client)) = found else {
        return Ok(None);
    };
    if session.expired(now, idle, absolute) || !contact.portal_access || client.archived {
        return Ok(None);
    }
    if now.duration_since(session.last_seen) > TOUCH_EVERY {
        let touched = PortalSession {
            last_seen: now,
            ..session.clone()
        };
        state
            .store
            .write_in_background("portal session activity", move |txn| {
                if txn.portal_session(&hash)?.is_some() {
                    stored::put_session(txn, &hash, &touched)?;
                }
                Ok(())
            });
    }
    Ok(Some(PortalContact {
        contact,
        client,
        csrf: session.csrf,
        session: hash,
    }))
}

impl FromRequest for PortalContact {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match contact_of(req) {
            Ok(Some(contact)) => Ok(contact),
            Ok(None) => Err(InternalError::from_response(
                "sign in first",
                pages::see_other("/portal/login"),
            )
            .into()),
            Err(e) => Err(PageError(e).into()),
        })
    }
}

pub fn portal_cookie(state: &State, value: String) -> Cookie<'static> {
    let max_age = actix_web::cookie::time::Duration::seconds(
        state.config.session_absolute.as_secs().min(i64::MAX as u64) as i64,
    );
    Cookie::build(portal_cookie_name(state), value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .max_age(max_age)
        .finish()
}

/// The double-submit cookie of the portal's sign-in forms.
pub fn login_csrf_cookie(state: &State, token: &str) -> Cookie<'static> {
    Cookie::build(portal_login_cookie_name(state), token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies())
        .max_age(actix_web::cookie::time::Duration::hours(2))
        .finish()
}

/// Whether a form's token matches the sign-in cookie it came with.
pub fn login_csrf_ok(state: &State, req: &HttpRequest, given: &str) -> bool {
    let expected = req
        .cookie(portal_login_cookie_name(state))
        .map(|c| c.value().to_owned());
    crate::http::auth::tokens_match(given, expected.as_deref().unwrap_or(""))
}
