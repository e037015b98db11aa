//! Client notifications: the weekly digest and budget alerts, checked by
//! one scheduler that ticks every minute.
//!
//! Digests. The due instant of a week is the configured weekday and local
//! time in the agency's zone, resolved the way jiff resolves a civil time
//! (a time skipped by a DST change moves forward, a repeated one takes the
//! first), so each week has exactly one. A tick finds the latest week
//! whose due instant has passed and queues that week's digest for every
//! project whose recorded last week is older, recording the week in the
//! same transaction as the messages. A process that was down at the due
//! time therefore sends at its next tick, a restart never sends twice, and
//! a process down for weeks sends only the latest week rather than a pile.
//!
//! Alerts. Entry writes are many and sit on the hot path; the threshold
//! check needs the settings, the budget period and the fired set, and a
//! crossing it finds must queue mail to people the entry's author has no
//! business looking up. So the check runs here instead: each tick compares
//! every budgeted project's roll-ups for its current period with the
//! thresholds already fired for that period, and records newly crossed ones
//! in the transaction that queues their alert. The cost is up to a minute
//! of delay, which an alert can afford. A period is the project's lifetime
//! or, for a monthly budget, the calendar month, so each threshold fires
//! again the next month. Staff alerts count every hour logged against the
//! project; contacts are told only the threshold and the figures their lens
//! shows.

use std::time::Duration;

use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};
use redb::{ReadTransaction, ReadableTable, WriteTransaction};

use crate::domain::contact::{Contact, Notice};
use crate::domain::project::{Project, ProjectStatus};
use crate::domain::settings::AgencySettings;
use crate::domain::time::Day;
use crate::domain::user::{Role, User};
use crate::domain::{ContactId, ProjectId, UserId};
use crate::http::State;
use crate::http::portal::shared_on_portal;
use crate::mail::{self, Outgoing, messages, unsubscribe};
use crate::portal;
use crate::security::{new_token, token_hash};
use crate::store::portal as stored;
use crate::store::records::Reads;
use crate::store::{Error, Store, rollups, tables};

/// What links in notifications need.
#[derive(Debug, Clone)]
pub struct Links {
    pub public_url: String,
    /// How long a notification's sign-in link lives.
    pub lifetime: SignedDuration,
}

impl Links {
    pub fn of(config: &crate::config::Config) -> Links {
        Links {
            public_url: config.public_url.trim_end_matches('/').to_owned(),
            lifetime: SignedDuration::from_hours(24 * config.portal_link_days.clamp(1, 365) as i64),
        }
    }
}

/// A message and, for a contact, the sign-in link it carries.
#[derive(Debug, Clone)]
pub struct Planned {
    pub message: Outgoing,
    pub link: Option<(ContactId, [u8; 32])>,
}

/// The instant the digest of the week starting on `week` is due.
pub fn due_at(settings: &AgencySettings, week: Day) -> Timestamp {
    let calendar = settings.calendar();
    let offset = settings.digest_weekday.since(calendar.week_start);
    let date = week
        .date()
        .checked_add(jiff::Span::new().days(offset))
        .expect("dates are in range");
    date.to_datetime(settings.digest_time)
        .to_zoned(calendar.zone.clone())
        .expect("dates are in range")
        .timestamp()
}

/// The latest week whose digest is due at `now`, with its due instant.
pub fn latest_due(settings: &AgencySettings, now: Timestamp) -> (Day, Timestamp) {
    let week = settings.calendar().week_of_instant(now);
    let due = due_at(settings, week);
    if now >= due {
        (week, due)
    } else {
        let before = Day(week.0 - 7);
        (before, due_at(settings, before))
    }
}

/// A notification link: a fresh token, its URL and its hash.
fn sign_in_link(links: &Links) -> (String, [u8; 32]) {
    let token = new_token();
    (
        format!("{}/portal/auth/{token}", links.public_url),
        token_hash(&token),
    )
}

fn recipients(
    txn: &ReadTransaction,
    project: &Project,
    notice: Notice,
) -> Result<Vec<Contact>, Error> {
    Ok(stored::contacts_of(txn, project.client_id)?
        .into_iter()
        .filter(|c| c.portal_access && c.notifications.wants(notice))
        .collect())
}

/// The digest messages of one project for `[from, to)`, one per contact
/// with portal access and digests on.
pub fn digest_messages(
    txn: &ReadTransaction,
    links: &Links,
    project: &Project,
    from: Timestamp,
    to: Timestamp,
) -> Result<Vec<Planned>, Error> {
    let settings = txn.settings()?;
    let contacts = recipients(txn, project, Notice::WeeklyDigest)?;
    if contacts.is_empty() {
        return Ok(Vec::new());
    }
    let digest = portal::digest::digest(txn, project, from, to)?;
    let key = unsubscribe::read_key(txn)?;
    Ok(contacts
        .into_iter()
        .map(|contact| {
            let (link, hash) = sign_in_link(links);
            let stop =
                unsubscribe::url(&links.public_url, &key, contact.id.0, Notice::WeeklyDigest);
            Planned {
                message: messages::weekly_digest(
                    &settings.name,
                    &contact.email,
                    &contact.name,
                    &digest,
                    &link,
                    &stop,
                ),
                link: Some((contact.id, hash)),
            }
        })
        .collect())
}

