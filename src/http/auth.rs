//! Who is asking: extractors that only succeed for the right caller.
//!
//! A handler that takes `Staff` runs only for a signed-in staff member;
//! `Manager` and `Admin` only for those roles (others get 404, as for an
//! object that does not exist); `ApiUser` only with a valid bearer token.
//! `Posted<T>` is a form from a signed-in member whose CSRF token matched.

use std::future::{Ready, ready};

use actix_web::cookie::{Cookie, SameSite};
use actix_web::dev::Payload;
use actix_web::error::InternalError;
use actix_web::web::Bytes;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use futures_util::future::LocalBoxFuture;
use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use super::error::{ApiError, Error, PageError};
use super::{State, pages};
use crate::domain::user::{Actor, User};
use crate::security::{new_token, token_hash};
use crate::store::auth::{self as stored, Session};
use crate::store::records::Reads;

/// Sessions are touched at most this often, so browsing costs no writes.
const TOUCH_EVERY: SignedDuration = SignedDuration::from_secs(60);

pub fn session_cookie_name(state: &State) -> &'static str {
    if state.config.secure_cookies() {
        "__Host-gh_session"
    } else {
        "gh_session"
    }
}

pub fn login_cookie_name(state: &State) -> &'static str {
    if state.config.secure_cookies() {
        "__Host-gh_login"
    } else {
        "gh_login"
    }
}

fn state_of(req: &HttpRequest) -> State {
    req.app_data::<State>()
        .expect("the app factory installs the state")
        .clone()
}

fn timeouts(state: &State) -> (SignedDuration, SignedDuration) {
    let idle = SignedDuration::try_from(state.config.session_idle).unwrap_or(SignedDuration::MAX);
    let absolute =
        SignedDuration::try_from(state.config.session_absolute).unwrap_or(SignedDuration::MAX);
    (idle, absolute)
}

/// A signed-in, enabled staff member.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: User,
    pub csrf: String,
    pub session: [u8; 32],
}

impl Staff {
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }
}

fn to_login(req: &HttpRequest) -> actix_web::Error {
    let next = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str())
        .unwrap_or("/");
    let location = if req.method() == actix_web::http::Method::GET && next != "/" {
        format!("/login?next={}", urlencode(next))
    } else {
        "/login".to_owned()
    };
    InternalError::from_response("sign in first", pages::see_other(&location)).into()
}

pub fn urlencode(raw: &str) -> String {
    serde_urlencoded::to_string([("", raw)])
        .map(|s| s[1..].to_owned())
        .unwrap_or_default()
}

/// Looks up the session a request carries, if it is valid now.
fn staff_of(req: &HttpRequest) -> Result<Option<Staff>, Error> {
    let state = state_of(req);
    let Some(cookie) = req.cookie(session_cookie_name(&state)) else {
        return Ok(None);
    };
    let hash = token_hash(cookie.value());
    let now = Timestamp::now();
    let (idle, absolute) = timeouts(&state);
    let found = state.store.read(|txn| {
        let Some(session) = stored::session(txn, &hash)? else {
            return Ok(None);
        };
        let user: Option<User> = txn.get(session.user_id.0)?;
        Ok(user.map(|u| (session, u)))
    })?;
    let Some((session, user)) = found else {
        return Ok(None);
    };
    if session.expired(now, idle, absolute) || user.disabled {
        return Ok(None);
    }
    if now.duration_since(session.last_seen) > TOUCH_EVERY {
        let touched = Session {
            last_seen: now,
            ..session.clone()
        };
        // Losing a touch in a crash only brings the idle timeout forward.
        state
            .store
            .write_in_background("session activity", move |txn| {
                // Only touch a session that still exists (not signed out meanwhile).
                if stored::session_exists(txn, &hash)? {
                    stored::put_session(txn, &hash, &touched)?;
                }
                Ok(())
            });
    }
    Ok(Some(Staff {
        user,
        csrf: session.csrf,
        session: hash,
    }))
}

impl FromRequest for Staff {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match staff_of(req) {
            Ok(Some(staff)) => Ok(staff),
            Ok(None) => Err(to_login(req)),
            Err(e) => Err(PageError(e).into()),
        })
    }
}

/// A staff member who sees all time: manager, admin or owner.
#[derive(Debug, Clone)]
pub struct Manager(pub Staff);

impl FromRequest for Manager {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match staff_of(req) {
            Ok(Some(staff)) if staff.user.role.sees_all_time() => Ok(Manager(staff)),
            Ok(Some(_)) => Err(PageError(Error::NotFound).into()),
            Ok(None) => Err(to_login(req)),
            Err(e) => Err(PageError(e).into()),
        })
    }
}

/// An admin or owner.
#[derive(Debug, Clone)]
pub struct Admin(pub Staff);

