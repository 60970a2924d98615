//! `party-tui`: the Quipflip Party terminal client.
//!
//! The interactive client arrives with its own issue; until then the binary
//! answers `--version` and `--help` so the workspace builds end to end.

use clap::Parser;

/// The Quipflip Party terminal client.
#[derive(Debug, Parser)]
#[command(name = "party-tui", version, about)]
struct Cli {}

fn main() {
    let _cli = Cli::parse();
    println!(
        "party-tui {} (protocol v{}): the terminal client is not built yet; run `party-server` to host a game.",
        env!("CARGO_PKG_VERSION"),
        party_protocol::PROTOCOL_VERSION
    );
}
