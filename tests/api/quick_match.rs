//! Quick match (issue 15): queueing, formation of full parties from the
//! queue under concurrency, bot fill after the wait a player chose,
//! leaving (also racing a formation), the status and the player socket's
//! notice, and the refusals — with no coin created or destroyed.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use party_protocol::friends::PlayerMessage;
use party_protocol::matchmaking::{QueuedStatus, QuickMatchStatus};
use party_protocol::{ErrorCode, PlayerId, SessionId};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::audit::money;
use crate::support::party::{active, create, status};
use crate::support::{AppOptions, Backend, Player, Reply, TestApp, spawn_app, spawn_app_with};

/// A server whose quick-match parties seat `size` players.
async fn app_of_size(backend: Backend, size: usize) -> TestApp {
    spawn_app_with(
        backend,
        AppOptions {
            env: vec![("PARTY_QUICK_MATCH_PLAYERS".into(), size.to_string())],
            ..AppOptions::default()
        },
    )
    .await
}

async fn queue(app: &TestApp, who: &Player, body: Value) -> Reply {
    app.post("/party/quick-match", &who.token, body).await
}

async fn leave_queue(app: &TestApp, who: &Player) -> Reply {
    app.request(
        reqwest::Method::DELETE,
        "/party/quick-match",
        Some(&who.token),
        None,
    )
    .await
}

async fn quick_status(app: &TestApp, who: &Player) -> QuickMatchStatus {
    app.get("/party/quick-match", &who.token).await.ok()
}

fn queued(status: &QuickMatchStatus) -> &QueuedStatus {
    match status {
        QuickMatchStatus::Queued(q) => q,
        other => panic!("expected queued, got {other:?}"),
    }
}

/// The lobby the player's quick match formed, per the status.
async fn matched_into(app: &TestApp, who: &Player) -> Option<SessionId> {
    match quick_status(app, who).await {
        QuickMatchStatus::Matched(m) => Some(m.session_id),
        _ => None,
    }
}

/// 100 players queue at once over HTTP with a 30 s bot-fill wait, on a
/// server seating 3: 33 full parties form at once, the one left over
/// waits, and is seated with bots once its wait is over. Every player ends
/// in exactly one party, and each party holds exactly whom its status says.
async fn a_hundred_players_queueing_at_once_form_full_parties(backend: Backend) {
    const PLAYERS: usize = 100;
    const SIZE: usize = 3;
    let app = app_of_size(backend, SIZE).await;
    let players = app.guests(PLAYERS).await;
    let mut before = Vec::with_capacity(PLAYERS);
    for p in &players {
        before.push(app.balances(p).await);
    }
    let replies = futures::future::join_all(
        players
            .iter()
            .map(|p| queue(&app, p, json!({ "bot_fill_after_seconds": 30 }))),
    )
    .await;
    for reply in &replies {
        let _: QuickMatchStatus = reply.ok();
    }
    // Nothing is due yet: exactly the full parties formed.
    let mut waiting = Vec::new();
    let mut sessions: HashMap<SessionId, Vec<PlayerId>> = HashMap::new();
    for p in &players {
        match quick_status(&app, p).await {
            QuickMatchStatus::Matched(m) => sessions.entry(m.session_id).or_default().push(p.id),
            QuickMatchStatus::Queued(q) => waiting.push((p, q)),
            QuickMatchStatus::Idle => panic!("{} is neither queued nor matched", p.username),
        }
    }
    assert_eq!(sessions.len(), PLAYERS / SIZE);
    assert!(sessions.values().all(|humans| humans.len() == SIZE));
    assert_eq!(waiting.len(), PLAYERS % SIZE);
    let (left_over, place) = &waiting[0];
    assert_eq!((place.position, place.queue_length), (1, 1));
    assert_eq!(place.party_size, SIZE as i64);
    assert!(place.bot_fill_at.is_some());
    // Queueing and matching charge nothing.
    for (p, was) in players.iter().zip(&before) {
        assert_eq!(app.balances(p).await, *was, "{}", p.username);
    }

    // Not due one second early; due at its wait.
    let sweep = app.advance(29).await;
    assert_eq!(sweep["sweep"]["quick_matches_formed"], 0, "{sweep}");
    assert!(matches!(
        quick_status(&app, left_over).await,
        QuickMatchStatus::Queued(_)
    ));
    let sweep = app.advance(1).await;
    assert_eq!(sweep["sweep"]["quick_matches_formed"], 1, "{sweep}");
    let filled = matched_into(&app, left_over).await.expect("bot-filled");
    sessions.entry(filled).or_default().push(left_over.id);

    // Every player is in exactly one party, the one their status names,
    // and each party holds its humans and bots and nobody else.
    let mut seen = HashSet::new();
    for p in &players {
        let mine = active(&app, p).await.session_id.expect("in a party");
        assert!(sessions[&mine].contains(&p.id));
        assert!(seen.insert(p.id), "{} counted twice", p.username);
    }
    for (session, humans) in &sessions {
        let member = players.iter().find(|p| p.id == humans[0]).unwrap();
        let st = status(&app, *session, member).await;
        assert_eq!(st.participants.len(), SIZE);
        let in_party: HashSet<PlayerId> = st
            .participants
            .iter()
            .filter(|p| !p.is_bot)
            .map(|p| p.player_id)
            .collect();
        assert_eq!(in_party, humans.iter().copied().collect());
        let bots = st.participants.iter().filter(|p| p.is_bot).count();
        assert_eq!(bots, SIZE - humans.len());
        // One of its humans hosts.
        let host = st.participants.iter().find(|p| p.is_host).expect("a host");
        assert!(humans.contains(&host.player_id));
    }
    app.assert_conserved().await;
}

