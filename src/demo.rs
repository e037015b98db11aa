//! The demo agency seeded by `glasshouse demo`: Northwind Studio, six staff,
//! three clients, five projects and six months of time up to today.
//!
//! Everything is written in one transaction, so a demo directory is either
//! empty or complete. The entries come from a fixed seed: the same day gives
//! the same agency. A marker in `meta` lets `demo` run again on the same
//! directory without mistaking a real agency for a demo.

use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, Timestamp, ToSpan};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use redb::{ReadableTable, WriteTransaction};

use crate::domain::category::Category;
use crate::domain::client::Client;
use crate::domain::contact::ContactDraft;
use crate::domain::entry::{EntryDraft, Source};
use crate::domain::lens::{
    BudgetDisplay, DEFAULT_PUBLISH_AT, Grouping, Lens, Publishing, TimeDetail,
};
use crate::domain::milestone::{Milestone, MilestoneStatus};
use crate::domain::money::Currency;
use crate::domain::project::{BudgetPeriod, Project, ProjectStatus};
use crate::domain::rate::ProjectRates;
use crate::domain::settings::AgencySettings;
use crate::domain::time::Calendar;
use crate::domain::timer::Timer;
use crate::domain::user::{Role, User};
use crate::domain::{CategoryId, ClientId, MilestoneId, ProjectId, UserId};
use crate::jobs::notify::{self, Links};
use crate::mail::messages;
use crate::security::{new_token, token_hash};
use crate::store::portal::{self as portal_store, Purpose};
use crate::store::records::{self, Reads};
use crate::store::{self, Store, encode, entries, tables};

/// An amount in whole euros, as the cents every amount is stored in.
const fn euros(amount: i64) -> i64 {
    amount * 100
}

pub const PASSWORD: &str = "demo-password";

/// The `meta` key that marks a store as seeded by this module.
const MARKER: &str = "demo_seeded";
/// The `meta` key that marks the demo's weekly digest as queued.
const DIGEST_MARKER: &str = "demo_digest_queued";

/// (client, name, email) of the demo's client contacts.
pub const CONTACTS: [(u64, &str, &str); 5] = [
    (1, "Greta Alder", "greta@alderfinch.example"),
    (1, "Tom Finch", "tom@alderfinch.example"),
    (2, "Ines Kestrel", "ines@kestrel.example"),
    (3, "Hauke Brandt", "hauke@hanseatic-legal.example"),
    (3, "Sofie Lund", "sofie@hanseatic-legal.example"),
];

const SEED: u64 = 0x6e6f_7274_6877_696e;

/// How far back the seeded time goes.
const HISTORY_DAYS: i64 = 182;

/// (email, name, role, default rate, cost rate) in euro cents per hour.
const STAFF: [(&str, &str, Role, i64, i64); 6] = [
    (
        "olivia@northwind.example",
        "Olivia Hart",
        Role::Owner,
        euros(140),
        euros(70),
    ),
    (
        "adam@northwind.example",
        "Adam Novak",
        Role::Admin,
        euros(110),
        euros(55),
    ),
    (
        "mara@northwind.example",
        "Mara Lindqvist",
        Role::Manager,
        euros(115),
        euros(52),
    ),
    (
        "jonas@northwind.example",
        "Jonas Weber",
        Role::Member,
        euros(105),
        euros(45),
    ),
    (
        "priya@northwind.example",
        "Priya Shah",
        Role::Member,
        euros(120),
        euros(50),
    ),
    (
        "lukas@northwind.example",
        "Lukas Brandt",
        Role::Member,
        euros(95),
        euros(40),
    ),
];

const OLIVIA: UserId = UserId(1);
const ADAM: UserId = UserId(2);
const MARA: UserId = UserId(3);
const JONAS: UserId = UserId(4);
const PRIYA: UserId = UserId(5);
const LUKAS: UserId = UserId(6);

const DESIGN: CategoryId = CategoryId(1);
const DEVELOPMENT: CategoryId = CategoryId(2);
const COPYWRITING: CategoryId = CategoryId(3);
const PROJECT_MANAGEMENT: CategoryId = CategoryId(4);
const MEETINGS: CategoryId = CategoryId(5);
const ADMIN: CategoryId = CategoryId(6);
const TRAINING: CategoryId = CategoryId(7);

