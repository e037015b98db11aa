//! A real store in a temporary directory, staff with API tokens, and calls
//! through the app factory the binary serves.

use std::sync::Arc;

use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::{Method, StatusCode};
use actix_web::test::{self, TestRequest};
use actix_web::web::{self, Bytes};
use glasshouse::config::Config;
use glasshouse::domain::category::Category;
use glasshouse::domain::client::Client;
use glasshouse::domain::entry::{Entry, EntryDraft, Source};
use glasshouse::domain::project::{BudgetPeriod, Project, ProjectStatus};
use glasshouse::domain::user::{Actor, Role, User};
use glasshouse::domain::{CategoryId, ClientId, ProjectId, UserId};
use glasshouse::http::{AppState, State};
use glasshouse::metrics::{Metrics, StoreMetrics};
use glasshouse::security::{Throttle, new_token, token_hash};
use glasshouse::store::records::{self, Reads};
use glasshouse::store::{Store, auth, entries};
use jiff::{SignedDuration, Timestamp};
use serde_json::Value;
use tempfile::TempDir;

pub struct Harness {
    pub state: State,
    // Dropped last, after the store has closed its file.
    _dir: TempDir,
}

/// A staff member and the bearer token that acts as them.
#[derive(Debug, Clone)]
pub struct Caller {
    pub id: UserId,
    pub token: String,
}

impl Harness {
    pub fn new() -> Harness {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let store = Store::open(dir.path(), StoreMetrics::default()).expect("the store opens");
        let state = web::Data::new(AppState {
            store: Arc::new(store),
            config: Arc::new(Config::defaults(dir.path())),
            metrics: Metrics::new(),
            throttle: Throttle::default(),
        });
        Harness { state, _dir: dir }
    }

    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// Creates a staff member with `role` and an API token for them.
    pub async fn staff(&self, role: Role, name: &str) -> Caller {
        let secret = new_token();
        let hash = token_hash(&secret);
        let email = format!("{}@example.com", name.to_lowercase().replace(' ', "."));
        let name = name.to_owned();
        let id = self
            .store()
            .write(move |txn| {
                let user = User {
                    id: UserId(records::new_id::<User>(txn)?),
                    email: email.clone(),
                    name: name.clone(),
                    role,
                    password_hash: String::new(),
                    cost_rate: Some(4_000),
                    default_rate: Some(9_000),
                    disabled: false,
                    created_at: Timestamp::now(),
                };
                records::put_user(txn, &user)?;
                auth::create_api_token(txn, &hash, user.id, "tests", Timestamp::now())?;
                Ok(user.id)
            })
            .await
            .expect("the user is stored");
        Caller { id, token: secret }
    }

    /// Counts the records of type `R`, to show a refused request changed nothing.
    pub fn count<R: records::Record>(&self) -> usize {
        self.store()
            .read(|txn| txn.all::<R>())
            .expect("records read")
            .len()
    }
}

impl Default for Harness {
    fn default() -> Self {
        Harness::new()
    }
}

/// An agency with staff of every role, one client with two projects, and
/// two categories.
pub struct World {
    pub owner: Caller,
    pub manager: Caller,
    /// A member of `alpha` only.
    pub ana: Caller,
    /// A member of `beta` only.
    pub ben: Caller,
    pub client: ClientId,
    pub alpha: ProjectId,
    pub beta: ProjectId,
    pub design: CategoryId,
    pub admin: CategoryId,
}

