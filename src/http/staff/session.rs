//! Signing in and out.

use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::user::{User, normalize_email};
use crate::http::auth::{self, Staff, tokens_match};
use crate::http::error::{Error, PageError};
use crate::http::{State, pages};
use crate::security::{self, new_token};
use crate::store::records::Reads;

#[derive(Template)]
#[template(path = "staff/login.html")]
struct LoginPage {
    agency: String,
    csrf: String,
    email: String,
    next: String,
    error: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// Only same-site paths are followed after sign-in.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

fn agency_name(state: &State) -> String {
    state
        .store
        .read(|txn| txn.settings())
        .map(|s| s.name)
        .unwrap_or_else(|_| "Glasshouse".into())
}

pub async fn login_form(state: State, query: web::Query<LoginQuery>) -> HttpResponse {
    let csrf = new_token();
    let page = LoginPage {
        agency: agency_name(&state),
        csrf: csrf.clone(),
        email: String::new(),
        next: safe_next(query.next.as_deref()),
        error: None,
    };
    let mut response = pages::render(&page);
    let _ = response.add_cookie(&auth::login_csrf_cookie(&state, &csrf));
    response
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
}

pub async fn login(
    state: State,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, PageError> {
    let form = form.into_inner();
    let expected = req
        .cookie(auth::login_cookie_name(&state))
        .map(|c| c.value().to_owned());
    if !tokens_match(&form.csrf, expected.as_deref().unwrap_or("")) {
        return Err(PageError(Error::Forbidden(
            "the sign-in form has expired; reload the page and try again".into(),
        )));
    }
    let next = safe_next(form.next.as_deref());
    let email = normalize_email(&form.email).unwrap_or_else(|_| form.email.trim().to_lowercase());
    let ip = req.peer_addr().map(|a| a.ip());
    let retry = |message: String, status| {
        let csrf = new_token();
        let page = LoginPage {
            agency: agency_name(&state),
            csrf: csrf.clone(),
            email: email.clone(),
            next: next.clone(),
            error: Some(message),
        };
        let mut response = pages::render_with(status, &page);
        let _ = response.add_cookie(&auth::login_csrf_cookie(&state, &csrf));
        response
    };

    if let Err(wait) = state.throttle.check(&email, ip) {
        tracing::warn!(%email, ip = ?ip, "sign-in throttled");
        let minutes = wait.as_secs().div_ceil(60).max(1);
        return Ok(retry(
            format!("Too many failed attempts. Try again in {minutes} minutes."),
            actix_web::http::StatusCode::TOO_MANY_REQUESTS,
        ));
    }

    let user: Option<User> = state.store.read(|txn| txn.user_by_email(&email))?;
    let password = form.password;
    let verified = match &user {
        Some(u) if !u.disabled => security::verify_password(&password, &u.password_hash),
        _ => {
            // Spend the same time as a real check, so timing tells nothing.
            security::verify_password(&password, security::dummy_hash());
            false
        }
    };
    let Some(user) = user.filter(|_| verified) else {
        state.throttle.fail(&email, ip);
        tracing::info!(%email, "sign-in failed");
        return Ok(retry(
            "That email and password do not match an active account.".into(),
            actix_web::http::StatusCode::UNAUTHORIZED,
        ));
    };
    state.throttle.succeed(&email);
    tracing::info!(user = %user.id, "signed in");
    let cookie = auth::start_session(&state, &user).await?;
    let mut response = auth::redirect_with_cookie(&next, cookie);
    let mut clear = auth::login_csrf_cookie(&state, "");
    clear.make_removal();
    let _ = response.add_cookie(&clear);
    Ok(response)
}

pub async fn logout(
    state: State,
    posted: auth::Posted<serde::de::IgnoredAny>,
) -> Result<HttpResponse, PageError> {
    let staff: Staff = posted.staff;
    let cookie = auth::end_session(&state, &staff).await?;
    tracing::info!(user = %staff.user.id, "signed out");
    Ok(auth::redirect_with_cookie("/login", cookie))
}
