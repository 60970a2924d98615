//! A player who plays a party to the end whatever happens to the server:
//! each step starts from `GET /party/{id}/status` (the README's way for a
//! reconnecting client to resume, open round included), so a request whose
//! answer was lost in a crash is simply looked at again rather than
//! guessed at.

use std::sync::Arc;
use std::time::Duration;

use party_protocol::party::{PartyPhase, PartyStatusResponse};
use party_protocol::{ErrorCode, SessionId};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use super::net::Net;
use crate::support::Player;
use crate::support::phrases::Phrases;

/// Pause between polls while waiting for the others.
const IDLE: Duration = Duration::from_millis(40);
/// Steps one player may take before the test calls the party stuck.
const MAX_STEPS: usize = 4000;

/// Refusals a client meets when its earlier request did succeed but the
/// answer was lost, or when the others moved the party on meanwhile: the
/// next status read tells what to do.
const EXPECTED: &[ErrorCode] = &[
    ErrorCode::AlreadyInRound,
    ErrorCode::AlreadySubmitted,
    ErrorCode::WrongPhase,
    ErrorCode::CopiesComplete,
    ErrorCode::VotesComplete,
    ErrorCode::RoundNotActive,
    ErrorCode::Expired,
    ErrorCode::RoundNotFound,
    ErrorCode::InvalidPhrase,
    ErrorCode::DuplicatePhrase,
    ErrorCode::SessionAlreadyStarted,
    ErrorCode::NotEnoughPlayers,
];

fn refusal_expected(reply: &crate::support::Reply, what: &str) {
    let code = reply.body["error"].as_str().unwrap_or_default();
    assert!(
        EXPECTED.iter().any(|c| c.as_str() == code),
        "{what}: unexpected answer {} {}",
        reply.status,
        reply.body
    );
}

/// Creates a party, retrying a creation whose answer was lost by asking
/// which party the host is in.
pub async fn create(net: &Net, host: &Player, config: &Value) -> (SessionId, String) {
    let reply = net.post("/party/create", host, config).await;
    if reply.status.is_success() {
        let id: SessionId = serde_json::from_value(reply.body["session_id"].clone()).unwrap();
        return (id, reply.body["party_code"].as_str().unwrap().to_owned());
    }
    assert_eq!(
        reply.body["error"],
        ErrorCode::AlreadyInParty.as_str(),
        "{}",
        reply.body
    );
    let active: Value = net.get("/party/active", host).await.ok();
    let id: SessionId = serde_json::from_value(active["session_id"].clone()).unwrap();
    (id, active["party_code"].as_str().unwrap().to_owned())
}

/// Joins by code; a join whose answer was lost shows in `/party/active`.
pub async fn join(net: &Net, who: &Player, code: &str, session: SessionId) {
    let reply = net
        .post("/party/join", who, &json!({ "party_code": code }))
        .await;
    if reply.status.is_success() {
        return;
    }
    let active: Value = net.get("/party/active", who).await.ok();
    assert_eq!(
        active["session_id"],
        session.to_string(),
        "join refused ({}) and not in the party",
        reply.body
    );
}

/// One seat at the table.
pub struct Seat {
    pub net: Net,
    pub me: Player,
    pub session: SessionId,
    pub is_host: bool,
    /// Humans the host waits for before starting.
    pub party_size: usize,
    pub phrases: Arc<Phrases>,
    pub seed: u64,
}

/// What one step of a player did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The party is over (RESULTS).
    Over,
    /// Nothing to do but wait for the others.
    Waiting,
    /// A request that moves the game on was made.
    Acted,
}

