//! The lobby and a party's life around the game itself (game-rules §6,
//! api.md "Party Mode beyond the plan"): joining by code, the host role,
//! leaving, kicking, one party per player, bots, play-again, forfeiting
//! after the start, idle parties and stale lobbies.

use std::collections::HashMap;

use party_protocol::party::{
    ParticipantStatus, PartyPhase, PartyPromptRoundResponse, PartySessionResponse,
    PlayAgainResponse, SessionStatus,
};
use party_protocol::round::{RoundDetails, RoundStatus};
use party_protocol::{ErrorCode, PlayerId, SessionId};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::audit::money;
use crate::support::http::sign_in_again;
use crate::support::party::{Party, active, add_bots, create, join, kick, leave, status};
use crate::support::play::{COPY, COPY_SECONDS, GRACE, PENALTY, PROMPT, START};
use crate::support::{Backend, Player, TestApp, spawn_app, spawn_app_with_rules};

/// How long a party may sit idle, and a lobby stand, before it is closed.
const IDLE_TIMEOUT: i64 = 2 * 3600;
const LOBBY_MAX_AGE: i64 = 24 * 3600;

async fn join_ok(app: &TestApp, who: &Player, code: &str) -> PartySessionResponse {
    join(app, who, code).await.ok()
}

/// Everyone in `ready` gets ready, then the first of them (the host)
/// starts the party.
async fn ready_and_start(app: &TestApp, session: SessionId, ready: &[&Player]) {
    for p in ready {
        app.post_empty(&format!("/party/{session}/ready"), &p.token)
            .await
            .ok::<Value>();
    }
    app.post_empty(&format!("/party/{session}/start"), &ready[0].token)
        .await
        .ok::<Value>();
}

/// How many participants `who` sees in the party.
async fn headcount(app: &TestApp, session: SessionId, who: &Player) -> usize {
    status(app, session, who).await.participants.len()
}

/// Like `Party::gather` (the first player hosts, everyone gets ready), but
/// the clock moves a second before each join: "earliest joined" is decided
/// by join time, and under the still-standing manual clock every join
/// would otherwise happen in the same millisecond.
async fn gather_in_turn(app: &TestApp, humans: Vec<Player>) -> Party<'_> {
    let created = create(app, &humans[0], json!({})).await;
    for h in &humans[1..] {
        app.advance(1).await;
        join_ok(app, h, &created.party_code).await;
    }
    for h in &humans {
        app.post_empty(&format!("/party/{}/ready", created.session_id), &h.token)
            .await
            .ok::<Value>();
    }
    Party::driver(app, created.session_id, created.party_code, humans)
}

async fn party_codes_are_matched_case_insensitively(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let lobby = create(&app, &players[0], json!({})).await;
    let code = lobby.party_code.clone();
    assert_eq!(code.as_str(), code.to_uppercase());
    let lower = join_ok(&app, &players[1], &code.to_lowercase()).await;
    assert_eq!(lower.session_id, lobby.session_id);
    // Mixed case, with the separator and spaces people type.
    let typed = format!(
        "  {}-{} ",
        code[..2].to_lowercase() + &code[2..4],
        &code[4..]
    );
    let mixed = join_ok(&app, &players[2], &typed).await;
    assert_eq!(mixed.session_id, lobby.session_id);
    assert_eq!(mixed.party_code, code);
    assert_eq!(mixed.participants.len(), 3);
    app.assert_conserved().await;
}

