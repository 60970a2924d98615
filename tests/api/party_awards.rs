//! The richer awards and the party bonuses (README "Settlement and
//! results") on constructed parties: streak and combo bonuses paid once
//! from the house even when the last votes race, counted in the rankings,
//! the wallets and the stats; the MVP and the Comeback Player by their
//! rules; the books balanced after each.

use std::collections::HashMap;

use futures::future::join_all;
use party_protocol::PlayerId;
use party_protocol::party::{
    Award, COMBO_MIN_FOOLED, MVP_POINTS_CORRECT_VOTE, MVP_POINTS_FOOLED, MVP_POINTS_ORIGINAL_VOTE,
    PartyPhase, PartyPromptRoundResponse, PartyResultsResponse, PartyVoteRoundResponse,
    RankingEntry, STREAK_BONUS, STREAK_MIN,
};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::party::{Party, combos_of, streak_of};
use crate::support::{Backend, Player, spawn_app};

/// Starts `who`'s next vote round.
async fn open_vote(party: &Party<'_>, who: &Player) -> PartyVoteRoundResponse {
    party
        .app
        .post_empty(&party.path("/rounds/vote"), &who.token)
        .await
        .ok()
}

/// The phrase to pick: on a party set, the original when `right`, else the
/// copy that sorts first (so wrong voters on one set fool the same copy);
/// on a global set, the first phrase shown.
fn choose(party: &Party<'_>, round: &PartyVoteRoundResponse, right: bool) -> String {
    let original = round
        .phrases
        .iter()
        .find(|p| round.from_party && party.originals.contains(*p));
    match original {
        Some(o) if right => o.clone(),
        Some(o) => {
            let mut copies: Vec<&String> = round.phrases.iter().filter(|p| *p != o).collect();
            copies.sort();
            copies[0].clone()
        }
        None => round.phrases[0].clone(),
    }
}

/// Submits a vote meant to be `right` (see [`choose`]); the answer.
async fn submit_vote(
    party: &Party<'_>,
    who: &Player,
    round: &PartyVoteRoundResponse,
    right: bool,
) -> Value {
    party
        .app
        .post(
            &party.path(&format!("/rounds/{}/submit", round.round_id)),
            &who.token,
            json!({ "phrase": choose(party, round, right) }),
        )
        .await
        .ok()
}

/// The best row by `metric` among those above zero, ties to the better
/// ranked (rows come in rank order).
fn best(rows: &[RankingEntry], metric: impl Fn(&RankingEntry) -> i64) -> Option<&RankingEntry> {
    let top = rows.iter().map(&metric).max().filter(|m| *m > 0)?;
    rows.iter().find(|r| metric(r) == top)
}

fn winner(award: Option<&Award>) -> Option<PlayerId> {
    award.map(|a| a.player_id)
}

/// Checks the MVP and comeback awards and every row's MVP score against
/// the README's rules applied to the rows.
fn assert_award_rules(results: &PartyResultsResponse) {
    let rows = &results.rankings;
    for r in rows {
        assert_eq!(
            r.mvp_score,
            MVP_POINTS_ORIGINAL_VOTE * r.votes_on_originals
                + MVP_POINTS_FOOLED * r.votes_fooled
                + MVP_POINTS_CORRECT_VOTE * r.correct_votes,
            "{r:?}"
        );
    }
    assert_eq!(
        winner(results.awards.mvp.as_ref()),
        best(rows, |r| r.mvp_score).map(|r| r.player_id)
    );
    let gain = |r: &RankingEntry| r.rank_after_copy.map_or(0, |at| at - r.rank);
    assert_eq!(
        winner(results.awards.comeback.as_ref()),
        best(rows, gain).map(|r| r.player_id)
    );
    if let Some(c) = &results.awards.comeback {
        let row = rows.iter().find(|r| r.player_id == c.player_id).unwrap();
        assert_eq!(
            (c.rank_after_copy, c.rank_gain),
            (row.rank_after_copy, Some(gain(row)))
        );
    }
    assert_eq!(
        winner(results.awards.hot_streak.as_ref()),
        best(rows, |r| {
            if r.bonuses.longest_streak >= STREAK_MIN {
                r.bonuses.longest_streak
            } else {
                0
            }
        })
        .map(|r| r.player_id)
    );
}

