//! View pieces several staff pages share: pickers, names, entry rows,
//! budget meters and the problem a form was sent back with.

use std::collections::HashMap;

use jiff::Timestamp;

use crate::domain::category::Category;
use crate::domain::client::Client;
use crate::domain::entry::Entry;
use crate::domain::hygiene::HygieneRules;
use crate::domain::project::Project;
use crate::domain::time::{Calendar, format_duration, format_hours};
use crate::domain::user::{Actor, User};
use crate::domain::{CategoryId, ClientId, Invalid, ProjectId, UserId};
use crate::http::error::PageError;
use crate::store::{self, records::Reads};

/// One option of a picker.
pub struct Choice {
    pub id: u64,
    pub label: String,
}

/// Projects the actor may put new time on, by name: the store's rule, so
/// the picker never offers what a save would refuse.
pub fn loggable_projects(txn: &impl Reads, actor: Actor) -> Result<Vec<Project>, store::Error> {
    let mut projects: Vec<Project> = txn
        .all::<Project>()?
        .into_iter()
        .filter(|p| store::entries::open_for_time(actor, p).is_ok())
        .filter(|p| actor.role.sees_all_time() || p.has_member(actor.id))
        .collect();
    projects.sort_by_key(|p| p.name.to_lowercase());
    Ok(projects)
}

/// Projects the actor may see at all: members theirs, managers every one.
pub fn visible_projects(txn: &impl Reads, actor: Actor) -> Result<Vec<Project>, store::Error> {
    let mut projects: Vec<Project> = txn
        .all::<Project>()?
        .into_iter()
        .filter(|p| actor.role.sees_all_time() || p.has_member(actor.id))
        .collect();
    projects.sort_by_key(|p| p.name.to_lowercase());
    Ok(projects)
}

pub fn active_categories(txn: &impl Reads) -> Result<Vec<Category>, store::Error> {
    let mut categories: Vec<Category> = txn
        .all::<Category>()?
        .into_iter()
        .filter(|c| !c.archived)
        .collect();
    categories.sort_by_key(|c| (c.internal, c.name.to_lowercase()));
    Ok(categories)
}

/// Enabled staff, by name.
pub fn active_users(txn: &impl Reads) -> Result<Vec<User>, store::Error> {
    let mut users: Vec<User> = txn
        .all::<User>()?
        .into_iter()
        .filter(|u| !u.disabled)
        .collect();
    users.sort_by_key(|u| u.name.to_lowercase());
    Ok(users)
}

pub fn project_choices(projects: &[Project]) -> Vec<Choice> {
    projects
        .iter()
        .map(|p| Choice {
            id: p.id.0,
            label: p.name.clone(),
        })
        .collect()
}

pub fn category_choices(categories: &[Category]) -> Vec<Choice> {
    categories
        .iter()
        .map(|c| Choice {
            id: c.id.0,
            label: if c.internal {
                format!("{} (internal)", c.name)
            } else {
                c.name.clone()
            },
        })
        .collect()
}

pub fn user_choices(users: &[User]) -> Vec<Choice> {
    users
        .iter()
        .map(|u| Choice {
            id: u.id.0,
            label: u.name.clone(),
        })
        .collect()
}

/// Display names of everything an entry refers to, loaded once per page.
#[derive(Default)]
pub struct Names {
    projects: HashMap<ProjectId, String>,
    categories: HashMap<CategoryId, String>,
    users: HashMap<UserId, String>,
    clients: HashMap<ClientId, String>,
}

impl Names {
    pub fn load(txn: &impl Reads) -> Result<Names, store::Error> {
        Ok(Names {
            projects: txn
                .all::<Project>()?
                .into_iter()
                .map(|p| (p.id, p.name))
                .collect(),
            categories: txn
                .all::<Category>()?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
            users: txn
                .all::<User>()?
                .into_iter()
                .map(|u| (u.id, u.name))
                .collect(),
            clients: txn
                .all::<Client>()?
                .into_iter()
                .map(|c| (c.id, c.name))
                .collect(),
        })
    }

    fn name<K: std::hash::Hash + Eq>(map: &HashMap<K, String>, id: K) -> String {
        map.get(&id).cloned().unwrap_or_else(|| "?".into())
    }

    pub fn project(&self, id: ProjectId) -> String {
        Names::name(&self.projects, id)
    }

    pub fn category(&self, id: CategoryId) -> String {
        Names::name(&self.categories, id)
    }

    pub fn user(&self, id: UserId) -> String {
        Names::name(&self.users, id)
    }

    pub fn client(&self, id: ClientId) -> String {
        Names::name(&self.clients, id)
    }
}