async fn when_the_host_leaves_the_lobby_the_earliest_joined_human_becomes_host(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let (first, second, third) = (&players[0], &players[1], &players[2]);
    let lobby = create(&app, first, json!({})).await;
    // A bot joins before the humans: it never becomes host. (The clock
    // moves between joins so that joining order is a matter of time.)
    add_bots(&app, first, lobby.session_id, 1)
        .await
        .ok::<Value>();
    app.advance(1).await;
    join_ok(&app, second, &lobby.party_code).await;
    app.advance(1).await;
    join_ok(&app, third, &lobby.party_code).await;

    leave(&app, first, lobby.session_id).await;
    let now = status(&app, lobby.session_id, third).await;
    assert_eq!(now.host_player_id, second.id);
    let hosts: Vec<PlayerId> = now
        .participants
        .iter()
        .filter(|p| p.is_host)
        .map(|p| p.player_id)
        .collect();
    assert_eq!(hosts, [second.id], "exactly one host");
    assert!(now.participants.iter().all(|p| p.player_id != first.id));
    assert_eq!(now.participants.len(), 3, "the bot and two humans");
    // The old host is out; the new host has the host's powers.
    app.get(&format!("/party/{}/status", lobby.session_id), &first.token)
        .await
        .err(ErrorCode::NotAParticipant);
    assert_eq!(active(&app, first).await.session_id, None);
    add_bots(&app, third, lobby.session_id, 1)
        .await
        .err(ErrorCode::NotHost);
    add_bots(&app, second, lobby.session_id, 1)
        .await
        .ok::<Value>();

    // And on: the next human in joining order.
    leave(&app, second, lobby.session_id).await;
    let now = status(&app, lobby.session_id, third).await;
    assert_eq!(now.host_player_id, third.id);
    assert!(
        now.participants
            .iter()
            .all(|p| p.is_host == (p.player_id == third.id))
    );
    app.assert_conserved().await;
}

/// Joins in the same millisecond (the manual clock does not move here)
/// still have an order: the host role walks down it one leave at a time.
async fn the_host_role_follows_joining_order_even_within_one_millisecond(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(6).await;
    let lobby = create(&app, &players[0], json!({})).await;
    for p in &players[1..] {
        join_ok(&app, p, &lobby.party_code).await;
    }
    let last = players.last().expect("six players");
    for (i, leaving) in players[..players.len() - 1].iter().enumerate() {
        leave(&app, leaving, lobby.session_id).await;
        let now = status(&app, lobby.session_id, last).await;
        assert_eq!(
            now.host_player_id,
            players[i + 1].id,
            "after {} left, the next joiner hosts",
            i + 1
        );
    }
    app.assert_conserved().await;
}

async fn when_the_last_human_leaves_the_lobby_is_removed(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let (host, guest, latecomer) = (&players[0], &players[1], &players[2]);
    let lobby = create(&app, host, json!({})).await;
    add_bots(&app, host, lobby.session_id, 2)
        .await
        .ok::<Value>();
    join_ok(&app, guest, &lobby.party_code).await;
    leave(&app, guest, lobby.session_id).await;
    // Bots alone do not keep a lobby.
    leave(&app, host, lobby.session_id).await;
    for p in [host, guest] {
        app.get(&format!("/party/{}/status", lobby.session_id), &p.token)
            .await
            .err(ErrorCode::SessionNotFound);
        assert_eq!(active(&app, p).await.session_id, None);
    }
    join(&app, latecomer, &lobby.party_code)
        .await
        .err(ErrorCode::SessionNotFound);
    app.assert_conserved().await;
}

async fn a_kicked_player_is_out_and_free_to_join_another_party(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(5).await;
    let (host, kicked, stays, also, elsewhere) = (
        &players[0],
        &players[1],
        &players[2],
        &players[3],
        &players[4],
    );
    let lobby = create(&app, host, json!({})).await;
    for p in [kicked, stays, also] {
        join_ok(&app, p, &lobby.party_code).await;
    }
    let before = money(&app, &players).await;
    let out: Value = kick(&app, host, lobby.session_id, kicked).await.ok();
    assert_eq!(out["success"], true);
    app.get(
        &format!("/party/{}/status", lobby.session_id),
        &kicked.token,
    )
    .await
    .err(ErrorCode::NotAParticipant);
    assert_eq!(active(&app, kicked).await.session_id, None);
    let now = status(&app, lobby.session_id, host).await;
    assert_eq!(now.participants.len(), 3);
    assert!(now.participants.iter().all(|p| p.player_id != kicked.id));
    assert_eq!(money(&app, &players).await, before, "kicking moves no coin");

    // Kicking someone who is not (or no longer) there, or oneself.
    kick(&app, host, lobby.session_id, kicked)
        .await
        .err(ErrorCode::NotAParticipant);
    kick(&app, host, lobby.session_id, host)
        .await
        .err(ErrorCode::InvalidRequest);

    // The kicked player joins another party.
    let other = create(&app, elsewhere, json!({})).await;
    let joined = join_ok(&app, kicked, &other.party_code).await;
    assert_eq!(joined.session_id, other.session_id);
    assert_eq!(
        active(&app, kicked).await.session_id,
        Some(other.session_id)
    );

    // Once the party runs, nobody is kicked.
    ready_and_start(&app, lobby.session_id, &[host, stays, also]).await;
    kick(&app, host, lobby.session_id, stays)
        .await
        .err(ErrorCode::SessionAlreadyStarted);
    assert_eq!(headcount(&app, lobby.session_id, host).await, 3);
    app.assert_conserved().await;
}

