//! Signing in to the portal with emailed magic links.
//!
//! Asking for a link answers the same whether the address is known or not.
//! Opening a link shows a page with a button; only the button's POST spends
//! the link, so a mail scanner that fetches it does not use it up.
//!
//! Link requests are throttled with the staff sign-in throttle, under
//! their own per-address keys; the per-IP budget is shared, so a burst of
//! link requests from one address also slows staff sign-in from it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::auth::{self, PortalContact};
use crate::domain::contact::Contact;
use crate::domain::user::normalize_email;
use crate::http::error::{Error, PageError};
use crate::http::{State, pages};
use crate::mail::messages;
use crate::security::{new_token, token_hash};
use crate::store::portal::{self as stored, LinkState, PortalReads, Purpose};
use crate::store::records::Reads;

#[derive(Template)]
#[template(path = "portal/login.html")]
struct LoginPage {
    agency: String,
    csrf: String,
    email: String,
    sent: bool,
    error: Option<String>,
}

#[derive(Template)]
#[template(path = "portal/auth.html")]
struct AuthPage {
    agency: String,
    csrf: String,
    token: String,
    valid: bool,
    name: String,
}

fn agency_name(state: &State) -> String {
    state
        .store
        .read(|txn| txn.settings())
        .map(|s| s.name)
        .unwrap_or_else(|_| "Glasshouse".into())
}

/// Renders a sign-in page with a fresh double-submit token.
fn with_csrf(
    state: &State,
    status: StatusCode,
    page: impl FnOnce(String) -> HttpResponse,
) -> HttpResponse {
    let csrf = new_token();
    let mut response = page(csrf.clone());
    *response.status_mut() = status;
    let _ = response.add_cookie(&auth::login_csrf_cookie(state, &csrf));
    response
}

fn login_page(
    state: &State,
    status: StatusCode,
    email: String,
    sent: bool,
    error: Option<String>,
) -> HttpResponse {
    let agency = agency_name(state);
    with_csrf(state, status, |csrf| {
        pages::render(&LoginPage {
            agency,
            csrf,
            email,
            sent,
            error,
        })
    })
}

pub async fn login_form(state: State) -> HttpResponse {
    login_page(&state, StatusCode::OK, String::new(), false, None)
}

/// How long a link of each purpose lives.
pub fn lifetime(state: &State, purpose: Purpose) -> SignedDuration {
    match purpose {
        Purpose::SignIn => SignedDuration::from_mins(15),
        Purpose::Invitation => SignedDuration::from_hours(7 * 24),
        Purpose::Notification => {
            SignedDuration::from_hours(24 * state.config.portal_link_days.min(365) as i64)
        }
    }
}

/// Creates a link for `contact` and queues the email that carries it, in
/// one transaction.
pub async fn send_link(state: &State, contact: &Contact, purpose: Purpose) -> Result<(), Error> {
    let settings = state.store.read(|txn| txn.settings())?;
    let token = new_token();
    let hash = token_hash(&token);
    let now = Timestamp::now();
    let url = format!("{}/portal/auth/{token}", state.config.public_url);
    let ttl = lifetime(state, purpose);
    let message = match purpose {
        Purpose::Invitation => {
            messages::portal_invitation(&settings.name, &contact.email, &contact.name, &url)
        }
        Purpose::SignIn | Purpose::Notification => messages::portal_sign_in(
            &settings.name,
            &contact.email,
            &url,
            u32::try_from(ttl.as_mins()).unwrap_or(u32::MAX),
        ),
    };
    let id = contact.id;
    state
        .store
        .write(move |txn| {
            stored::create_link(txn, &hash, id, purpose, now, ttl)?;
            crate::mail::enqueue(txn, message.clone(), now)?;
            Ok(())
        })
        .await?;
    Ok(())
}

/// Counts a link request against the address and the caller's IP; `false`
/// when either has asked too often.
fn allow_request(state: &State, email: &str, req: &HttpRequest) -> bool {
    let key = format!("portal:{email}");
    let ip = req.peer_addr().map(|a| a.ip());
    if state.throttle.check(&key, ip).is_err() {
        tracing::warn!(ip = ?ip, "portal link requests throttled");
        return false;
    }
    state.throttle.fail(&key, ip);
    true
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    csrf: String,
}

