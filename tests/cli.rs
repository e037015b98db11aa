//! The command line, run as the real binary: set-up, serving, the demo, and
//! the errors an admin meets.

#[path = "common/process.rs"]
mod common;

use common::{Server, assert_one_line_error, init, run, sign_in, stderr, stdout};

const OWNER: &str = "owner@example.com";
const PASSWORD: &str = "correct horse battery";

fn data_dir() -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = tempfile::tempdir().expect("a temporary directory");
    let data = tmp.path().join("data");
    (tmp, data)
}

#[test]
fn init_then_serve_then_sign_in() {
    let (_tmp, data) = data_dir();
    init(&data, OWNER, PASSWORD);
    assert!(
        data.join("glasshouse.toml").exists(),
        "init writes a config"
    );

    let server = Server::start(&data, &["serve"]);
    let session = sign_in(&server, OWNER, PASSWORD).expect("the owner signs in");
    let home = common::agent()
        .get(&server.url("/"))
        .set("Cookie", &format!("gh_session={session}"))
        .call()
        .expect("the home page answers a signed-in owner");
    assert_eq!(home.status(), 200);

    assert_eq!(sign_in(&server, OWNER, "not the password"), Err(401));
}

#[test]
fn init_twice_is_refused() {
    let (_tmp, data) = data_dir();
    init(&data, OWNER, PASSWORD);
    let output = run(
        &data,
        &["init", "--admin-email", "other@example.com"],
        "x\n",
    );
    let line = assert_one_line_error(&output);
    assert!(line.contains("already has users"), "{line}");
}

#[test]
fn demo_prints_logins_serves_and_passes_check() {
    let (_tmp, data) = data_dir();
    let server = Server::start(&data, &["demo"]);
    let printed = server.stdout();
    assert!(
        printed.contains(&format!("http://127.0.0.1:{}", server.port)),
        "{printed}"
    );
    for login in ["olivia@northwind.example", "mara@northwind.example"] {
        assert!(printed.contains(login), "{printed}");
    }
    assert!(
        printed.contains("owner") && printed.contains("member"),
        "{printed}"
    );
    assert!(sign_in(&server, "mara@northwind.example", "demo-password").is_ok());
    server.kill();

    let check = run(&data, &["check"], "");
    assert!(check.status.success(), "check failed: {}", stdout(&check));

    // Running the demo again reuses the seeded directory.
    let again = Server::start(&data, &["demo"]);
    assert!(again.stdout().contains("olivia@northwind.example"));
    let locked = run(&data, &["user", "list"], "");
    assert!(assert_one_line_error(&locked).contains("in use"));
    again.kill();

    let users = run(&data, &["user", "list"], "");
    assert!(users.status.success(), "{}", stderr(&users));
    assert_eq!(stdout(&users).lines().count(), 6, "{}", stdout(&users));
}

#[test]
fn demo_refuses_a_directory_with_real_data() {
    let (_tmp, data) = data_dir();
    init(&data, OWNER, PASSWORD);
    let line = assert_one_line_error(&run(&data, &["demo"], ""));
    assert!(line.contains("not a demo"), "{line}");
}

#[test]
fn healthcheck_exits_zero_only_while_the_server_is_up() {
    let (_tmp, data) = data_dir();
    init(&data, OWNER, PASSWORD);
    let server = Server::start(&data, &["serve"]);
    let listen = format!("127.0.0.1:{}", server.port);

    let up = common::command(&data)
        .arg("healthcheck")
        .env("GLASSHOUSE_LISTEN", &listen)
        .output()
        .unwrap();
    assert!(up.status.success(), "{}", stderr(&up));
    server.kill();

    let down = common::command(&data)
        .arg("healthcheck")
        .env("GLASSHOUSE_LISTEN", &listen)
        .output()
        .unwrap();
    let line = assert_one_line_error(&down);
    assert!(line.contains("did not answer"), "{line}");
}