const CATEGORIES: [(&str, bool); 7] = [
    ("Design", false),
    ("Development", false),
    ("Copywriting", false),
    ("Project management", false),
    ("Meetings", false),
    ("Admin", true),
    ("Training", true),
];

const CLIENTS: [&str; 3] = ["Alder & Finch Bakery", "Kestrel Outdoor", "Hanseatic Legal"];

/// The emails and roles of the demo staff, for printing.
pub fn logins() -> Vec<(String, String)> {
    STAFF
        .iter()
        .map(|(email, _, role, _, _)| ((*email).to_owned(), role.as_str().to_owned()))
        .collect()
}

/// Seeds an empty store; returns the demo logins, or `None` when the store
/// holds data that is not a demo.
///
/// The seeding transaction also queues each contact's portal invitation.
/// The week's digest needs a read of the committed data (the projection
/// reads snapshots), so it is queued by a second transaction, guarded by
/// its own marker so that a crash between the two only delays it.
pub fn seed_if_empty(
    store: &Store,
    links: &Links,
) -> Result<Option<Vec<(String, String)>>, store::Error> {
    let seeded = store.read(|txn| {
        let meta = txn.open_table(tables::META)?;
        let marked = meta.get(MARKER)?.is_some();
        Ok((marked, !txn.all::<User>()?.is_empty()))
    })?;
    match seeded {
        (true, _) => {
            queue_digest(store, links)?;
            return Ok(Some(logins()));
        }
        (false, true) => return Ok(None),
        (false, false) => {}
    }

    // One hash for all six accounts: argon2 is slow on purpose, and the
    // demo should start at once.
    let hash = crate::security::hash_password(PASSWORD);
    let now = Timestamp::now();
    let invitations: Vec<(String, [u8; 32])> = CONTACTS
        .iter()
        .map(|_| {
            let token = new_token();
            let hash = token_hash(&token);
            (format!("{}/portal/auth/{token}", links.public_url), hash)
        })
        .collect();
    let seeded = store.write_blocking(move |txn| {
        // Checked again inside the transaction: another command may have
        // written between the read above and this write.
        if !txn.all::<User>()?.is_empty() {
            return Ok(false);
        }
        seed(txn, &hash, now)?;
        seed_contacts(txn, &invitations, now)?;
        Ok(true)
    })?;
    if seeded {
        queue_digest(store, links)?;
    }
    Ok(seeded.then(logins))
}

/// Adds the contacts, each with an invitation link and its email.
fn seed_contacts(
    txn: &WriteTransaction,
    invitations: &[(String, [u8; 32])],
    now: Timestamp,
) -> Result<(), store::Error> {
    let agency = txn.settings()?.name;
    for ((client, name, email), (url, hash)) in CONTACTS.iter().zip(invitations) {
        let draft = ContactDraft {
            name: (*name).into(),
            email: (*email).into(),
        };
        let contact = portal_store::create_contact(txn, ClientId(*client), draft, now)?;
        let lifetime = SignedDuration::from_hours(7 * 24);
        portal_store::create_link(txn, hash, contact.id, Purpose::Invitation, now, lifetime)?;
        let message = messages::portal_invitation(&agency, &contact.email, &contact.name, url);
        crate::mail::enqueue(txn, message, now)?;
    }
    Ok(())
}

/// Queues one weekly digest of the first project, for the week so far, so
/// the demo's mail folder shows what contacts receive, and marks the
/// latest due week as sent for every project.
fn queue_digest(store: &Store, links: &Links) -> Result<(), store::Error> {
    let now = Timestamp::now();
    let planned = store.read(|txn| {
        if txn.open_table(tables::META)?.get(DIGEST_MARKER)?.is_some() {
            return Ok(None);
        }
        let calendar = txn.settings()?.calendar();
        let from = calendar.start_of(calendar.week_of_instant(now).date());
        let project: Project = txn.must(1)?;
        let planned = notify::digest_messages(txn, links, &project, from, now)?;
        let projects: Vec<u64> = txn.all::<Project>()?.iter().map(|p| p.id.0).collect();
        let (week, _) = notify::latest_due(&txn.settings()?, now);
        Ok(Some((project.id, planned, projects, week)))
    })?;
    let Some((project, planned, projects, week)) = planned else {
        return Ok(());
    };
    let links = links.clone();
    store.write_blocking(move |txn| {
        let mut meta = txn.open_table(tables::META)?;
        if meta.get(DIGEST_MARKER)?.is_some() {
            return Ok(());
        }
        meta.insert(DIGEST_MARKER, 1)?;
        drop(meta);
        // The scheduler owes no digest for weeks before the demo existed;
        // without this its first tick would mail every project at once.
        let mut sent = txn.open_table(tables::DIGESTS_SENT)?;
        for id in &projects {
            sent.insert(*id, week.0)?;
        }
        drop(sent);
        notify::queue(txn, &links, project, &planned, now)
    })
}

