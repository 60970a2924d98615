//! Who keeps a party socket: a member who leaves or is kicked gets their
//! own `player_left` / `player_kicked` as the last event and then close
//! 4005 (on whichever instance holds the socket); a ws-token opens one
//! socket, and logout spends the ones still outstanding.

use std::time::Duration;

use party_protocol::party::PartyPhase;
use party_protocol::party_ws::ServerEvent;
use party_protocol::{PlayerId, SessionId};

use crate::on_both_backends;
use crate::support::party::{Party, join, kick, leave};
use crate::support::ws::{Ended, WsClient};
use crate::support::{Backend, TestApp, spawn_app};

const WAIT: Duration = Duration::from_secs(10);
const REMOVED: u16 = 4005;

/// Reads until the event removing `who` arrives, checks it is followed by
/// close 4005 and nothing else, and returns the event's `type`.
async fn ends_with_own_removal(client: &mut WsClient, who: PlayerId) -> &'static str {
    let kind = loop {
        let msg = client.next(WAIT).await.expect("the removal event");
        match msg.event {
            ServerEvent::PlayerKicked { player_id, .. } if player_id == who => {
                break "player_kicked";
            }
            ServerEvent::PlayerLeft { player_id, .. } if player_id == who => break "player_left",
            _ => {}
        }
    };
    assert_eq!(
        client.next(WAIT).await.map(|m| m.event.kind()),
        Err(Ended::Closed(Some(REMOVED))),
        "the removal must be the socket's last event, then close {REMOVED}"
    );
    kind
}

/// The second server instance on PostgreSQL (the socket then lives on
/// another process than the one serving the kick), the same one on SQLite.
async fn socket_instance(app: &TestApp, backend: &Backend) -> Option<TestApp> {
    match backend {
        Backend::Sqlite => None,
        Backend::Postgres(_) => Some(app.sibling().await),
    }
}

/// A socket opened on `instance` with a fresh token, past its snapshot.
async fn opened(instance: &TestApp, who: &crate::support::Player, session: SessionId) -> WsClient {
    let mut c = instance.ws_connect(who, session, None).await;
    c.next(WAIT).await.expect("snapshot");
    c
}

async fn a_kicked_member_gets_the_kick_then_close_4005(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let other = socket_instance(&app, &backend).await;
    let far = other.as_ref().unwrap_or(&app);
    let humans = app.guests(3).await;
    let party = Party::gather(&app, humans, 0).await;
    let (host, target) = (&party.humans[0], &party.humans[2]);
    let mut host_socket = opened(&app, host, party.id).await;
    let mut kicked = opened(far, target, party.id).await;

    assert!(kick(&app, host, party.id, target).await.status.is_success());
    host_socket
        .until_seq(party.status(host).await.seq, WAIT)
        .await;
    let after_kick = host_socket.received.len();
    assert_eq!(
        ends_with_own_removal(&mut kicked, target.id).await,
        "player_kicked"
    );
    // A new socket is refused, and the others go on: the next event reaches
    // the host and never the kicked socket (it is closed).
    let mut again = far.ws_connect(target, party.id, None).await;
    assert_eq!(again.close_code(WAIT).await, Some(4004));
    crate::support::party::leave(&app, &party.humans[1], party.id).await;
    let seq = party.status(host).await.seq;
    host_socket.until_seq(seq, WAIT).await;
    // Presence stays consistent: the host's view holds no trace of the
    // kicked player, and no `presence` event followed their removal.
    assert!(!host_socket.received[after_kick..].iter().any(|m| matches!(
        m.event,
        ServerEvent::Presence { player_id, .. } if player_id == target.id
    )));
    assert!(
        !party
            .status(host)
            .await
            .participants
            .iter()
            .any(|p| p.player_id == target.id)
    );
}

