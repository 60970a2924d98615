//! Bad input end to end: malformed bodies and ids, unknown routes and
//! rounds, other players' rounds, late and repeated submissions, bad votes,
//! missing tokens and phrases that break the rules.
//!
//! Every refusal is checked the same way ([`Watch::refused`]): the
//! documented code with its status, never a 500, no internals in the
//! message, and nothing changed — the callers' balances, the ledger audit
//! and the round (`GET /rounds/{id}`) are identical before and after.

use std::future::Future;

use party_protocol::round::{
    AbandonResponse, CopyRoundResponse, PromptRoundResponse, RoundStatus, VoteRoundResponse,
};
use party_protocol::{ErrorCode, RoundId};
use reqwest::Method;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::phrases::{Phrases, submit_valid};
use crate::support::play::{COPY, GRACE, PENALTY, PROMPT, START, VOTE, VOTE_SECONDS};
use crate::support::{Backend, Player, Reply, TestApp, spawn_app, to_reply};

/// The prompt and copy timer (game-rules §3); the other rules' numbers are
/// restated in `support::play`.
const ROUND_SECONDS: i64 = 180;
const MAX_BODY: usize = 16 * 1024;

/// A dictionary word that is in no prompt of the library and in no phrase
/// of [`Phrases`], to pad a phrase without breaking another rule.
const FILLER: &str = "ZEBRA";

/// What a refused request must leave alone.
#[derive(Debug, PartialEq)]
struct Observed {
    balances: Vec<(i64, i64)>,
    audit: Value,
    round: Option<Value>,
}

/// The players and round a scenario watches while sending bad requests.
#[derive(Debug)]
struct Watch<'a> {
    app: &'a TestApp,
    players: Vec<&'a Player>,
    round: Option<(&'a Player, RoundId)>,
}

impl<'a> Watch<'a> {
    fn new(app: &'a TestApp, players: &[&'a Player]) -> Self {
        Self {
            app,
            players: players.to_vec(),
            round: None,
        }
    }

    fn round(mut self, owner: &'a Player, round: RoundId) -> Self {
        self.round = Some((owner, round));
        self
    }

    /// The watched round is still open: the bad requests did not end it.
    async fn assert_round_active(&self) {
        let (owner, id) = self.round.expect("a watched round");
        assert_eq!(round_status(self.app, owner, id).await, RoundStatus::Active);
    }

    async fn observe(&self) -> Observed {
        let mut balances = Vec::new();
        for p in &self.players {
            balances.push(self.app.balances(p).await);
        }
        let round = match self.round {
            Some((owner, id)) => Some(
                self.app
                    .get(&format!("/rounds/{id}"), &owner.token)
                    .await
                    .ok(),
            ),
            None => None,
        };
        Observed {
            balances,
            audit: self.app.audit().await,
            round,
        }
    }

    /// Sends one bad request and checks that it is refused with `code` (and
    /// its status), that the message leaks nothing internal, and that nothing
    /// changed. Returns the message.
    async fn refused(
        &self,
        what: &str,
        code: ErrorCode,
        request: impl Future<Output = Reply>,
    ) -> String {
        let before = self.observe().await;
        let reply = request.await;
        assert!(
            !reply.status.is_server_error(),
            "{what}: a {} for bad input: {}",
            reply.status,
            reply.body
        );
        assert_eq!(
            reply.body["error"].as_str(),
            Some(code.as_str()),
            "{what}: got {} {}",
            reply.status,
            reply.body
        );
        let message = reply.err(code).to_owned();
        for internal in ["sqlx", "SELECT ", "INSERT ", "UPDATE ", "panicked", ".rs:"] {
            assert!(
                !message.contains(internal),
                "{what}: the message leaks internals: {message}"
            );
        }
        let after = self.observe().await;
        assert_eq!(
            after, before,
            "{what}: a refused request changed something ({})",
            reply.body
        );
        message
    }
}

/// Sends a prepared request and reads the reply like the harness does.
async fn send(request: reqwest::RequestBuilder) -> Reply {
    to_reply(request.send().await.expect("request")).await
}

/// A request with exactly this `Authorization` header (or none).
async fn with_auth(
    app: &TestApp,
    method: Method,
    path: &str,
    authorization: Option<&str>,
    body: Option<Value>,
) -> Reply {
    let mut req = app.client.request(method, format!("{}{path}", app.base));
    if let Some(value) = authorization {
        req = req.header("authorization", value);
    }
    if let Some(body) = body {
        req = req.json(&body);
    }
    send(req).await
}

fn submit_path(round: RoundId) -> String {
    format!("/rounds/{round}/submit")
}

async fn start_prompt(app: &TestApp, player: &Player) -> PromptRoundResponse {
    app.post_empty("/rounds/prompt", &player.token).await.ok()
}

