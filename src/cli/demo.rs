//! `glasshouse demo`: a seeded demo agency, served at once.

use std::path::Path;

use anyhow::{Context, bail};

use crate::config::Config;
use crate::metrics::Metrics;

pub fn run(data: &Path, load: impl FnOnce() -> anyhow::Result<Config>) -> anyhow::Result<()> {
    std::fs::create_dir_all(data)
        .with_context(|| format!("cannot create the data directory {}", data.display()))?;
    let config = load()?;
    super::serve::init_logging(&config.log)?;
    let metrics = Metrics::new();
    let store = super::open_store_with(&config, metrics.store.clone())?;
    let links = crate::jobs::notify::Links::of(&config);
    let seeded = crate::demo::seed_if_empty(&store, &links)?;
    let Some(logins) = seeded else {
        bail!(
            "{} already holds data that is not a demo; choose another --data directory",
            data.display()
        );
    };
    let url = config.public_url.clone();
    let mail_dir = config.data_dir.join("mail");
    super::serve::serve(config, store, metrics, move || {
        println!("Glasshouse demo at {url}");
        println!("Sign in as any of (password: {}):", crate::demo::PASSWORD);
        for (email, role) in &logins {
            println!("  {email:<28} {role}");
        }
        println!(
            "Client contacts' sign-in links are emailed to {} (for example {}'s).",
            mail_dir.display(),
            crate::demo::CONTACTS[0].2
        );
    })
}
