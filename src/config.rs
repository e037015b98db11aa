//! Configuration, resolved in one place:
//! defaults < `glasshouse.toml` in the data directory < `GLASSHOUSE_*`
//! environment < command-line flags.
//!
//! Nothing else in the program reads the environment or the file. Unknown
//! keys and bad values are reported by name.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

pub const FILE_NAME: &str = "glasshouse.toml";

/// The commented sample written by `glasshouse init`.
pub const SAMPLE: &str = include_str!("../packaging/glasshouse.toml");

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{key}: {message}")]
    Value { key: String, message: String },
}

/// The file's shape; every key optional so defaults fill the gaps.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    listen: Option<String>,
    public_url: Option<String>,
    log: Option<String>,
    #[serde(default)]
    session: SessionFile,
    #[serde(default)]
    mail: MailFile,
    #[serde(default)]
    portal: PortalFile,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PortalFile {
    link_days: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionFile {
    idle_minutes: Option<u64>,
    absolute_hours: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct MailFile {
    from: Option<String>,
    smtp_host: Option<String>,
    smtp_port: Option<u16>,
    smtp_security: Option<String>,
    smtp_username: Option<String>,
    smtp_password: Option<String>,
    smtp_password_file: Option<PathBuf>,
}

/// How the SMTP connection is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS (port 587).
    StartTls,
    /// TLS from the first byte (port 465).
    Tls,
    /// No TLS, for a relay on the same host.
    Plain,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Smtp {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    pub username: Option<String>,
    pub password: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    /// `None` writes messages as `.eml` files in the data directory.
    pub smtp: Option<Smtp>,
}

/// What the server and the commands run with.
#[derive(Debug, Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub listen: SocketAddr,
    /// The address people reach the server at; links in emails use it.
    pub public_url: String,
    pub log: String,
    pub session_idle: Duration,
    pub session_absolute: Duration,
    pub mail: Mail,
    /// How long a link in a portal notification email stays valid, in days.
    pub portal_link_days: u64,
}

impl Config {
    /// Cookies get `Secure` and the `__Host-` prefix when served over TLS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// A configuration for tests and the demo: defaults only.
    pub fn defaults(data_dir: &Path) -> Config {
        resolve(
            data_dir,
            FileConfig::default(),
            &Overrides::default(),
            |_| None,
        )
        .expect("defaults are valid")
    }
}

/// Values given on the command line (clap has already folded in their
/// `GLASSHOUSE_*` variables).
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub listen: Option<String>,
}

/// Loads the file in `data_dir` (if any), then applies the environment and
/// the flags.
pub fn load(data_dir: &Path, flags: &Overrides) -> Result<Config, ConfigError> {
    let path = data_dir.join(FILE_NAME);
    let file = match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| ConfigError::Parse {
            path: path.clone(),
            message: one_line(&text, &e),
        })?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => FileConfig::default(),
        Err(source) => return Err(ConfigError::Read { path, source }),
    };
    warn_unknown_env();
    resolve(data_dir, file, flags, |key| std::env::var(key).ok())
}

/// A TOML error as one line: toml's own rendering spans several, with a
/// caret drawing, which is unreadable in a log or a systemd status line.
fn one_line(text: &str, error: &toml::de::Error) -> String {
    let message = error.message().trim().replace('\n', " ");
    let Some(span) = error.span() else {
        return message;
    };
    let start = span.start.min(text.len());
    let line_no = text[..start].matches('\n').count() + 1;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next().unwrap_or("").trim();
    format!("line {line_no}, `{line}`: {message}")
}

/// Every variable the configuration reads, for spotting typos.
const ENV_KEYS: &[&str] = &[
    "GLASSHOUSE_DATA",
    "GLASSHOUSE_LISTEN",
    "GLASSHOUSE_PUBLIC_URL",
    "GLASSHOUSE_LOG",
    "GLASSHOUSE_SESSION_IDLE_MINUTES",
    "GLASSHOUSE_SESSION_ABSOLUTE_HOURS",
    "GLASSHOUSE_MAIL_FROM",
    "GLASSHOUSE_MAIL_SMTP_HOST",
    "GLASSHOUSE_MAIL_SMTP_PORT",
    "GLASSHOUSE_MAIL_SMTP_SECURITY",
    "GLASSHOUSE_MAIL_SMTP_USERNAME",
    "GLASSHOUSE_MAIL_SMTP_PASSWORD",
    "GLASSHOUSE_MAIL_SMTP_PASSWORD_FILE",
    "GLASSHOUSE_PORTAL_LINK_DAYS",
    "GLASSHOUSE_ADMIN_EMAIL",
    "GLASSHOUSE_HEALTHCHECK_URL",
];