/// A new guest with a prompt round open: what most scenarios aim bad
/// requests at.
async fn guest_in_prompt_round(app: &TestApp) -> (Player, PromptRoundResponse) {
    let player = app.guest().await;
    let round = start_prompt(app, &player).await;
    (player, round)
}

async fn round_status(app: &TestApp, owner: &Player, round: RoundId) -> RoundStatus {
    let body: Value = app
        .get(&format!("/rounds/{round}"), &owner.token)
        .await
        .ok();
    serde_json::from_value(body["status"].clone()).expect("a round status")
}

/// A complete phraseset: an original by `writer` and a copy by each copier.
#[derive(Debug)]
struct SetUp {
    writer: Player,
    copiers: [Player; 2],
    original: String,
}

async fn phraseset(app: &TestApp, phrases: &Phrases) -> SetUp {
    let writer = app.guest().await;
    let round = start_prompt(app, &writer).await;
    let original = submit_valid(app, phrases, &writer, &round.round_id.to_string()).await;
    let copiers = [app.guest().await, app.guest().await];
    for copier in &copiers {
        let copy: CopyRoundResponse = app.post_empty("/rounds/copy", &copier.token).await.ok();
        assert_eq!(
            copy.prompt_round_id, round.round_id,
            "build the set before other prompts wait for copies"
        );
        submit_valid(app, phrases, copier, &copy.round_id.to_string()).await;
    }
    SetUp {
        writer,
        copiers,
        original,
    }
}

