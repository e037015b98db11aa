//! Durability under SIGKILL: the real server takes entries from several
//! threads over the JSON API, is killed mid-load, and after a restart every
//! entry it acknowledged is there and the roll-ups still match.

#[path = "common/process.rs"]
mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use common::{Server, run, stderr, stdout};
use jiff::{SignedDuration, Timestamp};

const THREADS: usize = 4;
/// Bounds on the load, whatever happens: requests per thread and wall time.
const MAX_PER_THREAD: usize = 2_000;
const MAX_LOAD: Duration = Duration::from_secs(60);
/// Acknowledged entries to wait for before the kill.
const KILL_AFTER: usize = 150;

/// Priya is a member of the demo's "Website relaunch" (project 1), where
/// she logs Development (category 2).
const MEMBER: &str = "priya@northwind.example";
const PROJECT: u64 = 1;
const CATEGORY: u64 = 2;

fn json(response: ureq::Response) -> serde_json::Value {
    let text = response.into_string().expect("a response body");
    serde_json::from_str(&text).expect("a JSON body")
}

fn post_entries(
    url: String,
    token: String,
    thread: usize,
    acknowledged: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
) -> Vec<(u64, String)> {
    let agent = common::agent();
    let base = Timestamp::now() - SignedDuration::from_hours(72);
    let started = Instant::now();
    let mut mine = Vec::new();
    for n in 0..MAX_PER_THREAD {
        if stop.load(Ordering::Relaxed) || started.elapsed() > MAX_LOAD {
            break;
        }
        let start = base + SignedDuration::from_secs(((thread * MAX_PER_THREAD + n) * 20) as i64);
        let description = format!("crash load {thread}-{n}");
        let body = serde_json::json!({
            "project_id": PROJECT,
            "category_id": CATEGORY,
            "start": start.to_string(),
            "end": (start + SignedDuration::from_mins(15)).to_string(),
            "description": description,
        });
        let response = agent
            .post(&url)
            .set("Authorization", &format!("Bearer {token}"))
            .set("Content-Type", "application/json")
            .send_string(&body.to_string());
        match response {
            Ok(response) if response.status() == 201 => {
                let created = json(response);
                let id = created["id"].as_u64().expect("the entry has an id");
                assert_eq!(created["description"], description.as_str());
                mine.push((id, description));
                acknowledged.fetch_add(1, Ordering::Relaxed);
            }
            Ok(response) => panic!("unexpected answer {}", response.status()),
            Err(ureq::Error::Status(code, response)) => {
                panic!(
                    "the API refused an entry: {code} {:?}",
                    response.into_string()
                )
            }
            // The server is gone: whatever was acknowledged so far counts.
            Err(ureq::Error::Transport(_)) => break,
        }
    }
    mine
}

#[test]
fn acknowledged_entries_survive_a_kill() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    Server::start(&data, &["demo"]).kill();

    let created = run(
        &data,
        &["token", "create", "--email", MEMBER, "--name", "load"],
        "",
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let token = stdout(&created).trim().to_owned();

    let server = Server::start(&data, &["serve"]);
    let url = server.url("/api/v1/entries");
    let acknowledged = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let threads: Vec<_> = (0..THREADS)
        .map(|thread| {
            let (url, token) = (url.clone(), token.clone());
            let (acknowledged, stop) = (Arc::clone(&acknowledged), Arc::clone(&stop));
            std::thread::spawn(move || post_entries(url, token, thread, acknowledged, stop))
        })
        .collect();

    let deadline = Instant::now() + MAX_LOAD;
    while acknowledged.load(Ordering::Relaxed) < KILL_AFTER && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(5));
    }
    server.kill();
    stop.store(true, Ordering::Relaxed);
    let mut entries = Vec::new();
    for thread in threads {
        entries.extend(thread.join().expect("a load thread"));
    }
    assert!(
        entries.len() >= KILL_AFTER,
        "only {} entries were acknowledged",
        entries.len()
    );
    assert!(
        entries.len() < THREADS * MAX_PER_THREAD,
        "the load finished before the kill"
    );
    println!("{} entries acknowledged before the kill", entries.len());

    let restarted = Server::start(&data, &["serve"]);
    let agent = common::agent();
    for (id, description) in &entries {
        let entry = json(
            agent
                .get(&restarted.url(&format!("/api/v1/entries/{id}")))
                .set("Authorization", &format!("Bearer {token}"))
                .call()
                .unwrap_or_else(|e| panic!("acknowledged entry {id} is lost: {e}")),
        );
        assert_eq!(entry["description"], description.as_str());
    }
    restarted.kill();

    let check = run(&data, &["check"], "");
    assert!(
        check.status.success(),
        "{}{}",
        stdout(&check),
        stderr(&check)
    );
}
