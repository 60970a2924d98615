//! A state machine against the real server: random joins, readies,
//! leaves, kicks, rejoins, starts, play steps, whole phases played out by
//! every member, clock jumps and SIGKILL restarts by five players, with the invariants checked after every step:
//! no 5xx ever (the client fails the test on one), every refusal a
//! documented code with its documented status, the ledger replays to the
//! stored balances and sums to zero, and every party a player is in shows a
//! consistent status whose phase never moves back.
//!
//! `PARTY_FAULT_CASES` (default 6) and `PARTY_FAULT_STEPS` (default 40) set
//! the size of the run; `PARTY_FAULT_SEED` fixes proptest's seed.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use party_protocol::party::{PartyPhase, PartyStatusResponse, SessionStatus};
use party_protocol::{ErrorCode, SessionId};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngSeed};
use rand::SeedableRng;
use rand::rngs::StdRng;
use reqwest::Method;
use serde_json::{Value, json};

use super::net::Net;
use super::player::{self, Seat, Step};
use super::{env_count, seed};
use crate::support::phrases::Phrases;
use crate::support::{Backend, Player, Reply, TestApp, spawn_app};

/// Players in every case.
const PLAYERS: usize = 5;

#[derive(Debug, Clone)]
enum Action {
    /// The player opens a party (the newest party is the one others join).
    Create(usize),
    /// The player joins the newest party (again, after leaving: a rejoin).
    Join(usize),
    /// Every player in no party joins the newest one and gets ready (so
    /// that cases reach the play phases often, not only the lobby).
    Rally,
    Ready(usize),
    Leave(usize),
    /// The newest party's host removes the player.
    Kick(usize),
    /// The newest party's host starts it.
    Start,
    /// One move of the player in their party (round or submission).
    Play(usize),
    /// Every member of the newest party anyone is in plays until its phase
    /// moves on or nobody has a move left: in the lobby everyone in no party
    /// joins first, all get ready and the host starts, later they play their rounds (so that cases reach
    /// the copy, vote and results phases often, not only the first rounds).
    PlayOut,
    /// The manual clock jumps (deadlines pass, the sweeper runs).
    Clock(i64),
    /// SIGKILL and start again on the same database.
    Restart,
}

fn action() -> impl Strategy<Value = Action> {
    let who = 0..PLAYERS;
    prop_oneof![
        1 => who.clone().prop_map(Action::Create),
        4 => who.clone().prop_map(Action::Join),
        4 => Just(Action::Rally),
        4 => who.clone().prop_map(Action::Ready),
        1 => who.clone().prop_map(Action::Leave),
        1 => who.clone().prop_map(Action::Kick),
        3 => Just(Action::Start),
        10 => who.prop_map(Action::Play),
        8 => Just(Action::PlayOut),
        2 => prop::sample::select(vec![5_i64, 60, 200, 400]).prop_map(Action::Clock),
        1 => Just(Action::Restart),
    ]
}

/// A case: player 0 opens a party, then random actions. (Without a party
/// most actions would have nothing to act on.)
fn case() -> impl Strategy<Value = Vec<Action>> {
    prop::collection::vec(action(), 1..=env_count("PARTY_FAULT_STEPS", 40)).prop_map(|mut v| {
        v.insert(0, Action::Create(0));
        v
    })
}

fn config() -> Config {
    Config {
        cases: env_count("PARTY_FAULT_CASES", 6) as u32,
        rng_seed: RngSeed::Fixed(seed()),
        // Each case starts a server: a failure shrinks, but not for long.
        max_shrink_iters: 64,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]
    #[test]
    fn random_party_actions_keep_the_invariants(actions in case()) {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .expect("runtime");
        rt.block_on(run(actions));
    }
}