async fn malformed_json_wrong_types_and_missing_fields_are_invalid_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let (alice, round) = guest_in_prompt_round(&app).await;
    let watch = Watch::new(&app, &[&alice]).round(&alice, round.round_id);
    let path = submit_path(round.round_id);

    let raw_json: [(&str, &[u8]); 6] = [
        ("truncated JSON", br#"{"phrase":"#),
        ("not JSON", b"GOLDEN TRUMPET"),
        ("an empty body", b""),
        ("trailing garbage", br#"{"phrase": "GOLDEN TRUMPET"} x"#),
        ("a bare string", br#""GOLDEN TRUMPET""#),
        ("invalid UTF-8", b"{\"phrase\": \"\xff\xfe\"}"),
    ];
    for (what, body) in raw_json {
        watch
            .refused(
                what,
                ErrorCode::InvalidRequest,
                app.post_raw(&path, Some(&alice.token), "application/json", body.to_vec()),
            )
            .await;
    }
    // A field of the wrong type, or missing, is named in the message.
    for body in [
        json!({"phrase": 1}),
        json!({"phrase": null}),
        json!({"phrase": true}),
        json!({"phrase": ["GOLDEN", "TRUMPET"]}),
        json!({"phrase": {"text": "GOLDEN TRUMPET"}}),
        json!({}),
        json!({"text": "GOLDEN TRUMPET"}),
    ] {
        let message = watch
            .refused(
                &body.to_string(),
                ErrorCode::InvalidRequest,
                app.post(&path, &alice.token, body.clone()),
            )
            .await;
        assert!(message.contains("phrase"), "{body}: {message}");
    }
    // JSON text that does not say it is JSON.
    let valid = br#"{"phrase": "GOLDEN TRUMPET"}"#.to_vec();
    for content_type in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "",
    ] {
        let message = watch
            .refused(
                content_type,
                ErrorCode::InvalidRequest,
                app.post_raw(&path, Some(&alice.token), content_type, valid.clone()),
            )
            .await;
        assert!(message.contains("JSON"), "{content_type}: {message}");
    }
    watch
        .refused(
            "no content type",
            ErrorCode::InvalidRequest,
            send(
                app.client
                    .post(format!("{}{path}", app.base))
                    .bearer_auth(&alice.token)
                    .body(valid.clone()),
            ),
        )
        .await;
    // The account routes answer the same way.
    let nobody = Watch::new(&app, &[&alice]);
    for (route, body, field) in [
        (
            "/player",
            json!({"username": "carol", "password": 12_345_678}),
            "password",
        ),
        (
            "/player",
            json!({"username": ["carol"], "password": "long enough"}),
            "username",
        ),
        (
            "/player",
            json!({"username": "carol", "password": "long enough", "email": 7}),
            "email",
        ),
        (
            "/auth/login",
            json!({"username": "carol", "password": null}),
            "password",
        ),
        (
            "/auth/refresh",
            json!({"refresh_token": 1}),
            "refresh_token",
        ),
        ("/auth/refresh", json!({"token": "qfr_x"}), "refresh_token"),
    ] {
        let message = nobody
            .refused(
                &format!("{route} {body}"),
                ErrorCode::InvalidRequest,
                app.request(Method::POST, route, None, Some(body.clone())),
            )
            .await;
        assert!(message.contains(field), "{route} {body}: {message}");
    }
    nobody
        .refused(
            "register as text",
            ErrorCode::InvalidRequest,
            app.post_raw(
                "/player",
                None,
                "text/plain",
                br#"{"username": "carol", "password": "long enough"}"#.to_vec(),
            ),
        )
        .await;

    // After all that the round is untouched and takes a good phrase.
    watch.assert_round_active().await;
    submit_valid(&app, &phrases, &alice, &round.round_id.to_string()).await;
    assert_eq!(app.balances(&alice).await, (START - PROMPT, 0));
    app.assert_conserved().await;
}

/// A submit body of exactly `len` bytes: `{"phrase":"AAAA…"}`.
fn phrase_body(len: usize) -> Vec<u8> {
    let frame = r#"{"phrase":""}"#.len();
    let body = format!(r#"{{"phrase":"{}"}}"#, "A".repeat(len - frame));
    assert_eq!(body.len(), len);
    body.into_bytes()
}

async fn bodies_over_16_kib_are_payload_too_large(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, round) = guest_in_prompt_round(&app).await;
    let watch = Watch::new(&app, &[&alice]).round(&alice, round.round_id);
    let path = submit_path(round.round_id);

    for len in [MAX_BODY + 1, 4 * MAX_BODY] {
        watch
            .refused(
                &format!("a {len}-byte submission"),
                ErrorCode::PayloadTooLarge,
                app.post_raw(
                    &path,
                    Some(&alice.token),
                    "application/json",
                    phrase_body(len),
                ),
            )
            .await;
    }
    // Exactly at the limit the body is read, and the phrase judged on its merits.
    let message = watch
        .refused(
            "a 16 KiB submission",
            ErrorCode::InvalidPhrase,
            app.post_raw(
                &path,
                Some(&alice.token),
                "application/json",
                phrase_body(MAX_BODY),
            ),
        )
        .await;
    assert!(message.contains("100 characters"), "{message}");
    // The unread body leaves the connection unusable, and the client is told
    // so; otherwise its next request on the pooled connection may fail.
    let resp = app
        .client
        .post(format!("{}{path}", app.base))
        .bearer_auth(&alice.token)
        .header("content-type", "application/json")
        .body(phrase_body(MAX_BODY + 1))
        .send()
        .await
        .expect("request");
    assert_eq!(resp.status(), 413);
    assert_eq!(
        resp.headers()
            .get("connection")
            .map(reqwest::header::HeaderValue::as_bytes),
        Some(&b"close"[..])
    );

    // Account routes too, before any password is hashed.
    let huge_password = "p".repeat(MAX_BODY);
    for (route, body) in [
        (
            "/player",
            json!({"username": "carol", "password": huge_password}),
        ),
        (
            "/auth/login",
            json!({"username": "carol", "password": huge_password}),
        ),
    ] {
        watch
            .refused(
                route,
                ErrorCode::PayloadTooLarge,
                app.request(Method::POST, route, None, Some(body)),
            )
            .await;
    }
    watch.assert_round_active().await;
    app.assert_conserved().await;
}

async fn a_malformed_id_in_the_path_is_invalid_request(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, round) = guest_in_prompt_round(&app).await;
    let watch = Watch::new(&app, &[&alice]).round(&alice, round.round_id);
    let valid_uuid = round.round_id.to_string();
    let bad_ids = [
        "not-a-uuid".to_owned(),
        "123".to_owned(),
        format!("{valid_uuid}0"),
        valid_uuid[..35].to_owned(),
        valid_uuid.replace('-', "_"),
        "%20".to_owned(),
    ];
    let body = json!({"phrase": "GOLDEN TRUMPET"});
    for id in &bad_ids {
        for (method, path, body) in [
            (Method::GET, format!("/rounds/{id}"), None),
            (
                Method::POST,
                format!("/rounds/{id}/submit"),
                Some(body.clone()),
            ),
            (Method::POST, format!("/rounds/{id}/abandon"), None),
            (
                Method::POST,
                format!("/phrasesets/{id}/vote"),
                Some(body.clone()),
            ),
            (Method::GET, format!("/phrasesets/{id}/results"), None),
        ] {
            let message = watch
                .refused(
                    &format!("{method} {path}"),
                    ErrorCode::InvalidRequest,
                    app.request(method.clone(), &path, Some(&alice.token), body),
                )
                .await;
            assert!(message.starts_with("path"), "{path}: {message}");
        }
    }
    watch.assert_round_active().await;
    app.assert_conserved().await;
}

