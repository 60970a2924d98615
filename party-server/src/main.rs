//! `party-server`: parses the configuration, sets up logging, serves.

use std::io::Write;

use clap::CommandFactory;
use party_server::config::LogFormat;
use party_server::{Application, Config};
use tracing_subscriber::EnvFilter;

/// mimalloc instead of the system allocator. With glibc's, the SQLite
/// writer thread slept on allocator locks thousands of times a second at
/// 1,000 parties: much of what one thread allocates another frees (a
/// request's parts, its rows, its answer), and a free from another thread
/// takes the owning arena's lock. mimalloc frees across threads without one.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = match Config::load() {
        Ok(config) => config,
        Err(err) => {
            eprintln!("party-server: {err:#}");
            return std::process::ExitCode::from(2);
        }
    };
    if let Some(docs) = &config.docs {
        return match docs.run(Config::command(), &mut std::io::stdout().lock()) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("party-server: {err}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    // Logs go to stderr; stdout carries only the "listening on" line that
    // scripts and tests read to learn the port.
    let logs = tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_new(&config.log).unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr);
    match config.log_format {
        LogFormat::Text => logs.init(),
        // Each line carries its event's span and the spans around it (the
        // request, then the use case) with their fields.
        LogFormat::Json => logs.json().init(),
    }
    match serve(&config).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!(error = %err, "party-server failed");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn serve(config: &Config) -> party_server::Result<()> {
    let app = Application::build(config).await?;
    let addr = app.local_addr()?;
    let url = app.url()?;
    tracing::info!(%addr, database = %party_server::config::redact_url(&config.database_url()), "listening");
    println!("party-server listening on {url}");
    let _ = std::io::stdout().flush();
    app.run(party_server::startup::shutdown_signal()).await
}