async fn a_player_is_in_one_active_party_at_a_time(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(4).await;
    let (a, b, c, d) = (&players[0], &players[1], &players[2], &players[3]);
    let first = create(&app, a, json!({})).await;
    let second = create(&app, b, json!({})).await;

    let mine = active(&app, b).await;
    assert_eq!(mine.session_id, Some(second.session_id));
    assert_eq!(mine.party_code.as_deref(), Some(second.party_code.as_str()));
    assert_eq!(mine.current_phase, Some(PartyPhase::Lobby));
    assert_eq!(mine.status, Some(SessionStatus::Open));
    assert_eq!(active(&app, c).await.session_id, None);

    join(&app, b, &first.party_code)
        .await
        .err(ErrorCode::AlreadyInParty);
    app.post("/party/create", &a.token, json!({}))
        .await
        .err(ErrorCode::AlreadyInParty);
    assert_eq!(active(&app, b).await.session_id, Some(second.session_id));
    assert_eq!(headcount(&app, first.session_id, a).await, 1);

    // Leaving frees the player.
    leave(&app, b, second.session_id).await;
    assert_eq!(active(&app, b).await.session_id, None);
    join_ok(&app, b, &first.party_code).await;
    join_ok(&app, c, &first.party_code).await;
    assert_eq!(active(&app, b).await.session_id, Some(first.session_id));

    // A running party holds its players too.
    ready_and_start(&app, first.session_id, &[a, b, c]).await;
    let running = active(&app, c).await;
    assert_eq!(running.session_id, Some(first.session_id));
    assert_eq!(running.current_phase, Some(PartyPhase::Prompt));
    assert_eq!(running.status, Some(SessionStatus::InProgress));
    let third = create(&app, d, json!({})).await;
    join(&app, c, &third.party_code)
        .await
        .err(ErrorCode::AlreadyInParty);
    // Until they leave it.
    leave(&app, c, first.session_id).await;
    assert_eq!(active(&app, c).await.session_id, None);
    join_ok(&app, c, &third.party_code).await;
    app.assert_conserved().await;
}

async fn only_the_host_adds_bots_only_in_the_lobby_and_bots_take_seats(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let (host, guest, late) = (&players[0], &players[1], &players[2]);
    let lobby = create(&app, host, json!({"max_players": 4})).await;
    join_ok(&app, guest, &lobby.party_code).await;
    add_bots(&app, guest, lobby.session_id, 1)
        .await
        .err(ErrorCode::NotHost);
    add_bots(&app, host, lobby.session_id, 0)
        .await
        .err(ErrorCode::InvalidRequest);

    let added: Value = add_bots(&app, host, lobby.session_id, 2).await.ok();
    assert_eq!(added["participant_count"], 4);
    let bots = added["added"].as_array().expect("added bots");
    assert_eq!(bots.len(), 2);
    for bot in bots {
        assert_eq!(bot["is_bot"], true);
        assert_eq!(bot["is_host"], false);
        assert_eq!(bot["status"], "READY", "bots are always ready");
    }
    // Two humans and two bots fill a party for four.
    join(&app, late, &lobby.party_code)
        .await
        .err(ErrorCode::SessionFull);
    let now = status(&app, lobby.session_id, host).await;
    assert_eq!(now.participants.len(), 4);
    assert_eq!(now.participants.iter().filter(|p| p.is_bot).count(), 2);

    // Bots count as ready players: host + bots are enough to start.
    ready_and_start(&app, lobby.session_id, &[host]).await;
    add_bots(&app, host, lobby.session_id, 1)
        .await
        .err(ErrorCode::SessionAlreadyStarted);
    assert_eq!(headcount(&app, lobby.session_id, host).await, 4);
    app.assert_conserved().await;
}