async fn unknown_round_and_phraseset_ids_are_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let (alice, round) = guest_in_prompt_round(&app).await;
    let watch = Watch::new(&app, &[&alice]).round(&alice, round.round_id);
    let unknown = RoundId::new();
    let body = json!({"phrase": "GOLDEN TRUMPET"});
    for (method, path, body, code) in [
        (
            Method::GET,
            format!("/rounds/{unknown}"),
            None,
            ErrorCode::RoundNotFound,
        ),
        (
            Method::POST,
            format!("/rounds/{unknown}/submit"),
            Some(body.clone()),
            ErrorCode::RoundNotFound,
        ),
        (
            Method::POST,
            format!("/rounds/{unknown}/abandon"),
            None,
            ErrorCode::RoundNotFound,
        ),
        (
            Method::POST,
            format!("/phrasesets/{unknown}/vote"),
            Some(body.clone()),
            ErrorCode::PhrasesetNotFound,
        ),
        (
            Method::GET,
            format!("/phrasesets/{unknown}/results"),
            None,
            ErrorCode::PhrasesetNotFound,
        ),
        // A round id is not a phraseset id.
        (
            Method::POST,
            format!("/phrasesets/{}/vote", round.round_id),
            Some(body.clone()),
            ErrorCode::PhrasesetNotFound,
        ),
    ] {
        watch
            .refused(
                &format!("{method} {path}"),
                code,
                app.request(method.clone(), &path, Some(&alice.token), body),
            )
            .await;
    }
    app.assert_conserved().await;
}

async fn someone_elses_round_is_round_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let alice = app.guest().await;
    let bob = app.guest().await;
    let round = start_prompt(&app, &alice).await;
    let watch = Watch::new(&app, &[&alice, &bob]).round(&alice, round.round_id);
    let id = round.round_id;
    let mut messages = Vec::new();
    for (method, path, body) in [
        (Method::GET, format!("/rounds/{id}"), None),
        (
            Method::POST,
            format!("/rounds/{id}/submit"),
            Some(json!({"phrase": "GOLDEN TRUMPET"})),
        ),
        (Method::POST, format!("/rounds/{id}/abandon"), None),
    ] {
        messages.push(
            watch
                .refused(
                    &format!("bob: {method} {path}"),
                    ErrorCode::RoundNotFound,
                    app.request(method.clone(), &path, Some(&bob.token), body),
                )
                .await,
        );
    }
    // Bob learns nothing a random id would not tell him.
    let random = watch
        .refused(
            "bob: GET a random round",
            ErrorCode::RoundNotFound,
            app.get(&format!("/rounds/{}", RoundId::new()), &bob.token),
        )
        .await;
    assert_eq!(messages[0], random);
    // Alice's round is still hers to finish, and stays private once submitted.
    assert_eq!(round_status(&app, &alice, id).await, RoundStatus::Active);
    submit_valid(&app, &phrases, &alice, &id.to_string()).await;
    watch
        .refused(
            "bob: GET a submitted round",
            ErrorCode::RoundNotFound,
            app.get(&format!("/rounds/{id}"), &bob.token),
        )
        .await;
    assert_eq!(app.balances(&bob).await, (START, 0));
    app.assert_conserved().await;
}

async fn a_submission_within_the_grace_period_is_accepted(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let set = phraseset(&app, &phrases).await;
    let alice = app.guest().await;
    let bob = app.guest().await;

    // Two seconds late, inside the 5 s grace.
    let round = start_prompt(&app, &alice).await;
    let sweep = app.advance(ROUND_SECONDS + 2).await;
    assert_eq!(sweep["sweep"]["rounds_expired"], 0);
    submit_valid(&app, &phrases, &alice, &round.round_id.to_string()).await;
    assert_eq!(
        round_status(&app, &alice, round.round_id).await,
        RoundStatus::Submitted
    );

    // The last millisecond of the grace still counts.
    let round = start_prompt(&app, &bob).await;
    let sweep = app.advance(ROUND_SECONDS + GRACE).await;
    assert_eq!(sweep["sweep"]["rounds_expired"], 0);
    submit_valid(&app, &phrases, &bob, &round.round_id.to_string()).await;
    assert_eq!(
        round_status(&app, &bob, round.round_id).await,
        RoundStatus::Submitted
    );
    assert_eq!(app.balances(&alice).await, (START - PROMPT, 0));
    assert_eq!(app.balances(&bob).await, (START - PROMPT, 0));

    // A vote two seconds after its 60 s.
    let carol = app.guest().await;
    let vote: VoteRoundResponse = app.post_empty("/rounds/vote", &carol.token).await.ok();
    let sweep = app.advance(VOTE_SECONDS + 2).await;
    assert_eq!(sweep["sweep"]["rounds_expired"], 0);
    let body: Value = app
        .post(
            &format!("/phrasesets/{}/vote", vote.phraseset_id),
            &carol.token,
            json!({"phrase": set.original}),
        )
        .await
        .ok();
    assert_eq!(body["correct"], true);
    app.assert_conserved().await;
}

