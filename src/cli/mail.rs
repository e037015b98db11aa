//! `glasshouse mail`: look at the outbox, retry dead mail, test delivery.

use anyhow::{Context, anyhow};
use clap::Subcommand;
use jiff::Timestamp;

use crate::config::Config;
use crate::mail::compose::Composer;
use crate::mail::outbox::{self, OutboxReads};
use crate::mail::transport::{Delivered, Transport};
use crate::mail::{Status, messages};
use crate::store::{self, DB_FILE, Store};

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// List the outbox, newest first: id, status, attempts, kind, queued at,
    /// recipient, subject, last error.
    List {
        /// Only messages with this status: queued, sent or dead.
        #[arg(long)]
        status: Option<String>,
        /// The most messages to list.
        #[arg(long, default_value_t = 50)]
        limit: usize,
    },
    /// Queue a dead message for a fresh round of attempts.
    Retry {
        /// The message's id, as `mail list` shows it.
        id: u64,
    },
    /// Send a test message at once, bypassing the queue, through the
    /// configured SMTP server (or to the mail folder without one).
    Test {
        /// Where to send it.
        #[arg(long)]
        to: String,
    },
}

pub fn run(config: Config, command: MailCommand) -> anyhow::Result<()> {
    match command {
        MailCommand::List { status, limit } => list(&config, status.as_deref(), limit),
        MailCommand::Retry { id } => retry(&config, id),
        MailCommand::Test { to } => test(&config, &to),
    }
}

fn list(config: &Config, status: Option<&str>, limit: usize) -> anyhow::Result<()> {
    let status = status.map(Status::parse).transpose()?;
    let store = super::open_store(config)?;
    let messages = store.read(|txn| txn.outbox_list(status, None, limit))?;
    for m in messages {
        println!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
            m.id,
            m.status.as_str(),
            m.attempts,
            m.message.kind.as_str(),
            m.queued_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            m.message.to,
            m.message.subject,
            m.last_error.as_deref().unwrap_or("")
        );
    }
    Ok(())
}

fn retry(config: &Config, id: u64) -> anyhow::Result<()> {
    let store = super::open_store(config)?;
    let now = Timestamp::now();
    match store.write_blocking(move |txn| outbox::retry(txn, id, now)) {
        Ok(m) => {
            println!("message {id} to {} is queued again", m.message.to);
            Ok(())
        }
        Err(store::Error::NotFound) => Err(anyhow!("there is no message {id} in the outbox")),
        Err(e) => Err(e.into()),
    }
}

/// Works while the server runs: it needs the store only for the agency's
/// name, and goes without it when the server holds the lock.
fn test(config: &Config, to: &str) -> anyhow::Result<()> {
    let agency = agency_name(config).unwrap_or_else(|| "Glasshouse".to_owned());
    let transport = Transport::from_config(config)?;
    let message = messages::test(&agency, to, &transport.describe());
    message
        .validate()
        .map_err(|e| anyhow!("--to: {}", e.message))?;
    let composer = Composer::new(&config.mail.from, &config.public_url, rand::random())?;
    let composed = composer
        .compose(
            &message,
            composer.one_off_id(rand::random()),
            Timestamp::now(),
        )
        .map_err(|e| anyhow!(e))?;
    let stem = format!("{}Z-test", Timestamp::now().strftime("%Y%m%dT%H%M%S"));
    match transport
        .send(&composed, &stem)
        .map_err(|e| anyhow!(e.message))?
    {
        Delivered::Smtp { server } => println!("{server} accepted a test message for {to}"),
        Delivered::File(path) => println!("wrote a test message for {to} to {}", path.display()),
    }
    Ok(())
}

fn agency_name(config: &Config) -> Option<String> {
    if !config.data_dir.join(DB_FILE).exists() {
        return None;
    }
    let store = Store::open(&config.data_dir, Default::default()).ok()?;
    let settings = store
        .read(crate::store::records::Reads::settings)
        .context("reading the agency settings")
        .ok()?;
    Some(settings.name)
}
