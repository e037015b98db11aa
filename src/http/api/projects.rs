//! `/projects`: who the work is for, its budget and who works on it.
//! Members see the projects they belong to; managers and above see and
//! change all of them.

use actix_web::{HttpResponse, web};
use jiff::Timestamp;
use jiff::civil::Date;
use redb::{ReadableTable, WriteTransaction};
use serde::{Deserialize, Serialize};

use super::{
    Amount, Reply, decimal, manager, nullable, parse_date, resource, sees_project, visible_project,
};
use crate::domain::budget::SECONDS_PER_HOUR;
use crate::domain::client::Client;
use crate::domain::milestone::Milestone;
use crate::domain::money::Currency;
use crate::domain::project::{BudgetPeriod, Project, ProjectStatus};
use crate::domain::timer::Timer;
use crate::domain::user::User;
use crate::domain::{ClientId, Invalid, ProjectId, UserId, clean_name};
use crate::http::State;
use crate::http::auth::ApiUser;
use crate::store::records::{self, Reads};
use crate::store::{Error, decode, tables};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/projects")
            .route(web::get().to(list))
            .route(web::post().to(create)),
    )
    .service(
        resource("/projects/{id}")
            .route(web::get().to(show))
            .route(web::patch().to(update))
            .route(web::delete().to(remove)),
    );
}

const MAX_NAME: usize = 120;
/// Far beyond any real budget; keeps the conversion to seconds exact.
const MAX_BUDGET_HOURS: f64 = 1_000_000.0;

#[derive(Serialize)]
struct ProjectView {
    id: ProjectId,
    client_id: ClientId,
    name: String,
    status: ProjectStatus,
    budget_hours: Option<f64>,
    budget_seconds: Option<i64>,
    /// A decimal in the agency currency, such as `"1250.00"`.
    budget_amount: Option<String>,
    budget_amount_minor: Option<i64>,
    budget_period: BudgetPeriod,
    start: Option<Date>,
    end: Option<Date>,
    members: Vec<UserId>,
    rate: Option<String>,
    rate_minor: Option<i64>,
    currency: String,
    created_at: Timestamp,
}

impl ProjectView {
    fn new(p: Project, currency: Currency) -> Self {
        ProjectView {
            id: p.id,
            client_id: p.client_id,
            name: p.name,
            status: p.status,
            budget_hours: p.budget_seconds.map(|s| s as f64 / SECONDS_PER_HOUR as f64),
            budget_seconds: p.budget_seconds,
            budget_amount: p.budget_amount.map(|m| decimal(m, currency)),
            budget_amount_minor: p.budget_amount,
            budget_period: p.budget_period,
            start: p.start,
            end: p.end,
            members: p.members,
            rate: p.rate.map(|m| decimal(m, currency)),
            rate_minor: p.rate,
            currency: currency.code().to_owned(),
            created_at: p.created_at,
        }
    }
}

/// The fields a request may set. Creating requires `client_id` and `name`;
/// a PATCH changes only what it names, and `null` clears an optional field.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProjectFields {
    client_id: Option<ClientId>,
    name: Option<String>,
    status: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    budget_hours: Option<Option<f64>>,
    #[serde(default, deserialize_with = "nullable")]
    budget_amount: Option<Option<Amount>>,
    budget_period: Option<String>,
    #[serde(default, deserialize_with = "nullable")]
    start: Option<Option<String>>,
    #[serde(default, deserialize_with = "nullable")]
    end: Option<Option<String>>,
    members: Option<Vec<UserId>>,
    #[serde(default, deserialize_with = "nullable")]
    rate: Option<Option<Amount>>,
}

fn budget_seconds(hours: f64) -> Result<i64, Invalid> {
    if !hours.is_finite() || !(0.0..=MAX_BUDGET_HOURS).contains(&hours) {
        return Err(Invalid::new(
            "budget_hours",
            "must be a number of hours between 0 and 1000000",
        ));
    }
    Ok((hours * SECONDS_PER_HOUR as f64).round() as i64)
}

impl ProjectFields {
    /// Applies the given fields to `project`, checking each against the
    /// records it refers to, then the rules that span fields.
    fn apply(&self, txn: &WriteTransaction, project: &mut Project) -> Result<(), Error> {
        let currency = txn.settings()?.currency;
        if let Some(client_id) = self.client_id {
            if txn.get::<Client>(client_id.0)?.is_none() {
                return Err(Invalid::new("client_id", "no such client").into());
            }
            project.client_id = client_id;
        }
        if let Some(name) = &self.name {
            project.name = clean_name("name", name, MAX_NAME)?;
        }
        if let Some(status) = &self.status {
            project.status = ProjectStatus::parse(status)?;
        }
        if let Some(hours) = self.budget_hours {
            project.budget_seconds = hours.map(budget_seconds).transpose()?;
        }
        if let Some(amount) = &self.budget_amount {
            project.budget_amount = amount
                .as_ref()
                .map(|a| a.minor("budget_amount", currency))
                .transpose()?;
        }
        if let Some(period) = &self.budget_period {
            project.budget_period = BudgetPeriod::parse(period)?;
        }
        if let Some(start) = &self.start {
            project.start = start
                .as_deref()
                .map(|s| parse_date("start", s))
                .transpose()?;
        }
        if let Some(end) = &self.end {
            project.end = end.as_deref().map(|s| parse_date("end", s)).transpose()?;
        }
        if let Some(members) = &self.members {
            let mut members = members.clone();
            members.sort();
            members.dedup();
            for id in &members {
                if txn.get::<User>(id.0)?.is_none() {
                    return Err(Invalid::new("members", format!("no user has the id {id}")).into());
                }
            }
            project.members = members;
        }
        if let Some(rate) = &self.rate {
            project.rate = rate
                .as_ref()
                .map(|a| a.minor("rate", currency))
                .transpose()?;
        }
        project.validate()?;
        check_unique(txn, project)
    }
}

