//! What the mail tests share: a real SMTP server on a loopback port, a
//! store in a temporary directory, and messages to queue.

#![allow(dead_code, reason = "each test binary uses a different part")]

use std::io::Write;
use std::net::{SocketAddr, TcpListener};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use glasshouse::config::{Config, Smtp, SmtpSecurity};
use glasshouse::mail::{self, Kind, Outgoing};
use glasshouse::store::Store;
use jiff::Timestamp;
use mailin_embedded::{Handler, Response, Server, SslConfig, response};

/// One message as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub from: String,
    pub to: Vec<String>,
    pub data: Vec<u8>,
}

impl Received {
    pub fn parsed(&self) -> mailparse::ParsedMail<'_> {
        mailparse::parse_mail(&self.data).expect("the server received valid MIME")
    }
}

#[derive(Clone)]
struct Collector {
    inbox: Arc<Mutex<Vec<Received>>>,
    current: Option<Received>,
    refuse: Arc<Vec<String>>,
}

impl Handler for Collector {
    fn rcpt(&mut self, to: &str) -> Response {
        if self.refuse.iter().any(|r| to.contains(r.as_str())) {
            response::NO_MAILBOX
        } else {
            response::OK
        }
    }

    fn data_start(&mut self, _domain: &str, from: &str, _is8bit: bool, to: &[String]) -> Response {
        self.current = Some(Received {
            from: from.to_owned(),
            to: to.to_vec(),
            data: Vec::new(),
        });
        response::OK
    }

    fn data(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if let Some(current) = &mut self.current {
            current.data.extend_from_slice(buf);
        }
        Ok(())
    }

    fn data_end(&mut self) -> Response {
        if let Some(done) = self.current.take() {
            self.inbox.lock().unwrap().push(done);
        }
        response::OK
    }
}

/// A mailin SMTP server on 127.0.0.1, plain (no TLS, no AUTH).
pub struct SmtpServer {
    pub port: u16,
    inbox: Arc<Mutex<Vec<Received>>>,
}

impl SmtpServer {
    pub fn start() -> SmtpServer {
        Self::start_on(TcpListener::bind("127.0.0.1:0").unwrap(), &[])
    }

    /// A server that answers 550 to any recipient containing one of `refuse`.
    pub fn refusing(refuse: &[&str]) -> SmtpServer {
        Self::start_on(TcpListener::bind("127.0.0.1:0").unwrap(), refuse)
    }

    /// Starts on a port reserved earlier with `free_port`.
    pub fn start_at(port: u16) -> SmtpServer {
        Self::start_on(TcpListener::bind(("127.0.0.1", port)).unwrap(), &[])
    }

    fn start_on(listener: TcpListener, refuse: &[&str]) -> SmtpServer {
        let port = listener.local_addr().unwrap().port();
        let inbox = Arc::new(Mutex::new(Vec::new()));
        let handler = Collector {
            inbox: Arc::clone(&inbox),
            current: None,
            refuse: Arc::new(refuse.iter().map(|s| (*s).to_owned()).collect()),
        };
        let mut server = Server::new(handler);
        server
            .with_name("mx.test")
            .with_ssl(SslConfig::None)
            .unwrap()
            .with_num_threads(4)
            .with_tcp_listener(listener);
        // The server runs until the test process ends.
        std::thread::spawn(move || {
            let _ = server.serve();
        });
        SmtpServer { port, inbox }
    }

    pub fn received(&self) -> Vec<Received> {
        self.inbox.lock().unwrap().clone()
    }

    /// Waits (bounded) until `n` messages arrived; returns what arrived.
    pub fn wait_for(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(20);
        while self.inbox.lock().unwrap().len() < n && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        self.received()
    }
}

/// A loopback port with nothing listening on it (for now).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A scripted SMTP peer that offers AUTH and refuses every password, to
/// see how a wrong password is reported. It serves one connection.
pub fn password_refusing_server() -> SocketAddr {
    use std::io::{BufRead, BufReader};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        let Ok((stream, _)) = listener.accept() else {
            return;
        };
        let mut writer = stream.try_clone().unwrap();
        let mut lines = BufReader::new(stream);
        let _ = writer.write_all(b"220 auth.test ESMTP\r\n");
        let mut line = String::new();
        while lines.read_line(&mut line).unwrap_or(0) > 0 {
            let command = line.to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") {
                b"250-auth.test\r\n250 AUTH PLAIN LOGIN\r\n"
            } else if command.starts_with("AUTH") {
                b"535 5.7.8 Authentication credentials invalid\r\n"
            } else if command.starts_with("QUIT") {
                let _ = writer.write_all(b"221 bye\r\n");
                return;
            } else {
                b"250 ok\r\n"
            };
            let _ = writer.write_all(reply);
            line.clear();
        }
    });
    addr
}

pub fn open(dir: &Path) -> Arc<Store> {
    Arc::new(Store::open(dir, Default::default()).expect("the store opens"))
}

/// Default configuration, delivering through the SMTP server on `port`.
pub fn smtp_config(dir: &Path, port: u16) -> Config {
    let mut config = Config::defaults(dir);
    config.public_url = "https://hours.agency.example".into();
    config.mail.from = "Fern & Oak <studio@agency.example>".into();
    config.mail.smtp = Some(Smtp {
        host: "127.0.0.1".into(),
        port,
        security: SmtpSecurity::Plain,
        username: None,
        password: None,
    });
    config
}

pub fn digest(to: &str) -> Outgoing {
    Outgoing {
        kind: Kind::WeeklyDigest,
        to: to.into(),
        subject: "Your week at Fern & Oak".into(),
        text: "12.5 h on Website relaunch. See https://hours.agency.example/p/website".into(),
        html: "<p>12.5 h on <a href=\"https://hours.agency.example/p/website\">Website</a></p>"
            .into(),
        unsubscribe_url: Some("https://hours.agency.example/unsubscribe/tok123".into()),
    }
}

/// Queues `message` in its own write; returns its id.
pub async fn queue(store: &Store, message: Outgoing, now: Timestamp) -> u64 {
    store
        .write(move |txn| mail::enqueue(txn, message.clone(), now))
        .await
        .expect("the message is queued")
}

/// The decoded body of the part of `mail` with this content type.
pub fn part(mail: &mailparse::ParsedMail<'_>, mime: &str) -> Option<String> {
    if mail.ctype.mimetype == mime {
        return Some(mail.get_body().unwrap());
    }
    mail.subparts.iter().find_map(|p| part(p, mime))
}

pub fn header(mail: &mailparse::ParsedMail<'_>, name: &str) -> Option<String> {
    use mailparse::MailHeaderMap;
    mail.headers.get_first_value(name)
}
