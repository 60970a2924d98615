//! Spectators: watching a lobby and a running party without playing,
//! the per-party cap, players who cannot spectate, the read-only socket,
//! spectator chat (its limits, and that players never get it), and seats
//! in the next game through play-again.

use std::time::Duration;

use party_protocol::ErrorCode;
use party_protocol::party::{ActivePartyResponse, PartyPhase, PartySessionResponse};
use party_protocol::party_ws::ServerEvent;
use party_protocol::spectate::{
    CHAT_MAX_CHARS, NextGameResponse, SpectatorNotice, SpectatorSocketMessage,
    SpectatorStatusResponse,
};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::party::{self, Party};
use crate::support::ws::Ended;
use crate::support::{AppOptions, Backend, Player, spawn_app, spawn_app_with};

const WAIT: Duration = Duration::from_secs(10);

async fn spectating_a_lobby_and_a_running_party_takes_no_seat(backend: Backend) {
    let app = spawn_app(backend).await;
    let [host, second, third, watcher, late] =
        <[Player; 5]>::try_from(app.guests(5).await).unwrap();
    let lobby = party::create(&app, &host, json!({"min_players": 3, "max_players": 3})).await;
    let code = lobby.party_code.to_string();

    let seen = app.spectate_ok(&watcher, &code.to_lowercase()).await;
    assert_eq!(seen.status.session_id, lobby.session_id);
    assert_eq!(seen.status.current_phase, PartyPhase::Lobby);
    assert!(!seen.join_next_game);
    assert!(seen.status.active_round.is_none());
    let list = seen.status.spectators.clone().expect("spectators listed");
    assert_eq!(
        (list.count, list.names.clone()),
        (1, vec![watcher.username.clone()])
    );
    assert_eq!(
        seen.status.participants.len(),
        1,
        "a spectator is no player"
    );
    // Again: the same answer, still one spectator.
    let again = app.spectate_ok(&watcher, &code).await;
    assert_eq!(again.status.spectators.unwrap().count, 1);

    // Both seats left still go to players: the spectator took none.
    for p in [&second, &third] {
        party::join(&app, p, &code)
            .await
            .ok::<PartySessionResponse>();
    }
    let players = party::status(&app, lobby.session_id, &host).await;
    assert_eq!(players.participants.len(), 3);
    let listed = players.spectators.expect("players see the spectators too");
    assert_eq!(listed.count, 1);
    assert!(
        !players
            .participants
            .iter()
            .any(|p| p.player_id == watcher.id)
    );

    let humans = vec![host.clone(), second.clone(), third.clone()];
    for h in &humans {
        app.post_empty(&format!("/party/{}/ready", lobby.session_id), &h.token)
            .await
            .ok::<Value>();
    }
    let mut party = Party::driver(&app, lobby.session_id, lobby.party_code.clone(), humans);
    party.start().await;
    // Quotas count players only.
    let status = party.status(&host).await;
    assert_eq!(status.progress.total_players, 3);

    // Joining a running party as a spectator works; as a player it does not.
    let watching = app.spectate_ok(&late, &code).await;
    assert_eq!(watching.status.current_phase, PartyPhase::Prompt);
    assert_eq!(watching.status.spectators.unwrap().count, 2);
    party::join(&app, &late, &code)
        .await
        .err(ErrorCode::SessionAlreadyStarted);

    // The host holds a prompt round; a spectator never sees anyone's round.
    app.post_empty(&party.path("/rounds/prompt"), &host.token)
        .await
        .ok::<Value>();
    assert!(party.status(&host).await.active_round.is_some());
    let shown: SpectatorStatusResponse = app.spectator_status(&late, party.id).await.ok();
    assert!(shown.status.active_round.is_none());

    // Spectators play nothing and read no member-only route.
    for path in ["/rounds/prompt", "/ready", "/leave"] {
        app.post_empty(&party.path(path), &late.token)
            .await
            .err(ErrorCode::NotAParticipant);
    }
    app.get(&party.path("/status"), &late.token)
        .await
        .err(ErrorCode::NotAParticipant);
    app.get(&party.path("/spectate/results"), &late.token)
        .await
        .err(ErrorCode::WrongPhase);

    // Stopping: then no spectator view, and stopping again says why.
    app.stop_spectating(&late, party.id).await.ok::<Value>();
    app.spectator_status(&late, party.id)
        .await
        .err(ErrorCode::NotASpectator);
    app.stop_spectating(&late, party.id)
        .await
        .err(ErrorCode::NotASpectator);
    assert_eq!(party.status(&host).await.spectators.unwrap().count, 1);

    // Unknown codes and strangers.
    app.spectate(&late, "ZZZZ9999")
        .await
        .err(ErrorCode::SessionNotFound);
    app.spectator_status(&third, party.id)
        .await
        .err(ErrorCode::NotASpectator);
}