async fn a_submission_after_the_grace_period_is_expired(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let set = phraseset(&app, &phrases).await;
    let alice = app.guest().await;
    let bob = app.guest().await;
    let carol = app.guest().await;

    // A prompt round, a copy round and a vote round, all left to run out.
    let prompt = start_prompt(&app, &alice).await;
    let copy_of = start_prompt(&app, &set.writer).await;
    let original = submit_valid(&app, &phrases, &set.writer, &copy_of.round_id.to_string()).await;
    let copy: CopyRoundResponse = app.post_empty("/rounds/copy", &bob.token).await.ok();
    assert_eq!(copy.original_phrase, original);
    let vote: VoteRoundResponse = app.post_empty("/rounds/vote", &carol.token).await.ok();

    // One second past time and grace: the sweeper has expired all three.
    let sweep = app.advance(ROUND_SECONDS + GRACE + 1).await;
    assert_eq!(sweep["sweep"]["rounds_expired"], 3, "{sweep}");
    assert_eq!(
        round_status(&app, &alice, prompt.round_id).await,
        RoundStatus::Expired
    );
    assert_eq!(
        round_status(&app, &bob, copy.round_id).await,
        RoundStatus::Expired
    );
    assert_eq!(
        round_status(&app, &carol, vote.round_id).await,
        RoundStatus::Expired
    );
    assert_eq!(app.balances(&alice).await, (START - PENALTY, 0));
    assert_eq!(app.balances(&bob).await, (START - PENALTY, 0));
    assert_eq!(
        app.balances(&carol).await,
        (START - VOTE, 0),
        "fee forfeited"
    );

    let late = json!({"phrase": "GOLDEN TRUMPET"});
    for (who, round) in [
        (&alice, prompt.round_id),
        (&bob, copy.round_id),
        (&carol, vote.round_id),
    ] {
        let watch = Watch::new(&app, &[who]).round(who, round);
        let body = if round == vote.round_id {
            json!({"phrase": set.original})
        } else {
            late.clone()
        };
        let message = watch
            .refused(
                "a late submission",
                ErrorCode::Expired,
                app.post(&submit_path(round), &who.token, body),
            )
            .await;
        assert!(message.to_lowercase().contains("time"), "{message}");
        watch
            .refused(
                "abandoning an expired round",
                ErrorCode::RoundNotActive,
                app.post_empty(&format!("/rounds/{round}/abandon"), &who.token),
            )
            .await;
    }
    // The vote route has no round id: it finds the voter's round on the set
    // and answers for it like the round's own submit does.
    Watch::new(&app, &[&carol])
        .round(&carol, vote.round_id)
        .refused(
            "a late vote",
            ErrorCode::Expired,
            app.post(
                &format!("/phrasesets/{}/vote", vote.phraseset_id),
                &carol.token,
                json!({"phrase": set.original}),
            ),
        )
        .await;
    // Nobody is stuck in an expired round: each can start a new one.
    for who in [&alice, &bob, &carol] {
        start_prompt(&app, who).await;
    }
    app.assert_conserved().await;
}

async fn abandoning_or_submitting_a_finished_round_is_round_not_active(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let alice = app.guest().await;

    let round = start_prompt(&app, &alice).await;
    let abandon_path = format!("/rounds/{}/abandon", round.round_id);
    let reply = app.post_empty(&abandon_path, &alice.token).await;
    let abandoned: AbandonResponse = reply.ok();
    assert_eq!(abandoned.round_id, round.round_id);
    assert_eq!(abandoned.refund_amount.get(), PROMPT - PENALTY);
    assert_eq!(abandoned.penalty_kept.get(), PENALTY);
    assert_eq!(app.balances(&alice).await, (START - PENALTY, 0));
    let watch = Watch::new(&app, &[&alice]).round(&alice, round.round_id);
    watch
        .refused(
            "abandoning twice",
            ErrorCode::RoundNotActive,
            app.post_empty(&abandon_path, &alice.token),
        )
        .await;
    watch
        .refused(
            "submitting an abandoned round",
            ErrorCode::RoundNotActive,
            app.post(
                &submit_path(round.round_id),
                &alice.token,
                json!({"phrase": "GOLDEN TRUMPET"}),
            ),
        )
        .await;
    assert_eq!(
        round_status(&app, &alice, round.round_id).await,
        RoundStatus::Abandoned
    );

    let round = start_prompt(&app, &alice).await;
    let phrase = submit_valid(&app, &phrases, &alice, &round.round_id.to_string()).await;
    let watch = Watch::new(&app, &[&alice]).round(&alice, round.round_id);
    watch
        .refused(
            "submitting twice",
            ErrorCode::RoundNotActive,
            app.post(
                &submit_path(round.round_id),
                &alice.token,
                json!({"phrase": phrase}),
            ),
        )
        .await;
    watch
        .refused(
            "abandoning a submitted round",
            ErrorCode::RoundNotActive,
            app.post_empty(&format!("/rounds/{}/abandon", round.round_id), &alice.token),
        )
        .await;
    assert_eq!(app.balances(&alice).await, (START - PENALTY - PROMPT, 0));
    app.assert_conserved().await;
}

