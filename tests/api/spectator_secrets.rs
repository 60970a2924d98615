//! Hidden information: through a whole game, everything a spectator gets
//! (their status, their socket, their results) is compared with what the
//! players get at the same moment, and nothing private may show: no
//! phrase, prompt or author before the results, and never a player's own
//! round. One player (the "holder") keeps a round open at each check, so
//! there is always something private to leak.

use std::collections::BTreeSet;
use std::time::Duration;

use party_protocol::ErrorCode;
use party_protocol::party::{
    PartyCopyRoundResponse, PartyPhase, PartyPromptRoundResponse, PartyResultsResponse,
    PartyStatusResponse, PartyVoteRoundResponse,
};
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use party_protocol::spectate::{SpectatorSocketMessage, SpectatorStatusResponse};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::party::Party;
use crate::support::spectate::SpectatorClient;
use crate::support::ws::WsClient;
use crate::support::{Backend, Player, TestApp, spawn_app};

const WAIT: Duration = Duration::from_secs(10);

/// What the spectators saw, kept to be checked against the secrets once
/// the results name them.
#[derive(Default)]
struct Seen {
    /// Every spectator status body before RESULTS, as JSON text.
    statuses: Vec<String>,
    /// Private texts shown to the holder (their prompt, the original they
    /// copy, the phrases of the set they vote on).
    private: BTreeSet<String>,
}

