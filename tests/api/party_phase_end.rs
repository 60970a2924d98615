//! The end of COPY when much is left undone: every open round expires with
//! its normal refund, and stand-ins write every missing copy so that all
//! the party's phrasesets complete — written as a few set-based statements,
//! which must come to the same outcome as one round and one copy at a time.

use std::collections::{HashMap, HashSet};

use party_protocol::PlayerId;
use party_protocol::party::{PartyCopyRoundResponse, PartyPhase, PartyResultsResponse};
use party_protocol::round::{RoundDetails, RoundStatus};

use crate::on_both_backends;
use crate::support::party::Party;
use crate::support::play::{COPY, COPY_SECONDS, GRACE, PENALTY, PROMPT};
use crate::support::{Backend, Player, spawn_app};

/// Opens `who`'s next copy round.
async fn open_copy(party: &Party<'_>, who: &Player) -> PartyCopyRoundResponse {
    party
        .app
        .post_empty(&party.path("/rounds/copy"), &who.token)
        .await
        .ok()
}

/// Lets COPY run out, then VOTE, and returns the results.
async fn run_out_copy_then_vote(party: &mut Party<'_>) -> PartyResultsResponse {
    let app = party.app;
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    app.advance(2 * COPY_SECONDS + GRACE + 1).await;
    assert_eq!(party.note_phase().await, PartyPhase::Vote);
    let vote = party.status(&party.humans[0]).await;
    let length = vote.phase_expires_at.expect("deadline") - vote.phase_started_at.expect("start");
    app.advance(length.whole_seconds() + GRACE + 1).await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    party.results().await
}

/// Per set, the authors who are not participants (stand-ins), checking
/// that every set is complete with three different authors and that
/// stand-ins only ever copy.
fn standin_authors(results: &PartyResultsResponse, players: &[Player]) -> Vec<Vec<PlayerId>> {
    let participants: HashSet<PlayerId> = players.iter().map(|p| p.id).collect();
    results
        .phrasesets_summary
        .iter()
        .map(|set| {
            assert_eq!(set.phrases.len(), 3, "every party phraseset is complete");
            let authors: HashSet<PlayerId> = set.phrases.iter().map(|p| p.author_id).collect();
            assert_eq!(authors.len(), 3, "three different authors: {set:?}");
            set.phrases
                .iter()
                .filter(|ph| !participants.contains(&ph.author_id))
                .map(|ph| {
                    assert!(!ph.is_original, "stand-ins only copy");
                    ph.author_id
                })
                .collect()
        })
        .collect()
}

/// Four players, eight copies due: one player writes both of theirs, one
/// writes one and leaves the second open, one only opens a round, one does
/// nothing. At the deadline both open rounds expire with the copy refund
/// (cost − penalty), nobody else's balance moves, and stand-ins write the
/// five copies missing.
async fn copy_ends_with_open_rounds_and_missing_copies(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(4).await;
    let mut party = Party::gather(&app, players.clone(), 0).await;
    party.start().await;
    party.play_prompts().await;
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    let (all, one, opener) = (&players[0], &players[1], &players[2]);
    for _ in 0..2 {
        let round = open_copy(&party, all).await;
        party.submit_phrase(all, &round.round_id.to_string()).await;
    }
    let round = open_copy(&party, one).await;
    party.submit_phrase(one, &round.round_id.to_string()).await;
    let open = [
        (one, open_copy(&party, one).await.round_id),
        (opener, open_copy(&party, opener).await.round_id),
    ];
    let mut before = HashMap::new();
    for p in &players {
        before.insert(p.id, app.balances(p).await);
    }

    let results = run_out_copy_then_vote(&mut party).await;

    for (who, round) in open {
        let details: RoundDetails = app.get(&format!("/rounds/{round}"), &who.token).await.ok();
        assert_eq!(details.status, RoundStatus::Expired);
    }
    // Nobody voted: after the deadline balances moved only by the refunds
    // and, at RESULTS, the prizes.
    for ranked in &results.rankings {
        let p = players.iter().find(|p| p.id == ranked.player_id).unwrap();
        let refunded = open.iter().any(|(who, _)| who.id == p.id);
        assert_eq!(
            ranked.coins_refunded.get(),
            if refunded { COPY - PENALTY } else { 0 },
            "{}",
            p.username
        );
        let (wallet, vault) = app.balances(p).await;
        let (w0, v0) = before[&p.id];
        assert_eq!(
            wallet + vault - w0 - v0,
            ranked.coins_earned.get(),
            "{}",
            p.username
        );
    }
    assert_eq!(results.phrasesets_summary.len(), 4);
    let standins = standin_authors(&results, &players);
    assert_eq!(
        standins.iter().map(Vec::len).sum::<usize>(),
        5,
        "eight copies due, three written"
    );
    app.assert_conserved().await;
}

/// Three players each open a copy round and walk away: all three rounds
/// expire (their slots given back) and every prompt gets both of its
/// copies from the party's two stand-ins.
async fn copy_ends_with_every_copy_missing(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let mut party = Party::gather(&app, players.clone(), 0).await;
    party.start().await;
    party.play_prompts().await;
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    let mut open = Vec::new();
    for p in &players {
        open.push((p, open_copy(&party, p).await.round_id));
    }

    let results = run_out_copy_then_vote(&mut party).await;

    for (who, round) in open {
        let details: RoundDetails = app.get(&format!("/rounds/{round}"), &who.token).await.ok();
        assert_eq!(details.status, RoundStatus::Expired);
        let mine = results
            .rankings
            .iter()
            .find(|r| r.player_id == who.id)
            .unwrap();
        assert_eq!(mine.coins_refunded.get(), COPY - PENALTY);
        // A prompt and a copy entry spent; the copy refund and, with no
        // votes cast, floor(200 / 3) for the original earned.
        assert_eq!(mine.coins_spent.get(), PROMPT + COPY);
        assert_eq!(mine.coins_earned.get(), COPY - PENALTY + 66);
    }
    assert_eq!(results.phrasesets_summary.len(), 3);
    let standins = standin_authors(&results, &players);
    assert!(standins.iter().all(|s| s.len() == 2), "{standins:?}");
    let distinct: HashSet<PlayerId> = standins.into_iter().flatten().collect();
    assert_eq!(distinct.len(), 2, "one party, two stand-ins");
    app.assert_conserved().await;
}

on_both_backends!(
    copy_ends_with_open_rounds_and_missing_copies,
    copy_ends_with_every_copy_missing,
);
