//! Full solo cycles: prompt → two copies → votes → finalization → prize,
//! with every balance checked to the coin against an independent model of
//! the rules.

use std::collections::{HashMap, HashSet};

use party_protocol::round::{
    CopyRoundResponse, PhrasesetResults, PromptRoundResponse, VoteRoundResponse,
};
use party_protocol::{ErrorCode, PlayerId, RoundId};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::phrases::{Phrases, submit_valid};
use crate::support::play::{COPY, CORRECT_PAYOUT, POOL_BASE, PROMPT, START, VOTE};
use crate::support::{Backend, Player, TestApp, spawn_app};

/// The expected (wallet, vault) of every player.
#[derive(Debug, Default)]
struct Books(HashMap<PlayerId, (i64, i64)>);

impl Books {
    fn open(&mut self, p: &Player) {
        self.0.insert(p.id, (START, 0));
    }

    fn spend(&mut self, p: PlayerId, amount: i64) {
        self.0.get_mut(&p).expect("known player").0 -= amount;
    }

    /// The split rule: net = gross − cost; 30 % of a positive net to the vault.
    fn pay(&mut self, p: PlayerId, gross: i64, cost: i64) {
        let net = gross - cost;
        let vault = if net > 0 { net * 30 / 100 } else { 0 };
        let entry = self.0.get_mut(&p).expect("known player");
        entry.0 += gross - vault;
        entry.1 += vault;
    }

    async fn check(&self, app: &TestApp, players: &[&Player]) {
        for p in players {
            let expected = self.0[&p.id];
            assert_eq!(
                app.balances(p).await,
                expected,
                "balances of {}",
                p.username
            );
        }
    }
}

/// A phraseset as the test knows it.
#[derive(Debug, Clone)]
struct Set {
    prompt_round: RoundId,
    author: PlayerId,
    original: String,
    copies: Vec<(PlayerId, String)>,
    /// Votes so far: (voter, phrase index 0 = original, 1/2 = copies).
    votes: Vec<(PlayerId, usize)>,
}

impl Set {
    fn contributors(&self) -> HashSet<PlayerId> {
        std::iter::once(self.author)
            .chain(self.copies.iter().map(|c| c.0))
            .collect()
    }

    fn phrase(&self, index: usize) -> &str {
        if index == 0 {
            &self.original
        } else {
            &self.copies[index - 1].1
        }
    }
}

async fn start_prompt(
    app: &TestApp,
    phrases: &Phrases,
    books: &mut Books,
    p: &Player,
) -> (RoundId, String) {
    let round: PromptRoundResponse = app.post_empty("/rounds/prompt", &p.token).await.ok();
    assert_eq!(round.cost.get(), PROMPT);
    books.spend(p.id, PROMPT);
    let phrase = submit_valid(app, phrases, p, &round.round_id.to_string()).await;
    (round.round_id, phrase)
}

/// The independent expected prize split: points (1 per correct vote, 2 per
/// fooled voter), floor(points × pool / total), or pool / 3 each with no points.
fn expected_prizes(set: &Set, pool: i64) -> [i64; 3] {
    let mut counts = [0i64; 3];
    for (_, i) in &set.votes {
        counts[*i] += 1;
    }
    let points = [counts[0], 2 * counts[1], 2 * counts[2]];
    let total: i64 = points.iter().sum();
    if total == 0 {
        [pool / 3; 3]
    } else {
        points.map(|p| p * pool / total)
    }
}

fn expected_pool(set: &Set) -> i64 {
    set.votes.iter().fold(POOL_BASE, |pool, (_, i)| {
        pool + VOTE - if *i == 0 { CORRECT_PAYOUT } else { 0 }
    })
}

