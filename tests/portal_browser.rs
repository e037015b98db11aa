//! End to end in a real headless browser: the real binary on a free port,
//! Chromium driven through chromedriver. A staff member logs time with the
//! timer, a contact asks for a sign-in link, the link is read from the
//! outbox, and the contact sees the published work and the burn-down
//! chart, and none of the internal time.
//!
//! Needs Debian's `chromium` and `chromium-driver` packages.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use glasshouse::domain::category::Category;
use glasshouse::domain::client::Client as AgencyClient;
use glasshouse::domain::contact::ContactDraft;
use glasshouse::domain::entry::{EntryDraft, Source};
use glasshouse::domain::lens::{Lens, Publishing, TimeDetail};
use glasshouse::domain::project::{BudgetPeriod, Project, ProjectStatus};
use glasshouse::domain::user::{Role, User};
use glasshouse::domain::{CategoryId, ClientId, ProjectId, UserId};
use glasshouse::mail::{OUTBOX, Queued};
use glasshouse::metrics::Metrics;
use glasshouse::security::hash_password;
use glasshouse::store::portal as stored;
use glasshouse::store::records::{self, Reads};
use glasshouse::store::{Store, decode, entries};
use hyper_util::client::legacy::connect::HttpConnector;
use jiff::{SignedDuration, Timestamp};
use redb::ReadableTable;

const PASSWORD: &str = "correct horse battery";
const STAFF_EMAIL: &str = "maria@agency.example";
const CONTACT_EMAIL: &str = "ana@contoso.example";

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Seeds an agency with one project, a visible and an internal category,
/// internal time already logged, and a contact with portal access.
fn seed(dir: &Path) {
    let store = Store::open(dir, Metrics::new().store.clone()).unwrap();
    let hash = hash_password(PASSWORD);
    let now = Timestamp::now();
    store
        .write_blocking(move |txn| {
            let mut settings = txn.settings()?;
            settings.name = "Northwind Studio".into();
            settings.time_zone = "Europe/Berlin".into();
            settings.lens = Lens {
                publishing: Publishing::Live,
                time_detail: TimeDetail::Detailed,
                ..Lens::default()
            };
            records::put_settings(txn, &settings)?;
            records::put_user(
                txn,
                &User {
                    id: UserId(1),
                    email: STAFF_EMAIL.into(),
                    name: "Maria Staffwright".into(),
                    role: Role::Manager,
                    password_hash: hash.clone(),
                    cost_rate: Some(6_543_219),
                    default_rate: None,
                    disabled: false,
                    created_at: now,
                },
            )?;
            records::put(
                txn,
                &AgencyClient {
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
                    name: "Contoso relaunch".into(),
                    status: ProjectStatus::Active,
                    budget_seconds: Some(20 * 3600),
                    budget_amount: None,
                    budget_period: BudgetPeriod::Lifetime,
                    start: None,
                    end: None,
                    members: vec![UserId(1)],
                    rate: None,
                    created_at: now,
                    lens: None,
                },
            )?;
            for (id, name, internal) in [(1, "Design", false), (2, "Internal Training Qz", true)] {
                records::put(
                    txn,
                    &Category {
                        id: CategoryId(id),
                        name: name.into(),
                        internal,
                        archived: false,
                    },
                )?;
            }
            let actor = txn.must::<User>(1)?.actor();
            let day = SignedDuration::from_hours(24);
            let logged = [
                (1, 3, "Pricing argument Pq", true, "Secret note Nt9"),
                (2, 2, "Course Cq", false, ""),
                (1, 1, "Early sketches", false, "Secret note Nt8"),
            ];
            for (category, hours, description, internal, note) in logged {
                let start = now - day * 2;
                let draft = EntryDraft {
                    project_id: ProjectId(1),
                    category_id: CategoryId(category),
                    user_id: UserId(1),
                    start,
                    end: start + SignedDuration::from_hours(hours),
                    description: description.into(),
                    billable: true,
                    internal,
                    internal_note: note.into(),
                    approved: false,
                };
                entries::create(txn, actor, draft, Source::Manual, now)?;
            }
            let contact = ContactDraft {
                name: "Ana".into(),
                email: CONTACT_EMAIL.into(),
            };
            stored::create_contact(txn, ClientId(1), contact, now)?;
            Ok(())
        })
        .unwrap();
}

struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(dir: &Path) -> Server {
        let port = free_port();
        let child = Command::new(env!("CARGO_BIN_EXE_glasshouse"))
            .arg("--data")
            .arg(dir)
            .arg("serve")
            .arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .env("GLASSHOUSE_LOG", "warn")
            .stdout(Stdio::null())
            .spawn()
            .expect("the binary starts");
        let base = format!("http://127.0.0.1:{port}");
        wait_until(&format!("{base}/healthz"));
        Server { child, base }
    }

    /// Stops the server and waits until it has let go of the data directory.
    fn stop(mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            if self.child.try_wait().unwrap().is_some() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_until(url: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if ureq::get(url).call().is_ok() {
            return;
        }
        assert!(Instant::now() < deadline, "{url} never answered");
        std::thread::sleep(Duration::from_millis(100));
    }
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_driver() -> (Driver, String) {
    let port = free_port();
    let child = Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromedriver is installed (Debian package chromium-driver)");
    let url = format!("http://127.0.0.1:{port}");
    wait_until(&format!("{url}/status"));
    (Driver(child), url)
}

async fn browser(driver: &str, profile: &Path) -> Client {
    let args = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ]
    .into_iter()
    .map(String::from)
    .chain([format!("--user-data-dir={}", profile.display())])
    .collect::<Vec<_>>();
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({ "args": args, "binary": "/usr/bin/chromium" }),
    );
    // chromedriver listens on localhost: plain HTTP, no TLS stack needed.
    ClientBuilder::new(HttpConnector::new())
        .capabilities(caps)
        .connect(driver)
        .await
        .expect("a browser session starts")
}

fn outbox(dir: &Path) -> Vec<Queued> {
    let store = Store::open(dir, Metrics::new().store.clone()).unwrap();
    store
        .read(|txn| {
            let table = txn.open_table(OUTBOX)?;
            let mut out = Vec::new();
            for row in table.iter()? {
                out.push(decode("outbox", row?.1.value())?);
            }
            Ok(out)
        })
        .unwrap()
}

async fn source(client: &Client) -> String {
    client.source().await.unwrap()
}

#[test]
fn staff_time_reaches_the_contact_through_the_lens() {
    let dir = tempfile::tempdir().unwrap();
    let profile = tempfile::tempdir().unwrap();
    seed(dir.path());
    let (_driver, driver_url) = start_driver();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    let server = Server::start(dir.path());
    let base = server.base.clone();
    let client = runtime.block_on(async {
        let c = browser(&driver_url, profile.path()).await;

        // A staff member signs in and logs time with the timer.
        c.goto(&format!("{base}/login")).await.unwrap();
        let form = c.form(Locator::Css("form.stack")).await.unwrap();
        form.set_by_name("email", STAFF_EMAIL).await.unwrap();
        form.set_by_name("password", PASSWORD).await.unwrap();
        form.submit().await.unwrap();
        c.wait()
            .for_element(Locator::Css("form[action='/timer/start']"))
            .await
            .unwrap();
        c.find(Locator::Id("t-description"))
            .await
            .unwrap()
            .send_keys("Homepage hero concepts")
            .await
            .unwrap();
        c.find(Locator::Css(
            "form[action='/timer/start'] button[type='submit']",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
        c.wait()
            .for_element(Locator::Css("form[action='/timer/stop'] button"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::Css("form[action='/timer/start']"))
            .await
            .unwrap();
        assert!(source(&c).await.contains("Homepage hero concepts"));

        // The contact asks for a sign-in link.
        c.delete_all_cookies().await.unwrap();
        c.goto(&format!("{base}/portal/login")).await.unwrap();
        let form = c.form(Locator::Css("form.stack")).await.unwrap();
        form.set_by_name("email", CONTACT_EMAIL).await.unwrap();
        form.submit().await.unwrap();
        c.wait()
            .for_element(Locator::Css(".flash.ok"))
            .await
            .unwrap();
        c
    });
    server.stop();

    // The link comes from the queued message itself.
    let mail = outbox(dir.path());
    let message = &mail
        .iter()
        .find(|m| m.message.to == CONTACT_EMAIL)
        .expect("a sign-in mail is queued")
        .message;
    let start = message.text.find("/portal/auth/").unwrap();
    let link: String = message.text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace())
        .collect();

    let server = Server::start(dir.path());
    let base = server.base.clone();
    runtime.block_on(async {
        let c = client;
        c.goto(&format!("{base}{link}")).await.unwrap();
        c.wait()
            .for_element(Locator::Id("continue"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::LinkText("Contoso relaunch"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        c.wait()
            .for_element(Locator::Css("figure.burndown svg"))
            .await
            .unwrap();
        c.find(Locator::Css("ol.timeline, .time-summary"))
            .await
            .unwrap();
        let html = source(&c).await;
        assert!(
            html.contains("Homepage hero concepts"),
            "the logged time is shown"
        );
        assert!(html.contains("Early sketches"));
        assert!(html.contains("<meter class=\"bar\""));
        assert!(html.contains("Last updated"));
        for secret in [
            "Secret note",
            "Internal Training Qz",
            "Course Cq",
            "Pricing argument Pq",
            "Maria Staffwright",
            "6543219",
        ] {
            assert!(!html.contains(secret), "{secret} reached the client");
        }

        // The same link does not open a second session.
        c.delete_all_cookies().await.unwrap();
        c.goto(&format!("{base}{link}")).await.unwrap();
        assert!(
            source(&c)
                .await
                .contains("expired or has already been used")
        );
        c.close().await.unwrap();
    });
    server.stop();
}
