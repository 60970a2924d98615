//! Crash test on SQLite: waves of concurrent parties while a driver kills
//! the server with SIGKILL at random moments (after a random number of
//! answered requests, drawn from the printed seed) and starts it again on
//! the same database file. `PARTY_FAULT_KILLS` sets how many kills (3 by
//! default; the long run uses 50).

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::feed::FeedLog;
use super::net::Net;
use super::wave;
use super::{env_count, seed};
use crate::support::{Backend, spawn_app};

const PARTIES: usize = 3;
const PLAYERS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn parties_survive_kill_9_at_random_moments() {
    let seed = seed();
    let kills_wanted = env_count("PARTY_FAULT_KILLS", 3);
    let mut rng = StdRng::seed_from_u64(seed);
    let mut app = spawn_app(Backend::Sqlite).await;
    let net = Net::new(&app.base);
    let mut kills = 0;
    let mut parties = 0;
    let mut players = 0;
    let mut feeds: Vec<FeedLog> = Vec::new();
    while kills < kills_wanted {
        let route_net = net.clone();
        let route: Arc<wave::Route> = Arc::new(move |_| route_net.clone());
        let wave = tokio::spawn(wave::play(route, PARTIES, PLAYERS, rng.random()));
        while !wave.is_finished() && kills < kills_wanted {
            // A random moment: after 20 to 250 more answered requests.
            let at = net.counters.answered.load(Ordering::Relaxed) + rng.random_range(20..250);
            while net.counters.answered.load(Ordering::Relaxed) < at && !wave.is_finished() {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
            if wave.is_finished() {
                break;
            }
            app.kill().await;
            kills += 1;
            // Down for a moment, so some clients find nobody listening.
            tokio::time::sleep(Duration::from_millis(rng.random_range(0..200))).await;
            app.start().await;
            net.set_base(&app.base);
        }
        let report = wave.await.expect("a wave failed");
        parties += report.parties;
        players += report.players;
        feeds.extend(report.feeds);
    }
    let audit = net.assert_conserved().await;
    let events: u64 = feeds.iter().map(|f| f.events).sum();
    let reconnects: u32 = feeds.iter().map(|f| f.lifetimes - 1).sum();
    let jumps: usize = feeds.iter().map(|f| f.jumps.len()).sum();
    println!(
        "crash test: {kills} kills, {parties} parties of {PLAYERS} ({players} players) all reached \
         RESULTS; {events} socket events checked over {reconnects} reconnections ({jumps} snapshot \
         jumps); {} requests answered, {} retried; ledger: {} entries, wallets {} + vaults {} + \
         pools {} + house {} = {}",
        net.counters.answered.load(Ordering::Relaxed),
        net.counters.retried.load(Ordering::Relaxed),
        audit["entries"],
        audit["wallets"],
        audit["vaults"],
        audit["pools"],
        audit["house"],
        audit["sum"],
    );
    assert!(kills >= kills_wanted);
    assert!(reconnects > 0, "no socket ever had to reconnect");
}
