//! Global content in a party's VOTE phase (game-rules §6): open solo sets
//! come before the house library, a global set that closes before its
//! voter gets to it is replaced by another, and a party vote on a global
//! set costs and pays like a solo vote.

use party_protocol::PhrasesetId;
use party_protocol::party::{PartyPhase, PartyVoteRoundResponse};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::party::Party;
use crate::support::phrases::Phrases;
use crate::support::play::{SetPhrases, build_set, vote_for};
use crate::support::{Backend, Player, TestApp, spawn_app};

/// One complete solo phraseset written by three fresh guests, with
/// `votes` solo votes on it (each by another fresh guest, on the original).
async fn solo_set(app: &TestApp, votes: usize) -> (SetPhrases, Option<PhrasesetId>) {
    // Far from the phrases the party's own generator hands out first.
    let phrases = Phrases::starting_at(40);
    let authors = app.guests(3).await;
    let set = build_set(app, &phrases, &authors[0], [&authors[1], &authors[2]]).await;
    let mut id = None;
    for voter in app.guests(votes).await {
        id = Some(vote_for(app, &voter, &set, 0).await);
    }
    (set, id)
}

/// Three humans in VOTE of a party whose phases last `phase_seconds`.
async fn three_in_vote(app: &TestApp, phase_seconds: i64) -> Party<'_> {
    let humans = app.guests(3).await;
    let mut party =
        Party::gather_with(app, humans, 0, json!({"phase_seconds": phase_seconds})).await;
    party.start().await;
    party.play_prompts().await;
    party.play_copies().await;
    assert_eq!(party.note_phase().await, PartyPhase::Vote);
    party
}

async fn start_party_vote(party: &Party<'_>, who: &Player) -> PartyVoteRoundResponse {
    party
        .app
        .post_empty(&party.path("/rounds/vote"), &who.token)
        .await
        .ok()
}

async fn open_solo_sets_come_before_the_house_library(backend: Backend) {
    let app = spawn_app(backend).await;
    let (solo, _) = solo_set(&app, 0).await;
    let mut party = three_in_vote(&app, 600).await;
    party.play_votes().await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    for h in &party.humans {
        let mine: Vec<_> = party
            .human_votes
            .iter()
            .filter(|v| v.voter == h.id)
            .collect();
        assert_eq!(mine.len(), 3, "the full quota");
        assert!(mine.iter().all(|v| !v.from_party));
        // The solo set was the only global content: everyone voted on it,
        // before the sets the house printed for the rest.
        assert!(
            [solo.original.as_str(), solo.phrase(1), solo.phrase(2)]
                .contains(&mine[0].choice.as_str()),
            "{mine:?}"
        );
        assert!(mine.iter().filter(|v| v.set == mine[0].set).count() == 1);
    }
    app.assert_conserved().await;
}

/// A global set with five votes finalizes five minutes after its fifth (the
/// solo rule): a voter who had not reached it yet votes on another set.
async fn a_global_set_that_closes_first_is_replaced(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, closing) = solo_set(&app, 5).await;
    let closing = closing.expect("voted on");
    let mut party = three_in_vote(&app, 600).await;
    // Everyone's first global vote is the set closest to finalizing.
    let first = start_party_vote(&party, &party.humans[0]).await;
    assert_eq!(first.phraseset_id, closing);
    assert!(!first.from_party);
    let sweep = app.advance(5 * 60 + 1).await;
    assert_eq!(sweep["sweep"]["phrasesets_finalized"], 1, "{sweep}");
    // The open round on it was closed with a refund; the vote goes elsewhere.
    for h in &party.humans {
        let round = start_party_vote(&party, h).await;
        assert_ne!(round.phraseset_id, closing, "a closed set is never shown");
        assert!(!round.from_party);
        let status = party.status(h).await;
        let active = status.active_round.expect("the round just started");
        assert_eq!(active.from_party, Some(false), "status says it is global");
        let body: Value = app
            .post(
                &party.path(&format!("/rounds/{}/submit", round.round_id)),
                &h.token,
                json!({"phrase": round.phrases[0]}),
            )
            .await
            .ok();
        assert_eq!(body["success"], true);
    }
    party.play_votes().await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    let results = party.results().await;
    for r in &results.rankings {
        assert_eq!(
            r.votes_submitted, 3,
            "{} still cast the full quota",
            r.username
        );
    }
    app.assert_conserved().await;
}

on_both_backends!(
    open_solo_sets_come_before_the_house_library,
    a_global_set_that_closes_first_is_replaced,
);
