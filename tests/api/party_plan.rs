//! Conformance to the plan: every response example of plan §4 (session
//! and round endpoints) and every server message example of §5, compared
//! key by key with what the real server sends in a party played through
//! (see [`crate::support::shape`] for the rules). The examples are copied
//! verbatim from the plan into `tests/api/plan/`.

use std::collections::HashSet;
use std::time::Duration;

use futures::StreamExt;
use party_protocol::party::{PartyCode, PartyPhase};
use party_protocol::{ErrorCode, SessionId};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;

use crate::on_both_backends;
use crate::support::party::{Party, join, status};
use crate::support::shape::{assert_conforms, common, plan_example};
use crate::support::{Backend, Player, TestApp, spawn_app};

/// One of the plan's examples, by file name.
macro_rules! plan {
    ($name:literal) => {
        plan_example(include_str!(concat!("plan/", $name, ".json")))
    };
}

/// The body of a successful reply, as sent.
#[track_caller]
fn body(reply: &crate::support::Reply) -> Value {
    assert!(
        reply.status.is_success(),
        "expected success, got {} {}",
        reply.status,
        reply.body
    );
    reply.body.clone()
}

/// The party socket's frames as sent (the opening `hello` aside): from
/// `since`, every event up to `until`; without `since`, the snapshot it
/// opens with.
async fn socket_frames(
    app: &TestApp,
    who: &Player,
    session: SessionId,
    since: Option<i64>,
    until: i64,
) -> Vec<Value> {
    let mut socket = app.ws_connect(who, session, since).await;
    let mut frames: Vec<Value> = Vec::new();
    loop {
        let frame = tokio::time::timeout(Duration::from_secs(5), socket.stream.next())
            .await
            .unwrap_or_else(|_| panic!("the socket went quiet after {} frames", frames.len()));
        let Some(Ok(Message::Text(text))) = frame else {
            continue;
        };
        let value: Value = serde_json::from_str(text.as_str()).expect("a JSON frame");
        if value["type"] == "hello" {
            continue;
        }
        let seq = value["seq"].as_i64().expect("a seq");
        frames.push(value);
        if since.is_none() || seq >= until {
            break;
        }
    }
    socket.close().await;
    frames
}

/// Checks every frame of `kind` against its example; there must be one.
#[track_caller]
fn check_event(frames: &[Value], kind: &str, example: &Value) {
    assert_eq!(example["type"], kind, "the example is of another type");
    let of_kind: Vec<&Value> = frames.iter().filter(|f| f["type"] == kind).collect();
    assert!(!of_kind.is_empty(), "no {kind} message was sent");
    for frame in of_kind {
        assert_conforms(&format!("the {kind} message"), example, frame);
    }
}

