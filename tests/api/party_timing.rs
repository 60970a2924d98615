//! Party phase changes under pressure: racing last submissions, deadlines
//! that keep an idle player from stalling a party, and a server restart in
//! the middle of a party.

use futures::future::join_all;
use party_protocol::party::{
    PartyCopyRoundResponse, PartyPhase, PartyPromptRoundResponse, PartyResultsResponse,
    PartyVoteRoundResponse,
};
use party_protocol::round::RoundType;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::party::Party;
use crate::support::{Backend, Player, spawn_app};

/// Starts one round of the current phase for `who`; returns its id and, for
/// votes, the phrases shown.
async fn start_round(party: &Party<'_>, who: &Player, kind: RoundType) -> (String, Vec<String>) {
    match kind {
        RoundType::Prompt => {
            let r: PartyPromptRoundResponse = party
                .app
                .post_empty(&party.path("/rounds/prompt"), &who.token)
                .await
                .ok();
            (r.round_id.to_string(), vec![])
        }
        RoundType::Copy => {
            let r: PartyCopyRoundResponse = party
                .app
                .post_empty(&party.path("/rounds/copy"), &who.token)
                .await
                .ok();
            (r.round_id.to_string(), vec![])
        }
        RoundType::Vote => {
            let r: PartyVoteRoundResponse = party
                .app
                .post_empty(&party.path("/rounds/vote"), &who.token)
                .await
                .ok();
            (r.round_id.to_string(), r.phrases.to_vec())
        }
    }
}

/// Has every player but the last two finish the phase one by one, then the
/// last two start their final round and submit at the same instant.
/// Exactly one of the two responses reports the phase transition.
async fn race_the_phase_end(
    party: &Party<'_>,
    kind: RoundType,
    quota_of: impl Fn(&Player) -> usize,
) {
    let (early, late) = party.humans.split_at(party.humans.len() - 2);
    for h in early {
        for _ in 0..quota_of(h) {
            let (round, shown) = start_round(party, h, kind).await;
            submit(party, h, &round, &shown).await;
        }
    }
    for h in late {
        for _ in 1..quota_of(h) {
            let (round, shown) = start_round(party, h, kind).await;
            submit(party, h, &round, &shown).await;
        }
    }
    let mut finals = Vec::new();
    for h in late {
        finals.push((h, start_round(party, h, kind).await));
    }
    let replies = join_all(finals.iter().map(|(h, (round, shown))| async move {
        let phrase = match shown.first() {
            Some(first) => first.clone(),
            None => party.phrases.next(),
        };
        party
            .app
            .post(
                &party.path(&format!("/rounds/{round}/submit")),
                &h.token,
                json!({"phrase": phrase}),
            )
            .await
    }))
    .await;
    let mut transitions = 0;
    for reply in &replies {
        let body: Value = reply.ok();
        if !body["phase_transition"].is_null() {
            transitions += 1;
        }
    }
    assert_eq!(
        transitions, 1,
        "exactly one submission moves the party on: {replies:?}"
    );
}

/// Submits a valid phrase (or the first shown phrase, for a vote).
async fn submit(party: &Party<'_>, who: &Player, round: &str, shown: &[String]) {
    if let Some(first) = shown.first() {
        let _: Value = party
            .app
            .post(
                &party.path(&format!("/rounds/{round}/submit")),
                &who.token,
                json!({"phrase": first}),
            )
            .await
            .ok();
    } else {
        party.submit_phrase(who, round).await;
    }
}

async fn racing_last_submissions_advance_each_phase_exactly_once(backend: Backend) {
    let app = spawn_app(backend).await;
    for _ in 0..4 {
        let humans = app.guests(5).await;
        let mut party = Party::gather(&app, humans, 0).await;
        party.start().await;
        race_the_phase_end(&party, RoundType::Prompt, |_| 1).await;
        assert_eq!(party.note_phase().await, PartyPhase::Copy);
        let status = party.status(&party.humans[0]).await;
        // Assigned once: a second assignment would have doubled the quotas.
        assert!(
            status.participants.iter().all(|p| p.copies_required == 2),
            "{status:?}"
        );
        race_the_phase_end(&party, RoundType::Copy, |_| 2).await;
        assert_eq!(party.note_phase().await, PartyPhase::Vote);
        let status = party.status(&party.humans[0]).await;
        assert!(
            status
                .participants
                .iter()
                .all(|p| p.votes_required == 3 && p.global_votes_required == 1),
            "5 players: 5 − 3 party sets each, and one global"
        );
        race_the_phase_end(&party, RoundType::Vote, |_| 3).await;
        assert_eq!(party.note_phase().await, PartyPhase::Results);
        let results: PartyResultsResponse = party.results().await;
        assert_eq!(
            results
                .phrasesets_summary
                .iter()
                .map(|s| s.vote_count)
                .sum::<i64>(),
            10
        );
        app.assert_conserved().await;
    }
}

