//! The loader reads roll-ups and only the entries that could be
//! unpublished; through a real store, the projected totals must still equal
//! what the lens publishes, computed from every entry.

use glasshouse::domain::category::Category;
use glasshouse::domain::client::Client;
use glasshouse::domain::entry::{Entry, EntryDraft, Source};
use glasshouse::domain::lens::{Lens, Publishing, TimeDetail, last_cutoff};
use glasshouse::domain::project::{BudgetPeriod, Project, ProjectStatus};
use glasshouse::domain::user::{Role, User};
use glasshouse::domain::{CategoryId, ClientId, ProjectId, UserId};
use glasshouse::metrics::Metrics;
use glasshouse::portal::{load, project};
use glasshouse::store::records::{self, Reads};
use glasshouse::store::{Store, entries};
use jiff::civil::{Time, Weekday};
use jiff::{SignedDuration, Timestamp};
use proptest::prelude::*;

fn seed(
    store: &Store,
    drafts: Vec<(u64, i64, i64, bool, bool)>,
    now: Timestamp,
    budget_period: BudgetPeriod,
) {
    store
        .write_blocking(move |txn| {
            let mut settings = txn.settings()?;
            settings.time_zone = "Europe/Berlin".into();
            records::put_settings(txn, &settings)?;
            records::put_user(
                txn,
                &User {
                    id: UserId(1),
                    email: "maria@agency.example".into(),
                    name: "Maria".into(),
                    role: Role::Manager,
                    password_hash: String::new(),
                    cost_rate: None,
                    default_rate: None,
                    disabled: false,
                    created_at: now,
                },
            )?;
            records::put(
                txn,
                &Client {
                    id: ClientId(1),
                    name: "Contoso".into(),
                    archived: false,
                    created_at: now,
                },
            )?;
            records::put(
                txn,
                &Project {
                    id: ProjectId(1),
                    client_id: ClientId(1),
                    name: "Relaunch".into(),
                    status: ProjectStatus::Active,
                    budget_seconds: Some(100 * 3600),
                    budget_amount: None,
                    budget_period,
                    start: None,
                    end: None,
                    members: vec![UserId(1)],
                    rate: None,
                    created_at: now,
                    lens: None,
                },
            )?;
            for (id, internal) in [(1, false), (2, true)] {
                records::put(
                    txn,
                    &Category {
                        id: CategoryId(id),
                        name: format!("Category {id}"),
                        internal,
                        archived: false,
                    },
                )?;
            }
            let actor = txn.must::<User>(1)?.actor();
            for &(category, offset, length, internal, approved) in &drafts {
                let start = now + SignedDuration::from_secs(offset);
                let draft = EntryDraft {
                    project_id: ProjectId(1),
                    category_id: CategoryId(category),
                    user_id: UserId(1),
                    start,
                    end: start + SignedDuration::from_secs(length),
                    description: "Work".into(),
                    billable: true,
                    internal,
                    internal_note: String::new(),
                    approved,
                };
                entries::create(txn, actor, draft, Source::Manual, now)?;
            }
            Ok(())
        })
        .unwrap();
}

fn lens_of(kind: u8, hour: i8, only_approved: bool, detailed: bool) -> Lens {
    let at = Time::constant(hour, 0, 0, 0);
    Lens {
        publishing: match kind {
            0 => Publishing::Live,
            1 => Publishing::Daily { at },
            _ => Publishing::Weekly {
                day: Weekday::Saturday,
                at,
            },
        },
        only_approved,
        time_detail: if detailed {
            TimeDetail::Detailed
        } else {
            TimeDetail::Summary
        },
        ..Lens::default()
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]

    #[test]
    fn loaded_totals_match_every_published_entry(
        drafts in prop::collection::vec(
            // Back into February, so a monthly budget has time to leave out.
            (1..=2u64, -40 * 86_400..86_400i64, 60..36_000i64, any::<bool>(), any::<bool>()),
            0..30,
        ),
        kind in 0..3u8,
        hour in 0..24i8,
        only_approved in any::<bool>(),
        detailed in any::<bool>(),
        monthly in any::<bool>(),
        // Around the spring change in Berlin.
        minutes in 0..(6 * 24 * 60i64),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), Metrics::new().store.clone()).unwrap();
        let now: Timestamp = "2026-03-26T00:00:00Z".parse::<Timestamp>().unwrap()
            + SignedDuration::from_mins(minutes);
        let period = if monthly { BudgetPeriod::Monthly } else { BudgetPeriod::Lifetime };
        seed(&store, drafts, now, period);
        let lens = lens_of(kind, hour, only_approved, detailed);

        let (view, all) = store
            .read(|txn| {
                let p: Project = txn.must(1)?;
                let input = load::input(txn, &p, &lens, now)?;
                let calendar = input.settings.calendar();
                Ok((project(&input, &lens, now, &calendar), txn.all::<Entry>()?))
            })
            .unwrap();
        let calendar = store.read(|txn| txn.settings()).unwrap().calendar();
        let cutoff = last_cutoff(&lens, &calendar, now).unwrap();
        let expected: i64 = all
            .iter()
            .filter(|e| !e.internal && e.category_id == CategoryId(1))
            .filter(|e| e.end <= cutoff && (e.approved || !only_approved))
            .map(Entry::seconds)
            .sum();
        let month = period.window(calendar.date_of(now));
        let counted: i64 = all
            .iter()
            .filter(|e| !e.internal && e.category_id == CategoryId(1))
            .filter(|e| e.end <= cutoff && (e.approved || !only_approved))
            .filter(|e| {
                let day = calendar.date_of(e.start);
                month.is_none_or(|(first, last)| first <= day && day <= last)
            })
            .map(Entry::seconds)
            .sum();
        prop_assert_eq!(view.budget.unwrap().used_seconds, counted);
        let time = view.time.unwrap();
        prop_assert_eq!(time.total_seconds, expected);
        if let Some(listed) = time.entries {
            let published = all
                .iter()
                .filter(|e| !e.internal && e.category_id == CategoryId(1))
                .filter(|e| e.end <= cutoff && (e.approved || !only_approved))
                .count();
            prop_assert_eq!(listed.len(), published);
        }
    }
}
