//! Presence across sockets and server instances: a member is connected
//! while any instance holds a socket for them; an instance that stops —
//! cleanly or by crashing — stops counting.

use std::time::Duration;

use party_protocol::PlayerId;
use party_protocol::party::{ConnectionStatus, PartyStatusResponse};
use party_protocol::party_ws::ServerEvent;
use serde_json::json;

use crate::on_both_backends;
use crate::support::party::Party;
use crate::support::ws::WsClient;
use crate::support::{Backend, Player, TestApp, spawn_app, spawn_app_with_rules};

const WAIT: Duration = Duration::from_secs(10);
/// How long a presence change that must not happen is waited for.
const QUIET: Duration = Duration::from_millis(1500);

/// Reads `client` until a `presence` event for `player` arrives (`None`
/// when `wait` passes first).
async fn next_presence(
    client: &mut WsClient,
    player: PlayerId,
    wait: Duration,
) -> Option<ConnectionStatus> {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        let msg = client.next(left).await.ok()?;
        if let ServerEvent::Presence {
            player_id,
            connection_status,
            ..
        } = msg.event
            && player_id == player
        {
            return Some(connection_status);
        }
    }
}

fn presence_of(status: &PartyStatusResponse, player: PlayerId) -> ConnectionStatus {
    status
        .participants
        .iter()
        .find(|p| p.player_id == player)
        .expect("a participant")
        .connection_status
}

async fn status_on(
    app: &TestApp,
    session: party_protocol::SessionId,
    who: &Player,
) -> PartyStatusResponse {
    app.get(&format!("/party/{session}/status"), &who.token)
        .await
        .ok()
}

/// On PostgreSQL the second socket is on another instance; on SQLite (one
/// process per file) on the same one.
async fn a_member_stays_connected_until_their_last_socket_closes(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let other = match backend {
        Backend::Postgres(_) => Some(app.sibling().await),
        Backend::Sqlite => None,
    };
    let second_home = other.as_ref().unwrap_or(&app);
    let humans = app.guests(3).await;
    let party = Party::gather(&app, humans, 0).await;
    let (watcher, member) = (&party.humans[0], &party.humans[1]);
    let mut watching = app.ws_connect(watcher, party.id, None).await;
    watching.next(WAIT).await.expect("snapshot");

    let first = app.ws_connect(member, party.id, None).await;
    assert_eq!(
        next_presence(&mut watching, member.id, WAIT).await,
        Some(ConnectionStatus::Connected)
    );
    let mut second = second_home.ws_connect(member, party.id, None).await;
    second.next(WAIT).await.expect("snapshot");

    first.close().await;
    assert_eq!(
        next_presence(&mut watching, member.id, QUIET).await,
        None,
        "one socket is still open"
    );
    assert_eq!(
        presence_of(&party.status(watcher).await, member.id),
        ConnectionStatus::Connected
    );

    second.close().await;
    assert_eq!(
        next_presence(&mut watching, member.id, WAIT).await,
        Some(ConnectionStatus::Disconnected)
    );
    assert_eq!(
        presence_of(&party.status(watcher).await, member.id),
        ConnectionStatus::Disconnected
    );
}

/// Two instances on PostgreSQL: one is stopped with SIGTERM, the other
/// with SIGKILL. The members they held go `DISCONNECTED` either way — at
/// once on a clean stop, after the heartbeat timeout on a crash.
async fn the_members_of_a_stopped_instance_are_disconnected(backend: Backend) {
    if matches!(backend, Backend::Sqlite) {
        // One SQLite file is served by one process: see the restart variant.
        return;
    }
    let rules = json!({ "presence_heartbeat_ms": 100, "presence_timeout_ms": 1000 });
    let app = spawn_app_with_rules(backend, rules).await;
    let humans = app.guests(3).await;
    let party = Party::gather(&app, humans, 0).await;
    let (watcher, clean, crashed) = (&party.humans[0], &party.humans[1], &party.humans[2]);
    let mut watching = app.ws_connect(watcher, party.id, None).await;
    watching.next(WAIT).await.expect("snapshot");

    let mut stopping = app.sibling().await;
    let _held = stopping.ws_connect(clean, party.id, None).await;
    assert_eq!(
        next_presence(&mut watching, clean.id, WAIT).await,
        Some(ConnectionStatus::Connected)
    );
    stopping.stop().await;
    assert_eq!(
        next_presence(&mut watching, clean.id, WAIT).await,
        Some(ConnectionStatus::Disconnected)
    );

    let mut crashing = app.sibling().await;
    let _held = crashing.ws_connect(crashed, party.id, None).await;
    assert_eq!(
        next_presence(&mut watching, crashed.id, WAIT).await,
        Some(ConnectionStatus::Connected)
    );
    crashing.kill().await;
    assert_eq!(
        next_presence(&mut watching, crashed.id, WAIT).await,
        Some(ConnectionStatus::Disconnected),
        "the surviving instance clears the crashed one's sockets"
    );
    let status = party.status(watcher).await;
    assert_eq!(
        presence_of(&status, crashed.id),
        ConnectionStatus::Disconnected
    );
    assert_eq!(
        presence_of(&status, watcher.id),
        ConnectionStatus::Connected
    );
}

/// One instance crashes while a member is connected; the next process on
/// the same database clears the dead instance's sockets.
async fn a_crashed_instance_s_members_are_disconnected_after_a_restart(backend: Backend) {
    let rules = json!({ "presence_heartbeat_ms": 100, "presence_timeout_ms": 1000 });
    let mut app = spawn_app_with_rules(backend, rules).await;
    let humans = app.guests(3).await;
    let session = Party::gather(&app, humans.clone(), 0).await.id;
    let member = &humans[1];
    let mut socket = app.ws_connect(member, session, None).await;
    socket.next(WAIT).await.expect("snapshot");
    assert_eq!(
        presence_of(&status_on(&app, session, &humans[0]).await, member.id),
        ConnectionStatus::Connected
    );
    app.kill().await;
    drop(socket);
    app.start().await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let status = status_on(&app, session, &humans[0]).await;
        if presence_of(&status, member.id) == ConnectionStatus::Disconnected {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "the crashed instance's socket still counts"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.assert_conserved().await;
}

on_both_backends!(
    a_member_stays_connected_until_their_last_socket_closes,
    the_members_of_a_stopped_instance_are_disconnected,
    a_crashed_instance_s_members_are_disconnected_after_a_restart,
);