async fn a_leaver_gets_their_leave_then_close_4005_and_may_rejoin(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let other = socket_instance(&app, &backend).await;
    let far = other.as_ref().unwrap_or(&app);
    let humans = app.guests(4).await;
    let mut party = Party::gather(&app, humans, 0).await;
    let host = party.humans[0].clone();
    let (lobby_leaver, runner) = (party.humans[3].clone(), party.humans[2].clone());

    // Leaving the lobby.
    let mut socket = opened(far, &lobby_leaver, party.id).await;
    leave(&app, &lobby_leaver, party.id).await;
    assert_eq!(
        ends_with_own_removal(&mut socket, lobby_leaver.id).await,
        "player_left"
    );
    party.humans.pop();

    // Leaving a running party, then rejoining: the new socket stays open.
    party.start().await;
    assert_eq!(party.note_phase().await, PartyPhase::Prompt);
    let mut host_socket = opened(&app, &host, party.id).await;
    let mut socket = opened(far, &runner, party.id).await;
    leave(&app, &runner, party.id).await;
    assert_eq!(
        ends_with_own_removal(&mut socket, runner.id).await,
        "player_left"
    );
    // The closed socket was counted out: the runner shows as disconnected.
    let seq = party.status(&host).await.seq;
    host_socket.until_seq(seq, WAIT).await;
    assert!(host_socket.received.iter().any(|m| matches!(
        m.event,
        ServerEvent::Presence { player_id, .. } if player_id == runner.id
    )));
    assert!(join(&app, &runner, &party.code).await.status.is_success());
    let mut back = opened(far, &runner, party.id).await;
    back.send_ping().await;
    assert!(matches!(
        back.next(WAIT).await.map(|m| m.event),
        Ok(ServerEvent::Pong)
    ));
}

async fn a_ws_token_opens_one_socket(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(3).await;
    let party = Party::gather(&app, humans, 0).await;
    let who = &party.humans[1];

    // Used once: the second socket with the same token is refused.
    let token = app.ws_token(who).await;
    let url = app.ws_url(party.id, Some(&token), None);
    let mut first = app.ws_connect_raw(&url).await;
    first.next(WAIT).await.expect("snapshot");
    let mut second = app.ws_connect_raw(&url).await;
    assert_eq!(second.close_code(WAIT).await, Some(4003));

    // Two upgrades racing with one token: exactly one is admitted.
    for _ in 0..3 {
        let token = app.ws_token(who).await;
        let url = app.ws_url(party.id, Some(&token), None);
        let (mut a, mut b) = tokio::join!(app.ws_connect_raw(&url), app.ws_connect_raw(&url));
        let (ra, rb) = tokio::join!(a.next(WAIT), b.next(WAIT));
        let admitted = [&ra, &rb].iter().filter(|r| r.is_ok()).count();
        assert_eq!(admitted, 1, "{ra:?} / {rb:?}");
        let refused = if ra.is_ok() { rb } else { ra };
        assert_eq!(refused.map(|m| m.seq), Err(Ended::Closed(Some(4003))));
    }
}

async fn logout_spends_the_outstanding_ws_tokens(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(3).await;
    let party = Party::gather(&app, humans, 0).await;
    let who = &party.humans[1];

    // A token fetched before logout opens nothing after it.
    let before = app.ws_token(who).await;
    let out = app.post_empty("/auth/logout", &who.token).await;
    assert!(out.status.is_success(), "{out:?}");
    let mut late = app
        .ws_connect_raw(&app.ws_url(party.id, Some(&before), None))
        .await;
    assert_eq!(late.close_code(WAIT).await, Some(4003));
}

/// The last human leaving a lobby deletes it (its event log too), so no
/// event can tell their socket: the socket is closed with 4005 all the same,
/// on whichever instance holds it, and the party is gone for everyone.
async fn the_last_human_leaving_a_lobby_gets_close_4005(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    let other = socket_instance(&app, &backend).await;
    let far = other.as_ref().unwrap_or(&app);
    let host = app.guests(1).await.remove(0);
    let created = crate::support::party::create(&app, &host, serde_json::json!({})).await;
    let session = created.session_id;
    let added = crate::support::party::add_bots(&app, &host, session, 2).await;
    assert!(added.status.is_success(), "{added:?}");
    let mut socket = opened(far, &host, session).await;

    leave(&app, &host, session).await;
    let ended = loop {
        match socket.next(WAIT).await {
            Ok(_) => {}
            Err(ended) => break ended,
        }
    };
    assert_eq!(ended, Ended::Closed(Some(REMOVED)));
    let mut again = far.ws_connect(&host, session, None).await;
    assert_eq!(again.close_code(WAIT).await, Some(4004));
}

on_both_backends!(
    the_last_human_leaving_a_lobby_gets_close_4005,
    a_kicked_member_gets_the_kick_then_close_4005,
    a_leaver_gets_their_leave_then_close_4005_and_may_rejoin,
    a_ws_token_opens_one_socket,
    logout_spends_the_outstanding_ws_tokens,
);
