//! `glasshouse healthcheck`: asks a running server's `/healthz`.

use std::process::ExitCode;
use std::time::Duration;

use crate::config::Config;

pub fn run(config: Config, url: Option<String>) -> anyhow::Result<ExitCode> {
    let url = url.unwrap_or_else(|| {
        let mut addr = config.listen;
        if addr.ip().is_unspecified() {
            addr.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
        }
        format!("http://{addr}/healthz")
    });
    let agent = ureq::AgentBuilder::new()
        .timeout(Duration::from_secs(5))
        .build();
    match agent.get(&url).call() {
        Ok(response) if response.status() == 200 => {
            println!("ok: {url}");
            Ok(ExitCode::SUCCESS)
        }
        Ok(response) => {
            eprintln!("error: {url} answered {}", response.status());
            Ok(ExitCode::FAILURE)
        }
        Err(ureq::Error::Status(code, _)) => {
            eprintln!("error: {url} answered {code}");
            Ok(ExitCode::FAILURE)
        }
        Err(e) => {
            eprintln!("error: {url} did not answer: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}