fn seed(txn: &WriteTransaction, hash: &str, now: Timestamp) -> Result<(), store::Error> {
    let settings = AgencySettings {
        name: "Northwind Studio".into(),
        currency: Currency::EUR,
        time_zone: "Europe/Berlin".into(),
        week_start: Weekday::Monday,
        ..AgencySettings::default()
    };
    let calendar = settings.calendar();
    let today = calendar.date_of(now);
    let first_of_month = today.first_of_month();
    let settings = AgencySettings {
        // Last month stays open for late entries; anything older is frozen.
        lock_date: first_of_month.checked_sub(1.month()).ok(),
        ..settings
    };
    records::put_settings(txn, &settings)?;

    seed_staff(txn, hash, now)?;
    seed_categories(txn)?;
    seed_clients(txn, now)?;
    let projects = seed_projects(txn, today, now)?;
    seed_milestones(txn, today, now)?;
    let used = seed_entries(txn, &calendar, &projects, today, now)?;
    size_budgets(txn, &projects, &used, today)?;
    seed_timer(txn, now)?;

    txn.open_table(tables::META)?.insert(MARKER, 1)?;
    Ok(())
}

fn seed_staff(txn: &WriteTransaction, hash: &str, now: Timestamp) -> Result<(), store::Error> {
    for (email, name, role, rate, cost) in STAFF {
        let user = User {
            id: UserId(records::new_id::<User>(txn)?),
            email: email.into(),
            name: name.into(),
            role,
            password_hash: hash.into(),
            cost_rate: Some(cost),
            default_rate: Some(rate),
            disabled: false,
            created_at: now - SignedDuration::from_hours(24 * 200),
        };
        records::put_user(txn, &user)?;
    }
    Ok(())
}

fn seed_categories(txn: &WriteTransaction) -> Result<(), store::Error> {
    for (name, internal) in CATEGORIES {
        let category = Category {
            id: CategoryId(records::new_id::<Category>(txn)?),
            name: name.into(),
            internal,
            archived: false,
        };
        records::put(txn, &category)?;
    }
    Ok(())
}

fn seed_clients(txn: &WriteTransaction, now: Timestamp) -> Result<(), store::Error> {
    for name in CLIENTS {
        let client = Client {
            id: ClientId(records::new_id::<Client>(txn)?),
            name: name.into(),
            archived: false,
            created_at: now - SignedDuration::from_hours(24 * 190),
        };
        records::put(txn, &client)?;
    }
    Ok(())
}

/// A project and the dates between which people log time on it.
struct Plan {
    project: Project,
    /// The last day work was logged; a paused project stopped early.
    worked_until: Date,
    /// Who does what on it, with relative weights.
    work: &'static [(UserId, CategoryId, u32)],
    /// The share of its budget, in percent, that the seeded time uses (for
    /// a monthly budget: an average month). Budgets are sized from the
    /// generated hours so that each project tells its own story: nearly
    /// spent before launch, comfortably on track, finished over budget.
    burn_percent: i64,
}

fn day(today: Date, offset: i64) -> Date {
    today
        .checked_add(offset.days())
        .expect("demo dates are in range")
}

