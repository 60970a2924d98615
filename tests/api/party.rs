//! Full parties over HTTP, from the lobby to RESULTS: 4 humans, 3 humans
//! with bots, 6 and 8 humans. The phase sequence, every participant's
//! counters, each human's balance, the rankings, the awards and the
//! phraseset summary are checked against values computed here from what
//! the players did.

use std::collections::{HashMap, HashSet};

use party_protocol::PlayerId;
use party_protocol::party::{MostVotes, PartyPhase, PartyResultsResponse};
use party_protocol::round::PhrasesetResults;

use crate::on_both_backends;
use crate::support::party::{CastVote, Party, combos_of, streak_of};
use crate::support::play::{COPY, CORRECT_PAYOUT, POOL_BASE, PROMPT, START, VOTE};
use crate::support::{Backend, TestApp, spawn_app};

/// Expected prize split of one phraseset: pool = 200 + 10 per vote − 20 per
/// correct vote; original 1 point per vote, each copy 2 per voter fooled;
/// floor(points × pool / total), or pool / 3 each without points.
fn prizes(votes: [i64; 3]) -> ([i64; 3], i64) {
    let total_votes: i64 = votes.iter().sum();
    let pool = POOL_BASE + VOTE * total_votes - CORRECT_PAYOUT * votes[0];
    let points = [votes[0], 2 * votes[1], 2 * votes[2]];
    let total: i64 = points.iter().sum();
    let paid = if total == 0 {
        [pool / 3; 3]
    } else {
        points.map(|p| p * pool / total)
    };
    (paid, pool)
}

/// The vault share of a payout: 30 % of the net gain over the entry.
fn vault_part(gross: i64, cost: i64) -> i64 {
    if gross > cost {
        (gross - cost) * 30 / 100
    } else {
        0
    }
}

