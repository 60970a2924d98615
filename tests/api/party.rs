//! Full parties over HTTP, from the lobby to RESULTS: 4 humans, 3 humans
//! with bots, 6 and 8 humans. The phase sequence, every participant's
//! counters, each human's balance, the rankings, the awards and the
//! phraseset summary are checked against values computed here from what
//! the players did.

use std::collections::{HashMap, HashSet};

use party_protocol::party::{
    PartyCopyRoundResponse, PartyPhase, PartyPromptRoundResponse, PartyResultsResponse,
    PartySessionResponse, PartyStatusResponse, PartyVoteRoundResponse,
};
use party_protocol::{ErrorCode, PlayerId};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::on_both_backends;
use crate::support::phrases::Phrases;
use crate::support::play::{COPY, CORRECT_PAYOUT, POOL_BASE, PROMPT, START, VOTE};
use crate::support::{Backend, Player, TestApp, spawn_app};

/// A party as the test drives it.
pub struct Party<'a> {
    pub app: &'a TestApp,
    pub id: Uuid,
    pub code: String,
    pub humans: Vec<Player>,
    pub phrases: Phrases,
    /// Phrase → author, for every phrase a human wrote.
    pub authors: HashMap<String, PlayerId>,
    /// The originals humans wrote.
    pub originals: HashSet<String>,
    /// (voter, chosen phrase) for every human vote.
    pub human_votes: Vec<(PlayerId, String)>,
    /// Phases seen after each step.
    pub phases: Vec<PartyPhase>,
}