fn seed_projects(
    txn: &WriteTransaction,
    today: Date,
    now: Timestamp,
) -> Result<Vec<Plan>, store::Error> {
    let project = |client: u64, name: &str, status, start: i64, end: Option<i64>| Project {
        id: ProjectId(0),
        client_id: ClientId(client),
        name: name.into(),
        status,
        budget_seconds: None,
        budget_amount: None,
        budget_period: BudgetPeriod::Lifetime,
        start: Some(day(today, start)),
        end: end.map(|e| day(today, e)),
        members: Vec::new(),
        rate: None,
        lens: None,
        created_at: now - SignedDuration::from_hours(24 * (-start + 3)),
    };
    // Budgets are sized by `size_budgets` once the entries exist; here a
    // `Some` only says that the project has a money budget at all.
    let mut plans = vec![
        Plan {
            project: Project {
                lens: Some(Lens {
                    time_detail: TimeDetail::Detailed,
                    staff_names: true,
                    publishing: Publishing::Live,
                    ..Lens::default()
                }),
                budget_amount: Some(0),
                members: vec![OLIVIA, MARA, JONAS, PRIYA, LUKAS],
                rate: Some(euros(110)),
                ..project(1, "Website relaunch", ProjectStatus::Active, -175, Some(30))
            },
            worked_until: today,
            burn_percent: 88,
            work: &[
                (JONAS, DESIGN, 6),
                (PRIYA, DEVELOPMENT, 7),
                (LUKAS, COPYWRITING, 5),
                (MARA, PROJECT_MANAGEMENT, 4),
                (MARA, MEETINGS, 2),
                (OLIVIA, MEETINGS, 1),
                (PRIYA, TRAINING, 1),
            ],
        },
        Plan {
            project: Project {
                lens: Some(Lens {
                    time_detail: TimeDetail::Summary,
                    grouping: Grouping::ByCategory,
                    ..Lens::default()
                }),
                budget_amount: Some(0),
                budget_period: BudgetPeriod::Monthly,
                members: vec![MARA, PRIYA, LUKAS],
                rate: Some(euros(100)),
                ..project(1, "Care retainer", ProjectStatus::Active, -150, None)
            },
            worked_until: today,
            burn_percent: 80,
            work: &[
                (PRIYA, DEVELOPMENT, 3),
                (LUKAS, COPYWRITING, 2),
                (MARA, PROJECT_MANAGEMENT, 1),
            ],
        },
        Plan {
            project: Project {
                lens: Some(Lens {
                    grouping: Grouping::ByWeek,
                    publishing: Publishing::Weekly {
                        day: Weekday::Friday,
                        at: DEFAULT_PUBLISH_AT,
                    },
                    ..Lens::default()
                }),
                budget_amount: Some(0),
                members: vec![MARA, JONAS, LUKAS],
                rate: Some(euros(105)),
                ..project(2, "Spring campaign", ProjectStatus::Done, -180, Some(-70))
            },
            worked_until: day(today, -70),
            burn_percent: 104,
            work: &[
                (JONAS, DESIGN, 5),
                (LUKAS, COPYWRITING, 6),
                (MARA, PROJECT_MANAGEMENT, 2),
                (MARA, MEETINGS, 1),
            ],
        },
        Plan {
            project: Project {
                lens: Some(Lens {
                    grouping: Grouping::Both,
                    budget: BudgetDisplay::WithMoney,
                    ..Lens::default()
                }),
                budget_amount: Some(0),
                members: vec![OLIVIA, ADAM, MARA, JONAS, PRIYA],
                rate: Some(euros(115)),
                ..project(2, "Online shop", ProjectStatus::Active, -95, Some(75))
            },
            worked_until: today,
            burn_percent: 55,
            work: &[
                (PRIYA, DEVELOPMENT, 8),
                (JONAS, DESIGN, 4),
                (MARA, PROJECT_MANAGEMENT, 3),
                (ADAM, PROJECT_MANAGEMENT, 2),
                (ADAM, ADMIN, 1),
                (OLIVIA, MEETINGS, 1),
                (JONAS, TRAINING, 1),
            ],
        },
        Plan {
            project: Project {
                members: vec![MARA, JONAS, LUKAS],
                rate: Some(euros(100)),
                ..project(3, "Brand refresh", ProjectStatus::Paused, -120, None)
            },
            worked_until: day(today, -40),
            burn_percent: 70,
            work: &[
                (JONAS, DESIGN, 5),
                (LUKAS, COPYWRITING, 3),
                (MARA, MEETINGS, 2),
                (MARA, ADMIN, 1),
            ],
        },
    ];
    for plan in &mut plans {
        plan.project.id = ProjectId(records::new_id::<Project>(txn)?);
        records::put(txn, &plan.project)?;
    }

    let rates = [
        (
            1,
            vec![(DEVELOPMENT, euros(125)), (COPYWRITING, euros(95))],
            vec![],
        ),
        (
            4,
            vec![(DEVELOPMENT, euros(130))],
            vec![(PRIYA, euros(135))],
        ),
        (5, vec![(DESIGN, euros(110))], vec![]),
    ];
    for (project, by_category, by_user) in rates {
        let overrides = ProjectRates {
            by_category,
            by_user,
        };
        records::put_project_rates(txn, project, &overrides)?;
    }
    Ok(plans)
}