/// Six people, one prompt each, three votes each — all on the party's own
/// sets, so every vote's rightness is chosen. Two voters get three right
/// in a row, one only two; eight wrong votes over six sets make at least
/// one combo. The last two votes are cast at the same instant. Each row's
/// bonuses are what the rules give, paid once: every wallet moved by
/// exactly the row's net coins, which the stats repeat.
async fn streaks_and_combos_are_paid_once_and_counted_everywhere(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(6).await;
    let mut before = HashMap::new();
    for h in &humans {
        before.insert(h.id, app.balances(h).await);
    }
    let mut party =
        Party::gather_with(&app, humans.clone(), 0, json!({"votes_per_player": 3})).await;
    party.start().await;
    party.play_prompts().await;
    party.play_copies().await;
    assert_eq!(party.note_phase().await, PartyPhase::Vote);
    let plans = ["yyy", "yyn", "nnn", "nyy", "yyy", "nnn"];
    let mut answers: HashMap<PlayerId, Vec<bool>> = HashMap::new();
    // Everyone's votes but the last two voters' final ones, one by one.
    for (i, (h, plan)) in humans.iter().zip(plans).enumerate() {
        let last = if i >= 4 { plan.len() - 1 } else { plan.len() };
        for c in plan.chars().take(last) {
            let round = open_vote(&party, h).await;
            assert!(round.from_party, "six players: every vote on a party set");
            let body = submit_vote(&party, h, &round, c == 'y').await;
            answers
                .entry(h.id)
                .or_default()
                .push(body["correct"] == true);
        }
    }
    let mut finals = Vec::new();
    for (h, plan) in humans[4..].iter().zip(&plans[4..]) {
        finals.push((h, open_vote(&party, h).await, plan.ends_with('y')));
    }
    let replies = join_all(
        finals
            .iter()
            .map(|(h, round, right)| submit_vote(&party, h, round, *right)),
    )
    .await;
    for ((h, ..), body) in finals.iter().zip(&replies) {
        answers
            .entry(h.id)
            .or_default()
            .push(body["correct"] == true);
    }
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    for (h, plan) in humans.iter().zip(plans) {
        let meant: Vec<bool> = plan.chars().map(|c| c == 'y').collect();
        assert_eq!(answers[&h.id], meant, "every vote as planned");
    }

    let results = party.results().await;
    let combos = combos_of(&results);
    assert!(
        !combos.is_empty(),
        "eight wrong votes on six sets make a combo"
    );
    for r in &results.rankings {
        let (streak, longest) = streak_of(&answers[&r.player_id]);
        let (combo, made) = combos.get(&r.player_id).copied().unwrap_or_default();
        assert_eq!(
            (r.bonuses.streak_coins.get(), r.bonuses.longest_streak),
            (streak, longest),
            "{}",
            r.username
        );
        assert_eq!(
            (r.bonuses.combo_coins.get(), r.bonuses.combos),
            (combo, made),
            "{}",
            r.username
        );
        assert_eq!(
            r.net_coins.get(),
            r.coins_earned.get() - r.coins_spent.get()
        );
        assert_eq!(
            r.rank_after_copy,
            Some(1),
            "everyone paid the same by COPY's end"
        );
    }
    let streaks: Vec<i64> = humans
        .iter()
        .map(|h| streak_of(&answers[&h.id]).0)
        .collect();
    assert_eq!(streaks, [STREAK_BONUS, 0, 0, 0, STREAK_BONUS, 0]);
    // The bonuses reached the wallets once: each person's money moved by
    // exactly their net coins, bonuses included.
    for h in &humans {
        let row = results
            .rankings
            .iter()
            .find(|r| r.player_id == h.id)
            .unwrap();
        let (w0, v0) = before[&h.id];
        let (w1, v1) = app.balances(h).await;
        assert_eq!((w1 + v1) - (w0 + v0), row.net_coins.get(), "{}", h.username);
        let stats = app.party_stats(h).await;
        assert_eq!(
            stats.net_coins, row.net_coins,
            "the stats count the bonuses"
        );
    }
    assert_award_rules(&results);
    assert!(
        results.awards.comeback.is_none(),
        "nobody was behind after COPY"
    );
    let hot = results.awards.hot_streak.as_ref().unwrap();
    assert!([humans[0].id, humans[4].id].contains(&hot.player_id));
    assert_eq!(
        (hot.streak, hot.bonus_coins.map(party_protocol::Coins::get)),
        (Some(3), Some(STREAK_BONUS))
    );
    let combo = results.awards.best_combo.as_ref().unwrap();
    assert!(combo.votes_fooled.is_some_and(|n| n >= COMBO_MIN_FOOLED));
    // Reading the results again pays nothing more.
    assert_eq!(party.results().await, results);
    for h in &humans {
        let row = results
            .rankings
            .iter()
            .find(|r| r.player_id == h.id)
            .unwrap();
        let (w0, v0) = before[&h.id];
        let (w1, v1) = app.balances(h).await;
        assert_eq!((w1 + v1) - (w0 + v0), row.net_coins.get());
    }
    app.assert_conserved().await;
}