async fn starting_a_round_during_another_is_already_in_round(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    phraseset(&app, &phrases).await;
    let (alice, round) = guest_in_prompt_round(&app).await;
    let watch = Watch::new(&app, &[&alice]).round(&alice, round.round_id);
    for path in ["/rounds/prompt", "/rounds/copy", "/rounds/vote"] {
        watch
            .refused(
                path,
                ErrorCode::AlreadyInRound,
                app.post_empty(path, &alice.token),
            )
            .await;
    }
    app.assert_conserved().await;
}

async fn a_vote_for_a_phrase_not_shown_is_invalid_vote(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let set = phraseset(&app, &phrases).await;
    let voter = app.guest().await;
    let vote: VoteRoundResponse = app.post_empty("/rounds/vote", &voter.token).await.ok();
    let vote_path = format!("/phrasesets/{}/vote", vote.phraseset_id);
    let watch = Watch::new(&app, &[&voter, &set.writer]).round(&voter, vote.round_id);

    let shown = &vote.phrases;
    let first_word = shown[0].split(' ').next().expect("a word").to_owned();
    let stranger = phrases.next();
    assert!(!shown.contains(&stranger));
    for choice in [
        stranger,
        first_word,
        format!("{} {FILLER}", shown[0]),
        shown[0].replace(' ', ""),
        vote.prompt_text.clone(),
        String::new(),
    ] {
        for path in [vote_path.clone(), submit_path(vote.round_id)] {
            let message = watch
                .refused(
                    &format!("{path} {choice:?}"),
                    ErrorCode::InvalidVote,
                    app.post(&path, &voter.token, json!({"phrase": choice})),
                )
                .await;
            assert!(message.contains("three"), "{message}");
        }
    }
    // Someone without a vote round on the set cannot vote on it.
    watch
        .refused(
            "the writer votes",
            ErrorCode::RoundNotFound,
            app.post(
                &vote_path,
                &set.writer.token,
                json!({"phrase": set.original}),
            ),
        )
        .await;

    // The round is still open: a real choice, in any case and spacing, counts.
    let choice = format!("  {}  ", set.original.to_lowercase().replace(' ', "   "));
    let body: Value = app
        .post(&vote_path, &voter.token, json!({"phrase": choice}))
        .await
        .ok();
    assert_eq!(body["correct"], true);
    assert_eq!(body["your_choice"], set.original.as_str());
    // Voting again is refused either way.
    watch
        .refused(
            "voting twice by the phraseset",
            ErrorCode::RoundNotActive,
            app.post(&vote_path, &voter.token, json!({"phrase": set.original})),
        )
        .await;
    watch
        .refused(
            "voting twice by the round",
            ErrorCode::RoundNotActive,
            app.post(
                &submit_path(vote.round_id),
                &voter.token,
                json!({"phrase": set.original}),
            ),
        )
        .await;
    assert_eq!(
        round_status(&app, &voter, vote.round_id).await,
        RoundStatus::Submitted
    );
    // A correct vote pays 20 on a 10 entry: 3 to the vault, 17 to the wallet.
    assert_eq!(app.balances(&voter).await, (START - VOTE + 17, 3));
    for copier in &set.copiers {
        assert_eq!(app.balances(copier).await, (START - COPY, 0));
    }
    app.assert_conserved().await;
}

async fn unknown_routes_are_404_not_found(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.guest().await;
    let watch = Watch::new(&app, &[&alice]);
    let root = app
        .base
        .strip_suffix("/qf")
        .expect("the harness base ends in /qf")
        .to_owned();
    let round = RoundId::new();
    for (method, path) in [
        (Method::GET, "/nope".to_owned()),
        (Method::POST, "/nope".to_owned()),
        (Method::GET, "/rounds".to_owned()),
        (Method::GET, format!("/rounds/{round}/nope")),
        (Method::POST, "/player/guest/extra".to_owned()),
        (Method::DELETE, "/player/nope".to_owned()),
        (Method::GET, "/Player/Balance".to_owned()),
        // A known path with a method it does not take: no such endpoint
        // either, with the same JSON body (not axum's bare 405).
        (Method::GET, "/rounds/prompt".to_owned()),
        (Method::POST, "/player/balance".to_owned()),
        (Method::PUT, "/player".to_owned()),
        (Method::GET, "/auth/login".to_owned()),
        (Method::DELETE, format!("/rounds/{round}")),
        (Method::PATCH, format!("/rounds/{round}/submit")),
    ] {
        for token in [Some(alice.token.as_str()), None] {
            watch
                .refused(
                    &format!("{method} /qf{path}"),
                    ErrorCode::NotFound,
                    app.request(method.clone(), &path, token, None),
                )
                .await;
        }
    }
    for path in ["/", "/nope", "/qfx/health", "/api/player"] {
        watch
            .refused(
                path,
                ErrorCode::NotFound,
                send(app.client.get(format!("{root}{path}"))),
            )
            .await;
    }
    app.assert_conserved().await;
}