fn seed_milestones(
    txn: &WriteTransaction,
    today: Date,
    now: Timestamp,
) -> Result<(), store::Error> {
    use MilestoneStatus::{Done, InProgress, Planned};
    // (project, title, due in days from today, status, shown to the client)
    let milestones = [
        (1, "Discovery workshop", -160, Done, true),
        (1, "Sitemap and wireframes", -120, Done, true),
        (1, "Visual design approved", -70, Done, true),
        (1, "Internal QA pass", -5, InProgress, false),
        (1, "Content migration", 10, InProgress, true),
        (1, "Launch", 30, Planned, true),
        (2, "Quarterly analytics review", 20, Planned, true),
        (3, "Campaign concept", -150, Done, true),
        (3, "Print assets delivered", -95, Done, true),
        (3, "Post-mortem", -68, Done, false),
        (4, "Catalogue structure", -60, Done, true),
        (4, "Payment provider onboarding", -20, Done, true),
        (4, "Checkout build", 15, InProgress, true),
        (4, "Load test before launch", 50, Planned, false),
        (4, "Shop goes live", 75, Planned, true),
        (5, "Logo directions", -70, Done, true),
        (5, "Brand guidelines draft", 25, Planned, true),
    ];
    for (project, title, due, status, client_visible) in milestones {
        let due = day(today, due);
        let done_at = (status == Done)
            .then(|| now - SignedDuration::from_hours(24 * i64::from((today - due).get_days())));
        let milestone = Milestone {
            id: MilestoneId(records::new_id::<Milestone>(txn)?),
            project_id: ProjectId(project),
            title: title.into(),
            due: Some(due),
            status,
            client_visible,
            done_at,
        };
        records::put(txn, &milestone)?;
    }
    Ok(())
}

fn descriptions(category: CategoryId) -> &'static [&'static str] {
    match category {
        DESIGN => &[
            "Homepage hero variants",
            "Product page layout, mobile first",
            "Icon set refinements",
            "Style guide: colour and type tokens",
            "Feedback round on navigation mock-ups",
            "Checkout flow wireframes",
            "Photography selection and crops",
        ],
        DEVELOPMENT => &[
            "Implement product listing filters",
            "Fix layout shift on the menu page",
            "Set up staging deployment",
            "Contact form with spam protection",
            "Migrate blog posts from the old CMS",
            "Payment webhook handling and tests",
            "Performance pass: image sizes and caching",
            "Accessibility fixes from the audit",
        ],
        COPYWRITING => &[
            "About page first draft",
            "Product descriptions, seasonal range",
            "Newsletter copy for the launch",
            "Tone of voice guide revisions",
            "Proofreading the FAQ",
            "Headlines for the campaign posters",
        ],
        PROJECT_MANAGEMENT => &[
            "Sprint planning and ticket grooming",
            "Status report for the client",
            "Timeline update after scope change",
            "Budget review with the team",
            "Coordinating photo shoot logistics",
        ],
        MEETINGS => &[
            "Weekly check-in with the client",
            "Design review with stakeholders",
            "Kick-off call",
            "Retrospective",
        ],
        ADMIN => &[
            "Timesheet clean-up",
            "Access and licences for the project tools",
            "Invoice preparation",
        ],
        _ => &[
            "Learning the shop platform's theme system",
            "Accessibility training course",
            "Reading up on the payment provider's API",
        ],
    }
}

/// Descriptions the hygiene check exists to catch.
const VAGUE: [&str; 6] = ["misc", "stuff", "wip", "meeting", "fixes", "various things"];

const INTERNAL_NOTES: [&str; 4] = [
    "Rework after our own mistake; not to be billed.",
    "Estimate was too low, keep an eye on this.",
    "Client asked for this off the record.",
    "Cover for a colleague who was ill.",
];

fn pick_weighted<T: Copy>(rng: &mut StdRng, choices: &[(T, u32)]) -> Option<T> {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    if total == 0 {
        return None;
    }
    let mut roll = rng.gen_range(0..total);
    for (choice, weight) in choices {
        if roll < *weight {
            return Some(*choice);
        }
        roll -= weight;
    }
    None
}