pub async fn login(
    state: State,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    if !auth::login_csrf_ok(&state, &req, &form.csrf) {
        return Err(PageError(Error::Forbidden(
            "the sign-in form has expired; reload the page and try again".into(),
        )));
    }
    let Ok(email) = normalize_email(&form.email) else {
        return Ok(login_page(
            &state,
            StatusCode::UNPROCESSABLE_ENTITY,
            form.email,
            false,
            Some("Enter an email address such as ana@example.com.".into()),
        ));
    };
    if !allow_request(&state, &email, &req) {
        return Ok(login_page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            email,
            false,
            Some("Too many requests. Try again in a few minutes.".into()),
        ));
    }
    let contact = state.store.read(|txn| txn.contact_by_email(&email))?;
    if let Some(contact) = contact.filter(|c| c.portal_access) {
        send_link(&state, &contact, Purpose::SignIn).await?;
        tracing::info!(contact = %contact.id, "portal sign-in link queued");
    }
    Ok(login_page(
        &state,
        StatusCode::OK,
        String::new(),
        true,
        None,
    ))
}

pub async fn link_page(state: State, token: web::Path<String>) -> Result<HttpResponse, PageError> {
    let token = token.into_inner();
    let hash = token_hash(&token);
    let now = Timestamp::now();
    let link = state
        .store
        .read(|txn| stored::link_state(txn, &hash, now))?;
    let (valid, name) = match &link {
        LinkState::Valid(_, contact) => (true, contact.name.clone()),
        _ => (false, String::new()),
    };
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    let agency = agency_name(&state);
    Ok(with_csrf(&state, status, |csrf| {
        pages::render(&AuthPage {
            agency,
            csrf,
            token,
            valid,
            name,
        })
    }))
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    csrf: String,
}

pub async fn redeem(
    state: State,
    req: HttpRequest,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    if !auth::login_csrf_ok(&state, &req, &form.csrf) {
        return Err(PageError(Error::Forbidden(
            "the sign-in form has expired; open the link again".into(),
        )));
    }
    let link_hash = token_hash(&form.token);
    let session_token = new_token();
    let session_hash = token_hash(&session_token);
    let csrf = new_token();
    let now = Timestamp::now();
    let outcome = state
        .store
        .write(move |txn| stored::redeem_link(txn, &link_hash, &session_hash, &csrf, now))
        .await?;
    let LinkState::Valid(link, contact) = outcome else {
        tracing::info!("portal link refused: used, expired or unknown");
        let agency = agency_name(&state);
        let token = form.token;
        return Ok(with_csrf(&state, StatusCode::GONE, |csrf| {
            pages::render(&AuthPage {
                agency,
                csrf,
                token,
                valid: false,
                name: String::new(),
            })
        }));
    };
    tracing::info!(contact = %contact.id, "contact signed in to the portal");
    let outcome_project = link.project_id;
    let landing = match outcome_project {
        Some(project) => format!("/portal/projects/{project}"),
        None => "/portal".to_owned(),
    };
    let mut response = pages::see_other(&landing);
    let _ = response.add_cookie(&auth::portal_cookie(&state, session_token));
    let mut clear = auth::login_csrf_cookie(&state, "");
    clear.make_removal();
    let _ = response.add_cookie(&clear);
    Ok(response)
}

/// Sends a fresh sign-in link to the contact a spent link was for.
pub async fn resend(
    state: State,
    req: HttpRequest,
    form: web::Form<TokenForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    if !auth::login_csrf_ok(&state, &req, &form.csrf) {
        return Err(PageError(Error::Forbidden(
            "the form has expired; open the link again".into(),
        )));
    }
    let hash = token_hash(&form.token);
    let contact = state.store.read(|txn| {
        let Some(link) = txn.magic_link(&hash)? else {
            return Ok(None);
        };
        txn.get::<Contact>(link.contact_id.0)
    })?;
    if let Some(contact) = contact.filter(|c| c.portal_access) {
        if !allow_request(&state, &contact.email, &req) {
            return Ok(login_page(
                &state,
                StatusCode::TOO_MANY_REQUESTS,
                String::new(),
                false,
                Some("Too many requests. Try again in a few minutes.".into()),
            ));
        }
        send_link(&state, &contact, Purpose::SignIn).await?;
    }
    Ok(login_page(
        &state,
        StatusCode::OK,
        String::new(),
        true,
        None,
    ))
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

pub async fn logout(
    state: State,
    contact: PortalContact,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, PageError> {
    if !crate::http::auth::tokens_match(&form.csrf, &contact.csrf) {
        return Err(PageError(Error::Forbidden(
            "this form has expired; reload the page and try again".into(),
        )));
    }
    let hash = contact.session;
    state
        .store
        .write(move |txn| stored::delete_session(txn, &hash))
        .await?;
    let mut cookie = auth::portal_cookie(&state, String::new());
    cookie.make_removal();
    let mut response = pages::see_other("/portal/login");
    let _ = response.add_cookie(&cookie);
    Ok(response)
}