/// Checks the results against what the test computes itself.
async fn verify(party: &Party<'_>, results: &PartyResultsResponse, bots: usize) {
    let app = party.app;
    let n = party.humans.len() + bots;
    let status = party.status(&party.humans[0]).await;
    assert_eq!(status.current_phase, PartyPhase::Results);
    // Every player casts the full quota: global sets fill what party sets cannot.
    let expected_votes_each = 3;
    let global_votes: i64 = status
        .participants
        .iter()
        .map(|p| p.global_votes_required)
        .sum();
    let may_vote_on_party_sets = (n as i64 - 3).min(3);
    for p in &status.participants {
        assert_eq!(p.prompts_submitted, 1, "{}", p.username);
        assert_eq!(p.copies_submitted, 2, "{} copies: {status:#?}", p.username);
        assert_eq!(p.copies_required, 2);
        assert_eq!(
            p.votes_required, expected_votes_each,
            "{} vote quota",
            p.username
        );
        assert_eq!(
            p.votes_submitted, expected_votes_each,
            "{} votes",
            p.username
        );
        // Party sets first: only what they cannot fill is global.
        assert_eq!(
            p.global_votes_required,
            expected_votes_each - may_vote_on_party_sets,
            "{} global votes",
            p.username
        );
    }

    // The summary: one phraseset per prompt, phrases credited to the
    // humans who wrote them, originals marked as the test knows them.
    assert_eq!(results.phrasesets_summary.len(), n);
    let mut phrase_votes: HashMap<String, i64> = HashMap::new();
    for vote in party.human_votes.iter().filter(|v| v.from_party) {
        *phrase_votes.entry(vote.choice.clone()).or_default() += 1;
    }
    // Per player: (spent, earned, vault part of earnings, votes on originals, voters fooled).
    let mut earned: HashMap<PlayerId, i64> = HashMap::new();
    let mut vault: HashMap<PlayerId, i64> = HashMap::new();
    let mut on_originals: HashMap<PlayerId, i64> = HashMap::new();
    let mut fooled: HashMap<PlayerId, i64> = HashMap::new();
    let mut originals_total = 0;
    let mut votes_total = 0;
    for set in &results.phrasesets_summary {
        assert_eq!(set.phrases.len(), 3);
        assert!(
            set.phrases[0].is_original
                && !set.phrases[1].is_original
                && !set.phrases[2].is_original
        );
        for ph in &set.phrases {
            if let Some(author) = party.authors.get(&ph.phrase) {
                assert_eq!(*author, ph.author_id, "author of {}", ph.phrase);
                assert_eq!(party.originals.contains(&ph.phrase), ph.is_original);
            }
            let by_humans = phrase_votes.get(&ph.phrase).copied().unwrap_or(0);
            if bots == 0 {
                assert_eq!(ph.votes, by_humans, "votes on {}", ph.phrase);
            } else {
                assert!(ph.votes >= by_humans);
            }
        }
        let votes = [
            set.phrases[0].votes,
            set.phrases[1].votes,
            set.phrases[2].votes,
        ];
        assert_eq!(set.vote_count, votes.iter().sum::<i64>());
        votes_total += set.vote_count;
        originals_total += votes[0];
        let (paid, pool) = prizes(votes);
        assert_eq!(set.prize_pool.get(), pool, "pool of {}", set.prompt_text);
        let expected_most = if votes.iter().all(|v| *v == 0) {
            MostVotes::None
        } else if votes[0] >= votes[1] && votes[0] >= votes[2] {
            MostVotes::Original
        } else {
            MostVotes::Copy
        };
        assert_eq!(set.most_votes, expected_most);
        assert_eq!(set.original_player, set.phrases[0].author_username);
        for (i, ph) in set.phrases.iter().enumerate() {
            let cost = if i == 0 { PROMPT } else { COPY };
            *earned.entry(ph.author_id).or_default() += paid[i];
            *vault.entry(ph.author_id).or_default() += vault_part(paid[i], cost);
        }
        *on_originals.entry(set.phrases[0].author_id).or_default() += votes[0];
        *fooled.entry(set.phrases[1].author_id).or_default() += votes[1];
        *fooled.entry(set.phrases[2].author_id).or_default() += votes[2];
    }
    assert_eq!(votes_total, n as i64 * expected_votes_each - global_votes);

    // Rankings: every participant once, ordered by net coins.
    assert_eq!(results.rankings.len(), n);
    let combos = combos_of(results);
    let mut party_correct_total = 0;
    for (i, r) in results.rankings.iter().enumerate() {
        assert_eq!(r.rank, i as i64 + 1);
        if i > 0 {
            assert!(
                results.rankings[i - 1].net_coins >= r.net_coins,
                "ranked by net coins"
            );
        }
        let spent = PROMPT + 2 * COPY + VOTE * r.votes_submitted;
        assert_eq!(r.coins_spent.get(), spent, "{} spent", r.username);
        let human = party.humans.iter().any(|h| h.id == r.player_id);
        let correct = if human {
            let mine: Vec<_> = party
                .human_votes
                .iter()
                .filter(|v| v.voter == r.player_id)
                .collect();
            // Party votes: right when the choice is its set's original.
            let right_on_party_sets = results
                .phrasesets_summary
                .iter()
                .filter(|s| {
                    mine.iter().any(|v| {
                        v.from_party && v.set == s.phraseset_id && v.choice == s.phrases[0].phrase
                    })
                })
                .count() as i64;
            let right_on_party_sets_said =
                mine.iter().filter(|v| v.from_party && v.correct).count() as i64;
            assert_eq!(right_on_party_sets, right_on_party_sets_said);
            party_correct_total += right_on_party_sets;
            let right = mine.iter().filter(|v| v.correct).count() as i64;
            assert_eq!(r.correct_votes, right, "{} correct votes", r.username);
            right
        } else {
            r.correct_votes
        };
        // Bonuses: a human's streak from their votes in order, a bot's as
        // its row says; combos from the summary.
        let streak = if human {
            let answers: Vec<bool> = party
                .human_votes
                .iter()
                .filter(|v| v.voter == r.player_id)
                .map(|v| v.correct)
                .collect();
            let (coins, longest) = streak_of(&answers);
            assert_eq!(r.bonuses.longest_streak, longest, "{} streak", r.username);
            coins
        } else {
            r.bonuses.streak_coins.get()
        };
        assert_eq!(
            r.bonuses.streak_coins.get(),
            streak,
            "{} streak",
            r.username
        );
        let combo = combos.get(&r.player_id).map_or(0, |c| c.0);
        assert_eq!(r.bonuses.combo_coins.get(), combo, "{} combo", r.username);
        let expected_earned = earned.get(&r.player_id).copied().unwrap_or(0)
            + CORRECT_PAYOUT * correct
            + streak
            + combo;
        assert_eq!(
            r.coins_earned.get(),
            expected_earned,
            "{} earned",
            r.username
        );
        assert_eq!(r.net_coins.get(), expected_earned - spent);
        assert_eq!(
            r.votes_on_originals,
            on_originals.get(&r.player_id).copied().unwrap_or(0)
        );
        assert_eq!(
            r.votes_fooled,
            fooled.get(&r.player_id).copied().unwrap_or(0)
        );
        if human {
            // The coins are real: the balances moved by exactly this much.
            let player = party
                .humans
                .iter()
                .find(|h| h.id == r.player_id)
                .expect("human");
            let (wallet, vault_now) = app.balances(player).await;
            let expected_vault = vault.get(&r.player_id).copied().unwrap_or(0) + 3 * correct;
            assert_eq!(vault_now, expected_vault, "{} vault", r.username);
            assert_eq!(
                wallet + vault_now,
                START + r.net_coins.get(),
                "{} wallet",
                r.username
            );
        }
    }
    if bots == 0 {
        assert_eq!(
            party_correct_total, originals_total,
            "every vote on a party original is someone's correct vote"
        );
    }

    // Awards: the best by each metric, ties to the better ranked; absent at zero.
    let best = |metric: &dyn Fn(&party_protocol::party::RankingEntry) -> f64| {
        let top = results.rankings.iter().map(metric).fold(0.0_f64, f64::max);
        (top > 0.0).then(|| {
            results
                .rankings
                .iter()
                .find(|r| (metric(r) - top).abs() < 1e-9)
                .map(|r| r.player_id)
        })
    };
    let writer = best(&|r| r.votes_on_originals as f64).flatten();
    assert_eq!(
        results.awards.best_writer.as_ref().map(|a| a.player_id),
        writer
    );
    let impostor = best(&|r| r.votes_fooled as f64).flatten();
    assert_eq!(
        results.awards.top_impostor.as_ref().map(|a| a.player_id),
        impostor
    );
    let sharp = best(&|r| {
        if r.correct_votes > 0 {
            r.vote_accuracy * 1000.0 + r.correct_votes as f64
        } else {
            0.0
        }
    })
    .flatten();
    assert_eq!(
        results.awards.sharpest_voter.as_ref().map(|a| a.player_id),
        sharp
    );
    app.assert_conserved().await;
}