fn warn_unknown_env() {
    for (key, _) in std::env::vars_os() {
        let Some(key) = key.to_str() else { continue };
        if key.starts_with("GLASSHOUSE_") && !ENV_KEYS.contains(&key) {
            eprintln!("warning: ignoring unknown environment variable {key}");
        }
    }
}

fn resolve(
    data_dir: &Path,
    file: FileConfig,
    flags: &Overrides,
    env: impl Fn(&str) -> Option<String>,
) -> Result<Config, ConfigError> {
    let pick = |flag: Option<&String>, key: &str, file: Option<String>| {
        flag.cloned().or_else(|| env(key)).or(file)
    };
    let number = |key: &str, file: Option<u64>, default: u64| -> Result<u64, ConfigError> {
        match env(key) {
            Some(raw) => raw.trim().parse().map_err(|_| ConfigError::Value {
                key: key.into(),
                message: format!("{raw:?} is not a whole number"),
            }),
            None => Ok(file.unwrap_or(default)),
        }
    };

    let listen_raw = pick(flags.listen.as_ref(), "GLASSHOUSE_LISTEN", file.listen)
        .unwrap_or_else(|| "127.0.0.1:8080".into());
    let listen: SocketAddr = listen_raw.parse().map_err(|_| ConfigError::Value {
        key: "listen".into(),
        message: format!("{listen_raw:?} is not an address such as 127.0.0.1:8080"),
    })?;

    let public_url = pick(None, "GLASSHOUSE_PUBLIC_URL", file.public_url)
        .unwrap_or_else(|| format!("http://{listen}"));
    let public_url = public_url.trim_end_matches('/').to_owned();
    if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
        return Err(ConfigError::Value {
            key: "public_url".into(),
            message: format!("{public_url:?} must start with http:// or https://"),
        });
    }

    let log = pick(None, "GLASSHOUSE_LOG", file.log).unwrap_or_else(|| "info".into());

    let idle = number(
        "GLASSHOUSE_SESSION_IDLE_MINUTES",
        file.session.idle_minutes,
        12 * 60,
    )?;
    let absolute = number(
        "GLASSHOUSE_SESSION_ABSOLUTE_HOURS",
        file.session.absolute_hours,
        7 * 24,
    )?;
    if idle == 0 || absolute == 0 {
        return Err(ConfigError::Value {
            key: "session".into(),
            message: "timeouts must be more than zero".into(),
        });
    }

    let mail = resolve_mail(file.mail, &env)?;

    let portal_link_days = number("GLASSHOUSE_PORTAL_LINK_DAYS", file.portal.link_days, 14)?;
    if !(1..=365).contains(&portal_link_days) {
        return Err(ConfigError::Value {
            key: "portal.link_days".into(),
            message: "must be between 1 and 365".into(),
        });
    }

    Ok(Config {
        data_dir: data_dir.to_owned(),
        listen,
        public_url,
        log,
        session_idle: Duration::from_secs(idle * 60),
        session_absolute: Duration::from_secs(absolute * 3600),
        mail,
        portal_link_days,
    })
}