/// One case: a fresh server and five players.
struct Machine {
    app: TestApp,
    net: Net,
    players: Vec<Player>,
    /// Parties opened so far, newest last: (session, code).
    parties: Vec<(SessionId, String)>,
    /// The furthest phase each party was seen in.
    phases: HashMap<SessionId, PartyPhase>,
    phrases: Arc<Phrases>,
    rng: StdRng,
    /// Requests accepted, and refusals by code, for the case's summary line.
    accepted: usize,
    refused: BTreeMap<String, usize>,
    restarts: usize,
    /// Seconds the manual clock was moved since the server started.
    clock: i64,
}

async fn run(actions: Vec<Action>) {
    let app = spawn_app(Backend::Sqlite).await;
    let net = Net::new(&app.base);
    let mut players = Vec::with_capacity(PLAYERS);
    for _ in 0..PLAYERS {
        players.push(net.guest().await);
    }
    let mut machine = Machine {
        app,
        net,
        players,
        parties: Vec::new(),
        phases: HashMap::new(),
        phrases: Arc::new(Phrases::default()),
        rng: StdRng::seed_from_u64(0),
        accepted: 0,
        refused: BTreeMap::new(),
        restarts: 0,
        clock: 0,
    };
    for (i, action) in actions.iter().enumerate() {
        machine.apply(action).await;
        machine
            .check()
            .await
            .unwrap_or_else(|why| panic!("after step {i} ({action:?}): {why}"));
    }
    let furthest = machine.phases.values().max();
    println!(
        "machine case: {} steps, {} restarts, {} requests accepted, refused {:?}, furthest phase {furthest:?}",
        actions.len(),
        machine.restarts,
        machine.accepted,
        machine.refused,
    );
}

impl Machine {
    fn newest(&self) -> Option<(SessionId, String)> {
        self.parties.last().cloned()
    }

    /// The party `who` is in, if any.
    async fn active(&self, who: usize) -> Option<SessionId> {
        let body: Value = self.net.get("/party/active", &self.players[who]).await.ok();
        serde_json::from_value(body["session_id"].clone()).ok()
    }

    async fn status(&self, session: SessionId, who: usize) -> Reply {
        self.net
            .get(&format!("/party/{session}/status"), &self.players[who])
            .await
    }

    /// `POST /party/{id}{rest}` by `who` in their own party (none: not in one).
    async fn in_own_party(&self, who: usize, rest: &str) -> Option<Reply> {
        let session = self.active(who).await?;
        Some(
            self.net
                .post_empty(&format!("/party/{session}{rest}"), &self.players[who])
                .await,
        )
    }

    /// The host of the newest party, as the server names it.
    async fn host_of_newest(&self) -> Option<(SessionId, usize)> {
        let status = self.newest_status().await?;
        let host = self
            .players
            .iter()
            .position(|p| p.id == status.host_player_id)?;
        Some((status.session_id, host))
    }

    /// The Rally action: every player in no party joins the newest one and
    /// gets ready.
    async fn rally(&mut self, action: &Action) {
        let Some((_, code)) = self.newest() else {
            return;
        };
        for who in 0..PLAYERS {
            if self.active(who).await.is_none() {
                let reply = self
                    .net
                    .post(
                        "/party/join",
                        &self.players[who],
                        &json!({ "party_code": code }),
                    )
                    .await;
                let joined = reply.status.is_success();
                self.tally(action, Some(reply));
                if joined {
                    let reply = self.in_own_party(who, "/ready").await;
                    self.tally(action, reply);
                }
            }
        }
    }

    /// The newest party's status as the first player allowed to read it
    /// sees it.
    async fn newest_status(&self) -> Option<PartyStatusResponse> {
        let (session, _) = self.newest()?;
        for who in 0..PLAYERS {
            let reply = self.status(session, who).await;
            if reply.status.is_success() {
                return Some(reply.ok());
            }
        }
        None
    }

    /// A seat for `who` in `session`, as the Play actions use it.
    fn seat(&self, who: usize, session: SessionId) -> Seat {
        Seat {
            net: self.net.clone(),
            me: self.players[who].clone(),
            session,
            // Starting is the Start action's business.
            is_host: false,
            party_size: PLAYERS,
            phrases: self.phrases.clone(),
            seed: 0,
        }
    }