async fn an_idle_player_cannot_stall_the_party_and_pays_exactly_the_rules(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(4).await;
    let mut party = Party::gather(&app, humans, 0).await;
    party.start().await;
    let idle = party.humans[3].clone();
    let active: Vec<Player> = party.humans[..3].to_vec();

    // PROMPT: the idle player never writes. The deadline (1 × 180 s, plus
    // the 5 s grace) moves the party on and their prompt is forfeited.
    for h in &active {
        let (round, _) = start_round(&party, h, RoundType::Prompt).await;
        party.submit_phrase(h, &round).await;
    }
    assert_eq!(party.note_phase().await, PartyPhase::Prompt);
    app.advance(180).await;
    assert_eq!(
        party.note_phase().await,
        PartyPhase::Prompt,
        "not before the grace ran out"
    );
    app.advance(6).await;
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    let status = party.status(&idle).await;
    let me = status
        .participants
        .iter()
        .find(|p| p.player_id == idle.id)
        .unwrap();
    assert_eq!(me.prompts_submitted, 0);
    // Three prompts need six copies over four players: two, two, one, one.
    let mut loads: Vec<i64> = status
        .participants
        .iter()
        .map(|p| p.copies_required)
        .collect();
    loads.sort_unstable();
    assert_eq!(loads, [1, 1, 2, 2]);
    assert_eq!(
        app.balances(&idle).await,
        (5000, 0),
        "a forfeited prompt costs nothing"
    );

    // COPY: the idle player opens a copy round and walks away; the others copy.
    let (_idle_round, _) = start_round(&party, &idle, RoundType::Copy).await;
    assert_eq!(app.balances(&idle).await, (4950, 0));
    for h in &active {
        loop {
            let reply = app.post_empty(&party.path("/rounds/copy"), &h.token).await;
            if reply.body["error"] == "copies_complete" {
                break;
            }
            let round: PartyCopyRoundResponse = reply.ok();
            party.submit_phrase(h, &round.round_id.to_string()).await;
        }
    }
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    // The COPY deadline is 2 × 180 s: the open round expires with the
    // normal refund (cost − 5) and a stand-in writes the missing copies.
    app.advance(2 * 180 + 6).await;
    assert_eq!(party.note_phase().await, PartyPhase::Vote);
    assert_eq!(app.balances(&idle).await, (4995, 0), "copy refund: 50 − 5");
    let status = party.status(&idle).await;

    // VOTE: every set is complete; the idle player opens a vote and leaves it.
    let idle_votes = status
        .participants
        .iter()
        .find(|p| p.player_id == idle.id)
        .unwrap()
        .votes_required;
    assert!(
        idle_votes >= 1,
        "the idle player touched no set, so can vote on all"
    );
    let (_vote_round, _) = start_round(&party, &idle, RoundType::Vote).await;
    for h in &active {
        loop {
            let reply = app.post_empty(&party.path("/rounds/vote"), &h.token).await;
            if reply.body["error"] == "votes_complete" {
                break;
            }
            let round: PartyVoteRoundResponse = reply.ok();
            let _: Value = app
                .post(
                    &party.path(&format!("/rounds/{}/submit", round.round_id)),
                    &h.token,
                    json!({"phrase": round.phrases[0]}),
                )
                .await
                .ok();
        }
    }
    let vote_deadline = idle_votes * 60;
    app.advance(vote_deadline + 6).await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    // The open vote's fee is forfeited; nothing else was spent or earned.
    assert_eq!(app.balances(&idle).await, (4985, 0));
    let results = party.results().await;
    assert_eq!(results.phrasesets_summary.len(), 3);
    assert!(
        results
            .phrasesets_summary
            .iter()
            .all(|s| s.phrases.len() == 3)
    );
    let mine = results
        .rankings
        .iter()
        .find(|r| r.player_id == idle.id)
        .unwrap();
    assert_eq!(
        mine.coins_spent.get(),
        60,
        "one copy entry and one vote entry"
    );
    assert_eq!(mine.coins_earned.get(), 45, "the copy refund");
    assert_eq!(mine.net_coins.get(), -15);
    app.assert_conserved().await;
}

async fn a_party_survives_a_server_restart_mid_phase(backend: Backend) {
    let mut app = spawn_app(backend).await;
    let humans = app.guests(4).await;
    let (party_id, mid_round, waiting) = {
        let mut party = Party::gather(&app, humans.clone(), 0).await;
        party.start().await;
        party.play_prompts().await;
        assert_eq!(party.note_phase().await, PartyPhase::Copy);
        // One player is in the middle of a copy round when the server stops.
        let round: PartyCopyRoundResponse = app
            .post_empty(&party.path("/rounds/copy"), &humans[0].token)
            .await
            .ok();
        (party.id, round.round_id, round.original_phrase)
    };
    let before = app.audit().await;
    app.stop().await;
    app.start().await;
    assert_eq!(
        app.audit().await,
        before,
        "nothing lost or changed across the restart"
    );

    // The same player comes back: the status hands them their open round.
    let status: Value = app
        .get(&format!("/party/{party_id}/status"), &humans[0].token)
        .await
        .ok();
    assert_eq!(status["current_phase"], "COPY");
    assert_eq!(status["active_round"]["round_id"], mid_round.to_string());
    assert_eq!(status["active_round"]["original_phrase"], waiting.as_str());
    // Starting another round would charge twice: refused.
    app.post_empty(&format!("/party/{party_id}/rounds/copy"), &humans[0].token)
        .await
        .err(party_protocol::ErrorCode::AlreadyInRound);

    let mut party = Party::gather_existing(&app, party_id, humans).await;
    party
        .submit_phrase(&party.humans[0].clone(), &mid_round.to_string())
        .await;
    party.play_copies().await;
    assert_eq!(party.note_phase().await, PartyPhase::Vote);
    party.play_votes().await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    let results = party.results().await;
    assert_eq!(results.rankings.len(), 4);
    app.assert_conserved().await;
}

on_both_backends!(
    racing_last_submissions_advance_each_phase_exactly_once,
    an_idle_player_cannot_stall_the_party_and_pays_exactly_the_rules,
    a_party_survives_a_server_restart_mid_phase,
);