/// Four players (a fifth joins and leaves the lobby) play a whole party;
/// every answer the plan shows an example of is compared with it as it
/// comes, then the socket's events are replayed and compared with §5.
async fn every_response_has_the_keys_of_the_plans_examples(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(5).await;
    let humans = players[..4].to_vec();
    let (host, late) = (&players[0], &players[4]);

    // §4.1: create (with the plan's own request body), join, leave, ready, start.
    let created = body(
        &app.post("/party/create", &host.token, plan!("create_request"))
            .await,
    );
    assert_conforms("POST /party/create", &plan!("create"), &created);
    assert_eq!(
        (&created["status"], &created["current_phase"]),
        (&json!("OPEN"), &json!("LOBBY"))
    );
    let session: SessionId = serde_json::from_value(created["session_id"].clone()).unwrap();
    let code = created["party_code"].as_str().unwrap().to_owned();
    let joined = body(&join(&app, &players[1], &code).await);
    assert_conforms("POST /party/join", &plan!("join"), &joined);
    assert_eq!(joined["participant_count"], 2);
    for p in &players[2..] {
        body(&join(&app, p, &code).await);
    }
    let left = body(
        &app.post_empty(&format!("/party/{session}/leave"), &late.token)
            .await,
    );
    assert_conforms("POST /party/{id}/leave", &plan!("leave"), &left);
    for p in &humans {
        let ready = body(
            &app.post_empty(&format!("/party/{session}/ready"), &p.token)
                .await,
        );
        assert_conforms("POST /party/{id}/ready", &plan!("ready"), &ready);
    }
    let started = body(
        &app.post_empty(&format!("/party/{session}/start"), &host.token)
            .await,
    );
    assert_conforms("POST /party/{id}/start", &plan!("start"), &started);
    assert_eq!(started["current_phase"], "PROMPT");

    // §4.2, PROMPT: every round start and submission; the last one moves
    // the party on and says so.
    let party = Party::driver(
        &app,
        session,
        PartyCode::parse(&code).unwrap(),
        humans.clone(),
    );
    let mut originals = HashSet::new();
    let mut prompt_submits = Vec::new();
    for p in &humans {
        let round = body(
            &app.post_empty(&party.path("/rounds/prompt"), &p.token)
                .await,
        );
        assert_conforms(
            "POST /party/{id}/rounds/prompt",
            &plan!("prompt_round"),
            &round,
        );
        let (phrase, submitted) = party
            .submit_phrase(p, round["round_id"].as_str().unwrap())
            .await;
        originals.insert(phrase);
        prompt_submits.push(submitted);
    }
    // The plan's submit examples are a prompt's (without a transition) and
    // a copy's (with one); each is held to the example of its kind, and a
    // transition to the example's transition.
    let submitted_prompt = plan!("submit");
    let transition = plan!("submit_with_transition");
    let mut submitted_copy = transition.clone();
    submitted_copy["phase_transition"] = Value::Null;
    for submitted in &prompt_submits {
        assert_conforms("a prompt's submission", &submitted_prompt, submitted);
        assert_eq!(submitted["round_type"], "prompt");
    }
    assert!(
        prompt_submits[..3]
            .iter()
            .all(|s| s["phase_transition"].is_null())
    );
    let last = &prompt_submits[3];
    assert_conforms(
        "the last prompt's phase transition",
        &transition["phase_transition"],
        &last["phase_transition"],
    );
    assert_eq!(last["phase_transition"]["new_phase"], "COPY");

    // COPY: the status mid-phase, every copy round; exactly one
    // submission (the last) ends the phase, into VOTE as in the example.
    let mut transitions = Vec::new();
    let mut status_checked = false;
    for p in &humans {
        loop {
            let reply = app.post_empty(&party.path("/rounds/copy"), &p.token).await;
            if [ErrorCode::CopiesComplete, ErrorCode::WrongPhase]
                .iter()
                .any(|c| reply.body["error"] == c.as_str())
            {
                break;
            }
            let round = body(&reply);
            assert_conforms("POST /party/{id}/rounds/copy", &plan!("copy_round"), &round);
            let (_, submitted) = party
                .submit_phrase(p, round["round_id"].as_str().unwrap())
                .await;
            assert_conforms("a copy's submission", &submitted_copy, &submitted);
            assert_eq!(submitted["round_type"], "copy");
            if !submitted["phase_transition"].is_null() {
                transitions.push(submitted);
            }
            if !status_checked {
                let now = body(&app.get(&party.path("/status"), &host.token).await);
                assert_eq!(now["current_phase"], "COPY");
                assert_conforms("GET /party/{id}/status", &plan!("status"), &now);
                status_checked = true;
            }
        }
    }
    assert_eq!(transitions.len(), 1, "{transitions:#?}");
    assert_conforms("the last copy's submission", &transition, &transitions[0]);
    assert_eq!(transitions[0]["phase_transition"]["new_phase"], "VOTE");

    // VOTE: every vote round; even players pick the original, odd ones a
    // copy, so every award has a winner for the results to compare. The
    // plan shows no vote's submission: it is held to what its two submit
    // examples share.
    let submitted_vote = common(&submitted_prompt, &transition);
    for (i, p) in humans.iter().enumerate() {
        loop {
            let reply = app.post_empty(&party.path("/rounds/vote"), &p.token).await;
            if [ErrorCode::VotesComplete, ErrorCode::WrongPhase]
                .iter()
                .any(|c| reply.body["error"] == c.as_str())
            {
                break;
            }
            let round = body(&reply);
            assert_conforms("POST /party/{id}/rounds/vote", &plan!("vote_round"), &round);
            let phrases: Vec<String> = serde_json::from_value(round["phrases"].clone()).unwrap();
            let original = phrases.iter().position(|x| originals.contains(x));
            let pick = match original {
                Some(o) if i % 2 == 0 => o,
                Some(o) => (o + 1) % 3,
                None => 0,
            };
            let submitted = body(
                &app.post(
                    &party.path(&format!(
                        "/rounds/{}/submit",
                        round["round_id"].as_str().unwrap()
                    )),
                    &p.token,
                    json!({"phrase": phrases[pick]}),
                )
                .await,
            );
            assert_conforms("a vote's submission", &submitted_vote, &submitted);
            assert_eq!(submitted["round_type"], "vote");
        }
    }
    assert_eq!(
        status(&app, session, host).await.current_phase,
        PartyPhase::Results
    );
    let results = body(&app.get(&party.path("/results"), &host.token).await);
    assert_conforms("GET /party/{id}/results", &plan!("results"), &results);
    assert_eq!(results["status"], "COMPLETED");

    // §5.2: the party's events, replayed from the start, and the snapshot
    // a socket opens with.
    let last_seq = status(&app, session, host).await.seq;
    let events = socket_frames(&app, host, session, Some(0), last_seq).await;
    check_event(&events, "player_joined", &plan!("ws_player_joined"));
    check_event(&events, "player_left", &plan!("ws_player_left"));
    check_event(&events, "player_ready", &plan!("ws_player_ready"));
    check_event(&events, "session_started", &plan!("ws_session_started"));
    check_event(&events, "progress_update", &plan!("ws_progress_update"));
    check_event(&events, "phase_transition", &plan!("ws_phase_transition"));
    check_event(&events, "session_completed", &plan!("ws_session_completed"));
    let opening = socket_frames(&app, host, session, None, last_seq).await;
    check_event(&opening, "session_update", &plan!("ws_session_update"));
    app.assert_conserved().await;
}

on_both_backends!(every_response_has_the_keys_of_the_plans_examples);