async fn worked_example_pays_81_54_54_and_keeps_one_coin(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let mut books = Books::default();
    let writer = app.guest().await;
    let copiers = app.guests(2).await;
    let voters = app.guests(5).await;
    for p in std::iter::once(&writer).chain(&copiers).chain(&voters) {
        books.open(p);
    }
    let (prompt_round, original) = start_prompt(&app, &phrases, &mut books, &writer).await;
    let mut set = Set {
        prompt_round,
        author: writer.id,
        original,
        copies: vec![],
        votes: vec![],
    };
    for copier in &copiers {
        let round: CopyRoundResponse = app.post_empty("/rounds/copy", &copier.token).await.ok();
        assert_eq!(round.prompt_round_id, prompt_round);
        assert_eq!(round.original_phrase, set.original);
        assert_eq!(round.cost.get(), COPY);
        assert!(!round.discount_active);
        books.spend(copier.id, COPY);
        let phrase = submit_valid(&app, &phrases, copier, &round.round_id.to_string()).await;
        set.copies.push((copier.id, phrase));
    }
    // 5 votes: 3 correct, one on each copy.
    let mut phraseset_id = None;
    for (voter, choice) in voters.iter().zip([0, 0, 0, 1, 2]) {
        let round: VoteRoundResponse = app.post_empty("/rounds/vote", &voter.token).await.ok();
        let mut shown = round.phrases.to_vec();
        shown.sort();
        let mut expected = vec![
            set.original.clone(),
            set.copies[0].1.clone(),
            set.copies[1].1.clone(),
        ];
        expected.sort();
        assert_eq!(shown, expected, "the vote shows the set's three phrases");
        books.spend(voter.id, VOTE);
        let reply = app
            .post(
                &format!("/phrasesets/{}/vote", round.phraseset_id),
                &voter.token,
                json!({"phrase": set.phrase(choice).to_lowercase()}),
            )
            .await;
        let body: Value = reply.ok();
        assert_eq!(body["correct"], choice == 0);
        assert_eq!(body["payout"], if choice == 0 { CORRECT_PAYOUT } else { 0 });
        assert_eq!(body["original_phrase"], set.original.as_str());
        if choice == 0 {
            books.pay(voter.id, CORRECT_PAYOUT, VOTE);
        }
        set.votes.push((voter.id, choice));
        phraseset_id = Some(round.phraseset_id);
    }
    let phraseset_id = phraseset_id.expect("voted");
    assert_eq!(expected_pool(&set), 190);
    // Not final yet: results are withheld until five minutes after the fifth vote.
    app.get(
        &format!("/phrasesets/{phraseset_id}/results"),
        &writer.token,
    )
    .await
    .err(ErrorCode::ResultsNotAvailable);
    let sweep = app.advance(299).await;
    assert_eq!(sweep["sweep"]["phrasesets_finalized"], 0);
    let sweep = app.advance(1).await;
    assert_eq!(sweep["sweep"]["phrasesets_finalized"], 1);

    let prizes = expected_prizes(&set, 190);
    assert_eq!(prizes, [81, 54, 54]);
    books.pay(writer.id, 81, PROMPT);
    books.pay(copiers[0].id, 54, COPY);
    books.pay(copiers[1].id, 54, COPY);
    let all: Vec<&Player> = std::iter::once(&writer)
        .chain(&copiers)
        .chain(&voters)
        .collect();
    books.check(&app, &all).await;

    let results: PhrasesetResults = app
        .get(
            &format!("/phrasesets/{phraseset_id}/results"),
            &copiers[0].token,
        )
        .await
        .ok();
    assert_eq!(results.final_pool.get(), 190);
    assert_eq!(results.pool_remainder.get(), 1);
    assert_eq!(results.vote_count, 5);
    let payouts: Vec<i64> = results.phrases.iter().map(|p| p.payout.get()).collect();
    assert_eq!(payouts, [81, 54, 54]);
    let points: Vec<i64> = results.phrases.iter().map(|p| p.points).collect();
    assert_eq!(points, [3, 2, 2]);
    assert_eq!(results.phrases[0].author_id, writer.id);
    assert_eq!(results.your_payout.get(), 54);
    assert_eq!(results.votes.len(), 5);
    let audit = app.audit().await;
    assert_eq!(
        audit["pools"], 1,
        "the rounding remainder stays in the pool"
    );
    app.assert_conserved().await;
}

