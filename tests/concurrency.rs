//! Many concurrent writers through the group-commit writer: every
//! acknowledged entry is stored once, rejected ones not at all, and the
//! roll-ups still match.

use std::collections::{HashMap, HashSet};

use glasshouse::domain::category::Category;
use glasshouse::domain::client::Client;
use glasshouse::domain::entry::{Entry, EntryDraft, Source};
use glasshouse::domain::project::{BudgetPeriod, Project, ProjectStatus};
use glasshouse::domain::user::{Actor, Role, User};
use glasshouse::domain::{CategoryId, ClientId, EntryId, ProjectId, UserId};
use glasshouse::metrics::StoreMetrics;
use glasshouse::store::records::{self, Reads};
use glasshouse::store::{Error, Store, entries};
use jiff::{SignedDuration, Timestamp};

const TASKS: usize = 32;
const PER_TASK: usize = 50;

async fn seed(store: &Store) -> Actor {
    store
        .write(|txn| {
            let now = Timestamp::now();
            let user = User {
                id: UserId(records::new_id::<User>(txn)?),
                email: "ana@example.com".into(),
                name: "Ana".into(),
                role: Role::Member,
                password_hash: String::new(),
                cost_rate: None,
                default_rate: None,
                disabled: false,
                created_at: now,
            };
            records::put_user(txn, &user)?;
            let client = Client {
                id: ClientId(records::new_id::<Client>(txn)?),
                name: "Client".into(),
                archived: false,
                created_at: now,
            };
            records::put(txn, &client)?;
            records::put(
                txn,
                &Project {
                    id: ProjectId(records::new_id::<Project>(txn)?),
                    client_id: client.id,
                    name: "Project".into(),
                    status: ProjectStatus::Active,
                    budget_seconds: None,
                    budget_amount: None,
                    budget_period: BudgetPeriod::Lifetime,
                    start: None,
                    end: None,
                    members: vec![user.id],
                    rate: None,
                    lens: None,
                    created_at: now,
                },
            )?;
            records::put(
                txn,
                &Category {
                    id: CategoryId(records::new_id::<Category>(txn)?),
                    name: "Development".into(),
                    internal: false,
                    archived: false,
                },
            )?;
            Ok(user.actor())
        })
        .await
        .expect("seed")
}

fn draft(actor: Actor, task: usize, n: usize, valid: bool) -> EntryDraft {
    let base: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();
    let start = base + SignedDuration::from_mins((task * PER_TASK + n) as i64 * 7);
    let length = if valid { 25 } else { -5 };
    EntryDraft {
        project_id: ProjectId(1),
        category_id: CategoryId(1),
        user_id: actor.id,
        start,
        end: start + SignedDuration::from_mins(length),
        description: format!("task {task} entry {n}"),
        billable: true,
        internal: false,
        internal_note: String::new(),
        approved: false,
    }
}

async fn create(store: &Store, actor: Actor, draft: EntryDraft) -> Result<Entry, Error> {
    store
        .write(move |txn| entries::create(txn, actor, draft.clone(), Source::Api, Timestamp::now()))
        .await
}

#[tokio::test]
async fn concurrent_writes_are_each_stored_exactly_once() {
    let dir = tempfile::tempdir().unwrap();
    let metrics = StoreMetrics::default();
    let store = std::sync::Arc::new(Store::open(dir.path(), metrics.clone()).unwrap());
    let actor = seed(&store).await;
    let (groups_before, writes_before) = (metrics.groups(), metrics.writes());

    let mut tasks = Vec::new();
    for task in 0..TASKS {
        let store = std::sync::Arc::clone(&store);
        tasks.push(tokio::spawn(async move {
            let mut acknowledged = Vec::new();
            for n in 0..PER_TASK {
                // A bad write now and then lands in a group with good ones;
                // it must fail alone.
                if n % 10 == 3 {
                    let rejected = create(&store, actor, draft(actor, task, n, false)).await;
                    assert!(matches!(rejected, Err(Error::Invalid(_))), "{rejected:?}");
                }
                let entry = create(&store, actor, draft(actor, task, n, true))
                    .await
                    .expect("a valid entry is stored");
                acknowledged.push((entry.id, entry.description));
            }
            acknowledged
        }));
    }
    let mut acknowledged: Vec<(EntryId, String)> = Vec::new();
    for task in tasks {
        acknowledged.extend(task.await.expect("the task finishes"));
    }

    assert_eq!(acknowledged.len(), TASKS * PER_TASK);
    let ids: HashSet<EntryId> = acknowledged.iter().map(|(id, _)| *id).collect();
    assert_eq!(ids.len(), acknowledged.len(), "entry ids are unique");

    let stored = store.read(|txn| txn.all::<Entry>()).unwrap();
    assert_eq!(stored.len(), acknowledged.len(), "nothing extra is stored");
    let by_id: HashMap<EntryId, &Entry> = stored.iter().map(|e| (e.id, e)).collect();
    for (id, description) in &acknowledged {
        assert_eq!(&by_id[id].description, description);
    }
    let mut per_description: HashMap<&str, usize> = HashMap::new();
    for entry in &stored {
        *per_description.entry(&entry.description).or_default() += 1;
    }
    assert_eq!(per_description.len(), TASKS * PER_TASK);
    assert!(per_description.values().all(|&n| n == 1));

    assert_eq!(store.read(entries::check).unwrap(), Vec::<String>::new());

    let rejected = TASKS * PER_TASK / 10;
    let writes = metrics.writes() - writes_before;
    let groups = metrics.groups() - groups_before;
    assert_eq!(writes, (TASKS * PER_TASK + rejected) as u64);
    assert!(
        groups < (TASKS * PER_TASK) as u64,
        "{groups} groups for {writes} writes: nothing was committed together"
    );
}