/// Project names are unique within a client.
fn check_unique(txn: &WriteTransaction, project: &Project) -> Result<(), Error> {
    let name = project.name.to_lowercase();
    let taken = txn.all::<Project>()?.into_iter().any(|p| {
        p.id != project.id && p.client_id == project.client_id && p.name.to_lowercase() == name
    });
    if taken {
        return Err(Error::Conflict(format!(
            "this client already has a project named {}",
            project.name
        )));
    }
    Ok(())
}

/// Whether anything still refers to the project: time (through its
/// roll-ups), a running timer or a milestone.
fn in_use(txn: &WriteTransaction, id: ProjectId) -> Result<bool, Error> {
    let weeks = txn.open_table(tables::ROLLUP_PROJECT_WEEK)?;
    if weeks
        .range((id.0, 0, i32::MIN)..=(id.0, u64::MAX, i32::MAX))?
        .next()
        .is_some()
    {
        return Ok(true);
    }
    for row in txn.open_table(tables::TIMERS)?.iter()? {
        let timer: Timer = decode("timers", row?.1.value())?;
        if timer.project_id == id {
            return Ok(true);
        }
    }
    Ok(txn.all::<Milestone>()?.iter().any(|m| m.project_id == id))
}

async fn list(state: State, user: ApiUser) -> Reply {
    let actor = user.actor();
    let views = state.store.read(|txn| {
        let currency = txn.settings()?.currency;
        Ok(txn
            .all::<Project>()?
            .into_iter()
            .filter(|p| sees_project(actor, p))
            .map(|p| ProjectView::new(p, currency))
            .collect::<Vec<_>>())
    })?;
    Ok(HttpResponse::Ok().json(views))
}

async fn show(state: State, user: ApiUser, id: web::Path<u64>) -> Reply {
    let actor = user.actor();
    let view = state.store.read(|txn| {
        let project = visible_project(txn, actor, ProjectId(*id))?;
        Ok(ProjectView::new(project, txn.settings()?.currency))
    })?;
    Ok(HttpResponse::Ok().json(view))
}

async fn create(state: State, user: ApiUser, body: web::Json<ProjectFields>) -> Reply {
    manager(&user)?;
    let fields = body.into_inner();
    if fields.client_id.is_none() {
        return Err(Invalid::new("client_id", "is required").into());
    }
    if fields.name.is_none() {
        return Err(Invalid::new("name", "is required").into());
    }
    let now = Timestamp::now();
    let view = state
        .store
        .write(move |txn| {
            let mut project = Project {
                id: ProjectId(0),
                client_id: ClientId(0),
                name: String::new(),
                status: ProjectStatus::Active,
                budget_seconds: None,
                budget_amount: None,
                budget_period: BudgetPeriod::Lifetime,
                start: None,
                end: None,
                members: Vec::new(),
                rate: None,
                created_at: now,
            };
            fields.apply(txn, &mut project)?;
            project.id = ProjectId(records::new_id::<Project>(txn)?);
            records::put(txn, &project)?;
            Ok(ProjectView::new(project, txn.settings()?.currency))
        })
        .await?;
    Ok(HttpResponse::Created().json(view))
}

async fn update(
    state: State,
    user: ApiUser,
    id: web::Path<u64>,
    body: web::Json<ProjectFields>,
) -> Reply {
    manager(&user)?;
    let id = ProjectId(*id);
    let fields = body.into_inner();
    let view = state
        .store
        .write(move |txn| {
            let mut project: Project = txn.must(id.0)?;
            fields.apply(txn, &mut project)?;
            records::put(txn, &project)?;
            Ok(ProjectView::new(project, txn.settings()?.currency))
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

async fn remove(state: State, user: ApiUser, id: web::Path<u64>) -> Reply {
    manager(&user)?;
    let id = ProjectId(*id);
    state
        .store
        .write(move |txn| {
            txn.must::<Project>(id.0)?;
            if in_use(txn, id)? {
                return Err(Error::Conflict(
                    "this project has time, a running timer or milestones; mark it done instead"
                        .into(),
                ));
            }
            records::delete::<Project>(txn, id.0)?;
            txn.open_table(tables::PROJECT_RATES)?.remove(id.0)?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