impl FromRequest for Admin {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(match staff_of(req) {
            Ok(Some(staff)) if staff.user.role.is_admin() => Ok(Admin(staff)),
            Ok(Some(_)) => Err(PageError(Error::NotFound).into()),
            Ok(None) => Err(to_login(req)),
            Err(e) => Err(PageError(e).into()),
        })
    }
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

pub fn tokens_match(given: &str, expected: &str) -> bool {
    !expected.is_empty() && bool::from(given.as_bytes().ct_eq(expected.as_bytes()))
}

/// A form posted by a signed-in staff member, with its CSRF token checked
/// before the form is even parsed.
pub struct Posted<T> {
    pub staff: Staff,
    pub form: T,
}

impl<T: DeserializeOwned + 'static> FromRequest for Posted<T> {
    type Error = actix_web::Error;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let staff = staff_of(req);
        let login = to_login(req);
        let body = Bytes::from_request(req, payload);
        Box::pin(async move {
            let staff = match staff {
                Ok(Some(staff)) => staff,
                Ok(None) => return Err(login),
                Err(e) => return Err(PageError(e).into()),
            };
            let bytes = body.await.map_err(|_| PageError(Error::TooLarge))?;
            let field: CsrfField = serde_urlencoded::from_bytes(&bytes).unwrap_or(CsrfField {
                csrf: String::new(),
            });
            if !tokens_match(&field.csrf, &staff.csrf) {
                tracing::warn!(user = %staff.user.id, "form rejected: CSRF token mismatch");
                return Err(PageError(Error::Forbidden(
                    "this form has expired; reload the page and try again".into(),
                ))
                .into());
            }
            let form = serde_urlencoded::from_bytes(&bytes)
                .map_err(|e| PageError(Error::BadRequest(format!("the form is malformed: {e}"))))?;
            Ok(Posted { staff, form })
        })
    }
}

/// The caller of an API route, identified by `Authorization: Bearer TOKEN`.
#[derive(Debug, Clone)]
pub struct ApiUser {
    pub user: User,
}

impl ApiUser {
    pub fn actor(&self) -> Actor {
        self.user.actor()
    }
}

impl FromRequest for ApiUser {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let state = state_of(req);
        let token = req
            .headers()
            .get("Authorization")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim);
        let Some(token) = token.filter(|t| !t.is_empty()) else {
            return ready(Err(ApiError(Error::Unauthorized).into()));
        };
        let hash = token_hash(token);
        let found = state.store.read(|txn| {
            let Some(token) = stored::api_token(txn, &hash)? else {
                return Ok(None);
            };
            txn.get::<User>(token.user_id.0)
        });
        ready(match found {
            Ok(Some(user)) if !user.disabled => Ok(ApiUser { user }),
            Ok(_) => Err(ApiError(Error::Unauthorized).into()),
            Err(e) => Err(ApiError(e.into()).into()),
        })
    }
}

/// Starts a fresh session for `user` and returns the cookie that carries it.
/// Any session the browser had before is not reused (no fixation).
pub async fn start_session(state: &State, user: &User) -> Result<Cookie<'static>, Error> {
    let token = new_token();
    let hash = token_hash(&token);
    let now = Timestamp::now();
    let session = Session {
        user_id: user.id,
        csrf: new_token(),
        created_at: now,
        last_seen: now,
    };
    state
        .store
        .write(move |txn| stored::put_session(txn, &hash, &session))
        .await?;
    Ok(session_cookie(state, token))
}

fn session_cookie(state: &State, value: String) -> Cookie<'static> {
    let max_age = actix_web::cookie::time::Duration::seconds(
        state.config.session_absolute.as_secs().min(i64::MAX as u64) as i64,
    );
    Cookie::build(session_cookie_name(state), value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies())
        .max_age(max_age)
        .finish()
}

/// Ends the current session and returns the cookie that clears it.
pub async fn end_session(state: &State, staff: &Staff) -> Result<Cookie<'static>, Error> {
    let hash = staff.session;
    state
        .store
        .write(move |txn| stored::delete_session(txn, &hash))
        .await?;
    let mut cookie = session_cookie(state, String::new());
    cookie.make_removal();
    Ok(cookie)
}

/// A short-lived cookie holding the sign-in form's CSRF token (there is no
/// session yet to hold it).
pub fn login_csrf_cookie(state: &State, token: &str) -> Cookie<'static> {
    Cookie::build(login_cookie_name(state), token.to_owned())
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies())
        .max_age(actix_web::cookie::time::Duration::hours(2))
        .finish()
}

pub fn redirect_with_cookie(location: &str, cookie: Cookie<'static>) -> HttpResponse {
    let mut response = pages::see_other(location);
    let _ = response.add_cookie(&cookie);
    response
}