async fn the_spectator_cap_refuses_one_more_with_spectators_full(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            env: vec![("PARTY_MAX_SPECTATORS_PER_PARTY".into(), "2".into())],
            ..AppOptions::default()
        },
    )
    .await;
    let [host, a, b, c] = <[Player; 4]>::try_from(app.guests(4).await).unwrap();
    let lobby = party::create(&app, &host, json!({})).await;
    let code = lobby.party_code.to_string();
    app.spectate_ok(&a, &code).await;
    app.spectate_ok(&b, &code).await;
    let message = app
        .spectate(&c, &code)
        .await
        .err(ErrorCode::SpectatorsFull)
        .to_owned();
    assert!(message.contains("spectators"), "{message}");
    // Those in already are not refused, and a freed place is taken.
    app.spectate_ok(&a, &code).await;
    app.stop_spectating(&b, lobby.session_id)
        .await
        .ok::<Value>();
    let c_in = app.spectate_ok(&c, &code).await;
    assert_eq!(c_in.status.spectators.unwrap().count, 2);
    // Players still join: spectators are not counted against the party.
    party::join(&app, &b, &code)
        .await
        .ok::<PartySessionResponse>();
}

async fn a_player_cannot_spectate_their_own_party(backend: Backend) {
    let app = spawn_app(backend).await;
    let [host, friend] = <[Player; 2]>::try_from(app.guests(2).await).unwrap();
    let lobby = party::create(&app, &host, json!({})).await;
    let code = lobby.party_code.to_string();
    app.spectate(&host, &code)
        .await
        .err(ErrorCode::AlreadyAPlayer);

    // A spectator who joins as a player stops being a spectator.
    app.spectate_ok(&friend, &code).await;
    party::join(&app, &friend, &code)
        .await
        .ok::<PartySessionResponse>();
    let status = party::status(&app, lobby.session_id, &host).await;
    assert_eq!(status.spectators.unwrap().count, 0);
    assert_eq!(status.participants.len(), 2);
    app.spectator_status(&friend, lobby.session_id)
        .await
        .err(ErrorCode::NotASpectator);
    app.spectate(&friend, &code)
        .await
        .err(ErrorCode::AlreadyAPlayer);
}