impl<'a> Party<'a> {
    /// A driver for party `id` that has seen nothing played yet.
    pub fn driver(app: &'a TestApp, id: Uuid, code: String, humans: Vec<Player>) -> Party<'a> {
        Party {
            app,
            id,
            code,
            humans,
            phrases: Phrases::default(),
            authors: HashMap::new(),
            originals: HashSet::new(),
            human_votes: Vec::new(),
            phases: Vec::new(),
        }
    }

    /// The first player creates, the others join by code (typed in lower
    /// case), the host adds bots, everyone gets ready.
    pub async fn gather(app: &'a TestApp, humans: Vec<Player>, bots: i64) -> Party<'a> {
        Self::gather_with(app, humans, bots, json!({})).await
    }

    /// Like [`Party::gather`], with a `POST /party/create` body (quotas, timers).
    pub async fn gather_with(
        app: &'a TestApp,
        humans: Vec<Player>,
        bots: i64,
        config: Value,
    ) -> Party<'a> {
        let host = &humans[0];
        let created: PartySessionResponse =
            app.post("/party/create", &host.token, config).await.ok();
        assert_eq!(created.current_phase, PartyPhase::Lobby);
        assert_eq!(created.party_code.len(), 8);
        assert!(
            created
                .party_code
                .chars()
                .all(|c| c.is_ascii_uppercase() || ('2'..='9').contains(&c))
        );
        assert_eq!(created.participants.len(), 1);
        assert!(created.participants[0].is_host);
        for h in &humans[1..] {
            let joined: PartySessionResponse = app
                .post(
                    "/party/join",
                    &h.token,
                    json!({"party_code": created.party_code.to_lowercase()}),
                )
                .await
                .ok();
            assert_eq!(joined.session_id, created.session_id);
        }
        if bots > 0 {
            let added: Value = app
                .post(
                    &format!("/party/{}/bots", created.session_id),
                    &host.token,
                    json!({"count": bots}),
                )
                .await
                .ok();
            assert_eq!(added["added"].as_array().map(Vec::len), Some(bots as usize));
        }
        for h in &humans {
            let ready: Value = app
                .post_empty(&format!("/party/{}/ready", created.session_id), &h.token)
                .await
                .ok();
            assert_eq!(ready["status"], "READY");
        }
        let party = Party::driver(app, created.session_id, created.party_code, humans);
        let status = party.status(&party.humans[0]).await;
        assert_eq!(
            status.participants.len(),
            party.humans.len() + bots as usize
        );
        assert_eq!(
            status.participants.iter().filter(|p| p.is_bot).count(),
            bots as usize
        );
        party
    }

    /// A driver for a party already under way (after a restart).
    pub async fn gather_existing(app: &'a TestApp, id: Uuid, humans: Vec<Player>) -> Party<'a> {
        let status: PartyStatusResponse = app
            .get(&format!("/party/{id}/status"), &humans[0].token)
            .await
            .ok();
        Party {
            // Far from the phrases the first driver handed out.
            phrases: Phrases::starting_at(25),
            phases: vec![status.current_phase],
            ..Party::driver(app, id, status.party_code, humans)
        }
    }

    pub fn path(&self, rest: &str) -> String {
        format!("/party/{}{rest}", self.id)
    }

    pub async fn status(&self, who: &Player) -> PartyStatusResponse {
        self.app.get(&self.path("/status"), &who.token).await.ok()
    }

    pub async fn note_phase(&mut self) -> PartyPhase {
        let phase = self.status(&self.humans[0]).await.current_phase;
        if self.phases.last() != Some(&phase) {
            self.phases.push(phase);
        }
        phase
    }

    pub async fn start(&mut self) {
        let started: Value = self
            .app
            .post_empty(&self.path("/start"), &self.humans[0].token)
            .await
            .ok();
        assert_eq!(started["current_phase"], "PROMPT");
        assert_eq!(started["status"], "IN_PROGRESS");
        self.note_phase().await;
    }

    /// Submits fresh phrases until one is accepted; returns it and the response.
    pub async fn submit_phrase(&self, who: &Player, round: &str) -> (String, Value) {
        for _ in 0..30 {
            let phrase = self.phrases.next();
            let reply = self
                .app
                .post(
                    &self.path(&format!("/rounds/{round}/submit")),
                    &who.token,
                    json!({"phrase": phrase}),
                )
                .await;
            if reply.status.is_success() {
                assert_eq!(reply.body["phrase"], phrase.as_str());
                return (phrase, reply.body);
            }
            assert_eq!(
                reply.body["error"],
                ErrorCode::InvalidPhrase.as_str(),
                "{}",
                reply.body
            );
        }
        panic!("no phrase accepted after 30 tries");
    }

    /// Every human writes their prompt.
    pub async fn play_prompts(&mut self) {
        for h in self.humans.clone() {
            let round: PartyPromptRoundResponse = self
                .app
                .post_empty(&self.path("/rounds/prompt"), &h.token)
                .await
                .ok();
            assert_eq!(round.cost.get(), PROMPT);
            let (phrase, _) = self.submit_phrase(&h, &round.round_id.to_string()).await;
            self.authors.insert(phrase.clone(), h.id);
            self.originals.insert(phrase);
            if self.phases.last() == Some(&PartyPhase::Prompt) {
                self.app
                    .post_empty(&self.path("/rounds/prompt"), &h.token)
                    .await
                    .err(if self.note_phase().await == PartyPhase::Prompt {
                        ErrorCode::AlreadySubmitted
                    } else {
                        ErrorCode::WrongPhase
                    });
            }
        }
    }

    /// Every human writes all the copies assigned to them.
    pub async fn play_copies(&mut self) {
        for h in self.humans.clone() {
            loop {
                let reply = self
                    .app
                    .post_empty(&self.path("/rounds/copy"), &h.token)
                    .await;
                let code = reply.body["error"].as_str().unwrap_or_default().to_owned();
                if code == ErrorCode::CopiesComplete.as_str()
                    || code == ErrorCode::WrongPhase.as_str()
                {
                    break;
                }
                let round: PartyCopyRoundResponse = reply.ok();
                assert!(round.from_party);
                assert_eq!(round.cost.get(), COPY);
                assert_ne!(
                    self.authors.get(&round.original_phrase),
                    Some(&h.id),
                    "never your own prompt"
                );
                let (phrase, _) = self.submit_phrase(&h, &round.round_id.to_string()).await;
                self.authors.insert(phrase, h.id);
            }
        }
    }

    /// Every human casts all their votes: the original (when a human wrote
    /// it) if voter index + vote number is even, otherwise another phrase.
    pub async fn play_votes(&mut self) {
        for (hi, h) in self.humans.clone().iter().enumerate() {
            for vi in 0..10 {
                let reply = self
                    .app
                    .post_empty(&self.path("/rounds/vote"), &h.token)
                    .await;
                let code = reply.body["error"].as_str().unwrap_or_default().to_owned();
                if code == ErrorCode::VotesComplete.as_str()
                    || code == ErrorCode::WrongPhase.as_str()
                {
                    break;
                }
                let round: PartyVoteRoundResponse = reply.ok();
                assert_eq!(round.cost.get(), VOTE);
                for p in &round.phrases {
                    assert_ne!(
                        self.authors.get(p),
                        Some(&h.id),
                        "never a set you wrote or copied"
                    );
                }
                let original = round.phrases.iter().find(|p| self.originals.contains(*p));
                let choice = match original {
                    Some(o) if (hi + vi) % 2 == 0 => o.clone(),
                    Some(o) => round
                        .phrases
                        .iter()
                        .find(|p| *p != o)
                        .cloned()
                        .unwrap_or_default(),
                    None => round.phrases[0].clone(),
                };
                let body: Value = self
                    .app
                    .post(
                        &self.path(&format!("/rounds/{}/submit", round.round_id)),
                        &h.token,
                        json!({"phrase": choice.to_lowercase()}),
                    )
                    .await
                    .ok();
                assert_eq!(body["phrase"], choice.as_str());
                if let Some(o) = original {
                    assert_eq!(body["correct"], *o == choice);
                }
                self.human_votes.push((h.id, choice));
            }
        }
    }

    pub async fn results(&self) -> PartyResultsResponse {
        self.app
            .get(&self.path("/results"), &self.humans[0].token)
            .await
            .ok()
    }

    /// Lets the server-side bots take their turn (they wait a few seconds).
    pub async fn let_bots_play(&mut self) {
        self.app.advance(3).await;
        self.note_phase().await;
    }

    /// Plays the whole party (bots after the humans in every phase).
    pub async fn play_to_results(&mut self, bots: bool) {
        self.start().await;
        self.play_prompts().await;
        if bots {
            self.let_bots_play().await;
        }
        assert_eq!(self.note_phase().await, PartyPhase::Copy);
        self.play_copies().await;
        if bots {
            self.let_bots_play().await;
        }
        let phase = self.note_phase().await;
        if phase == PartyPhase::Vote {
            self.play_votes().await;
            if bots {
                self.let_bots_play().await;
            }
        }
        if self.note_phase().await != PartyPhase::Results {
            let status = self.status(&self.humans[0]).await;
            panic!("the party did not reach RESULTS: {status:#?}");
        }
    }
}

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
pub async fn verify(party: &Party<'_>, results: &PartyResultsResponse, bots: usize) {
    let app = party.app;
    let n = party.humans.len() + bots;
    let status = party.status(&party.humans[0]).await;
    assert_eq!(status.current_phase, PartyPhase::Results);
    let expected_votes_each = 3.min(n as i64 - 3);
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
    }

    // The summary: one phraseset per prompt, phrases credited to the
    // humans who wrote them, originals marked as the test knows them.
    assert_eq!(results.phrasesets_summary.len(), n);
    let mut phrase_votes: HashMap<String, i64> = HashMap::new();
    for (_, choice) in &party.human_votes {
        *phrase_votes.entry(choice.clone()).or_default() += 1;
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
            "none"
        } else if votes[0] >= votes[1] && votes[0] >= votes[2] {
            "original"
        } else {
            "copy"
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
    assert_eq!(votes_total, n as i64 * expected_votes_each);

    // Rankings: every participant once, ordered by net coins.
    assert_eq!(results.rankings.len(), n);
    let mut correct_total = 0;
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
            let mine: Vec<&String> = party
                .human_votes
                .iter()
                .filter(|(v, _)| *v == r.player_id)
                .map(|(_, c)| c)
                .collect();
            let right = results
                .phrasesets_summary
                .iter()
                .filter(|s| mine.contains(&&s.phrases[0].phrase))
                .count() as i64;
            assert_eq!(r.correct_votes, right, "{} correct votes", r.username);
            right
        } else {
            r.correct_votes
        };
        correct_total += correct;
        let expected_earned =
            earned.get(&r.player_id).copied().unwrap_or(0) + CORRECT_PAYOUT * correct;
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
    assert_eq!(
        correct_total, originals_total,
        "every vote on an original is someone's correct vote"
    );

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
async fn played(app: &TestApp, humans: usize, bots: i64) -> (Party<'_>, PartyResultsResponse) {
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

async fn four_humans_play_a_party_to_results(backend: Backend) {
    let app = spawn_app(backend).await;
    let (party, results) = played(&app, 4, 0).await;
    assert_eq!(results.party_code, party.code);
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
    played(&app, 8, 0).await;
}

on_both_backends!(
    four_humans_play_a_party_to_results,
    three_humans_and_three_bots_play_to_results,
    six_humans_play_to_results,
    eight_humans_play_to_results,
);