async fn requests_without_a_valid_token_are_401_unauthorized(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let set = phraseset(&app, &phrases).await;
    let (alice, round) = guest_in_prompt_round(&app).await;
    let ws: Value = app.get("/auth/ws-token", &alice.token).await.ok();
    let ws_token = ws["token"].as_str().expect("ws token").to_owned();
    // A token that was signed out.
    let gone = app.guest().await;
    app.post_empty("/auth/logout", &gone.token)
        .await
        .ok::<Value>();

    let watch = Watch::new(&app, &[&alice, &set.writer]).round(&alice, round.round_id);
    let id = round.round_id;
    let unknown_set = RoundId::new();
    let phrase = Some(json!({"phrase": "GOLDEN TRUMPET"}));
    let routes = [
        (Method::GET, "/player/balance".to_owned(), None),
        (Method::GET, "/player/dashboard".to_owned(), None),
        (Method::GET, "/player/current-round".to_owned(), None),
        (
            Method::POST,
            "/player/upgrade".to_owned(),
            Some(json!({"username": "newname", "password": "long enough"})),
        ),
        (Method::POST, "/player/claim-daily-bonus".to_owned(), None),
        (Method::POST, "/auth/logout".to_owned(), None),
        (Method::GET, "/auth/ws-token".to_owned(), None),
        (Method::GET, "/rounds/available".to_owned(), None),
        (Method::POST, "/rounds/prompt".to_owned(), None),
        (Method::POST, "/rounds/copy".to_owned(), None),
        (Method::POST, "/rounds/vote".to_owned(), None),
        (Method::GET, format!("/rounds/{id}"), None),
        (Method::POST, format!("/rounds/{id}/submit"), phrase.clone()),
        (Method::POST, format!("/rounds/{id}/abandon"), None),
        (
            Method::POST,
            format!("/phrasesets/{unknown_set}/vote"),
            phrase.clone(),
        ),
        (
            Method::GET,
            format!("/phrasesets/{unknown_set}/results"),
            None,
        ),
    ];
    let headers = [
        None,
        Some(String::new()),
        Some("Bearer".to_owned()),
        Some("Bearer ".to_owned()),
        Some("Bearer not-a-token".to_owned()),
        Some(format!("Basic {}", alice.token)),
        Some(alice.token.clone()),
        Some(format!("Bearer {} extra", alice.token)),
        Some(format!("Bearer {}x", alice.token)),
        Some(format!("Bearer {}", alice.refresh_token)),
        Some(format!("Bearer {ws_token}")),
        Some(format!("Bearer {}", gone.token)),
    ];
    for (method, path, body) in &routes {
        for header in &headers {
            let message = watch
                .refused(
                    &format!("{method} {path} with {header:?}"),
                    ErrorCode::Unauthorized,
                    with_auth(&app, method.clone(), path, header.as_deref(), body.clone()),
                )
                .await;
            assert!(!message.contains(&alice.token), "{message}");
        }
    }
    // The real token still works and the round is still open.
    assert_eq!(round_status(&app, &alice, id).await, RoundStatus::Active);
    submit_valid(&app, &phrases, &alice, &id.to_string()).await;
    app.assert_conserved().await;
}

/// A significant word of the prompt text (4+ letters, not a common word,
/// in the dictionary), which an original phrase may not reuse.
fn significant_prompt_word(prompt_text: &str) -> String {
    use party_server::game::dictionary::{is_common, is_known};
    assert!(is_known(FILLER) && !is_common(FILLER));
    prompt_text
        .split(|c: char| !c.is_ascii_alphabetic())
        .map(str::to_ascii_uppercase)
        .filter(|w| w.len() >= 4 && !is_common(w) && is_known(w))
        .max_by_key(String::len)
        .unwrap_or_else(|| panic!("no significant word in {prompt_text:?}"))
}

