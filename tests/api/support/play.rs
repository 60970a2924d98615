//! Building blocks for scenarios: write a prompt, copy it, build a whole
//! phraseset, vote, fire many requests at once. Also the rules' numbers and
//! the payout arithmetic, restated here (not read from the server) so tests
//! check the server against the rules rather than against itself.

use std::collections::{BTreeMap, HashMap};

use futures::future::join_all;
use party_protocol::round::{
    CopyRoundResponse, PhrasesetResults, PromptRoundResponse, VoteRoundResponse,
};
use party_protocol::{PhrasesetId, PlayerId, RoundId};
use serde_json::{Value, json};

use super::phrases::{Phrases, submit_valid};
use super::{Player, Reply, TestApp};

pub const START: i64 = 5000;
pub const PROMPT: i64 = 100;
pub const COPY: i64 = 50;
pub const COPY_DISCOUNTED: i64 = 40;
pub const VOTE: i64 = 10;
pub const CORRECT_PAYOUT: i64 = 20;
pub const POOL_BASE: i64 = 200;
pub const PENALTY: i64 = 5;
pub const PROMPT_SECONDS: i64 = 180;
pub const COPY_SECONDS: i64 = 180;
pub const VOTE_SECONDS: i64 = 60;
pub const GRACE: i64 = 5;
pub const RAKE_PERCENT: i64 = 30;

/// The split rule: (wallet part, vault part) of a payout of `gross` for a
/// round that cost `cost`.
pub fn split(gross: i64, cost: i64) -> (i64, i64) {
    let net = gross - cost;
    let vault = if net > 0 { net * RAKE_PERCENT / 100 } else { 0 };
    (gross - vault, vault)
}

/// The prize of each role (original, copy 1, copy 2) for a pool and the
/// votes each phrase got: 1 point per correct vote, 2 per fooled voter,
/// floor(points × pool / total), or pool / 3 each when nobody scored.
pub fn prizes(votes: [i64; 3], pool: i64) -> [i64; 3] {
    let points = [votes[0], 2 * votes[1], 2 * votes[2]];
    let total: i64 = points.iter().sum();
    if total == 0 {
        [pool / 3; 3]
    } else {
        points.map(|p| p * pool / total)
    }
}

/// The pool after these votes (phrase index 0 = original): each vote adds
/// its fee, each correct vote takes the correct payout back out.
pub fn pool_after(votes: [i64; 3]) -> i64 {
    POOL_BASE + VOTE * votes.iter().sum::<i64>() - CORRECT_PAYOUT * votes[0]
}

/// The expected (wallet, vault) of every player, kept by the test from the
/// rules alone.
#[derive(Debug, Default)]
pub struct Books(pub HashMap<PlayerId, (i64, i64)>);

impl Books {
    pub fn open(&mut self, players: &[&Player]) {
        for p in players {
            self.0.insert(p.id, (START, 0));
        }
    }

    pub fn spend(&mut self, p: &Player, amount: i64) {
        self.entry(p).0 -= amount;
    }

    pub fn refund(&mut self, p: &Player, amount: i64) {
        self.entry(p).0 += amount;
    }

    /// A payout of `gross` for a round that cost `cost` (split rule).
    pub fn pay(&mut self, p: &Player, gross: i64, cost: i64) {
        let (wallet, vault) = split(gross, cost);
        let entry = self.entry(p);
        entry.0 += wallet;
        entry.1 += vault;
    }

    fn entry(&mut self, p: &Player) -> &mut (i64, i64) {
        self.0.get_mut(&p.id).expect("an opened player")
    }

    #[track_caller]
    pub fn expected(&self, p: &Player) -> (i64, i64) {
        self.0[&p.id]
    }

    pub async fn check(&self, app: &TestApp, players: &[&Player]) {
        for p in players {
            assert_eq!(
                app.balances(p).await,
                self.0[&p.id],
                "balances of {}",
                p.username
            );
        }
    }
}

/// Checks each author's prize in published results. Matched by author,
/// not by role: which copy is "copy 1" is the server's choice.
#[track_caller]
pub fn assert_prizes(results: &PhrasesetResults, expected: [(&Player, i64); 3]) {
    for (p, gross) in expected {
        let phrase = results
            .phrases
            .iter()
            .find(|r| r.author_id == p.id)
            .unwrap_or_else(|| panic!("{} is not an author", p.username));
        assert_eq!(phrase.payout.get(), gross, "prize of {}", p.username);
    }
}

/// A finished phraseset as its authors know it.
#[derive(Debug, Clone)]
pub struct SetPhrases {
    pub prompt_round: RoundId,
    pub original: String,
    pub copies: [String; 2],
}

impl SetPhrases {
    /// Phrase `index`: 0 the original, 1 and 2 the copies.
    pub fn phrase(&self, index: usize) -> &str {
        match index {
            0 => &self.original,
            i => &self.copies[i - 1],
        }
    }