/// Plays until the party reaches RESULTS; returns the phases seen, in order.
pub async fn play(seat: Seat) -> Vec<PartyPhase> {
    let mut rng = StdRng::seed_from_u64(seat.seed);
    let mut phases: Vec<PartyPhase> = Vec::new();
    for _ in 0..MAX_STEPS {
        // A little thinking time, so crashes land between all kinds of steps.
        tokio::time::sleep(Duration::from_millis(rng.random_range(0..12))).await;
        let (phase, step) = step(&seat, &mut rng).await;
        if let Some(&last) = phases.last() {
            assert!(last <= phase, "phase went back from {last} to {phase}");
        }
        if phases.last() != Some(&phase) {
            phases.push(phase);
        }
        match step {
            Step::Over => return phases,
            Step::Waiting => tokio::time::sleep(IDLE).await,
            Step::Acted => {}
        }
    }
    panic!(
        "{} took {MAX_STEPS} steps without the party reaching RESULTS",
        seat.me.username
    );
}

/// One move, decided from a fresh status read: get ready, start (the
/// host, once everyone is), finish the open round, or open the next one.
/// Returns the phase the status showed and what was done.
pub async fn step(seat: &Seat, rng: &mut StdRng) -> (PartyPhase, Step) {
    let Seat {
        net,
        me,
        session,
        is_host,
        party_size,
        phrases,
        ..
    } = seat;
    let path = |rest: &str| format!("/party/{session}{rest}");
    let status: PartyStatusResponse = net.get(&path("/status"), me).await.ok();
    let phase = status.current_phase;
    let Some(mine) = status.participants.iter().find(|p| p.player_id == me.id) else {
        panic!("{} is not in the party's status: {status:?}", me.username);
    };
    let step = match phase {
        PartyPhase::Results | PartyPhase::Completed => Step::Over,
        PartyPhase::Lobby => {
            use party_protocol::party::ParticipantStatus::{Joined, Ready};
            if mine.status == Joined {
                let reply = net.post_empty(&path("/ready"), me).await;
                if !reply.status.is_success() {
                    refusal_expected(&reply, "ready");
                }
                Step::Acted
            } else if *is_host
                && status.participants.len() >= *party_size
                && status.participants.iter().all(|p| p.status == Ready)
            {
                let reply = net.post_empty(&path("/start"), me).await;
                if !reply.status.is_success() {
                    refusal_expected(&reply, "start");
                }
                Step::Acted
            } else {
                Step::Waiting
            }
        }
        PartyPhase::Prompt | PartyPhase::Copy | PartyPhase::Vote => {
            if let Some(round) = &status.active_round {
                let choices = round.phrases.clone().map(Vec::from);
                submit(
                    net,
                    me,
                    *session,
                    &round.round_id.to_string(),
                    choices,
                    phrases,
                    rng,
                )
                .await;
                Step::Acted
            } else if mine.phase_complete {
                Step::Waiting
            } else {
                let kind = match phase {
                    PartyPhase::Prompt => "prompt",
                    PartyPhase::Copy => "copy",
                    _ => "vote",
                };
                let reply = net.post_empty(&path(&format!("/rounds/{kind}")), me).await;
                if reply.status.is_success() {
                    let choices = reply.body["phrases"].as_array().map(|a| {
                        a.iter()
                            .map(|p| p.as_str().unwrap_or_default().to_owned())
                            .collect()
                    });
                    let round = reply.body["round_id"].as_str().expect("round_id");
                    submit(net, me, *session, round, choices, phrases, rng).await;
                    Step::Acted
                } else {
                    refusal_expected(&reply, kind);
                    Step::Waiting
                }
            }
        }
    };
    (phase, step)
}

/// Submits a phrase (or, with `choices`, a vote) to an open round; a
/// refusal is left for the next status read to explain.
async fn submit(
    net: &Net,
    me: &Player,
    session: SessionId,
    round: &str,
    choices: Option<Vec<String>>,
    phrases: &Phrases,
    rng: &mut StdRng,
) {
    let phrase = match choices {
        Some(choices) => choices[rng.random_range(0..choices.len())].clone(),
        None => phrases.next(),
    };
    let reply = net
        .post(
            &format!("/party/{session}/rounds/{round}/submit"),
            me,
            &json!({ "phrase": phrase }),
        )
        .await;
    if !reply.status.is_success() {
        refusal_expected(&reply, "submit");
    }
}