    /// The `PlayOut` action: the newest party some player is in (after a
    /// rally when the newest party is still open) is played by all its
    /// members in turn until the phase changes or a whole turn
    /// makes no move (waiting on nobody, or a refusal); bounded by `TURNS`.
    async fn play_out(&mut self, action: &Action) {
        const TURNS: usize = 12;
        // A party still in its lobby needs players before it can start.
        if self
            .newest_status()
            .await
            .is_some_and(|s| s.current_phase == PartyPhase::Lobby)
        {
            self.rally(action).await;
        }
        let mut members: Vec<(usize, SessionId)> = Vec::new();
        for who in 0..PLAYERS {
            if let Some(session) = self.active(who).await {
                members.push((who, session));
            }
        }
        let Some(session) = self
            .parties
            .iter()
            .rev()
            .map(|(s, _)| *s)
            .find(|s| members.iter().any(|(_, m)| m == s))
        else {
            return;
        };
        let members: Vec<usize> = members
            .iter()
            .filter(|(_, s)| *s == session)
            .map(|&(who, _)| who)
            .collect();
        let status: PartyStatusResponse = self.status(session, members[0]).await.ok();
        let seats: Vec<Seat> = members
            .iter()
            .map(|&who| Seat {
                // In the lobby the host starts once every member is ready.
                is_host: self.players[who].id == status.host_player_id,
                party_size: members.len(),
                ..self.seat(who, session)
            })
            .collect();
        let mut from = None;
        for _ in 0..TURNS {
            let mut moved = false;
            for seat in &seats {
                let (phase, step) = player::step(seat, &mut self.rng).await;
                if *from.get_or_insert(phase) != phase {
                    return;
                }
                moved |= step == Step::Acted;
            }
            if !moved {
                return;
            }
        }
    }

    async fn apply(&mut self, action: &Action) {
        let reply = match *action {
            Action::Create(who) => {
                let reply = self
                    .net
                    .post("/party/create", &self.players[who], &json!({}))
                    .await;
                if reply.status.is_success() {
                    let session = serde_json::from_value(reply.body["session_id"].clone())
                        .expect("session_id");
                    let code = reply.body["party_code"].as_str().expect("code").to_owned();
                    self.parties.push((session, code));
                }
                Some(reply)
            }
            Action::Join(who) => match self.newest() {
                Some((_, code)) => Some(
                    self.net
                        .post(
                            "/party/join",
                            &self.players[who],
                            &json!({ "party_code": code }),
                        )
                        .await,
                ),
                None => None,
            },
            Action::Rally => {
                self.rally(action).await;
                None
            }
            Action::Ready(who) => self.in_own_party(who, "/ready").await,
            Action::Leave(who) => self.in_own_party(who, "/leave").await,
            Action::Kick(who) => match self.host_of_newest().await {
                Some((session, host)) => Some(
                    self.net
                        .call(
                            Method::DELETE,
                            &format!("/party/{session}/participants/{}", self.players[who].id),
                            Some(&self.players[host].token),
                            None,
                        )
                        .await,
                ),
                None => None,
            },
            Action::Start => match self.host_of_newest().await {
                Some((session, host)) => Some(
                    self.net
                        .post_empty(&format!("/party/{session}/start"), &self.players[host])
                        .await,
                ),
                None => None,
            },
            Action::Play(who) => {
                if let Some(session) = self.active(who).await {
                    let seat = self.seat(who, session);
                    player::step(&seat, &mut self.rng).await;
                }
                None
            }
            Action::PlayOut => {
                self.play_out(action).await;
                None
            }
            Action::Clock(seconds) => {
                // Access tokens live two hours of server time: a case stays
                // well inside that (a restart starts the clock from now).
                if self.clock + seconds < 3600 {
                    self.clock += seconds;
                    self.net.advance(seconds).await;
                }
                None
            }
            Action::Restart => {
                self.app.kill().await;
                self.app.start().await;
                self.net.set_base(&self.app.base);
                self.restarts += 1;
                self.clock = 0;
                None
            }
        };
        self.tally(action, reply);
    }

