//! The command line: parse, resolve the configuration, hand over to one
//! file per subcommand. Errors end the process with one line and exit 1.
//!
//! Listings write with `writeln!` rather than `println!`, so that a closed
//! pipe (`glasshouse user list | head -1`) is an error, not a panic.

mod backup;
mod check;
mod demo;
mod healthcheck;
mod init;
mod mail;
mod seed;
mod serve;
mod token;
mod user;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::config::{self, Config, Overrides};

#[derive(Debug, Parser)]
#[command(
    name = "glasshouse",
    version,
    about = "Time tracking and a client portal for agencies"
)]
pub struct Cli {
    /// Directory holding the database, configuration, files and mail
    /// [default: glasshouse-data; glasshouse-demo for `demo`].
    #[arg(long, global = true, env = "GLASSHOUSE_DATA", value_name = "DIR")]
    data: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Create the data directory, a commented config file and the first owner.
    Init {
        /// Email address of the first owner account.
        #[arg(long, env = "GLASSHOUSE_ADMIN_EMAIL")]
        admin_email: String,
        /// Display name of the first owner.
        #[arg(long, default_value = "Owner")]
        admin_name: String,
        /// Name of the agency.
        #[arg(long, default_value = "My Agency")]
        agency: String,
    },
    /// Run the server.
    Serve {
        /// Address to listen on, such as 0.0.0.0:8080.
        #[arg(long, env = "GLASSHOUSE_LISTEN", value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Seed a demo agency into an empty data directory and run the server.
    Demo {
        /// Address to listen on, such as 127.0.0.1:8080.
        #[arg(long, env = "GLASSHOUSE_LISTEN", value_name = "ADDR")]
        listen: Option<String>,
    },
    /// Manage staff accounts.
    #[command(subcommand)]
    User(user::UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(token::TokenCommand),
    /// Exit 0 when the server answers its health check.
    Healthcheck {
        /// Health endpoint to ask [default: /healthz on the configured listen address].
        #[arg(long, env = "GLASSHOUSE_HEALTHCHECK_URL")]
        url: Option<String>,
    },
    /// Recompute roll-ups from entries and report any difference.
    Check,
    /// Fill an empty data directory with a large generated agency, for benchmarks.
    Seed(seed::SeedArgs),
    /// Write a consistent copy of the database to a new file.
    ///
    /// Run it while the server is stopped: the data directory is held by one
    /// process at a time. To restore, stop the server and put the file in
    /// place of glasshouse.redb in the data directory.
    Backup {
        /// The file to write; it must not exist yet.
        #[arg(long, value_name = "FILE")]
        to: PathBuf,
    },
    /// Look at the outbox, retry dead mail, test the mail settings.
    #[command(subcommand)]
    Mail(mail::MailCommand),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let default_dir = match cli.command {
        Command::Demo { .. } => "glasshouse-demo",
        _ => "glasshouse-data",
    };
    let data = cli.data.unwrap_or_else(|| PathBuf::from(default_dir));
    let listen = match &cli.command {
        Command::Serve { listen } | Command::Demo { listen } => listen.clone(),
        _ => None,
    };
    let overrides = Overrides { listen };
    let load = || -> anyhow::Result<Config> { Ok(config::load(&data, &overrides)?) };
    match cli.command {
        Command::Init {
            admin_email,
            admin_name,
            agency,
        } => {
            init::run(&data, &admin_email, &admin_name, &agency)?;
        }
        Command::Serve { .. } => serve::run(load()?)?,
        Command::Demo { .. } => demo::run(&data, load)?,
        Command::User(command) => user::run(load()?, command)?,
        Command::Token(command) => token::run(load()?, command)?,
        Command::Healthcheck { url } => return healthcheck::run(load()?, url),
        Command::Check => return check::run(load()?),
        Command::Seed(args) => seed::run(&data, load, args)?,
        Command::Backup { to } => backup::run(load()?, &to)?,
        Command::Mail(command) => mail::run(load()?, command)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a password: prompted on a terminal, else the first line of stdin.
fn read_password(prompt: &str) -> anyhow::Result<String> {
    let stdin = std::io::stdin();
    let password = if stdin.is_terminal() {
        rpassword::prompt_password(prompt)?
    } else {
        let mut line = String::new();
        stdin.read_line(&mut line)?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    };
    crate::security::check_password_strength(&password)?;
    Ok(password)
}

/// Opens the store of an existing data directory for an admin command.
///
/// A missing database is an error here rather than created, so that a typo
/// in `--data` is not answered by an empty, healthy-looking agency.
fn open_store(config: &Config) -> anyhow::Result<crate::store::Store> {
    let db = config.data_dir.join(crate::store::DB_FILE);
    if !db.exists() {
        anyhow::bail!(
            "{} holds no glasshouse database; create one with `glasshouse init` or pass --data",
            config.data_dir.display()
        );
    }
    open_store_with(config, Default::default())
}

/// Opens (or creates) the store in the data directory, which must exist.
fn open_store_with(
    config: &Config,
    metrics: crate::metrics::StoreMetrics,
) -> anyhow::Result<crate::store::Store> {
    if !config.data_dir.is_dir() {
        anyhow::bail!(
            "the data directory {} does not exist; create it with `glasshouse init` or pass --data",
            config.data_dir.display()
        );
    }
    Ok(crate::store::Store::open(&config.data_dir, metrics)?)
}
