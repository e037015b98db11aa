//! `glasshouse demo`: a seeded demo agency, served at once.

use std::path::Path;

use anyhow::bail;

use crate::config::Config;
use crate::metrics::Metrics;
use crate::store::Store;

pub fn run(data: &Path, load: impl FnOnce() -> anyhow::Result<Config>) -> anyhow::Result<()> {
    std::fs::create_dir_all(data)?;
    let config = load()?;
    super::serve::init_logging(&config.log);
    let metrics = Metrics::new();
    let store = Store::open(&config.data_dir, metrics.store.clone())?;
    let seeded = crate::demo::seed_if_empty(&store)?;
    let Some(logins) = seeded else {
        bail!(
            "{} already holds data that is not a demo; choose another --data directory",
            data.display()
        );
    };
    let url = config.public_url.clone();
    super::serve::serve(config, store, metrics, move || {
        println!("Glasshouse demo at {url}");
        println!("Sign in as any of (password: {}):", crate::demo::PASSWORD);
        for (email, role) in &logins {
            println!("  {email:<28} {role}");
        }
    })
}
