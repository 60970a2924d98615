//! Party Mode from the players' side: the lobby calls (create, join,
//! leave, kick, bots, status) and [`Party`], the driver that gathers a
//! party and plays it phase by phase while remembering who wrote and voted
//! what, so scenarios can check the server's results against it.

use std::collections::{HashMap, HashSet};

use party_protocol::party::{
    ActivePartyResponse, COMBO_BONUS_PER_VOTER, COMBO_MIN_FOOLED, PartyCode,
    PartyCopyRoundResponse, PartyPhase, PartyPromptRoundResponse, PartyResultsResponse,
    PartySessionResponse, PartyStatusResponse, PartyVoteRoundResponse, STREAK_BONUS, STREAK_MIN,
};
use party_protocol::{ErrorCode, PhrasesetId, PlayerId, SessionId};
use reqwest::Method;
use serde_json::{Value, json};

use super::phrases::Phrases;
use super::play::{COPY, PROMPT, VOTE};
use super::{Player, Reply, TestApp};

pub async fn create(app: &TestApp, host: &Player, config: Value) -> PartySessionResponse {
    app.post("/party/create", &host.token, config).await.ok()
}

pub async fn join(app: &TestApp, who: &Player, code: &str) -> Reply {
    app.post("/party/join", &who.token, json!({ "party_code": code }))
        .await
}

pub async fn leave(app: &TestApp, who: &Player, session: SessionId) {
    let left: Value = app
        .post_empty(&format!("/party/{session}/leave"), &who.token)
        .await
        .ok();
    assert_eq!(left["success"], true);
}

pub async fn active(app: &TestApp, who: &Player) -> ActivePartyResponse {
    app.get("/party/active", &who.token).await.ok()
}

pub async fn status(app: &TestApp, session: SessionId, who: &Player) -> PartyStatusResponse {
    app.get(&format!("/party/{session}/status"), &who.token)
        .await
        .ok()
}

pub async fn kick(app: &TestApp, host: &Player, session: SessionId, target: &Player) -> Reply {
    app.request(
        Method::DELETE,
        &format!("/party/{session}/participants/{}", target.id),
        Some(&host.token),
        None,
    )
    .await
}

pub async fn add_bots(app: &TestApp, host: &Player, session: SessionId, count: i64) -> Reply {
    app.post(
        &format!("/party/{session}/bots"),
        &host.token,
        json!({ "count": count }),
    )
    .await
}

/// One vote a human cast in the party.
#[derive(Debug, Clone)]
pub struct CastVote {
    pub voter: PlayerId,
    pub set: PhrasesetId,
    pub choice: String,
    /// On one of the party's own sets (false: a global one).
    pub from_party: bool,
    /// As the submission answered.
    pub correct: bool,
}

/// A party as the test drives it.
pub struct Party<'a> {
    pub app: &'a TestApp,
    pub id: SessionId,
    pub code: PartyCode,
    pub humans: Vec<Player>,
    pub phrases: Phrases,
    /// Phrase → author, for every phrase a human wrote.
    pub authors: HashMap<String, PlayerId>,
    /// The originals humans wrote.
    pub originals: HashSet<String>,
    /// Every human vote, in order.
    pub human_votes: Vec<CastVote>,
    /// Phases seen after each step.
    pub phases: Vec<PartyPhase>,
}

impl<'a> Party<'a> {
    /// A driver for party `id` that has seen nothing played yet.
    pub fn driver(
        app: &'a TestApp,
        id: SessionId,
        code: PartyCode,
        humans: Vec<Player>,
    ) -> Party<'a> {
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
    pub async fn gather_existing(
        app: &'a TestApp,
        id: SessionId,
        humans: Vec<Player>,
    ) -> Party<'a> {
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
    /// it) if voter index + vote number is even, otherwise another phrase;
    /// on a global set, the first phrase shown. Checks that nobody is shown
    /// a set they wrote, copied or already voted on.
    pub async fn play_votes(&mut self) {
        for (hi, h) in self.humans.clone().iter().enumerate() {
            let mut seen: HashSet<PhrasesetId> = HashSet::new();
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
                assert!(seen.insert(round.phraseset_id), "never the same set twice");
                for p in &round.phrases {
                    assert_ne!(
                        self.authors.get(p),
                        Some(&h.id),
                        "never a set you wrote or copied"
                    );
                }
                let original = round
                    .phrases
                    .iter()
                    .find(|p| round.from_party && self.originals.contains(*p));
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
                self.human_votes.push(CastVote {
                    voter: h.id,
                    set: round.phraseset_id,
                    choice,
                    from_party: round.from_party,
                    correct: body["correct"]
                        .as_bool()
                        .expect("a vote says if it was right"),
                });
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

/// The streak bonus and longest run the README's rule gives for votes
/// that were right or wrong in this order.
pub fn streak_of(answers: &[bool]) -> (i64, i64) {
    let (mut run, mut longest, mut coins) = (0, 0, 0);
    for &right in answers {
        run = if right { run + 1 } else { 0 };
        longest = i64::max(longest, run);
        if run >= STREAK_MIN {
            coins += STREAK_BONUS;
        }
    }
    (coins, longest)
}

/// Per author, the combo coins and the number of copies that made one,
/// from the phraseset summary.
pub fn combos_of(results: &PartyResultsResponse) -> HashMap<PlayerId, (i64, i64)> {
    let mut combos: HashMap<PlayerId, (i64, i64)> = HashMap::new();
    for set in &results.phrasesets_summary {
        for p in set.phrases.iter().filter(|p| !p.is_original) {
            if p.votes >= COMBO_MIN_FOOLED {
                let c = combos.entry(p.author_id).or_default();
                c.0 += p.votes * COMBO_BONUS_PER_VOTER;
                c.1 += 1;
            }
        }
    }
    combos
}
