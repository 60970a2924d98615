//! A wave: several parties gathered and played at once by concurrent
//! players, each with a socket recorder, checked once all reached RESULTS.

use std::sync::Arc;

use futures::future::join_all;
use party_protocol::party::PartyPhase;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::feed::{Feed, FeedLog};
use super::net::Net;
use super::player::{self, Seat};
use crate::support::Player;
use crate::support::phrases::Phrases;

/// Two prompts each: more rounds, so more moments for a crash to land in.
pub fn config() -> Value {
    json!({ "prompts_per_player": 2, "votes_per_player": 3 })
}

/// Which server each player talks to (one [`Net`] per instance).
pub type Route = dyn Fn(usize) -> Net + Send + Sync;

/// What a wave's sockets saw.
#[derive(Debug, Default)]
pub struct WaveReport {
    pub parties: usize,
    pub players: usize,
    pub feeds: Vec<FeedLog>,
}

/// Gathers `parties` parties of `size` humans and plays them to RESULTS.
/// Player `i` of the wave (counting across parties) talks through `route(i)`.
pub async fn play(route: Arc<Route>, parties: usize, size: usize, seed: u64) -> WaveReport {
    let mut rng = StdRng::seed_from_u64(seed);
    let tasks: Vec<_> = (0..parties)
        .map(|p| {
            let route = route.clone();
            let party_seed: u64 = rng.random();
            tokio::spawn(async move {
                let nets: Vec<Net> = (0..size).map(|i| route(p * size + i)).collect();
                play_one(nets, p, party_seed).await
            })
        })
        .collect();
    let mut report = WaveReport {
        parties,
        players: parties * size,
        feeds: Vec::new(),
    };
    for task in join_all(tasks).await {
        report.feeds.extend(task.expect("a party task panicked"));
    }
    report
}

async fn play_one(nets: Vec<Net>, index: usize, seed: u64) -> Vec<FeedLog> {
    let mut humans: Vec<Player> = Vec::with_capacity(nets.len());
    for net in &nets {
        humans.push(net.guest().await);
    }
    let (session, code) = player::create(&nets[0], &humans[0], &config()).await;
    let mut feeds = vec![Feed::spawn(nets[0].clone(), humans[0].clone(), session)];
    for (net, who) in nets.iter().zip(&humans).skip(1) {
        player::join(net, who, &code, session).await;
        feeds.push(Feed::spawn(net.clone(), who.clone(), session));
    }
    // Phrases far apart per party, so no two parties' players collide often.
    let phrases = Arc::new(Phrases::starting_at(index * 17));
    let seats = nets.iter().zip(&humans).enumerate().map(|(i, (net, me))| {
        player::play(Seat {
            net: net.clone(),
            me: me.clone(),
            session,
            is_host: i == 0,
            party_size: humans.len(),
            phrases: phrases.clone(),
            seed: seed.wrapping_add(i as u64),
        })
    });
    for phases in join_all(seats).await {
        assert_eq!(phases.last(), Some(&PartyPhase::Results), "{phases:?}");
    }
    // Every player reads the results of the finished party.
    let results: Value = nets[0]
        .get(&format!("/party/{session}/results"), &humans[0])
        .await
        .ok();
    assert_eq!(
        results["rankings"].as_array().map(Vec::len),
        Some(humans.len()),
        "{results}"
    );
    let last: Value = nets[0]
        .get(&format!("/party/{session}/status"), &humans[0])
        .await
        .ok();
    let last = last["seq"].as_i64().expect("seq");
    let mut logs = Vec::with_capacity(feeds.len());
    for feed in feeds {
        let log = feed.finish(last).await;
        assert!(log.last >= Some(last), "{log:?}");
        logs.push(log);
    }
    logs
}
