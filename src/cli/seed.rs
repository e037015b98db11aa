//! `glasshouse seed`: a large, realistic agency in an empty data directory,
//! for benchmarks and for trying the product at scale.
//!
//! The agency (staff, clients, projects, categories, milestones) is written
//! in one transaction; entries follow in large transactions through
//! `entries::insert_bulk`, generated day by day on a second thread while
//! the writer commits the previous batch. Entries come in time order, so
//! ids, the time index and most roll-up buckets are written in key order
//! and each batch touches only the buckets of its own days.
//!
//! The data is a pure function of `--seed` and today's date. Every account
//! is created without a password (set one with `glasshouse user
//! set-password`); one manager gets an API token, printed and written to
//! `bench-token` in the data directory, and the busiest client project's id
//! is written to `bench-project` (the busiest active one, so it takes new
//! time). That project's client gets a contact with
//! portal access and a signed-in portal session, whose cookie (`NAME=VALUE`)
//! is written to `bench-portal-cookie`, and the project's own lens shows its
//! time, budget and milestones on the portal.

mod words;

use std::path::Path;
use std::sync::mpsc;
use std::time::Instant;

use anyhow::{Context, bail};
use jiff::civil::{Date, Weekday};
use jiff::{SignedDuration, Timestamp, ToSpan};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use redb::ReadableTableMetadata;

use crate::config::Config;
use crate::domain::category::Category;
use crate::domain::client::Client;
use crate::domain::contact::ContactDraft;
use crate::domain::entry::{Entry, Source};
use crate::domain::lens::{Lens, Sections};
use crate::domain::milestone::{Milestone, MilestoneStatus};
use crate::domain::project::{BudgetPeriod, Project, ProjectStatus};
use crate::domain::time::Calendar;
use crate::domain::user::{Role, User};
use crate::domain::{CategoryId, ClientId, EntryId, MilestoneId, ProjectId, UserId};
use crate::security::{new_token, token_hash};
use crate::store::portal::{self, PortalSession};
use crate::store::records::{self, Reads};
use crate::store::{self, Store, auth, entries, tables};

/// The agency's name, also the domain of every staff email.
const AGENCY: &str = "Northwind Studio";
const EMAIL_DOMAIN: &str = "northwind.example";
/// Entries one person logs on an ordinary working day, on average.
const ENTRIES_PER_DAY: u64 = 5;
/// The portal's session cookie when the server runs without TLS, as the
/// benchmark runs it.
const PORTAL_COOKIE: &str = "gh_portal";

#[derive(Debug, clap::Args)]
pub struct SeedArgs {
    /// How many time entries to create.
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..=100_000_000))]
    entries: u64,
    /// Staff accounts [default: one per 4,000 entries, between 10 and 300].
    #[arg(long, value_parser = clap::value_parser!(u32).range(2..=10_000))]
    staff: Option<u32>,
    /// Client companies [default: one per four staff, at least 3]; each gets
    /// one to four projects.
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    clients: Option<u32>,
    /// Entries per transaction.
    #[arg(long, default_value_t = 50_000, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    batch: u64,
    /// Seed of the random generator; the same seed gives the same agency.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

pub fn run(
    data: &Path,
    load: impl FnOnce() -> anyhow::Result<Config>,
    args: SeedArgs,
) -> anyhow::Result<()> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("cannot create the data directory {}", data.display()))?;
    let config = load()?;
    let store = super::open_store_with(&config, Default::default())?;
    ensure_empty(&store, data)?;

    let began = Instant::now();
    let staff = args
        .staff
        .unwrap_or_else(|| (args.entries / 4000).clamp(10, 300) as u32);
    let clients = args.clients.unwrap_or((staff / 4).max(3));
    let seed = args.seed;
    let agency = store.write_blocking(move |txn| plan_agency(txn, seed, staff, clients))?;
    let calendar = store.read(|txn| Ok(txn.settings()?.calendar()))?;

    let load = load_entries(&store, &agency, &calendar, &args)?;
    let busiest = busiest_project(&agency, &load);
    let token = finish(&store, &agency, &load, busiest)?;
    let portal = portal_session(&store, &agency, busiest)?;
    let seconds = began.elapsed().as_secs_f64();
    drop(store);

    write_secret(&data.join("bench-token"), &token)?;
    write_secret(
        &data.join("bench-portal-cookie"),
        &format!("{PORTAL_COOKIE}={portal}"),
    )?;
    std::fs::write(data.join("bench-project"), format!("{}\n", busiest.0))?;
    let size = std::fs::metadata(data.join(store::DB_FILE))?.len();
    report(&agency, &args, &load, busiest, seconds, size, &token, data);
    Ok(())
}

