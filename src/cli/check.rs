//! `glasshouse check`: roll-ups recomputed from entries, compared.

use std::io::Write;
use std::process::ExitCode;

use crate::config::Config;

pub fn run(config: Config) -> anyhow::Result<ExitCode> {
    let store = super::open_store(&config)?;
    let differences = store.read(crate::store::entries::check)?;
    if differences.is_empty() {
        println!("ok: roll-ups match the entries");
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = std::io::stdout().lock();
    for line in &differences {
        writeln!(out, "{line}")?;
    }
    eprintln!(
        "error: {} roll-up rows differ from the entries",
        differences.len()
    );
    Ok(ExitCode::FAILURE)
}