async fn the_spectator_socket_is_read_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let [host, watcher, stranger] = <[Player; 3]>::try_from(app.guests(3).await).unwrap();
    let lobby = party::create(&app, &host, json!({})).await;
    app.spectate_ok(&watcher, &lobby.party_code.to_string())
        .await;

    let mut socket = app.spectator_connect(&watcher, lobby.session_id).await;
    match socket.next(WAIT).await.expect("snapshot") {
        SpectatorSocketMessage::Party(m) => match m.event {
            ServerEvent::SessionUpdate(snapshot) => {
                assert_eq!(snapshot.current_phase, PartyPhase::Lobby);
                assert!(snapshot.active_round.is_none());
                assert_eq!(snapshot.spectators.expect("listed").count, 1);
            }
            other => panic!("expected a snapshot, got {other:?}"),
        },
        other @ SpectatorSocketMessage::Notice(_) => panic!("expected a snapshot, got {other:?}"),
    }
    // An action is refused on the socket, which stays open.
    for action in [
        json!({"type": "submit", "phrase": "BIG RED DOG"}),
        json!({"type": "ready"}),
        json!({"type": "spectator_chat", "text": "hello"}),
    ] {
        socket.send_json(action).await;
        match socket.next(WAIT).await.expect("refusal") {
            SpectatorSocketMessage::Notice(SpectatorNotice::ReadOnly { error, .. }) => {
                assert_eq!(error, ErrorCode::ReadOnlySocket);
            }
            other => panic!("expected read_only, got {other:?}"),
        }
    }
    socket.send_json(json!({"type": "ping"})).await;
    match socket.next(WAIT).await.expect("pong") {
        SpectatorSocketMessage::Party(m) => assert_eq!(m.event, ServerEvent::Pong),
        other @ SpectatorSocketMessage::Notice(_) => panic!("expected pong, got {other:?}"),
    }
    // Events keep coming: a player joins.
    party::join(&app, &stranger, &lobby.party_code.to_string())
        .await
        .ok::<PartySessionResponse>();
    match socket.next(WAIT).await.expect("event") {
        SpectatorSocketMessage::Party(m) => {
            assert!(matches!(m.event, ServerEvent::PlayerJoined { .. }), "{m:?}");
        }
        other @ SpectatorSocketMessage::Notice(_) => {
            panic!("expected player_joined, got {other:?}")
        }
    }

    // Who may open one: a spectator with a fresh token only.
    let token = app.ws_token(&host).await;
    let mut refused = app
        .spectator_connect_raw(&app.spectator_ws_url(lobby.session_id, Some(&token)))
        .await;
    assert_eq!(
        refused.close_code(WAIT).await,
        Some(4004),
        "a player is no spectator"
    );
    let mut refused = app
        .spectator_connect_raw(&app.spectator_ws_url(lobby.session_id, None))
        .await;
    assert_eq!(refused.close_code(WAIT).await, Some(4001));
    let mut refused = app
        .spectator_connect_raw(&app.spectator_ws_url(lobby.session_id, Some("nope")))
        .await;
    assert_eq!(refused.close_code(WAIT).await, Some(4003));
}

async fn spectator_chat_reaches_spectators_only_within_its_limits(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(3).await;
    let [ann, bob, cy] = <[Player; 3]>::try_from(app.guests(3).await).unwrap();
    let mut party = Party::gather(&app, humans, 0).await;
    let code = party.code.to_string();
    for s in [&ann, &bob, &cy] {
        app.spectate_ok(s, &code).await;
    }
    let mut ann_socket = app.spectator_connect(&ann, party.id).await;
    let mut bob_socket = app.spectator_connect(&bob, party.id).await;
    let mut player_socket = app.ws_connect(&party.humans[0], party.id, None).await;
    player_socket.next(WAIT).await.expect("snapshot");
    ann_socket.next(WAIT).await.expect("snapshot");
    bob_socket.next(WAIT).await.expect("snapshot");

    // Limits, checked before anything is sent.
    app.spectator_chat(&ann, party.id, &"a".repeat(CHAT_MAX_CHARS + 1))
        .await
        .err(ErrorCode::ChatMessageTooLong);
    app.spectator_chat(&ann, party.id, "   ")
        .await
        .err(ErrorCode::InvalidRequest);
    app.spectator_chat(&party.humans[0], party.id, "players cannot")
        .await
        .err(ErrorCode::NotASpectator);

    // In the lobby, then in every phase of the game.
    let mut said = Vec::new();
    let text = format!("lobby {}", "x".repeat(CHAT_MAX_CHARS - 6));
    app.spectator_chat(&ann, party.id, &text)
        .await
        .ok::<Value>();
    said.push(text);
    party.start().await;
    app.spectator_chat(&bob, party.id, "prompt time")
        .await
        .ok::<Value>();
    said.push("prompt time".into());
    party.play_prompts().await;
    app.spectator_chat(&bob, party.id, "copy time")
        .await
        .ok::<Value>();
    said.push("copy time".into());
    party.play_copies().await;
    party.play_votes().await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    app.spectator_chat(&bob, party.id, "well played")
        .await
        .ok::<Value>();
    said.push("well played".into());

    // A burst of three, then 429 with Retry-After (from a spectator who
    // has said nothing yet, so the budget is full whatever the timing).
    for i in 0..3 {
        app.spectator_chat(&cy, party.id, &format!("burst {i}"))
            .await
            .ok::<Value>();
        said.push(format!("burst {i}"));
    }
    let limited = app.spectator_chat(&cy, party.id, "one too many").await;
    limited.err(ErrorCode::RateLimited);
    assert!(limited.retry_after.is_some());

    // Both spectators got every line, in order, with who said it.
    for socket in [&mut ann_socket, &mut bob_socket] {
        let mut heard = Vec::new();
        while heard.len() < said.len() {
            match socket.next(WAIT).await {
                Ok(SpectatorSocketMessage::Notice(SpectatorNotice::SpectatorChat {
                    text,
                    username,
                    ..
                })) => {
                    assert!([&ann, &bob, &cy].iter().any(|s| s.username == username));
                    heard.push(text.to_string());
                }
                Ok(_) => {}
                Err(e) => panic!("heard {heard:?} of {said:?}: {e:?}"),
            }
        }
        assert_eq!(heard, said);
    }
    // The player's socket got the events and never a chat line: it parses
    // every message as a party message, so a chat line would fail the
    // test there; after a ping, the pong comes with nothing before it.
    let seq = party.status(&party.humans[0]).await.seq;
    player_socket.until_seq(seq, WAIT).await;
    player_socket.send_ping().await;
    let pong = player_socket.next(WAIT).await.expect("pong");
    assert_eq!(pong.event, ServerEvent::Pong);
    assert_eq!(
        player_socket.next(Duration::from_millis(300)).await,
        Err(Ended::TimedOut)
    );
}

