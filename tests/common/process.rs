//! Running the real `glasshouse` binary: one-shot commands, and a server on
//! a free port that is polled until healthy and killed when dropped.

#![allow(
    dead_code,
    reason = "each test file uses a different part of this module"
)]

use std::io::Write;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_glasshouse");

/// How long a server may take to answer its first health check. Generous,
/// because the test machine is shared; it is a limit, not a measurement.
const STARTUP_LIMIT: Duration = Duration::from_secs(60);
/// How long a one-shot command may run before it counts as hung.
const COMMAND_LIMIT: Duration = Duration::from_secs(60);

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("a bound address").port()
}

/// A command on `data`, isolated from the caller's `GLASSHOUSE_*` variables.
pub fn command(data: &Path) -> Command {
    let mut command = Command::new(BIN);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("GLASSHOUSE_") {
            command.env_remove(key);
        }
    }
    command
        .arg("--data")
        .arg(data)
        .env("GLASSHOUSE_LOG", "warn");
    command
}

/// Runs a command to completion, feeding `stdin` to it.
pub fn run(data: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = command(data)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // A command that fails before reading its input closes the pipe early.
    let _ = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes());
    // A command that should fail but serves instead must not hang the suite.
    let deadline = Instant::now() + COMMAND_LIMIT;
    while child.try_wait().expect("poll the command").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!(
                "glasshouse {args:?} did not finish: {:?}",
                child.wait_with_output()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().expect("the command finishes")
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Asserts the command failed with exactly one `error:` line and no panic.
pub fn assert_one_line_error(output: &Output) -> String {
    let err = stderr(output);
    assert!(
        !output.status.success(),
        "expected a failure, got {output:?}"
    );
    assert!(!err.contains("panicked"), "a panic: {err}");
    let line = err.trim_end();
    assert!(!line.contains('\n'), "more than one line: {err}");
    assert!(line.starts_with("error: "), "not an error line: {err}");
    line.to_owned()
}

/// Creates a data directory with an owner whose password is `password`.
pub fn init(data: &Path, email: &str, password: &str) {
    let output = run(
        data,
        &["init", "--admin-email", email, "--agency", "Test Agency"],
        &format!("{password}\n"),
    );
    assert!(output.status.success(), "init failed: {}", stderr(&output));
}

pub struct Server {
    child: Child,
    pub port: u16,
    pub log: PathBuf,
    pub out: PathBuf,
}

impl Server {
    /// Starts `glasshouse <args>` listening on a free port and waits until
    /// `/healthz` answers 200.
    pub fn start(data: &Path, args: &[&str]) -> Server {
        let port = free_port();
        let log = data.with_extension(format!("{port}.stderr"));
        let out = data.with_extension(format!("{port}.stdout"));
        let child = command(data)
            .args(args)
            .env("GLASSHOUSE_LISTEN", format!("127.0.0.1:{port}"))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&out).expect("create the stdout file"))
            .stderr(std::fs::File::create(&log).expect("create the stderr file"))
            .spawn()
            .expect("the server starts");
        let mut server = Server {
            child,
            port,
            log,
            out,
        };
        server.wait_until_healthy();
        server
    }

    fn wait_until_healthy(&mut self) {
        let deadline = Instant::now() + STARTUP_LIMIT;
        let agent = agent();
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the server") {
                panic!(
                    "the server exited with {status} before it was healthy: {}",
                    std::fs::read_to_string(&self.log).unwrap_or_default()
                );
            }
            if let Ok(response) = agent.get(&self.url("/healthz")).call()
                && response.status() == 200
            {
                return;
            }
            assert!(Instant::now() < deadline, "the server never became healthy");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn stdout(&self) -> String {
        std::fs::read_to_string(&self.out).unwrap_or_default()
    }

    /// SIGKILL, as a crash or an OOM kill would: no chance to clean up.
    pub fn kill(mut self) {
        self.child.kill().expect("kill the server");
        self.child.wait().expect("reap the server");
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP client that does not follow redirects, so a 303 can be seen.
pub fn agent() -> ureq::Agent {
    ureq::AgentBuilder::new()
        .redirects(0)
        .timeout(Duration::from_secs(10))
        .build()
}

/// The `name=value` part of each `Set-Cookie` of a response.
pub fn cookies(response: &ureq::Response) -> Vec<(String, String)> {
    response
        .all("set-cookie")
        .into_iter()
        .filter_map(|header| {
            let pair = header.split(';').next()?;
            let (name, value) = pair.split_once('=')?;
            Some((name.trim().to_owned(), value.trim().to_owned()))
        })
        .collect()
}

/// Signs in through the real form; returns the session cookie's value.
pub fn sign_in(server: &Server, email: &str, password: &str) -> Result<String, u16> {
    let agent = agent();
    let form = agent
        .get(&server.url("/login"))
        .call()
        .expect("the sign-in form loads");
    let login_cookie = cookies(&form)
        .into_iter()
        .find(|(name, _)| name == "gh_login")
        .expect("the form sets its csrf cookie");
    let html = form.into_string().expect("the form's html");
    let csrf = hidden_field(&html, "csrf").expect("the form has a csrf field");
    let posted = agent
        .post(&server.url("/login"))
        .set("Cookie", &format!("gh_login={}", login_cookie.1))
        .send_form(&[("email", email), ("password", password), ("csrf", &csrf)]);
    match posted {
        Ok(response) if response.status() == 303 => Ok(cookies(&response)
            .into_iter()
            .find(|(name, _)| name == "gh_session")
            .expect("a session cookie is set on sign-in")
            .1),
        Ok(response) => Err(response.status()),
        Err(ureq::Error::Status(code, _)) => Err(code),
        Err(e) => panic!("the sign-in request failed: {e}"),
    }
}

fn hidden_field(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}
