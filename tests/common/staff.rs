//! A real store in a temporary directory, seeded staff and projects, and
//! browser-like requests (session cookie, CSRF token, urlencoded forms)
//! through the app factory the binary serves.

#![allow(dead_code, reason = "each test file uses its own part of the helpers")]

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::test::{self, TestRequest};
use actix_web::web;
use glasshouse::config::Config;
use glasshouse::domain::category::Category;
use glasshouse::domain::client::Client;
use glasshouse::domain::project::Project;
use glasshouse::domain::user::{Role, User};
use glasshouse::domain::{CategoryId, ClientId, ProjectId, UserId};
use glasshouse::http::auth::session_cookie_name;
use glasshouse::http::{AppState, State};
use glasshouse::metrics::Metrics;
use glasshouse::security::{Throttle, hash_password, new_token, token_hash};
use glasshouse::store::Store;
use glasshouse::store::auth::{Session, put_session};
use glasshouse::store::records::{self, Reads};
use jiff::Timestamp;
use serde_json::json;
use tempfile::TempDir;

pub const PASSWORD: &str = "correct horse battery";

pub struct Agency {
    pub state: State,
    // Dropped last, after the store has closed its file.
    _dir: TempDir,
}

/// A signed-in browser: its session cookie and the CSRF token its pages carry.
#[derive(Debug, Clone)]
pub struct Browser {
    pub user: UserId,
    pub cookie: (String, String),
    pub csrf: String,
}

/// What came back from one request.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub location: Option<String>,
    pub cookies: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    /// Panics with the body when the status is not the expected one.
    pub fn expect(self, status: u16) -> Reply {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        self
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

impl Agency {
    pub fn new() -> Agency {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let metrics = Metrics::new();
        let store = Store::open(dir.path(), metrics.store.clone()).expect("the store opens");
        let state = web::Data::new(AppState {
            store: Arc::new(store),
            config: Arc::new(Config::defaults(dir.path())),
            metrics,
            throttle: Throttle::default(),
        });
        Agency { state, _dir: dir }
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    pub async fn user(&self, email: &str, name: &str, role: Role) -> User {
        let user = User {
            id: UserId(0),
            email: email.into(),
            name: name.into(),
            role,
            password_hash: hash_password(PASSWORD),
            cost_rate: None,
            default_rate: None,
            disabled: false,
            created_at: Timestamp::now(),
        };
        self.store()
            .write(move |txn| {
                let mut user = user.clone();
                user.id = UserId(records::new_id::<User>(txn)?);
                records::put_user(txn, &user)?;
                Ok(user)
            })
            .await
            .expect("the user is stored")
    }

    pub async fn category(&self, name: &str, internal: bool) -> Category {
        let name = name.to_owned();
        self.store()
            .write(move |txn| {
                let category = Category {
                    id: CategoryId(records::new_id::<Category>(txn)?),
                    name: name.clone(),
                    internal,
                    archived: false,
                };
                records::put(txn, &category)?;
                Ok(category)
            })
            .await
            .expect("the category is stored")
    }

    pub async fn client(&self, name: &str) -> Client {
        let name = name.to_owned();
        self.store()
            .write(move |txn| {
                let client = Client {
                    id: ClientId(records::new_id::<Client>(txn)?),
                    name: name.clone(),
                    archived: false,
                    created_at: Timestamp::now(),
                };
                records::put(txn, &client)?;
                Ok(client)
            })
            .await
            .expect("the client is stored")
    }

    /// An active project with the given members and budget in hours.
    pub async fn project(
        &self,
        client: ClientId,
        name: &str,
        members: &[UserId],
        budget_hours: Option<i64>,
    ) -> Project {
        // Built from JSON so that fields with defaults need not be spelled out.
        let draft: Project = serde_json::from_value(json!({
            "id": 0,
            "client_id": client.0,
            "name": name,
            "status": "active",
            "budget_seconds": budget_hours.map(|h| h * 3600),
            "budget_amount": null,
            "budget_period": "lifetime",
            "start": null,
            "end": null,
            "members": members.iter().map(|m| m.0).collect::<Vec<_>>(),
            "rate": null,
            "created_at": Timestamp::now(),
        }))
        .expect("a project from JSON");
        self.store()
            .write(move |txn| {
                let mut project = draft.clone();
                project.id = ProjectId(records::new_id::<Project>(txn)?);
                records::put(txn, &project)?;
                Ok(project)
            })
            .await
            .expect("the project is stored")
    }

    /// A session for `user`, as signing in would leave it.
    pub async fn browser(&self, user: &User) -> Browser {
        let token = new_token();
        let hash = token_hash(&token);
        let now = Timestamp::now();
        let session = Session {
            user_id: user.id,
            csrf: new_token(),
            created_at: now,
            last_seen: now,
        };
        let csrf = session.csrf.clone();
        self.store()
            .write(move |txn| put_session(txn, &hash, &session))
            .await
            .expect("the session is stored");
        Browser {
            user: user.id,
            cookie: (session_cookie_name(&self.state).to_owned(), token),
            csrf,
        }
    }

    /// Differences between stored roll-ups and those recomputed from entries.
    pub fn rollup_differences(&self) -> Vec<String> {
        self.store()
            .read(glasshouse::store::entries::check)
            .expect("the check runs")
    }

    pub fn get<R: glasshouse::store::records::Record>(&self, id: u64) -> Option<R> {
        self.store().read(|txn| txn.get(id)).expect("a read")
    }
}

impl Browser {
    pub fn get(&self, path: &str) -> TestRequest {
        TestRequest::get()
            .uri(path)
            .cookie(actix_web::cookie::Cookie::new(
                self.cookie.0.clone(),
                self.cookie.1.clone(),
            ))
    }

    /// A form post carrying this browser's CSRF token.
    pub fn post(&self, path: &str, fields: &[(&str, &str)]) -> TestRequest {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_raw(path, &all)
    }

    /// A form post exactly as given, CSRF token or not.
    pub fn post_raw(&self, path: &str, fields: &[(&str, &str)]) -> TestRequest {
        TestRequest::post()
            .uri(path)
            .cookie(actix_web::cookie::Cookie::new(
                self.cookie.0.clone(),
                self.cookie.1.clone(),
            ))
            .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
            .set_payload(serde_urlencoded::to_string(fields).expect("a form body"))
    }
}

/// Sends a request (`TestRequest::to_request()`); generic over the request
/// type, which actix does not re-export.
pub async fn send<S, R, B>(app: &S, req: R) -> Reply
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = test::call_service(app, req).await;
    let status = response.status();
    let location = response
        .headers()
        .get("Location")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let cookies = response
        .response()
        .cookies()
        .map(|c| (c.name().to_owned(), c.value().to_owned()))
        .collect();
    let body = test::read_body(response).await;
    Reply {
        status,
        location,
        cookies,
        body: String::from_utf8_lossy(&body).into_owned(),
    }
}

/// The value of the first hidden `csrf` field on a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html.find(marker).expect("the page has a CSRF field") + marker.len();
    let end = html[start..].find('"').expect("the field is closed");
    html[start..start + end].to_owned()
}