fn resolve_mail(
    file: MailFile,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Mail, ConfigError> {
    let from = env("GLASSHOUSE_MAIL_FROM")
        .or(file.from)
        .unwrap_or_else(|| "Glasshouse <glasshouse@localhost>".into());
    if from.parse::<lettre::message::Mailbox>().is_err() {
        return Err(ConfigError::Value {
            key: "mail.from".into(),
            message: format!("{from:?} is not an address such as Agency <hello@example.com>"),
        });
    }
    let Some(host) = env("GLASSHOUSE_MAIL_SMTP_HOST").or(file.smtp_host) else {
        return Ok(Mail { from, smtp: None });
    };
    let security = match env("GLASSHOUSE_MAIL_SMTP_SECURITY")
        .or(file.smtp_security)
        .unwrap_or_else(|| "starttls".into())
        .as_str()
    {
        "starttls" => SmtpSecurity::StartTls,
        "tls" => SmtpSecurity::Tls,
        "plain" => SmtpSecurity::Plain,
        other => {
            return Err(ConfigError::Value {
                key: "mail.smtp_security".into(),
                message: format!("{other:?} must be starttls, tls or plain"),
            });
        }
    };
    let port = match env("GLASSHOUSE_MAIL_SMTP_PORT") {
        Some(raw) => raw.trim().parse().map_err(|_| ConfigError::Value {
            key: "mail.smtp_port".into(),
            message: format!("{raw:?} is not a port number"),
        })?,
        None => file.smtp_port.unwrap_or(match security {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::Plain => 25,
        }),
    };
    let password_file = env("GLASSHOUSE_MAIL_SMTP_PASSWORD_FILE")
        .map(PathBuf::from)
        .or(file.smtp_password_file);
    let password = match password_file {
        Some(path) => Some(
            std::fs::read_to_string(&path)
                .map_err(|e| ConfigError::Value {
                    key: "mail.smtp_password_file".into(),
                    message: format!("cannot read {}: {e}", path.display()),
                })?
                .trim_end()
                .to_owned(),
        ),
        None => env("GLASSHOUSE_MAIL_SMTP_PASSWORD").or(file.smtp_password),
    };
    let username = env("GLASSHOUSE_MAIL_SMTP_USERNAME").or(file.smtp_username);
    Ok(Mail {
        from,
        smtp: Some(Smtp {
            host,
            port,
            security,
            username,
            password,
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from_toml(
        text: &str,
        env: &[(&str, &str)],
        flags: Overrides,
    ) -> Result<Config, ConfigError> {
        let file: FileConfig = toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: "t.toml".into(),
            message: e.to_string(),
        })?;
        let env: Vec<(String, String)> = env
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        resolve(Path::new("/tmp/x"), file, &flags, |key| {
            env.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn layers_apply_in_order() {
        let text = "listen = \"127.0.0.1:9000\"\nlog = \"debug\"\n";
        let c = from_toml(text, &[], Overrides::default()).unwrap();
        assert_eq!(c.listen.port(), 9000);
        assert_eq!(c.public_url, "http://127.0.0.1:9000");
        let c = from_toml(
            text,
            &[("GLASSHOUSE_LISTEN", "127.0.0.1:9100")],
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.listen.port(), 9100);
        let flags = Overrides {
            listen: Some("127.0.0.1:9200".into()),
        };
        let c = from_toml(text, &[("GLASSHOUSE_LISTEN", "127.0.0.1:9100")], flags).unwrap();
        assert_eq!(c.listen.port(), 9200);
        assert_eq!(c.log, "debug");
        assert!(c.mail.smtp.is_none());
    }

    #[test]
    fn file_errors_are_one_line_and_name_the_key() {
        let text = "log = \"info\"\n[session]\nidle_minutes = \"soon\"\n";
        let error = toml::from_str::<FileConfig>(text).unwrap_err();
        let line = one_line(text, &error);
        assert!(!line.contains('\n'), "{line}");
        assert!(
            line.starts_with("line 3, `idle_minutes = \"soon\"`"),
            "{line}"
        );
        let text = "lisen = \"127.0.0.1:1\"";
        let line = one_line(text, &toml::from_str::<FileConfig>(text).unwrap_err());
        assert!(line.contains("unknown field `lisen`"), "{line}");
    }

    #[test]
    fn unknown_keys_are_named() {
        let err = from_toml("lisen = \"x\"", &[], Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("lisen"), "{err}");
        let err = from_toml("[session]\nidle = 3", &[], Overrides::default()).unwrap_err();
        assert!(err.to_string().contains("idle"), "{err}");
    }

    #[test]
    fn bad_values_are_named() {
        let err = from_toml("listen = \"nowhere\"", &[], Overrides::default()).unwrap_err();
        assert!(err.to_string().starts_with("listen:"), "{err}");
        let err = from_toml(
            "",
            &[("GLASSHOUSE_SESSION_IDLE_MINUTES", "soon")],
            Overrides::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string().contains("GLASSHOUSE_SESSION_IDLE_MINUTES"),
            "{err}"
        );
        let err = from_toml(
            "[mail]\nsmtp_host = \"x\"\nsmtp_security = \"ssl\"",
            &[],
            Overrides::default(),
        )
        .unwrap_err();
        assert!(err.to_string().starts_with("mail.smtp_security"), "{err}");
    }

    #[test]
    fn portal_link_days_default_and_are_checked() {
        let c = from_toml("", &[], Overrides::default()).unwrap();
        assert_eq!(c.portal_link_days, 14);
        let c = from_toml("[portal]\nlink_days = 30", &[], Overrides::default()).unwrap();
        assert_eq!(c.portal_link_days, 30);
        let c = from_toml(
            "[portal]\nlink_days = 30",
            &[("GLASSHOUSE_PORTAL_LINK_DAYS", "3")],
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.portal_link_days, 3);
        let err = from_toml("[portal]\nlink_days = 0", &[], Overrides::default()).unwrap_err();
        assert!(err.to_string().starts_with("portal.link_days"), "{err}");
    }

    #[test]
    fn smtp_ports_follow_security() {
        let c = from_toml(
            "[mail]\nsmtp_host = \"mx\"\nsmtp_security = \"tls\"",
            &[],
            Overrides::default(),
        )
        .unwrap();
        assert_eq!(c.mail.smtp.unwrap().port, 465);
    }

    #[test]
    fn the_sample_config_parses() {
        from_toml(SAMPLE, &[], Overrides::default()).unwrap();
    }
}
