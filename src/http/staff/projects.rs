//! Projects: the list with budget meters, the detail page with hours,
//! burn-down and milestones, and the form managers create and edit them
//! with. A member sees only the projects they belong to.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use jiff::civil::Date;
use jiff::{Timestamp, ToSpan};

use super::forms::{Pairs, optional_date, optional_hours, optional_money};
use super::milestones::{MilestoneForm, MilestoneRow, milestone_rows};
use super::views::{Choice, Meter, Names, Problem, active_users, invalid_or, user_choices};
use super::{Chrome, FlashQuery, Nav, require_manager};
use crate::domain::budget::{BurnDown, Forecast, ProjectPlan};
use crate::domain::client::Client;
use crate::domain::milestone::Milestone;
use crate::domain::money::{Currency, Money};
use crate::domain::project::{BudgetPeriod, Project, ProjectStatus};
use crate::domain::time::{Day, format_hours};
use crate::domain::user::Actor;
use crate::domain::{ClientId, Invalid, ProjectId, UserId, clean_name};
use crate::http::auth::{Manager, Posted, Staff};
use crate::http::error::PageError;
use crate::http::{State, pages};
use crate::portal::chart::burndown_svg;
use crate::store;
use crate::store::records::{self, Reads};
use crate::store::rollups::{self, ProjectRollup};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/projects", web::get().to(list))
        .route("/projects", web::post().to(create))
        .route("/projects/new", web::get().to(new_form))
        .route("/projects/{id}", web::get().to(detail))
        .route("/projects/{id}", web::post().to(update))
        .route("/projects/{id}/edit", web::get().to(edit_form));
}

/// Loads a project the actor may see; anything else is not found.
pub fn visible(txn: &impl Reads, actor: Actor, id: u64) -> Result<Project, store::Error> {
    let project: Project = txn.must(id)?;
    if actor.role.sees_all_time() || project.has_member(actor.id) {
        Ok(project)
    } else {
        Err(store::Error::NotFound)
    }
}

/// Time per day that counts against the budget today: all of it, or this
/// month's.
fn counted_days(project: &Project, rollup: &ProjectRollup, today: Date) -> Vec<(Date, i64)> {
    let window = project
        .budget_period
        .window(today)
        .map(|(first, last)| Day::from_date(first)..=Day::from_date(last));
    rollup
        .by_day
        .iter()
        .filter(|(day, _)| window.as_ref().is_none_or(|w| w.contains(day)))
        .map(|(day, tally)| (day.date(), tally.seconds))
        .collect()
}

fn used_seconds(project: &Project, rollup: &ProjectRollup, today: Date) -> i64 {
    counted_days(project, rollup, today)
        .iter()
        .map(|(_, seconds)| seconds)
        .sum()
}

pub struct ProjectRow {
    pub id: u64,
    pub name: String,
    pub client: String,
    pub status: &'static str,
    pub used: String,
    pub meter: Option<Meter>,
}

#[derive(Template)]
#[template(path = "staff/projects.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<ProjectRow>,
}

