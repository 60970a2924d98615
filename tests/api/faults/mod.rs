//! Fault tests: the server is killed with SIGKILL while parties are being
//! played ([`crash`] on SQLite, [`instance_kill`] one of two instances on
//! PostgreSQL), and a state machine throws random lobby and play actions,
//! clock jumps and restarts at it ([`machine`]). After each, every party is
//! whole, every socket's events are gapless and unrepeated, and the ledger
//! balances. Seeds are printed so a failure can be replayed
//! (`PARTY_FAULT_SEED`); longer runs are behind `PARTY_FAULT_KILLS`,
//! `PARTY_FAULT_INSTANCE_RUNS` and `PARTY_FAULT_CASES`.

mod crash;
mod feed;
mod instance_kill;
mod machine;
mod net;
mod player;
mod wave;

/// The run's seed: `PARTY_FAULT_SEED` when set, else a fresh one; printed
/// either way so a failing run can be replayed exactly (as far as thread
/// timing allows).
fn seed() -> u64 {
    let seed = std::env::var("PARTY_FAULT_SEED")
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or_else(rand::random);
    println!("PARTY_FAULT_SEED={seed}");
    seed
}

/// A count from the environment, or `default`.
fn env_count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(default)
}