    /// The index of a phrase as shown to a voter.
    pub fn index_of(&self, phrase: &str) -> usize {
        (0..3)
            .find(|&i| self.phrase(i) == phrase)
            .unwrap_or_else(|| panic!("{phrase} is not in {self:?}"))
    }
}

/// Starts a prompt round and submits a valid phrase to it.
pub async fn write_prompt(app: &TestApp, phrases: &Phrases, p: &Player) -> (RoundId, String) {
    let round: PromptRoundResponse = app.post_empty("/rounds/prompt", &p.token).await.ok();
    let phrase = submit_valid(app, phrases, p, &round.round_id.to_string()).await;
    (round.round_id, phrase)
}

/// Starts a copy round and submits a valid phrase to it.
pub async fn write_copy(
    app: &TestApp,
    phrases: &Phrases,
    p: &Player,
) -> (CopyRoundResponse, String) {
    let round: CopyRoundResponse = app.post_empty("/rounds/copy", &p.token).await.ok();
    let phrase = submit_valid(app, phrases, p, &round.round_id.to_string()).await;
    (round, phrase)
}

/// A prompt by `writer` copied by both `copiers`: a phraseset. Assumes no
/// older prompt is waiting for these copiers.
pub async fn build_set(
    app: &TestApp,
    phrases: &Phrases,
    writer: &Player,
    copiers: [&Player; 2],
) -> SetPhrases {
    let (prompt_round, original) = write_prompt(app, phrases, writer).await;
    let mut written = Vec::new();
    for c in copiers {
        let (round, phrase) = write_copy(app, phrases, c).await;
        assert_eq!(round.prompt_round_id, prompt_round, "copied the new prompt");
        written.push(phrase);
    }
    SetPhrases {
        prompt_round,
        original,
        copies: [written[0].clone(), written[1].clone()],
    }
}

/// Starts a vote round.
pub async fn start_vote(app: &TestApp, voter: &Player) -> VoteRoundResponse {
    app.post_empty("/rounds/vote", &voter.token).await.ok()
}

/// Votes for `phrase` on a phraseset.
pub async fn vote(app: &TestApp, voter: &Player, set: PhrasesetId, phrase: &str) -> Reply {
    app.post(
        &format!("/phrasesets/{set}/vote"),
        &voter.token,
        json!({"phrase": phrase}),
    )
    .await
}

/// Starts a vote round and votes for phrase `index` of `set`. Returns the
/// phraseset id.
pub async fn vote_for(
    app: &TestApp,
    voter: &Player,
    set: &SetPhrases,
    index: usize,
) -> PhrasesetId {
    let round = start_vote(app, voter).await;
    assert!(
        round.phrases.iter().any(|p| p == &set.original),
        "{round:?}"
    );
    let body: Value = vote(app, voter, round.phraseset_id, set.phrase(index))
        .await
        .ok();
    assert_eq!(body["correct"], index == 0);
    round.phraseset_id
}

/// The round's details (`GET /rounds/{id}`).
pub async fn round_details(app: &TestApp, p: &Player, round: RoundId) -> Value {
    app.get(&format!("/rounds/{round}"), &p.token).await.ok()
}

/// `GET /player/current-round`: the active round, or `{"round_id": null}`.
pub async fn current_round(app: &TestApp, p: &Player) -> Value {
    app.get("/player/current-round", &p.token).await.ok()
}

/// `GET /rounds/available`.
pub async fn availability(app: &TestApp, p: &Player) -> Value {
    app.get("/rounds/available", &p.token).await.ok()
}

/// Runs all the requests at the same time and returns their replies in order.
pub async fn all_at_once<F>(requests: Vec<F>) -> Vec<Reply>
where
    F: Future<Output = Reply>,
{
    join_all(requests).await
}

/// How many replies succeeded, and how many failed with each error code.
/// Panics on a reply that is neither a success nor a well-formed 4xx error:
/// a race must never surface as a 5xx.
pub fn outcomes(replies: &[Reply]) -> (usize, BTreeMap<String, usize>) {
    let mut ok = 0;
    let mut errors = BTreeMap::new();
    for r in replies {
        assert!(
            !r.status.is_server_error(),
            "a race surfaced as a server error: {} {}",
            r.status,
            r.body
        );
        if r.status.is_success() {
            ok += 1;
        } else {
            let code = r.body["error"]
                .as_str()
                .unwrap_or_else(|| panic!("error without a code: {} {}", r.status, r.body));
            *errors.entry(code.to_owned()).or_default() += 1;
        }
    }
    (ok, errors)
}

/// `{code: n}`, for comparing with [`outcomes`].
pub fn codes(list: &[(party_protocol::ErrorCode, usize)]) -> BTreeMap<String, usize> {
    list.iter()
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| (c.as_str().to_owned(), *n))
        .collect()
}