pub async fn list(
    state: State,
    staff: Staff,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, PageError> {
    let actor = staff.actor();
    let page = state.store.read(|txn| {
        let today = txn.settings()?.calendar().date_of(Timestamp::now());
        let names = Names::load(txn)?;
        let mut projects: Vec<Project> = txn
            .all::<Project>()?
            .into_iter()
            .filter(|p| actor.role.sees_all_time() || p.has_member(actor.id))
            .collect();
        projects.sort_by_key(|p| (p.status != ProjectStatus::Active, p.name.to_lowercase()));
        let rows = projects
            .iter()
            .map(|p| project_row(txn, p, &names, today))
            .collect::<Result<_, store::Error>>()?;
        Ok(ListPage {
            chrome: Chrome::new(&state, &staff, Nav::Projects, query.done.as_deref()),
            rows,
        })
    })?;
    Ok(pages::render(&page))
}

/// A project as a row of a list, with its budget meter.
pub fn project_row(
    txn: &redb::ReadTransaction,
    p: &Project,
    names: &Names,
    today: Date,
) -> Result<ProjectRow, store::Error> {
    let used = used_seconds(p, &rollups::project(txn, p.id)?, today);
    Ok(ProjectRow {
        id: p.id.0,
        name: p.name.clone(),
        client: names.client(p.client_id),
        status: p.status.as_str(),
        used: format_hours(used),
        meter: p.budget_seconds.map(|b| Meter::hours(used, b)),
    })
}

pub struct HoursRow {
    pub label: String,
    pub hours: String,
    pub billable: String,
}

#[derive(Template)]
#[template(path = "staff/project.html")]
pub struct DetailPage {
    chrome: Chrome,
    project: Project,
    client: String,
    period: String,
    budget_amount: Option<String>,
    rate: Option<String>,
    meter: Option<Meter>,
    used: String,
    remaining: Option<String>,
    percent: Option<String>,
    forecast: String,
    chart: String,
    by_category: Vec<HoursRow>,
    by_week: Vec<HoursRow>,
    milestones: Vec<MilestoneRow>,
    members: Vec<String>,
    milestone: MilestoneForm,
    problem: Problem,
}

fn forecast_text(forecast: Forecast) -> String {
    match forecast {
        Forecast::NoBudget => "No budget is set.".into(),
        Forecast::NoBurn => "No recent time to forecast from.".into(),
        Forecast::OverBudget { since: Some(day) } => format!("Used up since {day}."),
        Forecast::OverBudget { since: None } => "Used up.".into(),
        Forecast::RunOut(day) => format!("At the current rate the budget runs out on {day}."),
    }
}

/// Builds the detail page; the milestone form is blank unless it came back
/// with a problem.
pub fn detail_page(
    state: &State,
    staff: &Staff,
    id: u64,
    flash: Option<&str>,
    milestone: MilestoneForm,
    problem: Problem,
) -> Result<DetailPage, store::Error> {
    let actor = staff.actor();
    state.store.read(|txn| {
        let project = visible(txn, actor, id)?;
        let settings = txn.settings()?;
        let calendar = settings.calendar();
        let today = calendar.date_of(Timestamp::now());
        let names = Names::load(txn)?;
        let rollup = rollups::project(txn, project.id)?;

        let window = project.budget_period.window(today);
        let days = counted_days(&project, &rollup, today);
        let plan = ProjectPlan {
            budget_seconds: project.budget_seconds,
            start: window.map(|w| w.0).or(project.start),
            end: window.map(|w| w.1).or(project.end),
        };
        let burndown = BurnDown::build(&plan, &days, today);
        let status = burndown.status();
        let used: i64 = days.iter().map(|(_, seconds)| seconds).sum();

        let mut categories: BTreeMap<String, (i64, i64)> = BTreeMap::new();
        let mut weeks: BTreeMap<Day, (i64, i64)> = BTreeMap::new();
        for (category, week, tally) in &rollup.by_category_week {
            let c = categories.entry(names.category(*category)).or_default();
            c.0 += tally.seconds;
            c.1 += tally.billable_seconds;
            let w = weeks.entry(*week).or_default();
            w.0 += tally.seconds;
            w.1 += tally.billable_seconds;
        }
        let this_week = calendar.week_of(today).date();
        let by_week = (0..12)
            .rev()
            .map(|back: i64| {
                let week = this_week
                    .checked_sub((back * 7).days())
                    .unwrap_or(this_week);
                let (hours, billable) = weeks
                    .get(&Day::from_date(week))
                    .copied()
                    .unwrap_or_default();
                HoursRow {
                    label: week.to_string(),
                    hours: format_hours(hours),
                    billable: format_hours(billable),
                }
            })
            .collect();
        let money = |minor: i64| Money::new(minor, settings.currency).to_string();
        let mut milestones: Vec<Milestone> = txn
            .all::<Milestone>()?
            .into_iter()
            .filter(|m| m.project_id == project.id)
            .collect();
        crate::domain::milestone::sort_timeline(&mut milestones);
        let mut members: Vec<String> = project.members.iter().map(|u| names.user(*u)).collect();
        members.sort_by_key(|n| n.to_lowercase());

        Ok(DetailPage {
            chrome: Chrome::new(state, staff, Nav::Projects, flash),
            client: names.client(project.client_id),
            period: match window {
                Some((first, _)) => first.strftime("this month (%B %Y)").to_string(),
                None => "the whole project".into(),
            },
            budget_amount: project.budget_amount.map(money),
            rate: project.rate.map(money),
            meter: project.budget_seconds.map(|b| Meter::hours(used, b)),
            used: format_hours(used),
            remaining: status.remaining_seconds().map(format_hours),
            percent: status
                .percent_used_bp()
                .map(|bp| format!("{}.{}", bp / 100, (bp % 100) / 10)),
            forecast: forecast_text(burndown.forecast),
            chart: burndown_svg(&burndown, &format!("{} burn-down", project.name)),
            by_category: categories
                .into_iter()
                .map(|(label, (hours, billable))| HoursRow {
                    label,
                    hours: format_hours(hours),
                    billable: format_hours(billable),
                })
                .collect(),
            by_week,
            milestones: milestone_rows(&milestones, today),
            members,
            milestone,
            problem,
            project,
        })
    })
}

pub async fn detail(
    state: State,
    staff: Staff,
    path: web::Path<u64>,
    query: web::Query<FlashQuery>,
) -> Result<HttpResponse, PageError> {
    let page = detail_page(
        &state,
        &staff,
        *path,
        query.done.as_deref(),
        MilestoneForm::blank(),
        Problem::none(),
    )?;
    Ok(pages::render(&page))
}

/// The project form as typed.
pub struct ProjectForm {
    client_id: u64,
    name: String,
    status: String,
    budget_hours: String,
    budget_amount: String,
    budget_period: String,
    start: String,
    end: String,
    members: Vec<u64>,
    rate: String,
}

impl ProjectForm {
    fn blank(client: Option<u64>) -> ProjectForm {
        ProjectForm {
            client_id: client.unwrap_or(0),
            name: String::new(),
            status: "active".into(),
            budget_hours: String::new(),
            budget_amount: String::new(),
            budget_period: "lifetime".into(),
            start: String::new(),
            end: String::new(),
            members: Vec::new(),
            rate: String::new(),
        }
    }

    fn of(p: &Project, currency: Currency) -> ProjectForm {
        let money = |minor: i64| Money::new(minor, currency).decimal();
        ProjectForm {
            client_id: p.client_id.0,
            name: p.name.clone(),
            status: p.status.as_str().into(),
            budget_hours: p.budget_seconds.map(format_hours).unwrap_or_default(),
            budget_amount: p.budget_amount.map(money).unwrap_or_default(),
            budget_period: p.budget_period.as_str().into(),
            start: p.start.map(|d| d.to_string()).unwrap_or_default(),
            end: p.end.map(|d| d.to_string()).unwrap_or_default(),
            members: p.members.iter().map(|u| u.0).collect(),
            rate: p.rate.map(money).unwrap_or_default(),
        }
    }

    fn read(pairs: &Pairs) -> ProjectForm {
        ProjectForm {
            client_id: pairs.get("client_id").trim().parse().unwrap_or(0),
            name: pairs.get("name").into(),
            status: pairs.get("status").into(),
            budget_hours: pairs.get("budget_hours").into(),
            budget_amount: pairs.get("budget_amount").into(),
            budget_period: pairs.get("budget_period").into(),
            start: pairs.get("start").into(),
            end: pairs.get("end").into(),
            members: pairs
                .all("members")
                .iter()
                .filter_map(|m| m.trim().parse().ok())
                .collect(),
            rate: pairs.get("rate").into(),
        }
    }

    pub fn is_member(&self, user: &u64) -> bool {
        self.members.contains(user)
    }

    /// Applies the form to `base`, checking every field.
    fn apply(&self, base: Project, currency: Currency) -> Result<Project, Invalid> {
        if self.client_id == 0 {
            return Err(Invalid::new("client_id", "choose a client from the list"));
        }
        let project = Project {
            client_id: ClientId(self.client_id),
            name: clean_name("name", &self.name, 200)?,
            status: ProjectStatus::parse(&self.status)?,
            budget_seconds: optional_hours("budget_hours", &self.budget_hours)?,
            budget_amount: optional_money("budget_amount", &self.budget_amount, currency)?,
            budget_period: BudgetPeriod::parse(&self.budget_period)?,
            start: optional_date("start", &self.start)?,
            end: optional_date("end", &self.end)?,
            members: self.members.iter().map(|u| UserId(*u)).collect(),
            rate: optional_money("rate", &self.rate, currency)?,
            ..base
        };
        project.validate()?;
        Ok(project)
    }
}

#[derive(Template)]
#[template(path = "staff/project_form.html")]
struct FormPage {
    chrome: Chrome,
    editing: Option<u64>,
    form: ProjectForm,
    problem: Problem,
    clients: Vec<Choice>,
    users: Vec<Choice>,
    currency: String,
}

fn form_page(
    state: &State,
    staff: &Staff,
    editing: Option<u64>,
    form: ProjectForm,
    problem: Problem,
) -> Result<FormPage, store::Error> {
    state.store.read(|txn| {
        let mut clients: Vec<Client> = txn
            .all::<Client>()?
            .into_iter()
            .filter(|c| !c.archived || c.id.0 == form.client_id)
            .collect();
        clients.sort_by_key(|c| c.name.to_lowercase());
        Ok(FormPage {
            chrome: Chrome::new(state, staff, Nav::Projects, None),
            editing,
            problem,
            clients: clients
                .iter()
                .map(|c| Choice {
                    id: c.id.0,
                    label: c.name.clone(),
                })
                .collect(),
            users: user_choices(&active_users(txn)?),
            currency: txn.settings()?.currency.to_string(),
            form,
        })
    })
}

#[derive(serde::Deserialize)]
pub struct NewQuery {
    client: Option<u64>,
}

pub async fn new_form(
    state: State,
    manager: Manager,
    query: web::Query<NewQuery>,
) -> Result<HttpResponse, PageError> {
    let form = ProjectForm::blank(query.client);
    let page = form_page(&state, &manager.0, None, form, Problem::none())?;
    Ok(pages::render(&page))
}

pub async fn edit_form(
    state: State,
    manager: Manager,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    let (project, currency) = state
        .store
        .read(|txn| Ok((txn.must::<Project>(*path)?, txn.settings()?.currency)))?;
    let form = ProjectForm::of(&project, currency);
    let page = form_page(
        &state,
        &manager.0,
        Some(project.id.0),
        form,
        Problem::none(),
    )?;
    Ok(pages::render(&page))
}

/// Checks what the form refers to inside the transaction that stores it.
fn save(txn: &redb::WriteTransaction, project: &Project) -> Result<(), store::Error> {
    let client: Option<Client> = txn.get(project.client_id.0)?;
    if client.is_none() {
        return Err(Invalid::new("client_id", "choose a client from the list").into());
    }
    for member in &project.members {
        let user: Option<crate::domain::user::User> = txn.get(member.0)?;
        if user.is_none() {
            return Err(Invalid::new("members", "one of the members does not exist").into());
        }
    }
    records::put(txn, project)
}

async fn submit(
    state: State,
    posted: Posted<Vec<(String, String)>>,
    editing: Option<u64>,
) -> Result<HttpResponse, PageError> {
    let Posted { staff, form } = posted;
    require_manager(&staff)?;
    let form = ProjectForm::read(&Pairs(form));
    let (base, currency) = state.store.read(|txn| {
        let base = match editing {
            Some(id) => txn.must::<Project>(id)?,
            None => Project {
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
                lens: None,
                created_at: Timestamp::now(),
            },
        };
        Ok((base, txn.settings()?.currency))
    })?;
    let project = match form.apply(base, currency) {
        Ok(project) => project,
        Err(invalid) => {
            let page = form_page(&state, &staff, editing, form, Problem::of(invalid))?;
            return Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page));
        }
    };
    let result = state
        .store
        .write(move |txn| {
            let mut project = project.clone();
            if editing.is_none() {
                project.id = ProjectId(records::new_id::<Project>(txn)?);
            }
            save(txn, &project)?;
            Ok(project.id)
        })
        .await;
    match invalid_or(result)? {
        Ok(id) => Ok(pages::see_other(&format!(
            "/projects/{id}?done={}",
            if editing.is_some() {
                "saved"
            } else {
                "created"
            }
        ))),
        Err(invalid) => {
            let page = form_page(&state, &staff, editing, form, Problem::of(invalid))?;
            Ok(pages::render_with(StatusCode::UNPROCESSABLE_ENTITY, &page))
        }
    }
}

pub async fn create(
    state: State,
    posted: Posted<Vec<(String, String)>>,
) -> Result<HttpResponse, PageError> {
    submit(state, posted, None).await
}

pub async fn update(
    state: State,
    posted: Posted<Vec<(String, String)>>,
    path: web::Path<u64>,
) -> Result<HttpResponse, PageError> {
    require_manager(&posted.staff)?;
    state.store.read(|txn| txn.must::<Project>(*path))?;
    submit(state, posted, Some(*path)).await
}
