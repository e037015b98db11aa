//! `glasshouse user`: add, list, set passwords, disable.

use std::io::Write;

use anyhow::{Context, bail};
use clap::Subcommand;
use jiff::Timestamp;

use crate::config::Config;
use crate::domain::user::{Role, User, normalize_email};
use crate::security::hash_password;
use crate::store::auth::delete_sessions_of;
use crate::store::records::{self, Reads};
use crate::store::users::{self, NewUser};

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a staff account; the password is read from stdin or prompted.
    Add {
        /// Email address, used to sign in.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// owner, admin, manager or member.
        #[arg(long, default_value = "member")]
        role: String,
    },
    /// List staff accounts.
    List,
    /// Set a new password (read from stdin or prompted); signs the user out everywhere.
    SetPassword {
        /// Email address of the account.
        #[arg(long)]
        email: String,
    },
    /// Disable an account and end its sessions.
    Disable {
        /// Email address of the account.
        #[arg(long)]
        email: String,
    },
}

pub fn run(config: Config, command: UserCommand) -> anyhow::Result<()> {
    let store = super::open_store(&config)?;
    match command {
        UserCommand::Add { email, name, role } => {
            let email = normalize_email(&email)?;
            let name = crate::domain::clean_name("name", &name, 120)?;
            let role = Role::parse(&role)?;
            let password = super::read_password("Password: ")?;
            let hash = hash_password(&password);
            let user = store.write_blocking(move |txn| {
                let new = NewUser {
                    email: email.clone(),
                    name: name.clone(),
                    role,
                    password_hash: hash.clone(),
                };
                users::insert(txn, new, Timestamp::now())
            })?;
            println!(
                "added {} ({}) as {}",
                user.email,
                user.name,
                user.role.as_str()
            );
        }
        UserCommand::List => {
            let mut users = store.read(|txn| txn.all::<User>())?;
            users.sort_by_key(|u| u.id);
            let mut out = std::io::stdout().lock();
            for u in users {
                let state = if u.disabled { "disabled" } else { "active" };
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}\t{}",
                    u.id,
                    u.email,
                    u.role.as_str(),
                    state,
                    u.name
                )?;
            }
        }
        UserCommand::SetPassword { email } => {
            let email = normalize_email(&email)?;
            let user = find(&store, &email)?;
            let password = super::read_password("New password: ")?;
            let hash = hash_password(&password);
            store.write_blocking(move |txn| {
                let mut user: User = txn.must(user.id.0)?;
                user.password_hash = hash.clone();
                records::put_user(txn, &user)?;
                delete_sessions_of(txn, user.id)
            })?;
            println!("password changed for {email}; their sessions are ended");
        }
        UserCommand::Disable { email } => {
            let email = normalize_email(&email)?;
            let user = find(&store, &email)?;
            if user.role == Role::Owner {
                let owners = store.read(|txn| {
                    Ok(txn
                        .all::<User>()?
                        .iter()
                        .filter(|u| u.role == Role::Owner && !u.disabled)
                        .count())
                })?;
                if owners <= 1 {
                    bail!("{email} is the last active owner; make someone else owner first");
                }
            }
            store.write_blocking(move |txn| {
                let mut user: User = txn.must(user.id.0)?;
                user.disabled = true;
                records::put_user(txn, &user)?;
                delete_sessions_of(txn, user.id)
            })?;
            println!("disabled {email}");
        }
    }
    Ok(())
}

pub(super) fn find(store: &crate::store::Store, email: &str) -> anyhow::Result<User> {
    store
        .read(|txn| txn.user_by_email(email))?
        .with_context(|| format!("no user with the email {email}"))
}