async fn spectators_who_asked_are_seated_in_the_next_game(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(3).await;
    let [first, second, quiet, busy] = <[Player; 4]>::try_from(app.guests(4).await).unwrap();
    let mut party = Party::gather_with(&app, humans, 0, json!({"max_players": 4})).await;
    let code = party.code.to_string();
    for s in [&first, &second, &quiet, &busy] {
        app.spectate_ok(s, &code).await;
    }
    // Asking order is seating order; asking twice keeps the first place.
    for s in [&busy, &first, &second, &first] {
        let asked: NextGameResponse = app
            .post_empty(&party.path("/spectate/next-game"), &s.token)
            .await
            .ok();
        assert!(asked.join_next_game);
    }
    // Taking it back, and asking without being a spectator.
    let back: NextGameResponse = app
        .post(
            &party.path("/spectate/next-game"),
            &quiet.token,
            json!({"join": false}),
        )
        .await
        .ok();
    assert!(!back.join_next_game);
    app.post_empty(&party.path("/spectate/next-game"), &party.humans[1].token)
        .await
        .err(ErrorCode::NotASpectator);
    // `busy` asked first but is in another party by the time of play-again.
    let elsewhere = party::create(&app, &busy, json!({})).await;

    party.play_to_results(false).await;
    let again: Value = app
        .post_empty(&party.path("/play-again"), &party.humans[0].token)
        .await
        .ok();
    let next = again["new_session_id"].as_str().unwrap().to_owned();
    let next_id: party_protocol::SessionId = serde_json::from_value(json!(next)).unwrap();

    // Three players came along; one seat was left: `first` took it.
    let status = party::status(&app, next_id, &party.humans[0]).await;
    let names: Vec<&str> = status
        .participants
        .iter()
        .map(|p| p.username.as_str())
        .collect();
    assert_eq!(status.participants.len(), 4, "{names:?}");
    assert!(names.contains(&first.username.as_str()), "{names:?}");
    let active: ActivePartyResponse = app.get("/party/active", &first.token).await.ok();
    assert_eq!(active.session_id, Some(next_id));
    // The rest watch the new lobby; `second` keeps their request.
    let list = status.spectators.expect("listed");
    assert_eq!(list.count, 3);
    let second_view: SpectatorStatusResponse = app.spectator_status(&second, next_id).await.ok();
    assert!(second_view.join_next_game);
    let quiet_view: SpectatorStatusResponse = app.spectator_status(&quiet, next_id).await.ok();
    assert!(!quiet_view.join_next_game);
    let busy_view: SpectatorStatusResponse = app.spectator_status(&busy, next_id).await.ok();
    assert!(busy_view.join_next_game);
    let active: ActivePartyResponse = app.get("/party/active", &busy.token).await.ok();
    assert_eq!(active.session_id, Some(elsewhere.session_id));
    // The finished party has no spectators left.
    app.spectator_status(&second, party.id)
        .await
        .err(ErrorCode::NotASpectator);
}