pub async fn world(h: &Harness) -> World {
    let owner = h.staff(Role::Owner, "Olga Owner").await;
    let manager = h.staff(Role::Manager, "Max Manager").await;
    let ana = h.staff(Role::Member, "Ana Member").await;
    let ben = h.staff(Role::Member, "Ben Member").await;
    let (ana_id, ben_id) = (ana.id, ben.id);
    let (client, alpha, beta, design, admin) = h
        .store()
        .write(move |txn| {
            let client = Client {
                id: ClientId(records::new_id::<Client>(txn)?),
                name: "Acme".into(),
                archived: false,
                created_at: Timestamp::now(),
            };
            records::put(txn, &client)?;
            let mut ids = Vec::new();
            for (name, member) in [("Alpha site", ana_id), ("Beta app", ben_id)] {
                let project = Project {
                    id: ProjectId(records::new_id::<Project>(txn)?),
                    client_id: client.id,
                    name: name.into(),
                    status: ProjectStatus::Active,
                    budget_seconds: Some(40 * 3600),
                    budget_amount: None,
                    budget_period: BudgetPeriod::Lifetime,
                    start: None,
                    end: None,
                    members: vec![member],
                    rate: None,
                    created_at: Timestamp::now(),
                };
                records::put(txn, &project)?;
                ids.push(project.id);
            }
            let mut categories = Vec::new();
            for (name, internal) in [("Design", false), ("Admin", true)] {
                let category = Category {
                    id: CategoryId(records::new_id::<Category>(txn)?),
                    name: name.into(),
                    internal,
                    archived: false,
                };
                records::put(txn, &category)?;
                categories.push(category.id);
            }
            Ok((client.id, ids[0], ids[1], categories[0], categories[1]))
        })
        .await
        .unwrap();
    World {
        owner,
        manager,
        ana,
        ben,
        client,
        alpha,
        beta,
        design,
        admin,
    }
}

pub fn at(raw: &str) -> Timestamp {
    raw.parse().unwrap()
}

/// Logs entries straight into the store, as the owner, in one transaction.
pub async fn log_many(h: &Harness, owner: UserId, drafts: Vec<EntryDraft>) -> Vec<Entry> {
    let actor = Actor {
        id: owner,
        role: Role::Owner,
    };
    h.store()
        .write(move |txn| {
            drafts
                .iter()
                .map(|d| entries::create(txn, actor, d.clone(), Source::Import, Timestamp::now()))
                .collect()
        })
        .await
        .unwrap()
}

pub fn draft(
    user: UserId,
    project: ProjectId,
    category: CategoryId,
    start: Timestamp,
    minutes: i64,
) -> EntryDraft {
    EntryDraft {
        project_id: project,
        category_id: category,
        user_id: user,
        start,
        end: start + SignedDuration::from_mins(minutes),
        description: "Homepage layout review".into(),
        billable: true,
        internal: false,
        internal_note: String::new(),
    }
}

/// A request with the caller's token and an optional JSON body.
pub fn request(
    method: Method,
    path: &str,
    caller: Option<&Caller>,
    body: Option<&Value>,
) -> TestRequest {
    let mut req = TestRequest::default()
        .method(method)
        .uri(&format!("/api/v1{path}"));
    if let Some(caller) = caller {
        req = req.insert_header(("Authorization", format!("Bearer {}", caller.token)));
    }
    if let Some(body) = body {
        req = req.set_json(body);
    }
    req
}

/// Sends a request (`TestRequest::to_request()`) and returns its status and
/// raw body. Generic over the request type, which actix does not re-export.
pub async fn send_raw<S, R, B>(app: &S, req: R) -> (StatusCode, Bytes)
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let response = test::call_service(app, req).await;
    let status = response.status();
    (status, test::read_body(response).await)
}

/// Sends a request and returns its status and JSON body (`Null` when empty).
pub async fn send<S, R, B>(app: &S, req: R) -> (StatusCode, Value)
where
    S: Service<R, Response = ServiceResponse<B>, Error = actix_web::Error>,
    B: MessageBody,
{
    let (status, body) = send_raw(app, req).await;
    let json = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body)
            .unwrap_or_else(|e| panic!("{status}: not JSON ({e}): {body:?}"))
    };
    (status, json)
}

/// `call!(app, GET, path, caller)` or `call!(app, POST, path, caller, body)`:
/// status and JSON body of one request.
macro_rules! call {
    ($app:expr, $method:ident, $path:expr, $caller:expr) => {
        $crate::api::send(
            &$app,
            $crate::api::request(actix_web::http::Method::$method, &$path, $caller, None)
                .to_request(),
        )
        .await
    };
    ($app:expr, $method:ident, $path:expr, $caller:expr, $body:expr) => {
        $crate::api::send(
            &$app,
            $crate::api::request(
                actix_web::http::Method::$method,
                &$path,
                $caller,
                Some(&$body),
            )
            .to_request(),
        )
        .await
    };
}