/// Seeding adds to nothing: a directory with any records is refused.
fn ensure_empty(store: &Store, data: &Path) -> anyhow::Result<()> {
    let occupied = store.read(|txn| {
        let users = txn.open_table(tables::USERS)?;
        let clients = txn.open_table(tables::CLIENTS)?;
        let entries = txn.open_table(tables::ENTRIES)?;
        Ok(users.len()? + clients.len()? + entries.len()? > 0)
    })?;
    if occupied {
        bail!(
            "{} already holds data; seed only into an empty data directory",
            data.display()
        );
    }
    Ok(())
}

/// The people and projects entries are generated for.
struct Agency {
    staff: Vec<User>,
    /// For each staff member (same order), the projects they log time on.
    home: Vec<Vec<usize>>,
    projects: Vec<Project>,
    /// Index of the agency's own project, where internal work is logged.
    internal_project: usize,
    billable: Vec<CategoryId>,
    internal: Vec<CategoryId>,
    manager: UserId,
    clients: usize,
    milestones: usize,
}

fn plan_agency(
    txn: &redb::WriteTransaction,
    seed: u64,
    staff_count: u32,
    client_count: u32,
) -> Result<Agency, store::Error> {
    // The transaction may run twice; a fresh generator makes both runs equal.
    let mut rng = StdRng::seed_from_u64(seed);
    let now = Timestamp::now();
    let mut settings = txn.settings()?;
    settings.name = AGENCY.into();
    settings.time_zone = "Europe/Berlin".into();
    settings.week_start = Weekday::Monday;
    records::put_settings(txn, &settings)?;

    let staff = (0..staff_count as usize)
        .map(|i| -> Result<User, store::Error> {
            let user = User {
                id: UserId(records::new_id::<User>(txn)?),
                email: words::email(i, EMAIL_DOMAIN),
                name: words::person(i),
                role: role_of(i, staff_count as usize),
                password_hash: String::new(),
                cost_rate: Some(rng.gen_range(35..=70) * 100),
                default_rate: Some(rng.gen_range(90..=160) * 100),
                disabled: false,
                created_at: now,
            };
            records::put_user(txn, &user)?;
            Ok(user)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let manager = staff
        .iter()
        .find(|u| u.role == Role::Manager)
        .unwrap_or(&staff[0])
        .id;

    let mut categories = (Vec::new(), Vec::new());
    for (name, internal) in words::CATEGORIES {
        let category = Category {
            id: CategoryId(records::new_id::<Category>(txn)?),
            name: (*name).into(),
            internal: *internal,
            archived: false,
        };
        records::put(txn, &category)?;
        let list = if *internal {
            &mut categories.1
        } else {
            &mut categories.0
        };
        list.push(category.id);
    }

    let own = Client {
        id: ClientId(records::new_id::<Client>(txn)?),
        name: AGENCY.into(),
        archived: false,
        created_at: now,
    };
    records::put(txn, &own)?;
    let mut projects = vec![project(txn, &own, "Internal operations".into(), now)?];
    projects[0].members = staff.iter().map(|u| u.id).collect();
    for i in 0..client_count as usize {
        let client = Client {
            id: ClientId(records::new_id::<Client>(txn)?),
            name: words::company(i),
            archived: false,
            created_at: now,
        };
        records::put(txn, &client)?;
        let mut kinds = words::PROJECT_KINDS.to_vec();
        kinds.shuffle(&mut rng);
        for kind in kinds.iter().take(rng.gen_range(1..=4)) {
            let mut p = project(txn, &client, format!("{} {kind}", client.name), now)?;
            p.status = match rng.gen_range(0..10) {
                0 => ProjectStatus::Paused,
                1 => ProjectStatus::Done,
                _ => ProjectStatus::Active,
            };
            p.budget_period = if rng.gen_ratio(1, 5) {
                BudgetPeriod::Monthly
            } else {
                BudgetPeriod::Lifetime
            };
            p.rate = Some(rng.gen_range(95..=150) * 100);
            projects.push(p);
        }
    }

    // Everyone works on one to three client projects; every project has
    // at least two people.
    let mut home = vec![vec![0]; staff.len()];
    for (i, user) in staff.iter().enumerate() {
        for _ in 0..rng.gen_range(1..=3) {
            let p = rng.gen_range(1..projects.len());
            if !home[i].contains(&p) {
                home[i].push(p);
                projects[p].members.push(user.id);
            }
        }
    }
    for (p, project) in projects.iter_mut().enumerate().skip(1) {
        while project.members.len() < 2 {
            let i = rng.gen_range(0..staff.len());
            if !home[i].contains(&p) {
                home[i].push(p);
                project.members.push(staff[i].id);
            }
        }
    }

    for project in &projects {
        records::put(txn, project)?;
    }
    let milestones = plan_milestones(txn, &mut rng, &projects)?;
    Ok(Agency {
        staff,
        home,
        projects,
        internal_project: 0,
        billable: categories.0,
        internal: categories.1,
        manager,
        clients: client_count as usize,
        milestones,
    })
}

fn role_of(index: usize, staff: usize) -> Role {
    let managers = (staff / 12).max(1);
    match index {
        0 => Role::Owner,
        1 | 2 if staff >= 5 => Role::Admin,
        i if i < 3 + managers => Role::Manager,
        _ => Role::Member,
    }
}

/// A project with an id; `finish` writes it again once its budget is known.
fn project(
    txn: &redb::WriteTransaction,
    client: &Client,
    name: String,
    now: Timestamp,
) -> Result<Project, store::Error> {
    Ok(Project {
        id: ProjectId(records::new_id::<Project>(txn)?),
        client_id: client.id,
        name,
        status: ProjectStatus::Active,
        budget_seconds: None,
        budget_amount: None,
        budget_period: BudgetPeriod::Lifetime,
        start: None,
        end: None,
        members: Vec::new(),
        rate: None,
        lens: None,
        created_at: now,
    })
}

/// Four to six milestones per client project, due across the next months;
/// some are for staff only.
fn plan_milestones(
    txn: &redb::WriteTransaction,
    rng: &mut StdRng,
    projects: &[Project],
) -> Result<usize, store::Error> {
    let today = Timestamp::now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let mut count = 0;
    for project in &projects[1..] {
        let total = rng.gen_range(4..=6);
        let done = rng.gen_range(0..total);
        for (step, title) in words::MILESTONES.iter().take(total).enumerate() {
            let weeks = (step as i64 - done as i64) * 3 + rng.gen_range(0..3);
            let due = today.checked_add((weeks * 7).days()).ok();
            let status = if step < done {
                MilestoneStatus::Done
            } else if step == done {
                MilestoneStatus::InProgress
            } else {
                MilestoneStatus::Planned
            };
            let milestone = Milestone {
                id: MilestoneId(records::new_id::<Milestone>(txn)?),
                project_id: project.id,
                title: (*title).into(),
                due,
                status,
                client_visible: !title.starts_with("Internal"),
                done_at: due
                    .filter(|_| status == MilestoneStatus::Done)
                    .and_then(|d| d.to_zoned(jiff::tz::TimeZone::UTC).ok())
                    .map(|z| z.timestamp()),
            };
            records::put(txn, &milestone)?;
            count += 1;
        }
    }
    Ok(count)
}

/// What the entry load produced, per project (same order as the agency's).
struct Load {
    entries: Vec<u64>,
    seconds: Vec<i64>,
    first_day: Date,
    last_day: Date,
    batches: usize,
    entry_seconds: f64,
}

fn load_entries(
    store: &Store,
    agency: &Agency,
    calendar: &Calendar,
    args: &SeedArgs,
) -> anyhow::Result<Load> {
    let began = Instant::now();
    // Up to yesterday: a day still in progress would hold entries in the future.
    let yesterday = calendar.date_of(Timestamp::now()).yesterday()?;
    let days = working_days(
        yesterday,
        args.entries
            .div_ceil(agency.staff.len() as u64 * ENTRIES_PER_DAY),
    );
    let (batches, receive) = mpsc::sync_channel::<Vec<Entry>>(1);
    std::thread::scope(|scope| {
        let generator = scope.spawn(|| generate(agency, calendar, &days, args, batches));
        let mut count = 0;
        for batch in receive {
            let calendar = calendar.clone();
            let mut batch = batch;
            // A retried run numbers the same entries again from the same sequence.
            store.write_blocking(move |txn| entries::insert_bulk(txn, &calendar, &mut batch))?;
            count += 1;
        }
        let mut load = generator
            .join()
            .expect("the entry generator does not panic");
        load.batches = count;
        load.entry_seconds = began.elapsed().as_secs_f64();
        load.first_day = days[0];
        load.last_day = *days.last().expect("at least one working day");
        Ok(load)
    })
}

/// The last `count` working days (Monday to Friday) up to `last`, oldest first.
fn working_days(last: Date, count: u64) -> Vec<Date> {
    let mut days = Vec::with_capacity(count as usize);
    let mut day = last;
    while (days.len() as u64) < count.max(1) {
        if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
            days.push(day);
        }
        day = day.yesterday().expect("dates are in range");
    }
    days.reverse();
    days
}

/// Generates the entries day by day and sends them in batches of whole days.
fn generate(
    agency: &Agency,
    calendar: &Calendar,
    days: &[Date],
    args: &SeedArgs,
    batches: mpsc::SyncSender<Vec<Entry>>,
) -> Load {
    let mut rng = StdRng::seed_from_u64(args.seed.wrapping_add(1));
    let mut load = Load {
        entries: vec![0; agency.projects.len()],
        seconds: vec![0; agency.projects.len()],
        first_day: days[0],
        last_day: days[0],
        batches: 0,
        entry_seconds: 0.0,
    };
    let total_days = days.len() as u64;
    let mut batch = Vec::with_capacity(args.batch as usize + 4096);
    let mut people: Vec<usize> = (0..agency.staff.len()).collect();
    for (n, date) in days.iter().enumerate() {
        let quota = args.entries / total_days + u64::from((n as u64) < args.entries % total_days);
        let midnight = calendar.start_of(*date);
        people.shuffle(&mut rng);
        let share = quota / people.len() as u64;
        let extra = (quota % people.len() as u64) as usize;
        let day_began = batch.len();
        for (rank, &person) in people.iter().enumerate() {
            let count = share + u64::from(rank < extra);
            day_of(
                agency, person, count, midnight, &mut rng, &mut batch, &mut load,
            );
        }
        // Within a day, people interleave: order by start so ids follow time.
        batch[day_began..].sort_by_key(|e: &Entry| (e.start, e.user_id));
        if batch.len() as u64 >= args.batch || n + 1 == days.len() {
            let full =
                std::mem::replace(&mut batch, Vec::with_capacity(args.batch as usize + 4096));
            if batches.send(full).is_err() {
                break;
            }
        }
    }
    load
}

/// One person's entries of one day, back to back from a morning start.
fn day_of(
    agency: &Agency,
    person: usize,
    count: u64,
    midnight: Timestamp,
    rng: &mut StdRng,
    out: &mut Vec<Entry>,
    load: &mut Load,
) {
    let user = &agency.staff[person];
    let mut at = midnight + SignedDuration::from_mins(rng.gen_range(96..=120) * 5);
    for _ in 0..count {
        let (project, category, internal_category) = if rng.gen_ratio(1, 9) {
            let category = *agency.internal.choose(rng).expect("internal categories");
            (agency.internal_project, category, true)
        } else {
            // Index 0 of everyone's list is the internal project.
            let home = &agency.home[person];
            let project = home[rng.gen_range(1..home.len())];
            if rng.gen_ratio(1, 20) {
                (project, agency.internal[agency.internal.len() - 1], true)
            } else {
                (
                    project,
                    *agency.billable.choose(rng).expect("categories"),
                    false,
                )
            }
        };
        let minutes = *words::DURATIONS.choose(rng).expect("durations");
        let start = at;
        let end = start + SignedDuration::from_mins(minutes);
        at = end + SignedDuration::from_mins(rng.gen_range(0..=6) * 5);
        let created = end + SignedDuration::from_mins(rng.gen_range(0..=120));
        let entry = Entry {
            id: EntryId(0),
            project_id: agency.projects[project].id,
            category_id: category,
            user_id: user.id,
            start,
            end,
            description: words::description(rng, internal_category),
            billable: !internal_category && !rng.gen_ratio(1, 14),
            internal: !internal_category && rng.gen_ratio(1, 50),
            internal_note: if rng.gen_ratio(1, 25) {
                (*words::NOTES.choose(rng).expect("notes")).into()
            } else {
                String::new()
            },
            source: match rng.gen_range(0..20) {
                0..=11 => Source::Timer,
                12..=18 => Source::Manual,
                _ => Source::Import,
            },
            approved: false,
            created_at: created,
            updated_at: created,
        };
        load.entries[project] += 1;
        load.seconds[project] += entry.seconds();
        out.push(entry);
    }
}

/// Writes the projects with budgets set against the hours they received
/// (some run over), the busiest project's portal lens, and the manager's API
/// token. Returns the token.
fn finish(
    store: &Store,
    agency: &Agency,
    load: &Load,
    busiest: ProjectId,
) -> anyhow::Result<String> {
    let mut rng = StdRng::seed_from_u64(7);
    let mut projects = agency.projects.clone();
    for (p, project) in projects.iter_mut().enumerate().skip(1) {
        let hours = (load.seconds[p] / 3600).max(10);
        let budget = hours * rng.gen_range(80..=140) / 100;
        project.budget_seconds = Some(budget * 3600);
        project.budget_amount = project.rate.map(|r| r * budget);
        project.start = Some(load.first_day);
        if project.status == ProjectStatus::Done {
            project.end = Some(load.last_day);
        }
        if project.id == busiest {
            project.lens = Some(Lens {
                sections: Sections {
                    milestones: true,
                    time: true,
                    budget: true,
                },
                ..Lens::default()
            });
        }
    }
    let token = new_token();
    let hash = token_hash(&token);
    let manager = agency.manager;
    store.write_blocking(move |txn| {
        for project in &projects {
            records::put(txn, project)?;
        }
        auth::create_api_token(txn, &hash, manager, "bench", Timestamp::now())
    })?;
    Ok(token)
}

/// A contact of the busiest project's client with portal access, signed in:
/// returns the session's cookie value.
fn portal_session(store: &Store, agency: &Agency, busiest: ProjectId) -> anyhow::Result<String> {
    let client = agency
        .projects
        .iter()
        .find(|p| p.id == busiest)
        .map(|p| p.client_id)
        .expect("the busiest project is one of the agency's");
    let token = new_token();
    let hash = token_hash(&token);
    let csrf = new_token();
    store.write_blocking(move |txn| {
        let now = Timestamp::now();
        let draft = ContactDraft {
            name: "Casey Client".into(),
            email: format!("casey@client-{}.example", client.0),
        };
        let contact = portal::create_contact(txn, client, draft, now)?;
        let session = PortalSession {
            contact_id: contact.id,
            csrf: csrf.clone(),
            created_at: now,
            last_seen: now,
        };
        portal::put_session(txn, &hash, &session)
    })?;
    Ok(token)
}

/// The active client project with the most entries: paused and done
/// projects take no new time, and the benchmark creates entries on it.
fn busiest_project(agency: &Agency, load: &Load) -> ProjectId {
    let busiest = (1..agency.projects.len())
        .filter(|&p| agency.projects[p].status == ProjectStatus::Active)
        .max_by_key(|&p| load.entries[p])
        .unwrap_or(0);
    agency.projects[busiest].id
}

/// Writes a secret readable by its owner only.
fn write_secret(path: &Path, secret: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    writeln!(file, "{secret}")?;
    Ok(())
}

#[allow(clippy::too_many_arguments, reason = "one report line per fact")]
fn report(
    agency: &Agency,
    args: &SeedArgs,
    load: &Load,
    busiest: ProjectId,
    seconds: f64,
    size: u64,
    token: &str,
    data: &Path,
) {
    let manager = agency
        .staff
        .iter()
        .find(|u| u.id == agency.manager)
        .expect("the manager is on the staff");
    println!(
        "seeded {} staff, {} clients, {} projects, {} milestones, {} entries ({} to {}): {:.1} s",
        agency.staff.len(),
        agency.clients,
        agency.projects.len(),
        agency.milestones,
        args.entries,
        load.first_day,
        load.last_day,
        seconds
    );
    println!(
        "entries: {:.0} per second in {} transactions",
        args.entries as f64 / load.entry_seconds,
        load.batches
    );
    println!(
        "database: {:.1} MB ({:.0} bytes per entry)",
        size as f64 / 1e6,
        size as f64 / args.entries as f64
    );
    let p = agency
        .projects
        .iter()
        .position(|p| p.id == busiest)
        .unwrap_or(0);
    println!(
        "busiest project: {} ({}, {} entries), written to {}",
        busiest,
        agency.projects[p].name,
        load.entries[p],
        data.join("bench-project").display()
    );
    println!(
        "portal session of its client's contact: {}",
        data.join("bench-portal-cookie").display()
    );
    println!(
        "API token of {} (manager), also in {}:",
        manager.email,
        data.join("bench-token").display()
    );
    println!("{token}");
}