fn local(calendar: &Calendar, date: Date, minutes: i64) -> Timestamp {
    let hour = i8::try_from(minutes / 60).expect("a working day ends before midnight");
    let minute = i8::try_from(minutes % 60).expect("minutes are below 60");
    date.at(hour, minute, 0, 0)
        .to_zoned(calendar.zone.clone())
        .expect("demo times are in range")
        .timestamp()
}

/// Seeds the entries; returns the seconds logged on each project, by id.
fn seed_entries(
    txn: &WriteTransaction,
    calendar: &Calendar,
    plans: &[Plan],
    today: Date,
    now: Timestamp,
) -> Result<Vec<i64>, store::Error> {
    let mut used = vec![0; plans.len() + 1];
    let categories: Vec<Category> = txn.all()?;
    let mut rng = StdRng::seed_from_u64(SEED);
    // Today's work stops an hour before now, leaving room for the running timer.
    let cutoff = now - SignedDuration::from_hours(1);
    let mut date = day(today, -HISTORY_DAYS);
    while date <= today {
        if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) {
            date = date.tomorrow().expect("in range");
            continue;
        }
        for (index, _) in STAFF.iter().enumerate() {
            let user = UserId(index as u64 + 1);
            // Holidays, sick days and days out of the office.
            if rng.gen_ratio(1, 14) {
                continue;
            }
            let work: Vec<((ProjectId, CategoryId), u32)> = plans
                .iter()
                .filter(|p| p.project.start.is_some_and(|s| s <= date) && date <= p.worked_until)
                .flat_map(|p| {
                    p.work
                        .iter()
                        .filter(|(u, _, _)| *u == user)
                        .map(|(_, c, w)| ((p.project.id, *c), *w))
                })
                .collect();
            let mut minutes = rng.gen_range(8 * 60 + 15..=9 * 60 + 45) / 15 * 15;
            let day_ends = minutes + rng.gen_range(6 * 60..=8 * 60);
            while minutes < day_ends {
                let Some((project_id, category_id)) = pick_weighted(&mut rng, &work) else {
                    break;
                };
                let length = rng.gen_range(2..=12) * 15;
                let start = local(calendar, date, minutes);
                let end = local(calendar, date, (minutes + length).min(day_ends));
                minutes += length + rng.gen_range(0..=2) * 15;
                if end > cutoff {
                    break;
                }
                let description = if rng.gen_ratio(1, 30) {
                    VAGUE[rng.gen_range(0..VAGUE.len())]
                } else {
                    let list = descriptions(category_id);
                    list[rng.gen_range(0..list.len())]
                };
                let internal = rng.gen_ratio(1, 40);
                let internal_note = if internal || rng.gen_ratio(1, 50) {
                    INTERNAL_NOTES[rng.gen_range(0..INTERNAL_NOTES.len())]
                } else {
                    ""
                };
                let draft = EntryDraft {
                    project_id,
                    category_id,
                    user_id: user,
                    start,
                    end,
                    description: description.into(),
                    billable: category_id != MEETINGS || rng.gen_ratio(1, 2),
                    internal,
                    internal_note: internal_note.into(),
                    // Managers have signed off everything but the last week.
                    approved: end < now - SignedDuration::from_hours(24 * 7),
                };
                let category = &categories[category_id.0 as usize - 1];
                let draft = draft.validate(category)?;
                let source = if rng.gen_ratio(1, 3) {
                    Source::Timer
                } else {
                    Source::Manual
                };
                let entry = entries::insert_vetted(txn, calendar, draft, source, end)?;
                used[entry.project_id.0 as usize] += entry.seconds();
            }
        }
        date = date.tomorrow().expect("in range");
    }
    Ok(used)
}

/// `n` rounded up to a multiple of `step`; both positive.
fn round_up(n: i64, step: i64) -> i64 {
    (n + step - 1) / step * step
}

/// Sets each project's budget from the hours seeded on it and its
/// `burn_percent`; a project planned without a money budget keeps none.
fn size_budgets(
    txn: &WriteTransaction,
    plans: &[Plan],
    used: &[i64],
    today: Date,
) -> Result<(), store::Error> {
    for plan in plans {
        let mut project = plan.project.clone();
        let mut seconds = used[project.id.0 as usize];
        if project.budget_period == BudgetPeriod::Monthly {
            let start = project.start.unwrap_or(today);
            let days = i64::from((today - start).get_days()).max(30);
            seconds = seconds * 30 / days;
        }
        let hours = round_up(seconds * 100 / plan.burn_percent / 3600, 5);
        project.budget_seconds = Some(hours * 3600);
        if project.budget_amount.is_some() {
            let rate = project.rate.unwrap_or(euros(100));
            project.budget_amount = Some(round_up(hours * rate, euros(100)));
        }
        records::put(txn, &project)?;
    }
    Ok(())
}

