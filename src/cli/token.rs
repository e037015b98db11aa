//! `glasshouse token`: API tokens for scripts and integrations.

use std::io::Write;

use clap::Subcommand;
use jiff::Timestamp;

use crate::config::Config;
use crate::domain::user::normalize_email;
use crate::security::{new_token, token_hash};
use crate::store::auth;

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token for a user and print it (shown only this once).
    Create {
        /// Email address of the user the token acts as.
        #[arg(long)]
        email: String,
        /// A name to recognise the token by.
        #[arg(long, default_value = "cli")]
        name: String,
    },
    /// List tokens (ids and names, never the secrets).
    List,
    /// Revoke a token by its id.
    Revoke {
        /// The token's id, as shown by `token list`.
        id: u64,
    },
}

pub fn run(config: Config, command: TokenCommand) -> anyhow::Result<()> {
    let store = super::open_store(&config)?;
    match command {
        TokenCommand::Create { email, name } => {
            let email = normalize_email(&email)?;
            let user = super::user::find(&store, &email)?;
            anyhow::ensure!(!user.disabled, "{email} is disabled");
            let secret = new_token();
            let hash = token_hash(&secret);
            let name = crate::domain::clean_name("name", &name, 80)?;
            store.write_blocking(move |txn| {
                auth::create_api_token(txn, &hash, user.id, &name, Timestamp::now())
            })?;
            println!("{secret}");
        }
        TokenCommand::List => {
            let mut out = std::io::stdout().lock();
            for t in store.read(auth::api_tokens)? {
                let (id, user, name, created) = (t.id, t.user_id, t.name, t.created_at);
                writeln!(out, "{id}\tuser {user}\t{name}\t{created}")?;
            }
        }
        TokenCommand::Revoke { id } => {
            let token = store
                .write_blocking(move |txn| auth::revoke_api_token(txn, id))
                .map_err(|e| match e {
                    crate::store::Error::NotFound => anyhow::anyhow!("no token with the id {id}"),
                    other => other.into(),
                })?;
            println!("revoked token {} ({})", token.id, token.name);
        }
    }
    Ok(())
}