#[test]
fn a_second_process_on_the_same_directory_is_refused() {
    let (_tmp, data) = data_dir();
    init(&data, OWNER, PASSWORD);
    let _server = Server::start(&data, &["serve"]);

    let port = common::free_port().to_string();
    let second = run(
        &data,
        &["serve", "--listen", &format!("127.0.0.1:{port}")],
        "",
    );
    let line = assert_one_line_error(&second);
    assert!(line.contains("in use"), "{line}");
    assert!(line.contains(&data.display().to_string()), "{line}");

    let admin = run(&data, &["user", "list"], "");
    assert!(assert_one_line_error(&admin).contains("in use"));
}

#[test]
fn user_commands_name_what_is_wrong() {
    let (_tmp, data) = data_dir();
    init(&data, OWNER, PASSWORD);

    let unknown = run(
        &data,
        &["user", "set-password", "--email", "nobody@example.com"],
        "a long new password\n",
    );
    let line = assert_one_line_error(&unknown);
    assert!(
        line.contains("no user with the email nobody@example.com"),
        "{line}"
    );

    let bad_email = run(
        &data,
        &[
            "user",
            "add",
            "--email",
            "not-an-address",
            "--name",
            "Nobody",
        ],
        "a long new password\n",
    );
    assert!(assert_one_line_error(&bad_email).contains("email"));

    let added = run(
        &data,
        &[
            "user",
            "add",
            "--email",
            "Ana@Example.com",
            "--name",
            "Ana",
            "--role",
            "manager",
        ],
        "a long new password\n",
    );
    assert!(added.status.success(), "{}", stderr(&added));
    let duplicate = run(
        &data,
        &["user", "add", "--email", "ana@example.com", "--name", "Ana"],
        "a long new password\n",
    );
    assert!(assert_one_line_error(&duplicate).contains("exists"));

    let disabled = run(
        &data,
        &["user", "disable", "--email", "ana@example.com"],
        "",
    );
    assert!(disabled.status.success(), "{}", stderr(&disabled));
    let listed = stdout(&run(&data, &["user", "list"], ""));
    let ana = listed
        .lines()
        .find(|l| l.contains("ana@example.com"))
        .unwrap();
    assert!(
        ana.contains("manager") && ana.contains("disabled"),
        "{listed}"
    );

    let last_owner = run(&data, &["user", "disable", "--email", OWNER], "");
    assert!(assert_one_line_error(&last_owner).contains("last active owner"));

    let weak = run(
        &data,
        &["user", "set-password", "--email", OWNER],
        "short\n",
    );
    assert!(assert_one_line_error(&weak).contains("password"));
}

#[test]
fn an_invalid_config_is_reported_by_key() {
    let (_tmp, data) = data_dir();
    init(&data, OWNER, PASSWORD);
    let config = data.join("glasshouse.toml");

    std::fs::write(&config, "lisen = \"127.0.0.1:8080\"\n").unwrap();
    let line = assert_one_line_error(&run(&data, &["user", "list"], ""));
    assert!(line.contains("lisen"), "{line}");

    std::fs::write(&config, "[session]\nidle_minutes = \"soon\"\n").unwrap();
    let line = assert_one_line_error(&run(&data, &["serve"], ""));
    assert!(
        line.contains("idle_minutes") && line.contains("line 2"),
        "{line}"
    );

    std::fs::write(&config, "listen = \"nowhere\"\n").unwrap();
    let line = assert_one_line_error(&run(&data, &["serve"], ""));
    assert!(line.contains("listen"), "{line}");

    // The helpers set GLASSHOUSE_LOG, which would win over the file.
    std::fs::write(&config, "log = \"glasshouse=loud\"\n").unwrap();
    let output = common::command(&data)
        .arg("serve")
        .env_remove("GLASSHOUSE_LOG")
        .output()
        .unwrap();
    let line = assert_one_line_error(&output);
    assert!(line.contains("log: \"glasshouse=loud\""), "{line}");
}