    /// Counts a reply (and prints it with `PARTY_FAULT_TRACE`); a refusal
    /// must be documented.
    fn tally(&mut self, action: &Action, reply: Option<Reply>) {
        if std::env::var("PARTY_FAULT_TRACE").is_ok() {
            println!(
                "{action:?} -> {:?}",
                reply.as_ref().map(|r| (r.status, r.body["error"].clone()))
            );
        }
        match reply {
            Some(reply) if reply.status.is_success() => self.accepted += 1,
            Some(reply) => {
                documented_refusal(&reply);
                let code = reply.body["error"].as_str().unwrap_or_default().to_owned();
                *self.refused.entry(code).or_default() += 1;
            }
            None => {}
        }
    }

    /// The invariants, with what broke as the error.
    async fn check(&mut self) -> Result<(), String> {
        self.net.assert_conserved().await;
        // Each player is in at most one party (the server's `/party/active`
        // names it), and that party lists them.
        for who in 0..PLAYERS {
            let Some(session) = self.active(who).await else {
                continue;
            };
            let reply = self.status(session, who).await;
            if !reply.status.is_success() {
                return Err(format!(
                    "player {who} is in {session} but cannot read it: {}",
                    reply.body
                ));
            }
            let status: PartyStatusResponse = reply.ok();
            let me = self.players[who].id;
            if !status.participants.iter().any(|p| p.player_id == me) {
                return Err(format!(
                    "player {who} is in a party that does not list them"
                ));
            }
        }
        // Every party still readable by one of its players is consistent
        // and has not gone back a phase.
        for (session, _) in self.parties.clone() {
            let mut status = None;
            for who in 0..PLAYERS {
                let reply = self.status(session, who).await;
                if reply.status.is_success() {
                    status = Some(reply.ok::<PartyStatusResponse>());
                    break;
                }
            }
            if let Some(status) = status {
                self.check_party(session, &status)?;
            }
        }
        Ok(())
    }

    fn check_party(
        &mut self,
        session: SessionId,
        status: &PartyStatusResponse,
    ) -> Result<(), String> {
        let count = status.participants.len() as i64;
        if !status
            .participants
            .iter()
            .any(|p| p.player_id == status.host_player_id)
        {
            return Err(format!("the host is no participant: {status:?}"));
        }
        if count > status.max_players || status.min_players > status.max_players {
            return Err(format!("{count} participants: {status:?}"));
        }
        let phase = status.current_phase;
        let consistent = match status.status {
            SessionStatus::Open => phase == PartyPhase::Lobby,
            SessionStatus::InProgress => matches!(
                phase,
                PartyPhase::Prompt | PartyPhase::Copy | PartyPhase::Vote
            ),
            SessionStatus::Completed | SessionStatus::Abandoned => phase >= PartyPhase::Results,
        };
        if !consistent {
            return Err(format!("status {:?} in phase {phase}", status.status));
        }
        let furthest = self.phases.entry(session).or_insert(phase);
        if phase < *furthest {
            return Err(format!("{session} went back from {furthest} to {phase}"));
        }
        *furthest = phase;
        Ok(())
    }
}

/// A refusal must carry a known code with that code's documented status.
fn documented_refusal(reply: &Reply) {
    let code: ErrorCode =
        serde_json::from_value(reply.body["error"].clone()).unwrap_or_else(|_| {
            panic!(
                "refusal without a known code: {} {}",
                reply.status, reply.body
            )
        });
    assert_eq!(
        reply.status.as_u16(),
        code.http_status(),
        "status of {code}: {}",
        reply.body
    );
}