async fn the_host_opens_a_new_lobby_from_results_with_the_others_in_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let mut party = Party::gather(&app, players.clone(), 0).await;
    let (host, guest, third) = (&players[0], &players[1], &players[2]);
    party.start().await;
    // Not before RESULTS.
    app.post_empty(&party.path("/play-again"), &host.token)
        .await
        .err(ErrorCode::WrongPhase);
    party.play_prompts().await;
    party.play_copies().await;
    // Three players have no party set to vote on: they vote on global ones.
    assert_eq!(party.note_phase().await, PartyPhase::Vote);
    party.play_votes().await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);

    app.post_empty(&party.path("/play-again"), &guest.token)
        .await
        .err(ErrorCode::NotHost);
    let before = money(&app, &players).await;
    let again: PlayAgainResponse = app
        .post_empty(&party.path("/play-again"), &host.token)
        .await
        .ok();
    assert_ne!(again.new_session_id, party.id);
    assert_ne!(again.party_code, party.code);
    // Asking twice gives the same new lobby.
    let twice: PlayAgainResponse = app
        .post_empty(&party.path("/play-again"), &host.token)
        .await
        .ok();
    assert_eq!(twice, again);
    assert_eq!(money(&app, &players).await, before);

    let old = party.status(guest).await;
    assert_eq!(old.next_session_id, Some(again.new_session_id));
    assert_eq!(old.current_phase, PartyPhase::Results);

    let new_lobby = status(&app, again.new_session_id, host).await;
    assert_eq!(new_lobby.party_code, again.party_code);
    assert_eq!(new_lobby.host_player_id, host.id);
    assert_eq!(new_lobby.current_phase, PartyPhase::Lobby);
    assert_eq!(
        active(&app, host).await.session_id,
        Some(again.new_session_id)
    );
    // Play-again brought them along already.
    for p in [guest, third] {
        join(&app, p, &again.party_code)
            .await
            .err(ErrorCode::AlreadyJoined);
    }
    let new_lobby = status(&app, again.new_session_id, host).await;
    let mut members: Vec<PlayerId> = new_lobby.participants.iter().map(|p| p.player_id).collect();
    members.sort();
    let mut expected: Vec<PlayerId> = players.iter().map(|p| p.id).collect();
    expected.sort();
    assert_eq!(members, expected);
    // The same settings as the party before.
    assert_eq!(
        (new_lobby.min_players, new_lobby.max_players),
        (old.min_players, old.max_players)
    );
    // The new lobby has no results to play again from.
    app.post_empty(
        &format!("/party/{}/play-again", again.new_session_id),
        &host.token,
    )
    .await
    .err(ErrorCode::WrongPhase);
    app.assert_conserved().await;
}