#[test]
fn an_unreadable_config_is_an_error() {
    let (_tmp, data) = data_dir();
    init(&data, OWNER, PASSWORD);
    let config = data.join("glasshouse.toml");
    // A directory where the file should be cannot be read, even as root.
    std::fs::remove_file(&config).unwrap();
    std::fs::create_dir(&config).unwrap();
    let line = assert_one_line_error(&run(&data, &["check"], ""));
    assert!(
        line.contains("cannot read") && line.contains("glasshouse.toml"),
        "{line}"
    );
}

#[test]
fn a_missing_data_directory_is_not_created_by_admin_commands() {
    let (_tmp, data) = data_dir();
    for args in [&["user", "list"][..], &["check"], &["serve"]] {
        let line = assert_one_line_error(&run(&data, args, ""));
        assert!(line.contains("glasshouse init"), "{args:?}: {line}");
    }
    assert!(!data.exists());
}

#[test]
fn tokens_are_created_listed_and_revoked() {
    let (_tmp, data) = data_dir();
    init(&data, OWNER, PASSWORD);

    let created = run(
        &data,
        &["token", "create", "--email", OWNER, "--name", "ci"],
        "",
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let token = stdout(&created).trim().to_owned();
    assert_eq!(token.len(), 43, "{token}");

    let listed = stdout(&run(&data, &["token", "list"], ""));
    assert!(
        listed.contains("ci") && !listed.contains(&token),
        "{listed}"
    );
    let id = listed.split('\t').next().unwrap().trim().to_owned();

    let server = Server::start(&data, &["serve"]);
    assert_eq!(api_status(&server, Some(&token)), 200);
    assert_eq!(api_status(&server, None), 401);
    assert_eq!(api_status(&server, Some("not-a-token")), 401);
    server.kill();

    let revoked = run(&data, &["token", "revoke", &id], "");
    assert!(revoked.status.success(), "{}", stderr(&revoked));
    let server = Server::start(&data, &["serve"]);
    assert_eq!(
        api_status(&server, Some(&token)),
        401,
        "a revoked token still works"
    );
    server.kill();
    assert_eq!(stdout(&run(&data, &["token", "list"], "")), "");
    let again = run(&data, &["token", "revoke", &id], "");
    assert!(assert_one_line_error(&again).contains(&format!("no token with the id {id}")));

    let unknown = run(
        &data,
        &["token", "create", "--email", "nobody@example.com"],
        "",
    );
    assert!(assert_one_line_error(&unknown).contains("no user"));
}

#[test]
fn backup_waits_for_a_stopped_server_and_restores() {
    let (tmp, data) = data_dir();
    init(&data, OWNER, PASSWORD);
    let target = tmp.path().join("backup.redb");
    let target_arg = target.to_str().unwrap();

    let server = Server::start(&data, &["serve"]);
    let refused = run(&data, &["backup", "--to", target_arg], "");
    assert!(assert_one_line_error(&refused).contains("in use"));
    assert!(!target.exists());
    server.kill();

    let done = run(&data, &["backup", "--to", target_arg], "");
    assert!(done.status.success(), "{}", stderr(&done));
    assert!(stdout(&done).contains("tables"), "{}", stdout(&done));
    let again = run(&data, &["backup", "--to", target_arg], "");
    assert!(assert_one_line_error(&again).contains("exists"));

    let restored = tmp.path().join("restored");
    std::fs::create_dir(&restored).unwrap();
    std::fs::copy(&target, restored.join("glasshouse.redb")).unwrap();
    let check = run(&restored, &["check"], "");
    assert!(check.status.success(), "{}", stderr(&check));
    let users = stdout(&run(&restored, &["user", "list"], ""));
    assert!(users.contains(OWNER), "{users}");
}

/// The status of `GET /api/v1/entries` with an optional bearer token.
fn api_status(server: &Server, token: Option<&str>) -> u16 {
    let mut request = common::agent().get(&server.url("/api/v1/entries"));
    if let Some(token) = token {
        request = request.set("Authorization", &format!("Bearer {token}"));
    }
    match request.call() {
        Ok(response) => response.status(),
        Err(ureq::Error::Status(code, _)) => code,
        Err(e) => panic!("the API did not answer: {e}"),
    }
}