/// `humans` guests and `bots` bots play a party through every phase in
/// order to RESULTS; the results are verified and returned with the party.
pub(crate) async fn played(
    app: &TestApp,
    humans: usize,
    bots: i64,
) -> (Party<'_>, PartyResultsResponse) {
    let players = app.guests(humans).await;
    let mut party = Party::gather(app, players, bots).await;
    party.play_to_results(bots > 0).await;
    assert_eq!(
        party.phases,
        [
            PartyPhase::Prompt,
            PartyPhase::Copy,
            PartyPhase::Vote,
            PartyPhase::Results
        ]
    );
    let results = party.results().await;
    verify(&party, &results, usize::try_from(bots).expect("bot count")).await;
    (party, results)
}

/// On a fresh server the global votes went to sets the house printed from
/// its library: each finalizes under the solo rules (an hour after its
/// third vote at most), shows the house as its authors and its voters'
/// votes as they were cast, and the books still balance with every pool
/// back to the house. Returns how many distinct global sets there were.
async fn global_sets_came_from_the_house(party: &Party<'_>) -> usize {
    let app = party.app;
    let global: Vec<&CastVote> = party.human_votes.iter().filter(|v| !v.from_party).collect();
    app.advance(61 * 60).await;
    let mut sets = HashSet::new();
    for vote in &global {
        let voter = party
            .humans
            .iter()
            .find(|h| h.id == vote.voter)
            .expect("a human voted");
        let shown: PhrasesetResults = app
            .get(&format!("/phrasesets/{}/results", vote.set), &voter.token)
            .await
            .ok();
        let authors: Vec<&str> = shown
            .phrases
            .iter()
            .map(|p| p.author_username.as_str())
            .collect();
        assert_eq!(
            authors,
            ["House Writer", "House Copier A", "House Copier B"]
        );
        assert_eq!(shown.pool_remainder.get(), 0, "all of it back to the house");
        let mine = shown
            .votes
            .iter()
            .find(|v| v.player_id == vote.voter)
            .expect("the party vote is on the set");
        assert_eq!(
            (mine.voted_phrase.as_str(), mine.correct),
            (vote.choice.as_str(), vote.correct)
        );
        sets.insert(vote.set);
    }
    app.assert_conserved().await;
    sets.len()
}

async fn three_humans_vote_on_house_sets_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let (party, results) = played(&app, 3, 0).await;
    assert!(party.human_votes.iter().all(|v| !v.from_party));
    // Nothing was voted on in the party's own sets, so no award for writing.
    assert!(results.awards.best_writer.is_none() && results.awards.top_impostor.is_none());
    // Three voters short of three votes each share three printings.
    assert_eq!(global_sets_came_from_the_house(&party).await, 3);
}

async fn four_humans_play_a_party_to_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let (party, results) = played(&app, 4, 0).await;
    assert_eq!(results.party_code, party.code);
    assert_eq!(global_sets_came_from_the_house(&party).await, 2);
}

async fn five_humans_play_to_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let (party, _) = played(&app, 5, 0).await;
    assert_eq!(global_sets_came_from_the_house(&party).await, 1);
}

async fn seven_humans_play_to_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let (party, _) = played(&app, 7, 0).await;
    assert!(
        party.human_votes.iter().all(|v| v.from_party),
        "enough party sets"
    );
}

async fn three_humans_and_three_bots_play_to_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let (_, results) = played(&app, 3, 3).await;
    assert_eq!(results.rankings.iter().filter(|r| r.is_bot).count(), 3);
}

async fn six_humans_play_to_results(backend: Backend) {
    let app = spawn_app(backend).await;
    played(&app, 6, 0).await;
}

async fn eight_humans_play_to_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let (party, _) = played(&app, 8, 0).await;
    assert!(
        party.human_votes.iter().all(|v| v.from_party),
        "enough party sets"
    );
}

on_both_backends!(
    three_humans_vote_on_house_sets_only,
    four_humans_play_a_party_to_results,
    five_humans_play_to_results,
    seven_humans_play_to_results,
    three_humans_and_three_bots_play_to_results,
    six_humans_play_to_results,
    eight_humans_play_to_results,
);