/// The host opens a prompt round and leaves: the round is abandoned with the
/// normal refund, the host role passes on, and the three others play on. In
/// COPY one of them writes a single copy and another opens a round and lets
/// it run out: at the phase deadline the open round is expired with the
/// normal refund and a stand-in bot writes every missing copy, so all three
/// phrasesets complete and the party reaches RESULTS.
async fn leaving_after_the_start_forfeits_and_the_party_still_reaches_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(4).await;
    let mut party = gather_in_turn(&app, players.clone()).await;
    party.start().await;
    let leaver = players[0].clone();
    let round: PartyPromptRoundResponse = app
        .post_empty(&party.path("/rounds/prompt"), &leaver.token)
        .await
        .ok();
    assert_eq!(app.balances(&leaver).await, (START - PROMPT, 0));
    leave(&app, &leaver, party.id).await;
    assert_eq!(app.balances(&leaver).await, (START - PENALTY, 0));
    let details: RoundDetails = app
        .get(&format!("/rounds/{}", round.round_id), &leaver.token)
        .await
        .ok();
    assert_eq!(details.status, RoundStatus::Abandoned);
    assert_eq!(active(&app, &leaver).await.session_id, None);
    app.post_empty(&party.path("/rounds/prompt"), &leaver.token)
        .await
        .err(ErrorCode::NotAParticipant);
    app.post_empty(&party.path("/leave"), &leaver.token)
        .await
        .err(ErrorCode::NotAParticipant);

    party.humans.remove(0);
    let (b, c, d) = (
        party.humans[0].clone(),
        party.humans[1].clone(),
        party.humans[2].clone(),
    );
    let now = party.status(&b).await;
    assert_eq!(now.host_player_id, b.id, "the earliest-joined human left");
    let gone = now
        .participants
        .iter()
        .find(|p| p.player_id == leaver.id)
        .expect("the leaver stays listed");
    assert_eq!(gone.status, ParticipantStatus::Left);
    assert_eq!(now.progress.total_players, 3);

    // PROMPT: the three others write theirs and the party moves on.
    party.play_prompts().await;
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    // COPY: b writes both copies, c only one, d opens one and lets it run out.
    let mut written: HashMap<PlayerId, i64> = HashMap::new();
    for (who, copies) in [(&b, 2), (&c, 1)] {
        for _ in 0..copies {
            let r: Value = app
                .post_empty(&party.path("/rounds/copy"), &who.token)
                .await
                .ok();
            party
                .submit_phrase(who, r["round_id"].as_str().expect("round id"))
                .await;
            *written.entry(who.id).or_default() += 1;
        }
    }
    let open: Value = app
        .post_empty(&party.path("/rounds/copy"), &d.token)
        .await
        .ok();
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    // The deadline: quota × timer after COPY began, plus the grace. (The
    // background sweeper may get there first, so the test looks at the
    // state rather than at what this sweep reports.)
    app.advance(2 * COPY_SECONDS + GRACE + 1).await;
    assert_ne!(party.note_phase().await, PartyPhase::Copy);
    let details: RoundDetails = app
        .get(
            &format!("/rounds/{}", open["round_id"].as_str().expect("round id")),
            &d.token,
        )
        .await
        .ok();
    assert_eq!(details.status, RoundStatus::Expired);
    // VOTE: b copied both other prompts and may vote on none of them; where
    // stand-ins wrote copies, c and d did not touch the set and may vote on
    // it. Global sets fill the rest, so each has the full quota of three.
    // Nobody votes: the votes are forfeited at the deadline.
    let vote = party.status(&b).await;
    assert_eq!(vote.current_phase, PartyPhase::Vote);
    let quota = |p: &Player| {
        vote.participants
            .iter()
            .find(|q| q.player_id == p.id)
            .map(|q| q.votes_required)
    };
    let global = |p: &Player| {
        vote.participants
            .iter()
            .find(|q| q.player_id == p.id)
            .map(|q| q.global_votes_required)
    };
    assert_eq!(
        (quota(&b), quota(&c), quota(&d)),
        (Some(3), Some(3), Some(3))
    );
    assert_eq!(
        (global(&b), global(&c), global(&d)),
        (Some(3), Some(2), Some(1))
    );
    let length = vote.phase_expires_at.expect("deadline") - vote.phase_started_at.expect("start");
    app.advance(length.whole_seconds() + GRACE + 1).await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);

    let results = party.results().await;
    assert_eq!(
        results.phrasesets_summary.len(),
        3,
        "one set per prompt written"
    );
    let participants: Vec<PlayerId> = players.iter().map(|p| p.id).collect();
    let mut standin_copies = 0;
    let mut authored: HashMap<PlayerId, i64> = HashMap::new();
    for set in &results.phrasesets_summary {
        assert_eq!(set.phrases.len(), 3, "every party phraseset is complete");
        for ph in &set.phrases {
            if participants.contains(&ph.author_id) {
                *authored.entry(ph.author_id).or_default() += 1;
            } else {
                assert!(!ph.is_original, "stand-ins only copy");
                standin_copies += 1;
            }
        }
    }
    assert_eq!(standin_copies, 3, "c's second copy and both of d's");
    assert_eq!(authored.get(&leaver.id), None);
    assert_eq!(
        results.rankings.len(),
        4,
        "the leaver ranks, stand-ins do not"
    );
    let ranked_leaver = results
        .rankings
        .iter()
        .find(|r| r.player_id == leaver.id)
        .expect("leaver ranked");
    assert_eq!(ranked_leaver.net_coins.get(), -PENALTY);

    // Coins: with no votes cast each role of a set gets floor(200 / 3) = 66.
    let status = party.status(&b).await;
    let total_votes: i64 = results
        .phrasesets_summary
        .iter()
        .map(|s| s.vote_count)
        .sum();
    assert_eq!(total_votes, 0, "{status:#?}");
    for p in [&b, &c, &d] {
        let copies = written.get(&p.id).copied().unwrap_or(0);
        let expired = i64::from(p.id == d.id);
        let (wallet, vault) = app.balances(p).await;
        assert_eq!(
            wallet + vault,
            START - PROMPT - COPY * copies - PENALTY * expired + 66 * authored[&p.id],
            "{}",
            p.username
        );
        let me = status
            .participants
            .iter()
            .find(|q| q.player_id == p.id)
            .expect("participant");
        assert_eq!(me.status, ParticipantStatus::Completed);
    }
    app.assert_conserved().await;
}

