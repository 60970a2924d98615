//! Two instances on one PostgreSQL database, the players of each party
//! spread over both; one instance is killed with SIGKILL mid-party. The
//! sockets held by the survivor must never close; the players of the dead
//! one reconnect to the survivor and resume. Runs when
//! `PARTY_TEST_POSTGRES_URL` is set. `PARTY_FAULT_INSTANCE_RUNS` repeats
//! the whole scenario (default once), each time with two fresh instances
//! on a fresh database and fresh parties, for a longer hunt.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

use super::net::Net;
use super::{env_count, seed, wave};
use crate::support::{Backend, spawn_app};

const PARTIES: usize = 2;
const PLAYERS: usize = 4;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn members_on_the_surviving_instance_keep_their_sockets() {
    let Some(backend) = Backend::postgres() else {
        eprintln!("skipped: PARTY_TEST_POSTGRES_URL is not set");
        return;
    };
    let mut rng = StdRng::seed_from_u64(seed());
    let runs = env_count("PARTY_FAULT_INSTANCE_RUNS", 1);
    for run in 1..=runs {
        println!("instance kill: run {run} of {runs}");
        kill_one_of_two(backend.clone(), &mut rng).await;
    }
}

/// One run: two instances, the parties spread over both, one killed.
async fn kill_one_of_two(backend: Backend, rng: &mut StdRng) {
    let survivor = spawn_app(backend).await;
    let mut doomed = survivor.sibling().await;
    let to_survivor = Net::new(&survivor.base);
    let to_doomed = Net::new(&doomed.base);
    // Even players on the survivor, odd ones on the instance to be killed.
    let (a, b) = (to_survivor.clone(), to_doomed.clone());
    let route: Arc<wave::Route> = Arc::new(move |i| if i % 2 == 0 { a.clone() } else { b.clone() });
    let wave = tokio::spawn(wave::play(route, PARTIES, PLAYERS, rng.random()));

    // Mid-party: after a random number of requests answered by the victim.
    let at = rng.random_range(30..110);
    while to_doomed.counters.answered.load(Ordering::Relaxed) < at {
        assert!(!wave.is_finished(), "the parties ended before the kill");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    assert!(!wave.is_finished(), "the parties ended before the kill");
    doomed.kill().await;
    // Its clients find it gone and come back through the survivor (as a
    // load balancer would send them).
    to_doomed.set_base(&survivor.base);

    let report = wave.await.expect("the wave failed");
    for (i, feed) in report.feeds.iter().enumerate() {
        if i % 2 == 0 {
            assert_eq!(
                feed.lifetimes, 1,
                "a socket on the surviving instance was closed: {feed:?}"
            );
        } else {
            assert!(
                feed.lifetimes >= 2,
                "a socket on the killed instance stayed open: {feed:?}"
            );
        }
    }
    let audit = to_survivor.assert_conserved().await;
    let events: u64 = report.feeds.iter().map(|f| f.events).sum();
    let reconnects: u32 = report.feeds.iter().map(|f| f.lifetimes - 1).sum();
    println!(
        "instance kill: {PARTIES} parties of {PLAYERS} reached RESULTS; killed after {at} of the \
         {} requests answered to its players in all; {events} socket events checked, {reconnects} \
         reconnections; ledger: {} entries, sum {}",
        to_doomed.counters.answered.load(Ordering::Relaxed),
        audit["entries"],
        audit["sum"]
    );
}