/// An entry as a row of a table.
pub struct EntryRow {
    pub id: u64,
    pub date: String,
    pub person: String,
    pub project: String,
    pub category: String,
    pub description: String,
    pub duration: String,
    pub span: String,
    pub vague: Option<&'static str>,
    pub internal: bool,
    pub billable: bool,
}

pub fn entry_row(
    e: &Entry,
    calendar: &Calendar,
    hygiene: &HygieneRules,
    names: &Names,
) -> EntryRow {
    let local = |t: Timestamp| {
        t.to_zoned(calendar.zone.clone())
            .strftime("%H:%M")
            .to_string()
    };
    EntryRow {
        id: e.id.0,
        date: calendar.date_of(e.start).to_string(),
        person: names.user(e.user_id),
        project: names.project(e.project_id),
        category: names.category(e.category_id),
        description: e.description.clone(),
        duration: format_duration(e.seconds()),
        span: format!("{}–{}", local(e.start), local(e.end)),
        vague: hygiene.check(&e.description).map(|v| v.message()),
        internal: e.internal,
        billable: e.billable,
    }
}

/// Hours used against a budget, drawn as `<meter class="bar">` with the
/// number always written beside it.
pub struct Meter {
    pub max: String,
    pub low: String,
    pub high: String,
    pub value: String,
    pub over: bool,
    pub text: String,
}

impl Meter {
    pub fn hours(used_seconds: i64, budget_seconds: i64) -> Meter {
        let budget = budget_seconds.max(0);
        let used = used_seconds.max(0);
        let percent = if budget > 0 {
            format!(" ({} %)", i128::from(used) * 100 / i128::from(budget))
        } else {
            String::new()
        };
        Meter {
            max: format_hours(budget),
            low: format_hours(budget * 4 / 5),
            high: format_hours(budget),
            value: format_hours(used.min(budget)),
            over: used_seconds >= budget,
            text: format!(
                "{} of {} h{percent}",
                format_hours(used_seconds),
                format_hours(budget)
            ),
        }
    }
}

/// What was wrong with a form that came back, shown beside its field.
#[derive(Debug, Default)]
pub struct Problem(Option<Invalid>);

impl Problem {
    pub fn none() -> Problem {
        Problem(None)
    }

    pub fn of(invalid: Invalid) -> Problem {
        Problem(Some(invalid))
    }

    /// The message for `field`, when it is the one at fault.
    pub fn on(&self, field: &str) -> Option<&str> {
        self.0
            .as_ref()
            .filter(|i| i.field == field)
            .map(|i| i.message.as_str())
    }

    pub fn has(&self, field: &str) -> bool {
        self.on(field).is_some()
    }

    /// The whole problem, for the summary at the top of the form: the
    /// field in words, then what is wrong with it.
    pub fn summary(&self) -> Option<String> {
        self.0.as_ref().map(|i| {
            let words = i.field.trim_end_matches("_id").replace('_', " ");
            let mut label = words.chars();
            let label: String = label
                .next()
                .map(|first| first.to_uppercase().chain(label).collect())
                .unwrap_or_default();
            format!("{label}: {}", i.message)
        })
    }
}

/// Separates a rule a person broke (shown in the form) from every other
/// failure (shown as an error page).
pub fn invalid_or<T>(result: Result<T, store::Error>) -> Result<Result<T, Invalid>, PageError> {
    match result {
        Ok(value) => Ok(Ok(value)),
        Err(store::Error::Invalid(invalid)) => Ok(Err(invalid)),
        Err(other) => Err(other.into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn meters_cap_their_value_and_mark_a_used_budget() {
        let m = Meter::hours(150 * 3600, 100 * 3600);
        assert_eq!(
            (m.max.as_str(), m.low.as_str(), m.value.as_str()),
            ("100.0", "80.0", "100.0")
        );
        assert!(m.over);
        assert_eq!(m.text, "150.0 of 100.0 h (150 %)");
        let m = Meter::hours(30 * 3600, 100 * 3600);
        assert!(!m.over);
        assert_eq!(m.value, "30.0");
    }

    #[test]
    fn problems_belong_to_one_field() {
        let p = Problem::of(Invalid::new("end_time", "must be after the start time"));
        assert!(p.has("end_time"));
        assert!(!p.has("date"));
        assert_eq!(
            p.summary().as_deref(),
            Some("End time: must be after the start time")
        );
        let p = Problem::of(Invalid::new("project_id", "no such project"));
        assert_eq!(p.summary().as_deref(), Some("Project: no such project"));
        assert!(Problem::none().summary().is_none());
    }
}