/// Picks the copy round order that lets every prompt get two copies, and
/// checks each assignment against the queue rule (oldest waiting prompt
/// the copier may take).
async fn four_players_play_full_cycles_to_the_coin(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let mut books = Books::default();
    let writers = app.guests(4).await;
    let voters = app.guests(5).await;
    for p in writers.iter().chain(&voters) {
        books.open(p);
    }

    // Prompt: each writer writes one original.
    let mut sets = Vec::new();
    for w in &writers {
        // A second apart, so "oldest waiting prompt" is well defined.
        app.advance(1).await;
        let (prompt_round, original) = start_prompt(&app, &phrases, &mut books, w).await;
        sets.push(Set {
            prompt_round,
            author: w.id,
            original,
            copies: vec![],
            votes: vec![],
        });
    }

    // Copy: two each. The server must hand out the oldest waiting prompt
    // the copier did not write and has not copied.
    for w in writers.iter().rev().chain(writers.iter().rev()) {
        let expected = sets
            .iter()
            .position(|s| {
                s.copies.len() < 2 && s.author != w.id && s.copies.iter().all(|c| c.0 != w.id)
            })
            .expect("a prompt to copy");
        let round: CopyRoundResponse = app.post_empty("/rounds/copy", &w.token).await.ok();
        assert_eq!(
            round.prompt_round_id, sets[expected].prompt_round,
            "queue order"
        );
        assert_eq!(round.cost.get(), COPY);
        books.spend(w.id, COPY);
        let phrase = submit_valid(&app, &phrases, w, &round.round_id.to_string()).await;
        sets[expected].copies.push((w.id, phrase));
    }
    assert!(sets.iter().all(|s| s.copies.len() == 2));
    // Nothing left to copy for anyone who wrote or copied everything.
    app.post_empty("/rounds/copy", &writers[0].token)
        .await
        .err(ErrorCode::NoPromptsAvailable);

    // Vote: every voter and every writer votes on each set they did not
    // touch. Voters are right unless (voter + set) % 3 == 0.
    let everyone: Vec<&Player> = voters.iter().chain(&writers).collect();
    for (vi, voter) in everyone.iter().enumerate() {
        loop {
            let reply = app.post_empty("/rounds/vote", &voter.token).await;
            if reply.body["error"] == ErrorCode::NoPhrasesetsAvailable.as_str() {
                break;
            }
            let round: VoteRoundResponse = reply.ok();
            let si = sets
                .iter()
                .position(|s| round.phrases.contains(&s.original))
                .expect("a known set");
            let set = &sets[si];
            assert!(
                !set.contributors().contains(&voter.id),
                "never a set you wrote"
            );
            assert!(
                set.votes.iter().all(|v| v.0 != voter.id),
                "never a set twice"
            );
            // Priority: a set with 5+ votes, else 3–4, must be taken first.
            let eligible: Vec<&Set> = sets
                .iter()
                .filter(|s| {
                    !s.contributors().contains(&voter.id) && s.votes.iter().all(|v| v.0 != voter.id)
                })
                .collect();
            let class = |n: usize| {
                if n >= 5 {
                    0
                } else if n >= 3 {
                    1
                } else {
                    2
                }
            };
            let best = eligible
                .iter()
                .map(|s| class(s.votes.len()))
                .min()
                .expect("eligible");
            assert_eq!(class(set.votes.len()), best, "vote priority");
            books.spend(voter.id, VOTE);
            let choice = if (vi + si) % 3 == 0 { 1 + (vi % 2) } else { 0 };
            let body: Value = app
                .post(
                    &format!("/phrasesets/{}/vote", round.phraseset_id),
                    &voter.token,
                    json!({"phrase": set.phrase(choice)}),
                )
                .await
                .ok();
            assert_eq!(body["correct"], choice == 0);
            if choice == 0 {
                books.pay(voter.id, CORRECT_PAYOUT, VOTE);
            }
            sets[si].votes.push((voter.id, choice));
        }
    }
    for s in &sets {
        assert_eq!(
            s.votes.len(),
            6,
            "5 voters + the one writer who did not touch the set"
        );
    }
    let all: Vec<&Player> = writers.iter().chain(&voters).collect();
    books.check(&app, &all).await;

    // Five minutes after the fifth vote every set finalizes and pays.
    let sweep = app.advance(5 * 60 + 1).await;
    assert_eq!(sweep["sweep"]["phrasesets_finalized"], 4);
    let mut remainders = 0;
    for s in &sets {
        let pool = expected_pool(s);
        let prizes = expected_prizes(s, pool);
        remainders += pool - prizes.iter().sum::<i64>();
        books.pay(s.author, prizes[0], PROMPT);
        books.pay(s.copies[0].0, prizes[1], COPY);
        books.pay(s.copies[1].0, prizes[2], COPY);
    }
    books.check(&app, &all).await;
    let audit = app.audit().await;
    assert_eq!(audit["pools"], remainders);
    app.assert_conserved().await;
    for p in &all {
        assert_eq!(app.balances(p).await, books.0[&p.id]);
    }
}

on_both_backends!(
    worked_example_pays_81_54_54_and_keeps_one_coin,
    four_players_play_full_cycles_to_the_coin,
);