/// Queues planned messages and their links in the caller's transaction.
pub fn queue(
    txn: &WriteTransaction,
    links: &Links,
    project: ProjectId,
    planned: &[Planned],
    now: Timestamp,
) -> Result<(), Error> {
    for p in planned {
        if let Some((contact, hash)) = &p.link {
            stored::create_link_to(txn, hash, *contact, project, now, links.lifetime)?;
        }
        mail::enqueue(txn, p.message.clone(), now)?;
    }
    Ok(())
}

fn on_portal(project: &Project, settings: &AgencySettings) -> bool {
    project.status == ProjectStatus::Active && shared_on_portal(&project.lens_or(&settings.lens))
}

/// Queues every digest due at `now`; returns how many messages it queued.
pub async fn send_digests(store: &Store, links: &Links, now: Timestamp) -> Result<usize, Error> {
    let plans = store.read(|txn| {
        let settings = txn.settings()?;
        let (week, due) = latest_due(&settings, now);
        let from = due_at(&settings, Day(week.0 - 7));
        let sent = txn.open_table(tables::DIGESTS_SENT)?;
        let mut plans = Vec::new();
        for project in txn.all::<Project>()? {
            let last = sent.get(project.id.0)?.map(|v| v.value());
            let owed = match last {
                Some(last) => last < week.0,
                None => project.created_at <= due,
            };
            if owed && on_portal(&project, &settings) {
                let planned = digest_messages(txn, links, &project, from, due)?;
                plans.push((project.id, week, planned));
            }
        }
        Ok(plans)
    })?;
    if plans.is_empty() {
        return Ok(0);
    }
    let links = links.clone();
    store
        .write(move |txn| {
            let mut queued = 0;
            for (project, week, planned) in &plans {
                let mut sent = txn.open_table(tables::DIGESTS_SENT)?;
                // Checked again here: the write is the only arbiter.
                if sent.get(project.0)?.is_some_and(|v| v.value() >= week.0) {
                    continue;
                }
                sent.insert(project.0, week.0)?;
                drop(sent);
                queue(txn, &links, *project, planned, now)?;
                queued += planned.len();
            }
            Ok(queued)
        })
        .await
}

/// The budget period a project is in on `today`: its key in
/// `ALERTS_FIRED` and the days it spans.
fn period(project: &Project, today: Date) -> (i32, Option<(Day, Day)>) {
    match project.budget_period.window(today) {
        None => (tables::LIFETIME, None),
        Some((first, last)) => {
            let first = Day::from_date(first);
            (first.0, Some((first, Day::from_date(last))))
        }
    }
}

/// Staff who hear about a project's budget: its managers, or every manager
/// when none is a member.
fn managers(users: &[User], project: &Project) -> Vec<User> {
    let all: Vec<&User> = users
        .iter()
        .filter(|u| !u.disabled && u.role <= Role::Manager)
        .collect();
    let members: Vec<&User> = all
        .iter()
        .copied()
        .filter(|u| project.has_member(u.id))
        .collect();
    let chosen = if members.is_empty() { all } else { members };
    chosen.into_iter().cloned().collect()
}

fn muted(txn: &ReadTransaction, user: UserId) -> Result<bool, Error> {
    Ok(txn.open_table(tables::ALERTS_MUTED)?.get(user.0)?.is_some())
}

struct AlertPlan {
    project: ProjectId,
    period: i32,
    crossed: Vec<u32>,
    planned: Vec<Planned>,
}

fn alert_messages(
    txn: &ReadTransaction,
    links: &Links,
    project: &Project,
    threshold: u32,
    used: i64,
    budget: i64,
    now: Timestamp,
) -> Result<Vec<Planned>, Error> {
    let settings = txn.settings()?;
    let key = unsubscribe::read_key(txn)?;
    let mut planned = Vec::new();
    let staff_detail = format!(
        "{} h of {} h used ({}%) in the current budget period.",
        crate::domain::time::format_hours(used),
        crate::domain::time::format_hours(budget),
        used * 100 / budget
    );
    let staff_link = format!("{}/projects/{}", links.public_url, project.id);
    for user in managers(&txn.all::<User>()?, project) {
        if muted(txn, user.id)? {
            continue;
        }
        let stop = unsubscribe::url(
            &links.public_url,
            &key,
            user.id.0,
            Notice::StaffBudgetAlerts,
        );
        planned.push(Planned {
            message: messages::budget_alert(
                &settings.name,
                &user.email,
                &user.name,
                &project.name,
                threshold,
                Some(&staff_detail),
                &staff_link,
                &stop,
            ),
            link: None,
        });
    }
    let lens = project.lens_or(&settings.lens);
    if lens.sections.budget && on_portal(project, &settings) {
        let contacts = recipients(txn, project, Notice::BudgetAlerts)?;
        if !contacts.is_empty() {
            let input = portal::load::input(txn, project, &lens, now)?;
            let view = portal::project(&input, &lens, now, &settings.calendar());
            let detail = view.budget.as_ref().map(|b| match (&b.budget, b.percent) {
                (Some(total), Some(p)) => {
                    format!("Published so far: {} h of {total} h ({p}%).", b.used)
                }
                _ => format!("Published so far: {} h.", b.used),
            });
            for contact in contacts {
                let (link, hash) = sign_in_link(links);
                let stop =
                    unsubscribe::url(&links.public_url, &key, contact.id.0, Notice::BudgetAlerts);
                planned.push(Planned {
                    message: messages::budget_alert(
                        &settings.name,
                        &contact.email,
                        &contact.name,
                        &view.name,
                        threshold,
                        detail.as_deref(),
                        &link,
                        &stop,
                    ),
                    link: Some((contact.id, hash)),
                });
            }
        }
    }
    Ok(planned)
}

