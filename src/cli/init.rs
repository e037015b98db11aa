//! `glasshouse init`: a data directory, its config file and the first owner.

use std::path::Path;

use anyhow::{Context, bail};
use jiff::Timestamp;

use crate::config::{self, Config};
use crate::domain::user::{Role, User, normalize_email};
use crate::security::hash_password;
use crate::store::records::{self, Reads};
use crate::store::users::{self, NewUser};

pub fn run(data: &Path, email: &str, name: &str, agency: &str) -> anyhow::Result<()> {
    let email = normalize_email(email)?;
    let name = crate::domain::clean_name("name", name, 120)?;
    std::fs::create_dir_all(data)
        .with_context(|| format!("cannot create the data directory {}", data.display()))?;
    let config_path = data.join(config::FILE_NAME);
    if !config_path.exists() {
        std::fs::write(&config_path, config::SAMPLE)
            .with_context(|| format!("cannot write {}", config_path.display()))?;
    }
    let config = config::load(data, &Default::default())?;
    let store = super::open_store_with(&config, Default::default())?;
    let has_users = store.read(|txn| Ok(!txn.all::<User>()?.is_empty()))?;
    if has_users {
        bail!(
            "{} already has users; use `glasshouse user add` to add more",
            data.display()
        );
    }
    let password = super::read_password("Password for the owner: ")?;
    let hash = hash_password(&password);
    let agency = crate::domain::clean_name("agency", agency, 120)?;
    let owner = store.write_blocking(move |txn| {
        let mut settings = txn.settings()?;
        settings.name = agency.clone();
        records::put_settings(txn, &settings)?;
        let owner = NewUser {
            email: email.clone(),
            name: name.clone(),
            role: Role::Owner,
            password_hash: hash.clone(),
        };
        users::insert(txn, owner, Timestamp::now())
    })?;
    print_ready(&config, &owner);
    Ok(())
}

fn print_ready(config: &Config, owner: &User) {
    println!(
        "Created {} with owner {}.",
        config.data_dir.display(),
        owner.email
    );
    println!(
        "Start the server with: glasshouse --data {} serve",
        config.data_dir.display()
    );
}