fn seed_timer(txn: &WriteTransaction, now: Timestamp) -> Result<(), store::Error> {
    let timer = Timer {
        user_id: PRIYA,
        project_id: ProjectId(4),
        category_id: DEVELOPMENT,
        description: "Checkout: address validation".into(),
        billable: true,
        started_at: now - SignedDuration::from_mins(47),
    };
    txn.open_table(tables::TIMERS)?
        .insert(PRIYA.0, encode(&timer).as_slice())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::entry::Entry;
    use crate::domain::hygiene::HygieneRules;

    fn test_links() -> Links {
        Links {
            public_url: "https://demo.example".into(),
            lifetime: SignedDuration::from_hours(24 * 7),
        }
    }

    #[test]
    fn seeds_once_and_recognises_itself() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), Default::default()).unwrap();
        let logins = seed_if_empty(&store, &test_links())
            .unwrap()
            .expect("an empty store is seeded");
        assert_eq!(logins.len(), 6);
        assert!(
            logins
                .iter()
                .any(|(e, r)| e == "olivia@northwind.example" && r == "owner")
        );

        let (users, entries, settings) = store
            .read(|txn| Ok((txn.all::<User>()?, txn.all::<Entry>()?, txn.settings()?)))
            .unwrap();
        assert_eq!(users.len(), 6);
        assert_eq!(settings.name, "Northwind Studio");
        assert!(entries.len() > 1000, "{} entries", entries.len());
        assert!(
            entries
                .iter()
                .any(|e| e.internal && !e.internal_note.is_empty())
        );
        assert!(entries.iter().any(|e| !e.billable));
        assert!(entries.iter().any(|e| e.category_id == TRAINING));
        let rules = HygieneRules::default();
        assert!(
            entries
                .iter()
                .any(|e| rules.check(&e.description).is_some())
        );
        // Internal categories are never billable, as the domain demands.
        assert!(
            entries
                .iter()
                .filter(|e| e.category_id == ADMIN || e.category_id == TRAINING)
                .all(|e| !e.billable)
        );
        assert!(entries.iter().all(|e| e.end > e.start));
        let projects = store.read(|txn| txn.all::<Project>()).unwrap();
        let relaunch = &projects[0];
        let used: i64 = entries
            .iter()
            .filter(|e| e.project_id == relaunch.id)
            .map(Entry::seconds)
            .sum();
        let percent = used * 100 / relaunch.budget_seconds.unwrap();
        assert!((80..=88).contains(&percent), "{percent} % of the budget");
        assert!(relaunch.budget_amount.unwrap() > 0);
        assert!(projects[4].budget_amount.is_none() && projects[4].budget_seconds.is_some());
        assert_eq!(store.read(entries::check).unwrap(), Vec::<String>::new());
        let timer = store.read(|txn| entries::timer(txn, PRIYA)).unwrap();
        assert!(timer.is_some());

        let again = seed_if_empty(&store, &test_links()).unwrap();
        assert_eq!(again, Some(logins));
        let count = store.read(|txn| Ok(txn.all::<Entry>()?.len())).unwrap();
        assert_eq!(count, entries.len(), "a second run seeds nothing");
    }

    #[test]
    fn a_real_agency_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), Default::default()).unwrap();
        store
            .write_blocking(|txn| {
                let user = User {
                    id: UserId(records::new_id::<User>(txn)?),
                    email: "ana@example.com".into(),
                    name: "Ana".into(),
                    role: Role::Owner,
                    password_hash: String::new(),
                    cost_rate: None,
                    default_rate: None,
                    disabled: false,
                    created_at: Timestamp::now(),
                };
                records::put_user(txn, &user)
            })
            .unwrap();
        assert_eq!(seed_if_empty(&store, &test_links()).unwrap(), None);
        let projects = store.read(|txn| txn.all::<Project>()).unwrap();
        assert!(projects.is_empty());
    }
}