async fn invalid_phrases_are_refused_with_a_message_naming_the_rule(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let (alice, round) = guest_in_prompt_round(&app).await;
    let watch = Watch::new(&app, &[&alice]).round(&alice, round.round_id);
    let path = submit_path(round.round_id);
    let reused = significant_prompt_word(&round.prompt_text);
    let cases = [
        ("GIRAFFE".to_owned(), "2 to 5 words"),
        (
            "PURPLE GIRAFFE EATS GOLDEN TRUMPET SOUP".to_owned(),
            "2 to 5 words",
        ),
        ("GOLDEN 42 TRUMPETS".to_owned(), "letters A to Z"),
        ("GOLDEN TRUMPET!".to_owned(), "letters A to Z"),
        ("QWXZV TRUMPET".to_owned(), "QWXZV"),
        ("THE AND".to_owned(), "at least one word"),
        ("GOLDEN SUPERCALIFRAGILISTIC".to_owned(), "too long"),
        (String::new(), "Type a phrase"),
        ("   ".to_owned(), "Type a phrase"),
        ("' GOLDEN".to_owned(), "Apostrophes"),
        (format!("{reused} {FILLER}"), "prompt"),
        (format!("{} {FILLER}", reused.to_lowercase()), "prompt"),
    ];
    for (phrase, rule) in &cases {
        let message = watch
            .refused(
                &format!("{phrase:?}"),
                ErrorCode::InvalidPhrase,
                app.post(&path, &alice.token, json!({"phrase": phrase})),
            )
            .await;
        assert!(
            message.contains(rule),
            "{phrase:?}: the message should name the rule ({rule}): {message}"
        );
    }
    // The round survived every refusal and takes a good phrase.
    submit_valid(&app, &phrases, &alice, &round.round_id.to_string()).await;
    app.assert_conserved().await;
}

async fn a_copy_equal_to_the_original_is_duplicate_phrase(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let writer = app.guest().await;
    let prompt = start_prompt(&app, &writer).await;
    let original = submit_valid(&app, &phrases, &writer, &prompt.round_id.to_string()).await;
    let bob = app.guest().await;
    let copy: CopyRoundResponse = app.post_empty("/rounds/copy", &bob.token).await.ok();
    let watch = Watch::new(&app, &[&bob, &writer]).round(&bob, copy.round_id);
    let path = submit_path(copy.round_id);

    for phrase in [
        original.clone(),
        original.to_lowercase(),
        format!("  {}  ", original.replace(' ', "\t ")),
    ] {
        let message = watch
            .refused(
                &format!("{phrase:?}"),
                ErrorCode::DuplicatePhrase,
                app.post(&path, &bob.token, json!({"phrase": phrase})),
            )
            .await;
        assert!(message.contains("original"), "{message}");
    }
    // Reusing one of its words is not a duplicate, but still refused.
    let word = original.split(' ').next().expect("a word");
    let message = watch
        .refused(
            "reusing a word of the original",
            ErrorCode::InvalidPhrase,
            app.post(
                &path,
                &bob.token,
                json!({"phrase": format!("{word} {FILLER}")}),
            ),
        )
        .await;
    assert!(
        message.contains(word) && message.contains("original"),
        "{message}"
    );

    // The second copier may not repeat the first copy either.
    let first_copy = submit_valid(&app, &phrases, &bob, &copy.round_id.to_string()).await;
    let carol = app.guest().await;
    let copy: CopyRoundResponse = app.post_empty("/rounds/copy", &carol.token).await.ok();
    assert_eq!(copy.original_phrase, original);
    let message = Watch::new(&app, &[&carol])
        .round(&carol, copy.round_id)
        .refused(
            "repeating the other copy",
            ErrorCode::DuplicatePhrase,
            app.post(
                &submit_path(copy.round_id),
                &carol.token,
                json!({"phrase": first_copy.to_lowercase()}),
            ),
        )
        .await;
    assert!(
        !message.contains(&first_copy),
        "the other copy stays secret: {message}"
    );
    submit_valid(&app, &phrases, &carol, &copy.round_id.to_string()).await;
    app.assert_conserved().await;
}

on_both_backends!(
    malformed_json_wrong_types_and_missing_fields_are_invalid_request,
    bodies_over_16_kib_are_payload_too_large,
    a_malformed_id_in_the_path_is_invalid_request,
    unknown_round_and_phraseset_ids_are_not_found,
    someone_elses_round_is_round_not_found,
    a_submission_within_the_grace_period_is_accepted,
    a_submission_after_the_grace_period_is_expired,
    abandoning_or_submitting_a_finished_round_is_round_not_active,
    starting_a_round_during_another_is_already_in_round,
    a_vote_for_a_phrase_not_shown_is_invalid_vote,
    unknown_routes_are_404_not_found,
    requests_without_a_valid_token_are_401_unauthorized,
    invalid_phrases_are_refused_with_a_message_naming_the_rule,
    a_copy_equal_to_the_original_is_duplicate_phrase,
);
