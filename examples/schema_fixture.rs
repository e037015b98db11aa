//! Writes the database fixture that `tests/migrate.rs` opens:
//! `cargo run --example schema_fixture -- tests/fixtures/schema-v1.redb`.
//!
//! A fixture is written once per schema version and then kept as it is, so
//! that later versions are tested against files this one really wrote.

#[path = "../tests/fixtures/dataset.rs"]
mod dataset;

use std::path::PathBuf;

fn main() -> anyhow::Result<()> {
    let target: PathBuf = std::env::args_os()
        .nth(1)
        .map(PathBuf::from)
        .ok_or_else(|| anyhow::anyhow!("usage: schema_fixture FILE"))?;
    anyhow::ensure!(
        !target.exists(),
        "{} exists; remove it first",
        target.display()
    );
    let dir = tempfile::tempdir()?;
    {
        let store = glasshouse::store::Store::open(dir.path(), Default::default())?;
        dataset::write(&store)?;
    }
    let db = dir.path().join(glasshouse::store::DB_FILE);
    // Compacted, so the committed file holds the data and little else.
    redb::Database::open(&db)?.compact()?;
    std::fs::copy(&db, &target)?;
    println!("wrote {}", target.display());
    Ok(())
}