/// Queueing twice keeps the first place; leaving takes the player out at
/// once; leaving again is `not_queued`.
async fn leaving_the_queue_is_one_call(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(2).await;
    let first: QuickMatchStatus = queue(&app, &players[0], json!({})).await.ok();
    let first = queued(&first).clone();
    assert_eq!((first.position, first.queue_length), (1, 1));
    assert_eq!(first.bot_fill_at, None);
    queue(&app, &players[1], json!({ "bot_fill_after_seconds": 60 }))
        .await
        .ok::<QuickMatchStatus>();
    // Again, with another wait: the first entry stays as it was.
    let again: QuickMatchStatus = app
        .post_empty("/party/quick-match", &players[0].token)
        .await
        .ok();
    assert_eq!(
        queued(&again),
        &QueuedStatus {
            queue_length: 2,
            ..first.clone()
        }
    );
    let left: QuickMatchStatus = leave_queue(&app, &players[0]).await.ok();
    assert_eq!(left, QuickMatchStatus::Idle);
    assert_eq!(
        quick_status(&app, &players[0]).await,
        QuickMatchStatus::Idle
    );
    leave_queue(&app, &players[0])
        .await
        .err(ErrorCode::NotQueued);
    // The other moved up.
    let second = quick_status(&app, &players[1]).await;
    assert_eq!(
        (queued(&second).position, queued(&second).queue_length),
        (1, 1)
    );
    // A player who joins a party some other way leaves the queue.
    let lobby = create(&app, &players[0], json!({})).await;
    crate::support::party::join(&app, &players[1], lobby.party_code.as_str())
        .await
        .ok::<Value>();
    assert_eq!(
        quick_status(&app, &players[1]).await,
        QuickMatchStatus::Idle
    );
    app.assert_conserved().await;
}

