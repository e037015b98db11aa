//! The SMTP transport: one pooled lettre `SmtpTransport`, and lettre's
//! errors said in words an admin can act on.

use std::error::Error as _;
use std::io::ErrorKind;
use std::time::Duration;

use lettre::message::Message;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::transport::smtp::{self, PoolConfig};
use lettre::{SmtpTransport, Transport as _};

use super::SetupError;
use super::transport::{Delivered, SendError};
use crate::config::{Smtp, SmtpSecurity};

/// How long one SMTP command may take before the attempt counts as failed.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct Relay {
    transport: SmtpTransport,
    server: String,
}

impl Relay {
    pub fn new(settings: &Smtp) -> Result<Relay, SetupError> {
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned())
                .map_err(|e| SetupError::Smtp(format!("{host:?} cannot be used for TLS: {e}")))
        };
        let tls = match settings.security {
            SmtpSecurity::StartTls => Tls::Required(tls(&settings.host)?),
            SmtpSecurity::Tls => Tls::Wrapper(tls(&settings.host)?),
            SmtpSecurity::Plain => Tls::None,
        };
        let mut builder = SmtpTransport::builder_dangerous(settings.host.clone())
            .port(settings.port)
            .tls(tls)
            .timeout(Some(COMMAND_TIMEOUT))
            .pool_config(PoolConfig::new().max_size(4));
        if let Some(username) = &settings.username {
            let password = settings.password.clone().unwrap_or_default();
            builder = builder.credentials(Credentials::new(username.clone(), password));
        }
        Ok(Relay {
            transport: builder.build(),
            server: format!("{}:{}", settings.host, settings.port),
        })
    }

    pub fn server(&self) -> &str {
        &self.server
    }

    pub fn send(&self, message: &Message) -> Result<Delivered, SendError> {
        self.transport
            .send(message)
            .map(|_| Delivered::Smtp {
                server: self.server.clone(),
            })
            .map_err(|e| describe(&e, &self.server))
    }

    pub fn check(&self) -> Result<(), SendError> {
        match self.transport.test_connection() {
            Ok(true) => Ok(()),
            Ok(false) => Err(SendError::transient(format!(
                "{} accepted the connection but does not answer",
                self.server
            ))),
            Err(e) => Err(describe(&e, &self.server)),
        }
    }
}

/// One line saying what went wrong, and whether trying again can help.
///
/// Authentication failures (530, 534, 535) are not permanent: they are a
/// configuration problem, and once it is fixed the queue should drain.
pub fn describe(e: &smtp::Error, server: &str) -> SendError {
    if let Some(code) = e.status() {
        let code = code.to_string();
        let detail = e.source().map(|s| s.to_string()).unwrap_or_default();
        let detail = detail.trim();
        return match code.as_str() {
            "535" => SendError::transient("the SMTP server rejected the username or password"),
            "530" => SendError::transient(format!(
                "the SMTP server requires a sign-in: {code} {detail}; set mail.smtp_username \
                 and a password"
            )),
            "534" => SendError::transient(format!(
                "the SMTP server wants a stronger sign-in method: {code} {detail}"
            )),
            _ if e.is_permanent() => SendError::permanent(format!(
                "the SMTP server refused the message: {code} {detail}"
            )),
            _ => SendError::transient(format!(
                "the SMTP server deferred the message: {code} {detail}"
            )),
        };
    }
    if e.is_tls() {
        return SendError::transient(format!("TLS with {server} failed: {}", source_text(e)));
    }
    if let Some(io) = io_error(e) {
        let connecting = e.to_string().starts_with("Connection error");
        let reason = match io.kind() {
            ErrorKind::ConnectionRefused => "connection refused".to_owned(),
            ErrorKind::TimedOut | ErrorKind::WouldBlock => "timed out".to_owned(),
            _ if io.to_string().contains("lookup address") => {
                "the host name does not resolve".to_owned()
            }
            _ => io.to_string(),
        };
        return SendError::transient(if connecting {
            format!("cannot connect to {server}: {reason}")
        } else {
            format!("the connection to {server} failed: {reason}")
        });
    }
    let text = source_text(e);
    if text.contains("No compatible authentication mechanism") {
        return SendError::transient(format!(
            "{server} offers no sign-in method glasshouse supports; many servers offer one only \
             after STARTTLS (mail.smtp_security = \"starttls\")"
        ));
    }
    if text.contains("STARTTLS is not supported") {
        return SendError::transient(format!(
            "{server} does not offer STARTTLS; set mail.smtp_security to \"tls\" or \"plain\""
        ));
    }
    SendError::transient(format!("sending through {server} failed: {e}"))
}

fn source_text(e: &smtp::Error) -> String {
    e.source().map_or_else(|| e.to_string(), |s| s.to_string())
}

fn io_error(e: &smtp::Error) -> Option<&std::io::Error> {
    let mut source = e.source();
    while let Some(err) = source {
        if let Some(io) = err.downcast_ref::<std::io::Error>() {
            return Some(io);
        }
        source = err.source();
    }
    None
}