/// Compares the spectator's status with the host's at this moment: equal
/// but for the caller's own round, which a spectator never has.
async fn check_status(app: &TestApp, party: &Party<'_>, spectator: &Player, seen: &mut Seen) {
    let player: PartyStatusResponse = party.status(&party.humans[0]).await;
    let reply = app.spectator_status(spectator, party.id).await;
    let text = reply.body.to_string();
    let watched: SpectatorStatusResponse = reply.ok();
    assert!(watched.status.active_round.is_none(), "{text}");
    assert!(text.contains(r#""active_round":null"#), "{text}");
    let mut expected = player.clone();
    expected.active_round = None;
    assert_eq!(
        watched.status, expected,
        "a spectator sees what players see, no more"
    );
    if watched.status.current_phase != PartyPhase::Results {
        seen.statuses.push(text);
        app.get(&party.path("/spectate/results"), &spectator.token)
            .await
            .err(ErrorCode::WrongPhase);
    }
}

/// The holder's status shows their own round: the private part exists.
async fn holder_round(party: &Party<'_>, holder: &Player) -> Value {
    let body = party
        .app
        .get(&party.path("/status"), &holder.token)
        .await
        .body;
    assert!(!body["active_round"].is_null(), "{body}");
    body["active_round"].clone()
}

async fn holder_submits(party: &Party<'_>, holder: &Player, round: &str) {
    party.submit_phrase(holder, round).await;
}

/// Every spectator socket event is the players' event of the same `seq`,
/// byte for byte as parsed; snapshots never carry a round.
fn check_socket(spectator: &SpectatorClient, player: &WsClient, last: i64) {
    let mut events = Vec::new();
    for (text, message) in &spectator.received {
        let SpectatorSocketMessage::Party(m) = message else {
            panic!("a notice nobody asked for: {text}");
        };
        match &m.event {
            ServerEvent::SessionUpdate(snapshot) => {
                assert!(snapshot.active_round.is_none(), "{text}");
            }
            ServerEvent::Pong | ServerEvent::Hello { .. } => {}
            _ => events.push(m),
        }
    }
    let first = events.first().map_or(last + 1, |m| m.seq);
    let seqs: Vec<i64> = events.iter().map(|m| m.seq).collect();
    assert_eq!(
        seqs,
        (first..=last).collect::<Vec<_>>(),
        "every event, once, in order"
    );
    let from = player.received.first().map_or(0, |m| m.seq);
    for m in events.into_iter().filter(|m| m.seq > from) {
        let same: Vec<&ServerMessage> = player
            .received
            .iter()
            .filter(|p| p.seq == m.seq && !matches!(p.event, ServerEvent::SessionUpdate(_)))
            .collect();
        assert_eq!(
            same,
            vec![m],
            "seq {}: spectators get the players' event",
            m.seq
        );
    }
}

async fn spectators_see_only_what_is_public_through_a_whole_game(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(4).await;
    let [early, late] = <[Player; 2]>::try_from(app.guests(2).await).unwrap();
    let mut party = Party::gather(&app, humans, 0).await;
    // The holder plays by hand, so they can hold a round open at each check.
    let holder = party.humans.pop().expect("four humans");
    let code = party.code.to_string();
    let mut seen = Seen::default();

    // The player's socket first: its own presence event is then in its
    // snapshot, and every later event reaches both sockets as an event.
    let mut player_socket = app.ws_connect(&party.humans[0], party.id, None).await;
    player_socket.next(WAIT).await.expect("snapshot");
    app.spectate_ok(&early, &code).await;
    let mut early_socket = app.spectator_connect(&early, party.id).await;
    check_status(&app, &party, &early, &mut seen).await;

    // PROMPT: the holder holds their prompt round.
    party.start().await;
    let prompt: PartyPromptRoundResponse = app
        .post_empty(&party.path("/rounds/prompt"), &holder.token)
        .await
        .ok();
    seen.private.insert(prompt.prompt_text.clone());
    holder_round(&party, &holder).await;
    check_status(&app, &party, &early, &mut seen).await;
    party.play_prompts().await;
    check_status(&app, &party, &early, &mut seen).await;
    holder_submits(&party, &holder, &prompt.round_id.to_string()).await;
    assert_eq!(party.note_phase().await, PartyPhase::Copy);

    // A late spectator comes in while the game runs.
    app.spectate_ok(&late, &code).await;
    let mut late_socket = app.spectator_connect(&late, party.id).await;

    // COPY: the holder holds a copy round (they see an original).
    loop {
        let reply = app
            .post_empty(&party.path("/rounds/copy"), &holder.token)
            .await;
        if reply.body["error"] == ErrorCode::CopiesComplete.as_str() {
            break;
        }
        let copy: PartyCopyRoundResponse = reply.ok();
        seen.private.insert(copy.original_phrase.clone());
        holder_round(&party, &holder).await;
        check_status(&app, &party, &early, &mut seen).await;
        check_status(&app, &party, &late, &mut seen).await;
        holder_submits(&party, &holder, &copy.round_id.to_string()).await;
    }
    party.play_copies().await;
    assert_eq!(party.note_phase().await, PartyPhase::Vote);

    // VOTE: the holder holds a vote round (they see a set's phrases).
    loop {
        let reply = app
            .post_empty(&party.path("/rounds/vote"), &holder.token)
            .await;
        if reply.body["error"] == ErrorCode::VotesComplete.as_str() {
            break;
        }
        let vote: PartyVoteRoundResponse = reply.ok();
        seen.private.insert(vote.prompt_text.clone());
        seen.private.extend(vote.phrases.iter().cloned());
        holder_round(&party, &holder).await;
        check_status(&app, &party, &late, &mut seen).await;
        app.post(
            &party.path(&format!("/rounds/{}/submit", vote.round_id)),
            &holder.token,
            json!({"phrase": vote.phrases[0]}),
        )
        .await
        .ok::<Value>();
    }
    party.play_votes().await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    check_status(&app, &party, &early, &mut seen).await;

    // RESULTS: now public, and the same for everyone.
    let results: PartyResultsResponse = party.results().await;
    let watched: PartyResultsResponse = app
        .get(&party.path("/spectate/results"), &late.token)
        .await
        .ok();
    assert_eq!(watched, results);

    // Every secret the results reveal (and every private text the holder
    // was shown) was absent from everything spectators got before.
    let mut secrets = seen.private.clone();
    for set in &results.phrasesets_summary {
        secrets.insert(set.prompt_text.clone());
        for phrase in &set.phrases {
            secrets.insert(phrase.phrase.clone());
        }
    }
    assert!(secrets.len() >= 12, "{secrets:?}");
    for status in &seen.statuses {
        for secret in &secrets {
            assert!(
                !status.contains(secret.as_str()),
                "{secret:?} leaked in {status}"
            );
        }
        for key in [
            "\"phrase\"",
            "\"prompt_text\"",
            "\"author",
            "original_phrase",
        ] {
            assert!(!status.contains(key), "{key} in {status}");
        }
    }

    // Sockets: all caught up, then compared.
    let last = party.status(&party.humans[0]).await.seq;
    player_socket.until_seq(last, WAIT).await;
    for socket in [&mut early_socket, &mut late_socket] {
        socket.until_seq(last, WAIT).await;
        for (text, _) in &socket.received {
            for secret in &secrets {
                assert!(
                    !text.contains(secret.as_str()),
                    "{secret:?} leaked on a socket: {text}"
                );
            }
            assert!(!text.contains("original_phrase"), "{text}");
        }
        check_socket(socket, &player_socket, last);
    }
    // The early spectator saw the whole game as events (its snapshot was the lobby).
    let first_event = early_socket
        .party_messages()
        .iter()
        .find(|m| !matches!(m.event, ServerEvent::SessionUpdate(_)))
        .map(|m| m.seq);
    let snapshot_seq = early_socket.party_messages()[0].seq;
    assert_eq!(first_event, Some(snapshot_seq + 1));
}

/// The players' chat is theirs alone: a spectator's socket never carries
/// it (it is no event, and spectator sockets do not listen to it), nor does
/// anything else a spectator reads.
async fn spectators_never_get_the_players_chat(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(3).await;
    let watcher = app.guests(1).await.remove(0);
    let party = Party::gather(&app, humans, 0).await;
    let player = &party.humans[1];
    let mut player_socket = app.ws_connect(player, party.id, None).await;
    player_socket.next(WAIT).await.expect("snapshot");
    app.spectate_ok(&watcher, &party.code.to_string()).await;
    let mut spectator = app.spectator_connect(&watcher, party.id).await;

    let secret = "psst the answer is GARAGE ECHO";
    app.post(
        &party.path("/chat"),
        &party.humans[0].token,
        json!({"text": secret}),
    )
    .await
    .ok::<Value>();
    loop {
        let m = player_socket.next(WAIT).await.expect("the chat line");
        if let ServerEvent::PartyChat(message) = m.event {
            assert_eq!(message.text.as_str(), secret);
            break;
        }
    }
    // An event after the chat line: the spectator gets it, and nothing of
    // the chat on the way.
    app.post(
        &party.path("/ready"),
        &party.humans[2].token,
        json!({"ready": false}),
    )
    .await
    .ok::<Value>();
    let last = party.status(player).await.seq;
    spectator.until_seq(last, WAIT).await;
    for (text, _) in &spectator.received {
        assert!(!text.contains(secret), "chat leaked to a spectator: {text}");
        assert!(!text.contains("party_chat"), "{text}");
    }
    let status = app.spectator_status(&watcher, party.id).await;
    assert!(!status.body.to_string().contains(secret));
}

on_both_backends!(
    spectators_see_only_what_is_public_through_a_whole_game,
    spectators_never_get_the_players_chat,
);
