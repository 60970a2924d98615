//! The results of an abandoned party: a party that sat idle too long
//! after its start still shows what happened — the rankings as they stood,
//! the refunds of the rounds that were open, the phrasesets that were
//! complete — under the status ABANDONED, and in its players' history,
//! while a lobby abandoned before the start has neither.

use std::collections::HashMap;

use party_protocol::party::{
    PartyCopyRoundResponse, PartyPhase, PartyResultsResponse, SessionStatus,
};
use party_protocol::round::{RoundDetails, RoundStatus};
use party_protocol::{ErrorCode, PlayerId};
use serde_json::json;

use crate::on_both_backends;
use crate::support::http::sign_in_again;
use crate::support::party::Party;
use crate::support::play::{COPY, PROMPT, START};
use crate::support::{Backend, spawn_app, spawn_app_with_rules};

/// How long a party may sit idle before it is abandoned.
const IDLE_TIMEOUT: i64 = 2 * 3600;

/// Three players write their prompts. In COPY, a writes both copies, b and
/// c one each (so at least one prompt has both its copies, whichever ones
/// they were given), and b sits on its second; then nobody plays for two
/// hours (the rules allow three-hour phases and copy rounds, so no deadline
/// comes first). The results answer with status ABANDONED; each player's
/// net coins are what their balance moved, with b's open copy refunded in
/// full and counted; the sets that got both copies are summarized, unvoted;
/// and the books balance.
async fn an_abandoned_party_shows_its_results_with_the_refunds(backend: Backend) {
    let app = spawn_app_with_rules(
        backend,
        json!({"party_max_phase_seconds": 4 * 3600, "copy_seconds": 3 * 3600}),
    )
    .await;
    let players = app.guests(3).await;
    let mut party =
        Party::gather_with(&app, players.clone(), 0, json!({"phase_seconds": 3 * 3600})).await;
    party.start().await;
    party.play_prompts().await;
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    let (a, b, c) = (&players[0], &players[1], &players[2]);
    // The author of each original, and how many copies it got.
    let mut copies_of: HashMap<PlayerId, usize> = HashMap::new();
    for (who, copies) in [(a, 2), (b, 1), (c, 1)] {
        for _ in 0..copies {
            let round: PartyCopyRoundResponse = app
                .post_empty(&party.path("/rounds/copy"), &who.token)
                .await
                .ok();
            *copies_of
                .entry(party.authors[&round.original_phrase])
                .or_default() += 1;
            party.submit_phrase(who, &round.round_id.to_string()).await;
        }
    }
    let open: PartyCopyRoundResponse = app
        .post_empty(&party.path("/rounds/copy"), &b.token)
        .await
        .ok();
    // Not over yet: no results.
    app.get(&party.path("/results"), &c.token)
        .await
        .err(ErrorCode::WrongPhase);

    app.advance(IDLE_TIMEOUT - 1).await;
    sign_in_again(&app, &mut party.humans).await;
    let players = party.humans.clone();
    let (a, b, c) = (&players[0], &players[1], &players[2]);
    assert_eq!(party.status(a).await.status, SessionStatus::InProgress);
    app.advance(2).await;
    assert_eq!(party.status(a).await.status, SessionStatus::Abandoned);
    let details: RoundDetails = app
        .get(&format!("/rounds/{}", open.round_id), &b.token)
        .await
        .ok();
    assert_eq!(details.status, RoundStatus::Cancelled);

    let results: PartyResultsResponse = app.get(&party.path("/results"), &c.token).await.ok();
    assert_eq!(results.status, SessionStatus::Abandoned);
    assert_eq!(results.session_id, party.id);
    assert!(results.completed_at.is_some());
    assert_eq!(results.rankings.len(), 3);
    // (spent, refunded, prompts, copies) as played.
    let played: HashMap<_, _> = [
        (a.id, (PROMPT + 2 * COPY, 0, 2)),
        (b.id, (PROMPT + 2 * COPY, COPY, 1)),
        (c.id, (PROMPT + COPY, 0, 1)),
    ]
    .into_iter()
    .collect();
    for (i, r) in results.rankings.iter().enumerate() {
        let p = players
            .iter()
            .find(|p| p.id == r.player_id)
            .expect("a member");
        let (spent, refunded, copies) = played[&p.id];
        assert_eq!(r.rank, i as i64 + 1);
        assert_eq!(r.coins_spent.get(), spent, "{}", p.username);
        assert_eq!(r.coins_refunded.get(), refunded, "{}", p.username);
        assert!(r.coins_earned.get() >= refunded, "{}", p.username);
        assert_eq!(
            r.net_coins.get(),
            r.coins_earned.get() - r.coins_spent.get()
        );
        // Nothing else moved their money: the ledger says the same.
        let (wallet, vault) = app.balances(p).await;
        assert_eq!(
            r.net_coins.get(),
            wallet + vault - START,
            "{}'s net coins against the ledger",
            p.username
        );
        assert_eq!(
            (r.prompts_submitted, r.copies_submitted, r.votes_submitted),
            (1, copies, 0)
        );
    }
    let nets: Vec<i64> = results.rankings.iter().map(|r| r.net_coins.get()).collect();
    assert!(nets.windows(2).all(|w| w[0] >= w[1]), "{nets:?}");
    assert!(results.awards.best_writer.is_none());
    assert!(results.awards.top_impostor.is_none());
    assert!(results.awards.sharpest_voter.is_none());

    // Only the prompts that got both copies made a phraseset.
    let mut complete: Vec<String> = players
        .iter()
        .filter(|p| copies_of.get(&p.id) == Some(&2))
        .map(|p| p.username.clone())
        .collect();
    complete.sort();
    assert!(!complete.is_empty(), "{copies_of:?}");
    let mut summarized: Vec<String> = results
        .phrasesets_summary
        .iter()
        .map(|s| s.original_player.clone())
        .collect();
    summarized.sort();
    assert_eq!(summarized, complete);
    let mut everyone = vec![a.id, b.id, c.id];
    everyone.sort();
    for set in &results.phrasesets_summary {
        assert_eq!(set.vote_count, 0);
        let mut authors: Vec<PlayerId> = set.phrases.iter().map(|p| p.author_id).collect();
        authors.sort();
        assert_eq!(authors, everyone);
    }

    // Every member may read them, the same each time, and no coin moved.
    let before = crate::support::audit::money(&app, &players).await;
    for p in &players {
        let again: PartyResultsResponse = app.get(&party.path("/results"), &p.token).await.ok();
        assert_eq!(again, results);
    }
    assert_eq!(crate::support::audit::money(&app, &players).await, before);

    // It reaches each player's history as ABANDONED, as its results show
    // it, and their stats: played, and never won.
    for p in &players {
        let page = app.history(p, "").await;
        let entry = page
            .parties
            .iter()
            .find(|e| e.session_id == results.session_id)
            .expect("the abandoned party is in the history");
        assert_eq!(entry.status, SessionStatus::Abandoned);
        let mine = results
            .rankings
            .iter()
            .find(|r| r.player_id == p.id)
            .expect("ranked");
        assert_eq!((entry.rank, entry.net_coins), (mine.rank, mine.net_coins));
        let stats = app.party_stats(p).await;
        assert_eq!((stats.parties_played, stats.parties_won), (1, 0));
    }
    app.assert_conserved().await;
}

/// A lobby nobody started is abandoned with nothing to show: its results
/// stay `wrong_phase`.
async fn an_abandoned_lobby_has_no_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let mut party = Party::gather(&app, players, 0).await;
    app.advance(IDLE_TIMEOUT + 1).await;
    sign_in_again(&app, &mut party.humans).await;
    let host = &party.humans[0];
    assert_eq!(party.status(host).await.status, SessionStatus::Abandoned);
    let message = app
        .get(&party.path("/results"), &host.token)
        .await
        .err(ErrorCode::WrongPhase)
        .to_owned();
    assert!(message.contains("lobby"), "{message}");
    // Nor a place in anyone's history.
    for p in &party.humans {
        assert!(app.history(p, "").await.parties.is_empty());
    }
    app.assert_conserved().await;
}

on_both_backends!(
    an_abandoned_party_shows_its_results_with_the_refunds,
    an_abandoned_lobby_has_no_results,
);