/// A lobby deleted when its last human leaves takes its spectators with
/// it: their sockets close with 4005, and they are spectators of nothing.
async fn a_deleted_lobby_ends_its_spectators(backend: Backend) {
    let app = spawn_app(backend).await;
    let [host, watcher] = <[Player; 2]>::try_from(app.guests(2).await).unwrap();
    let lobby = party::create(&app, &host, json!({})).await;
    app.spectate_ok(&watcher, &lobby.party_code.to_string())
        .await;
    let mut socket = app.spectator_connect(&watcher, lobby.session_id).await;
    socket.next(WAIT).await.expect("snapshot");
    party::leave(&app, &host, lobby.session_id).await;
    assert_eq!(socket.close_code(WAIT).await, Some(4005));
    app.spectator_status(&watcher, lobby.session_id)
        .await
        .err(ErrorCode::SessionNotFound);
    app.spectate(&watcher, &lobby.party_code.to_string())
        .await
        .err(ErrorCode::SessionNotFound);
}

/// Two instances on one PostgreSQL database: a spectator registered on one
/// is known to the other, its socket there gets the events and the chat
/// posted through the first, and the cap counts over both.
async fn spectators_work_across_two_instances(backend: Backend) {
    if matches!(backend, Backend::Sqlite) {
        // One SQLite file is served by one process; see the README.
        return;
    }
    let app = spawn_app_with(
        backend,
        AppOptions {
            env: vec![("PARTY_MAX_SPECTATORS_PER_PARTY".into(), "2".into())],
            ..AppOptions::default()
        },
    )
    .await;
    let other = app.sibling().await;
    let [host, friend, ann, bob, cy] = <[Player; 5]>::try_from(app.guests(5).await).unwrap();
    let lobby = party::create(&app, &host, json!({})).await;
    let code = lobby.party_code.to_string();
    app.spectate_ok(&ann, &code).await;
    other.spectate_ok(&bob, &code).await;
    other
        .spectate(&cy, &code)
        .await
        .err(ErrorCode::SpectatorsFull);
    let seen: SpectatorStatusResponse = other.spectator_status(&ann, lobby.session_id).await.ok();
    assert_eq!(seen.status.spectators.unwrap().count, 2);

    let mut on_other = other.spectator_connect(&ann, lobby.session_id).await;
    on_other.next(WAIT).await.expect("snapshot");
    // An event committed through the first instance reaches the second's spectator.
    party::join(&app, &friend, &code)
        .await
        .ok::<PartySessionResponse>();
    match on_other.next(WAIT).await.expect("event") {
        SpectatorSocketMessage::Party(m) => {
            assert!(matches!(m.event, ServerEvent::PlayerJoined { .. }), "{m:?}");
        }
        other @ SpectatorSocketMessage::Notice(_) => {
            panic!("expected player_joined, got {other:?}")
        }
    }
    // So does chat posted on the first instance, which is stored nowhere.
    app.spectator_chat(&bob, lobby.session_id, "hello from one")
        .await
        .ok::<Value>();
    match on_other.next(WAIT).await.expect("chat") {
        SpectatorSocketMessage::Notice(SpectatorNotice::SpectatorChat {
            text, username, ..
        }) => {
            assert_eq!(text.as_str(), "hello from one");
            assert_eq!(username, bob.username);
        }
        other => panic!("expected spectator_chat, got {other:?}"),
    }
}

on_both_backends!(
    a_deleted_lobby_ends_its_spectators,
    spectators_work_across_two_instances,
    spectating_a_lobby_and_a_running_party_takes_no_seat,
    the_spectator_cap_refuses_one_more_with_spectators_full,
    a_player_cannot_spectate_their_own_party,
    the_spectator_socket_is_read_only,
    spectator_chat_reaches_spectators_only_within_its_limits,
    spectators_who_asked_are_seated_in_the_next_game,
);