/// A player leaving while the queue call that completes their party runs:
/// either the leave wins (they are out, in no party, the others wait) or
/// the formation wins (the leave says `not_queued` and they are in the
/// party with the others) — never both, never neither.
async fn leaving_races_formation(backend: Backend) {
    let app = app_of_size(backend, 3).await;
    let (mut left_first, mut matched_first) = (0, 0);
    for round in 0..8 {
        let ps = app.guests(3).await;
        queue(&app, &ps[0], json!({}))
            .await
            .ok::<QuickMatchStatus>();
        queue(&app, &ps[1], json!({}))
            .await
            .ok::<QuickMatchStatus>();
        let (completing, leaving) =
            tokio::join!(queue(&app, &ps[2], json!({})), leave_queue(&app, &ps[0]));
        completing.ok::<QuickMatchStatus>();
        let in_party = active(&app, &ps[0]).await.session_id;
        if leaving.status.is_success() {
            left_first += 1;
            assert_eq!(in_party, None, "round {round}: left and matched");
            assert_eq!(quick_status(&app, &ps[0]).await, QuickMatchStatus::Idle);
            // The other two still wait; they leave before the next round.
            for p in &ps[1..] {
                assert!(matches!(
                    quick_status(&app, p).await,
                    QuickMatchStatus::Queued(_)
                ));
                leave_queue(&app, p).await.ok::<QuickMatchStatus>();
            }
        } else {
            matched_first += 1;
            leaving.err(ErrorCode::NotQueued);
            let session = in_party.expect("neither left nor matched");
            for p in &ps {
                assert_eq!(matched_into(&app, p).await, Some(session), "round {round}");
            }
        }
    }
    assert_eq!(left_first + matched_first, 8);
    app.assert_conserved().await;
}

/// The matched players hear it on their player socket, with the lobby the
/// status names; a socket opened later is told again while they are in it.
async fn a_match_is_told_on_the_player_socket(backend: Backend) {
    let app = app_of_size(backend, 3).await;
    let ps = app.guests(3).await;
    let mut socket = app.player_socket(&ps[0]).await;
    for p in &ps {
        queue(&app, p, json!({})).await.ok::<QuickMatchStatus>();
    }
    let told = loop {
        match socket.next(Duration::from_secs(15)).await {
            Some(PlayerMessage::QuickMatchFormed(formed)) => break formed,
            Some(PlayerMessage::Pong | PlayerMessage::PartyInvite(_)) => {}
            other => panic!("expected quick_match_formed, got {other:?}"),
        }
    };
    let QuickMatchStatus::Matched(status) = quick_status(&app, &ps[0]).await else {
        panic!("not matched");
    };
    assert_eq!(told, status);
    assert_eq!(active(&app, &ps[0]).await.session_id, Some(told.session_id));
    socket.close().await;
    let mut later = app.player_socket(&ps[1]).await;
    let mut heard = None;
    for _ in 0..5 {
        match later.next(Duration::from_secs(10)).await {
            Some(PlayerMessage::QuickMatchFormed(formed)) => {
                heard = Some(formed);
                break;
            }
            Some(_) => {}
            None => break,
        }
    }
    assert_eq!(heard.map(|f| f.session_id), Some(told.session_id));
    later.close().await;
    app.assert_conserved().await;
}

/// Refusals, each with its code and nothing written or charged: in a
/// party already, a wait out of range or of the wrong type.
async fn refusals_change_nothing(backend: Backend) {
    let app = spawn_app(backend).await;
    let ps = app.guests(2).await;
    let lobby = create(&app, &ps[0], json!({})).await;
    let before = money(&app, &ps).await;
    let message = queue(&app, &ps[0], json!({}))
        .await
        .err(ErrorCode::AlreadyInParty)
        .to_owned();
    assert!(message.contains(lobby.party_code.as_str()), "{message}");
    for wait in [json!(-1), json!(601)] {
        queue(&app, &ps[1], json!({ "bot_fill_after_seconds": wait }))
            .await
            .err(ErrorCode::InvalidQuickMatchWait);
    }
    queue(&app, &ps[1], json!({ "bot_fill_after_seconds": "soon" }))
        .await
        .err(ErrorCode::InvalidRequest);
    queue(&app, &ps[1], json!({ "bots": true }))
        .await
        .err(ErrorCode::InvalidRequest);
    for p in &ps {
        assert_eq!(quick_status(&app, p).await, QuickMatchStatus::Idle);
    }
    assert_eq!(money(&app, &ps).await, before);
    app.assert_conserved().await;
}