/// Queues an alert for every threshold newly crossed at `now`; returns how
/// many messages it queued.
pub async fn check_alerts(store: &Store, links: &Links, now: Timestamp) -> Result<usize, Error> {
    let plans = store.read(|txn| {
        let settings = txn.settings()?;
        if settings.alert_thresholds.is_empty() {
            return Ok(Vec::new());
        }
        let today = settings.calendar().date_of(now);
        let fired = txn.open_table(tables::ALERTS_FIRED)?;
        let mut plans = Vec::new();
        for project in txn.all::<Project>()? {
            let Some(budget) = project.budget_seconds.filter(|b| *b > 0) else {
                continue;
            };
            if project.status != ProjectStatus::Active {
                continue;
            }
            let (key, window) = period(&project, today);
            // Day rows of the period only: this runs every minute for every
            // budgeted project, so it must not read the category x week rows.
            let (first, last) = window.unwrap_or((Day(i32::MIN), Day(i32::MAX)));
            let used: i64 = rollups::project_days(txn, project.id, first..=last)?
                .iter()
                .map(|(_, tally)| tally.seconds)
                .sum();
            let mut crossed = Vec::new();
            for t in &settings.alert_thresholds {
                let reached = i128::from(used) * 100 >= i128::from(budget) * i128::from(*t);
                if reached && fired.get((project.id.0, key, *t))?.is_none() {
                    crossed.push(*t);
                }
            }
            let Some(highest) = crossed.last().copied() else {
                continue;
            };
            let planned = alert_messages(txn, links, &project, highest, used, budget, now)?;
            plans.push(AlertPlan {
                project: project.id,
                period: key,
                crossed,
                planned,
            });
        }
        Ok(plans)
    })?;
    if plans.is_empty() {
        return Ok(0);
    }
    let links = links.clone();
    store
        .write(move |txn| {
            let mut queued = 0;
            for plan in &plans {
                let mut fired = txn.open_table(tables::ALERTS_FIRED)?;
                let key = (plan.project.0, plan.period, plan.crossed[0]);
                if fired.get(key)?.is_some() {
                    continue;
                }
                for t in &plan.crossed {
                    fired.insert((plan.project.0, plan.period, *t), ())?;
                }
                drop(fired);
                queue(txn, &links, plan.project, &plan.planned, now)?;
                queued += plan.planned.len();
            }
            Ok(queued)
        })
        .await
}

/// Checks digests and alerts once a minute for as long as the server runs.
pub async fn run(state: State) {
    let links = Links::of(&state.config);
    let mut tick = actix_web::rt::time::interval(Duration::from_secs(60));
    loop {
        tick.tick().await;
        let now = Timestamp::now();
        match send_digests(&state.store, &links, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(messages = n, "weekly digests queued"),
            Err(e) => tracing::warn!(error = %e, "could not queue weekly digests"),
        }
        match check_alerts(&state.store, &links, now).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(messages = n, "budget alerts queued"),
            Err(e) => tracing::warn!(error = %e, "could not queue budget alerts"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::{Weekday, date, time};

    fn berlin() -> AgencySettings {
        AgencySettings {
            time_zone: "Europe/Berlin".into(),
            digest_weekday: Weekday::Sunday,
            digest_time: time(2, 30, 0, 0),
            ..AgencySettings::default()
        }
    }

    #[test]
    fn a_due_time_skipped_by_dst_moves_forward_and_weeks_stay_apart() {
        let s = berlin();
        let calendar = s.calendar();
        // 2026-03-29 02:30 does not exist in Berlin.
        let week = calendar.week_of(date(2026, 3, 23));
        let due = due_at(&s, week);
        assert_eq!(due.to_string(), "2026-03-29T01:30:00Z");
        let next = due_at(&s, Day(week.0 + 7));
        assert_eq!(next.to_string(), "2026-04-05T00:30:00Z");
        assert_eq!(
            latest_due(&s, due - SignedDuration::from_secs(1)).0,
            Day(week.0 - 7)
        );
        assert_eq!(latest_due(&s, due).0, week);
        assert_eq!(latest_due(&s, next - SignedDuration::from_secs(1)).0, week);
    }
}