/// With the default timers a running party never sits idle for two hours
/// (every phase ends within an hour and each change is activity), so the
/// rules here allow a three-hour phase with three-hour rounds.
async fn an_idle_party_is_abandoned_with_full_refunds_and_takes_no_more_rounds(backend: Backend) {
    let app = spawn_app_with_rules(
        backend,
        json!({"party_max_phase_seconds": 4 * 3600, "prompt_seconds": 3 * 3600}),
    )
    .await;
    let players = app.guests(3).await;
    let (a, b) = (&players[0], &players[1]);
    let mut party =
        Party::gather_with(&app, players.clone(), 0, json!({"phase_seconds": 3 * 3600})).await;
    party.start().await;
    // a writes a prompt; b opens a round and stays on it; c does nothing.
    let written: PartyPromptRoundResponse = app
        .post_empty(&party.path("/rounds/prompt"), &a.token)
        .await
        .ok();
    party.submit_phrase(a, &written.round_id.to_string()).await;
    let open: PartyPromptRoundResponse = app
        .post_empty(&party.path("/rounds/prompt"), &b.token)
        .await
        .ok();
    assert_eq!(app.balances(b).await, (START - PROMPT, 0));

    app.advance(IDLE_TIMEOUT - 1).await;
    sign_in_again(&app, &mut party.humans).await;
    let players = party.humans.clone();
    let (a, b, c) = (&players[0], &players[1], &players[2]);
    assert_eq!(party.status(a).await.status, SessionStatus::InProgress);
    app.advance(2).await;

    let now = party.status(a).await;
    assert_eq!(now.status, SessionStatus::Abandoned);
    // The open round is cancelled and refunded in full; the submitted
    // prompt is not an open round and stays paid.
    let details: RoundDetails = app
        .get(&format!("/rounds/{}", open.round_id), &b.token)
        .await
        .ok();
    assert_eq!(details.status, RoundStatus::Cancelled);
    assert_eq!(app.balances(b).await, (START, 0));
    assert_eq!(app.balances(a).await, (START - PROMPT, 0));
    for p in &players {
        assert_eq!(
            active(&app, p).await.session_id,
            None,
            "{} is free",
            p.username
        );
    }

    // The party is over: no more rounds in it, and no coin moves.
    let before = money(&app, &players).await;
    app.post_empty(&party.path("/rounds/prompt"), &c.token)
        .await
        .err(ErrorCode::WrongPhase);
    assert_eq!(money(&app, &players).await, before);
    assert_eq!(party.status(a).await.status, SessionStatus::Abandoned);
    // Everyone may start afresh.
    let next = create(&app, c, json!({})).await;
    join_ok(&app, a, &next.party_code).await;
    app.assert_conserved().await;
}