/// With Party Mode off every quick-match and list route is refused.
async fn party_mode_off_refuses_quick_match(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            env: vec![("PARTY_MODE".into(), "off".into())],
            ..AppOptions::default()
        },
    )
    .await;
    let p = app.guest().await;
    queue(&app, &p, json!({}))
        .await
        .err(ErrorCode::PartyModeDisabled);
    app.get("/party/quick-match", &p.token)
        .await
        .err(ErrorCode::PartyModeDisabled);
    leave_queue(&app, &p)
        .await
        .err(ErrorCode::PartyModeDisabled);
    app.get("/party/public", &p.token)
        .await
        .err(ErrorCode::PartyModeDisabled);
}

/// Bot fill takes only the players who accept bots: one waiting for
/// humans only stays queued when another's wait is over. Players queued
/// one after another are seated in queue order, the first as host.
async fn bot_fill_takes_only_players_who_accept_bots(backend: Backend) {
    let app = app_of_size(backend, 3).await;
    let ps = app.guests(5).await;
    queue(&app, &ps[0], json!({}))
        .await
        .ok::<QuickMatchStatus>();
    queue(&app, &ps[1], json!({ "bot_fill_after_seconds": 10 }))
        .await
        .ok::<QuickMatchStatus>();
    let sweep = app.advance(10).await;
    assert_eq!(sweep["sweep"]["quick_matches_formed"], 1, "{sweep}");
    let filled = matched_into(&app, &ps[1]).await.expect("bot-filled");
    let st = status(&app, filled, &ps[1]).await;
    assert_eq!(st.participants.len(), 3);
    assert_eq!(st.participants.iter().filter(|p| p.is_bot).count(), 2);
    let humans_only = quick_status(&app, &ps[0]).await;
    assert_eq!(
        (
            queued(&humans_only).position,
            queued(&humans_only).queue_length
        ),
        (1, 1)
    );
    assert_eq!(active(&app, &ps[0]).await.session_id, None);
    // Two more complete a party of humans, hosted by the one queued first.
    queue(&app, &ps[2], json!({}))
        .await
        .ok::<QuickMatchStatus>();
    queue(&app, &ps[3], json!({}))
        .await
        .ok::<QuickMatchStatus>();
    let session = matched_into(&app, &ps[0]).await.expect("matched");
    let st = status(&app, session, &ps[0]).await;
    let host = st.participants.iter().find(|p| p.is_host).unwrap();
    assert_eq!(host.player_id, ps[0].id);
    assert!(st.participants.iter().all(|p| !p.is_bot));
    assert_eq!(quick_status(&app, &ps[4]).await, QuickMatchStatus::Idle);
    app.assert_conserved().await;
}

/// On PostgreSQL, two server instances share the queue: 100 players
/// queueing at once, half through each, form 25 full parties of 4 (the
/// default size) with nobody in two. (On SQLite, one instance.)
async fn instances_share_the_queue(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let sibling = match backend {
        Backend::Postgres(_) => Some(app.sibling().await),
        Backend::Sqlite => None,
    };
    let other = sibling.as_ref().unwrap_or(&app);
    let players = app.guests(100).await;
    let replies = futures::future::join_all(players.iter().enumerate().map(|(i, p)| {
        let through = if i % 2 == 0 { &app } else { other };
        queue(through, p, json!({}))
    }))
    .await;
    for reply in &replies {
        reply.ok::<QuickMatchStatus>();
    }
    let mut sessions: HashMap<SessionId, usize> = HashMap::new();
    for p in &players {
        let via_status = matched_into(&app, p).await.expect("matched");
        assert_eq!(active(other, p).await.session_id, Some(via_status));
        *sessions.entry(via_status).or_default() += 1;
    }
    assert_eq!(sessions.len(), 25);
    assert!(sessions.values().all(|n| *n == 4));
    app.assert_conserved().await;
}

on_both_backends!(
    bot_fill_takes_only_players_who_accept_bots,
    instances_share_the_queue,
    a_hundred_players_queueing_at_once_form_full_parties,
    leaving_the_queue_is_one_call,
    leaving_races_formation,
    a_match_is_told_on_the_player_socket,
    refusals_change_nothing,
    party_mode_off_refuses_quick_match,
);