/// Four people; the last never writes a prompt, so when COPY ends they
/// have paid least and stand first. Every party vote is right, so every
/// original's author collects their pool and the idle player, who wrote
/// none, falls back: someone behind after COPY climbs to first and is the
/// Comeback Player, by the rule over the rows' ranks.
async fn the_comeback_player_climbs_from_the_standing_after_copy(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(4).await;
    let mut party = Party::gather(&app, humans.clone(), 0).await;
    party.start().await;
    for h in &humans[..3] {
        let round: PartyPromptRoundResponse = app
            .post_empty(&party.path("/rounds/prompt"), &h.token)
            .await
            .ok();
        let (phrase, _) = party.submit_phrase(h, &round.round_id.to_string()).await;
        party.authors.insert(phrase.clone(), h.id);
        party.originals.insert(phrase);
    }
    // The PROMPT deadline (180 s and the 5 s grace) forfeits the idle prompt.
    app.advance(186).await;
    assert_eq!(party.note_phase().await, PartyPhase::Copy);
    party.play_copies().await;
    assert_eq!(party.note_phase().await, PartyPhase::Vote);
    for h in &humans {
        loop {
            let reply = app.post_empty(&party.path("/rounds/vote"), &h.token).await;
            if reply.body["error"] == "votes_complete" || reply.body["error"] == "wrong_phase" {
                break;
            }
            let round: PartyVoteRoundResponse = reply.ok();
            let body = submit_vote(&party, h, &round, true).await;
            if round.from_party {
                assert_eq!(body["correct"], true);
            }
        }
    }
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    let results = party.results().await;
    // What each paid by COPY's end: 100 per prompt, 50 per copy, all
    // submitted; ties share the better rank.
    let paid = |r: &RankingEntry| 100 * r.prompts_submitted + 50 * r.copies_submitted;
    for r in &results.rankings {
        let ahead = results
            .rankings
            .iter()
            .filter(|o| paid(o) < paid(r))
            .count() as i64;
        assert_eq!(r.rank_after_copy, Some(ahead + 1), "{}", r.username);
    }
    let idle = results
        .rankings
        .iter()
        .find(|r| r.player_id == humans[3].id)
        .unwrap();
    assert_eq!((idle.prompts_submitted, idle.rank_after_copy), (0, Some(1)));
    assert_ne!(idle.rank, 1, "no original, no pool: {results:#?}");
    assert_award_rules(&results);
    let comeback = results.awards.comeback.as_ref().expect("someone climbed");
    assert_eq!(comeback.player_id, results.rankings[0].player_id);
    assert!(comeback.rank_gain.is_some_and(|g| g >= 1));
    for h in &humans {
        let row = results
            .rankings
            .iter()
            .find(|r| r.player_id == h.id)
            .unwrap();
        assert_eq!(app.party_stats(h).await.net_coins, row.net_coins);
    }
    app.assert_conserved().await;
}

on_both_backends!(
    streaks_and_combos_are_paid_once_and_counted_everywhere,
    the_comeback_player_climbs_from_the_standing_after_copy,
);