async fn an_idle_lobby_is_abandoned_and_cannot_be_started_afterwards(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut everyone = app.guests(4).await;
    let mut party = Party::gather(&app, everyone[..3].to_vec(), 0).await;
    app.advance(IDLE_TIMEOUT - 1).await;
    sign_in_again(&app, &mut everyone).await;
    party.humans = everyone[..3].to_vec();
    let (players, outsider) = (everyone[..3].to_vec(), everyone[3].clone());
    let host = &players[0];
    assert_eq!(party.status(host).await.status, SessionStatus::Open);
    app.advance(2).await;
    let now = party.status(host).await;
    assert_eq!(now.status, SessionStatus::Abandoned);
    for p in &players {
        assert_eq!(active(&app, p).await.session_id, None);
    }
    // Nothing brings it back: not readiness, not the host's start, and
    // nobody joins it.
    let before = money(&app, &everyone).await;
    for p in &players {
        app.post_empty(&party.path("/ready"), &p.token)
            .await
            .err(ErrorCode::WrongPhase);
    }
    app.post_empty(&party.path("/start"), &host.token)
        .await
        .err(ErrorCode::SessionAlreadyStarted);
    join(&app, &outsider, &party.code)
        .await
        .err(ErrorCode::SessionAlreadyStarted);
    let after = party.status(host).await;
    assert_eq!(after.status, SessionStatus::Abandoned);
    assert_eq!(after.seq, now.seq, "no event");
    assert_eq!(money(&app, &everyone).await, before);
    // Its players are free for a new party.
    let next = create(&app, &players[1], json!({})).await;
    join_ok(&app, host, &next.party_code).await;
    app.assert_conserved().await;
}

/// A lobby kept alive (a readiness change every hour) is removed once it is
/// older than 24 hours.
async fn an_open_lobby_older_than_a_day_is_removed(backend: Backend) {
    let app = spawn_app(backend).await;
    let mut players = app.guests(2).await;
    let lobby = create(&app, &players[0], json!({})).await;
    join_ok(&app, &players[1], &lobby.party_code).await;
    let ready = format!("/party/{}/ready", lobby.session_id);
    for hour in 0..LOBBY_MAX_AGE / 3600 {
        app.advance(3600).await;
        sign_in_again(&app, &mut players).await;
        assert_eq!(
            status(&app, lobby.session_id, &players[1]).await.status,
            SessionStatus::Open,
            "after {} h",
            hour + 1
        );
        app.post(&ready, &players[0].token, json!({"ready": hour % 2 == 0}))
            .await
            .ok::<Value>();
    }
    let (host, guest) = (&players[0], &players[1]);
    // Exactly a day old: still there.
    assert_eq!(
        status(&app, lobby.session_id, guest).await.status,
        SessionStatus::Open
    );
    app.advance(1).await;
    for p in [host, guest] {
        app.get(&format!("/party/{}/status", lobby.session_id), &p.token)
            .await
            .err(ErrorCode::SessionNotFound);
        assert_eq!(active(&app, p).await.session_id, None);
    }
    join(&app, guest, &lobby.party_code)
        .await
        .err(ErrorCode::SessionNotFound);
    create(&app, guest, json!({})).await;
    app.assert_conserved().await;
}

on_both_backends!(
    party_codes_are_matched_case_insensitively,
    when_the_host_leaves_the_lobby_the_earliest_joined_human_becomes_host,
    the_host_role_follows_joining_order_even_within_one_millisecond,
    when_the_last_human_leaves_the_lobby_is_removed,
    a_kicked_player_is_out_and_free_to_join_another_party,
    a_player_is_in_one_active_party_at_a_time,
    only_the_host_adds_bots_only_in_the_lobby_and_bots_take_seats,
    the_host_opens_a_new_lobby_from_results_with_the_others_in_it,
    leaving_after_the_start_forfeits_and_the_party_still_reaches_results,
    an_idle_party_is_abandoned_with_full_refunds_and_takes_no_more_rounds,
    an_idle_lobby_is_abandoned_and_cannot_be_started_afterwards,
    an_open_lobby_older_than_a_day_is_removed,
);
