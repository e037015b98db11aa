//! `glasshouse backup`: a consistent copy of the database in a new file.
//!
//! The copy is made from one read transaction (see `store/backup.rs`), so it
//! would be consistent under a running server too; from the command line it
//! needs the data directory to itself, and a running server makes it stop
//! with the directory-in-use error before anything is written.

use std::path::Path;

use crate::config::Config;

pub fn run(config: Config, to: &Path) -> anyhow::Result<()> {
    let store = super::open_store(&config)?;
    let backup = store.backup_to(to)?;
    println!(
        "wrote {} ({} tables, {} rows)",
        backup.path.display(),
        backup.tables,
        backup.rows
    );
    Ok(())
}
