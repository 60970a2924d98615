//! Limits of the party socket: a player's sockets of one party are capped
//! (the newest is closed with 4009, counted over every instance), a client
//! message over 64 KiB is answered with close 1009, and every refusal
//! before the upgrade is the protocol's JSON error body.

use std::time::Duration;

use futures::SinkExt;
use party_protocol::ErrorCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;

use crate::on_both_backends;
use crate::support::party::Party;
use crate::support::ws::{Ended, WsClient};
use crate::support::{Backend, Reply, TestApp, spawn_app};

const WAIT: Duration = Duration::from_secs(10);
/// The default of `--max-sockets-per-player`.
const PER_PLAYER: usize = 4;
const TOO_MANY_SOCKETS: u16 = 4009;
const MESSAGE_TOO_BIG: u16 = 1009;

/// A socket past its snapshot.
async fn opened(
    instance: &TestApp,
    who: &crate::support::Player,
    party: party_protocol::SessionId,
) -> WsClient {
    let mut c = instance.ws_connect(who, party, None).await;
    c.next(WAIT).await.expect("snapshot");
    c
}

async fn a_players_socket_over_the_cap_is_closed_with_4009(backend: Backend) {
    let app = spawn_app(backend.clone()).await;
    // On PostgreSQL half the sockets live on a second instance: the cap
    // counts them all.
    let sibling = match backend {
        Backend::Sqlite => None,
        Backend::Postgres(_) => Some(app.sibling().await),
    };
    let far = sibling.as_ref().unwrap_or(&app);
    let party = Party::gather(&app, app.guests(3).await, 0).await;
    let (host, other) = (&party.humans[0], &party.humans[1]);
    let mut mine = Vec::new();
    for i in 0..PER_PLAYER {
        let instance = if i % 2 == 0 { &app } else { far };
        mine.push(opened(instance, host, party.id).await);
    }
    for instance in [&app, far] {
        let mut refused = instance.ws_connect(host, party.id, None).await;
        assert_eq!(
            refused.next(WAIT).await.map(|m| m.event.kind()),
            Err(Ended::Closed(Some(TOO_MANY_SOCKETS))),
            "the newest socket is refused before its hello"
        );
        assert!(!refused.hello);
    }
    // Another player of the party is not affected, and the open sockets go on.
    let mut theirs = opened(&app, other, party.id).await;
    for socket in &mut mine {
        socket.send_ping().await;
        assert!(
            socket.next(WAIT).await.is_ok(),
            "an admitted socket answers"
        );
    }
    theirs.send_ping().await;
    assert!(theirs.next(WAIT).await.is_ok());

    // Closing one frees its place, once the server has counted it out.
    mine.pop().expect("a socket").close().await;
    let mut admitted = false;
    for _ in 0..50 {
        let mut again = far.ws_connect(host, party.id, None).await;
        match again.next(WAIT).await {
            Ok(_) => {
                admitted = true;
                break;
            }
            Err(Ended::Closed(Some(TOO_MANY_SOCKETS))) => {
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
            Err(other) => panic!("unexpected end: {other:?}"),
        }
    }
    assert!(admitted, "a closed socket's place is never given back");
}

on_both_backends!(a_players_socket_over_the_cap_is_closed_with_4009);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_one_megabyte_frame_is_answered_with_close_1009() {
    let app = spawn_app(Backend::Sqlite).await;
    let party = Party::gather(&app, app.guests(3).await, 0).await;
    let mut big = opened(&app, &party.humans[0], party.id).await;
    let mut bystander = opened(&app, &party.humans[1], party.id).await;
    // The send may fail part-way: the server stops reading at the frame's
    // header. What it answers is what counts.
    let _ = big
        .stream
        .send(Message::Binary(vec![7u8; 1 << 20].into()))
        .await;
    assert_eq!(big.close_code(WAIT).await, Some(MESSAGE_TOO_BIG));
    // Just under the limit is fine, and the others never noticed.
    let mut fine = opened(&app, &party.humans[2], party.id).await;
    fine.stream
        .send(Message::Binary(vec![7u8; 60 * 1024].into()))
        .await
        .unwrap();
    fine.send_ping().await;
    assert!(fine.next(WAIT).await.is_ok(), "a 60 KiB message is taken");
    bystander.send_ping().await;
    assert!(bystander.next(WAIT).await.is_ok());
}

/// Sends `request` on a fresh connection and reads the whole answer
/// (`connection: close` makes the server end it).
async fn raw(app: &TestApp, request: &str) -> Reply {
    let host = app.base.trim_start_matches("http://");
    let host = host.split('/').next().expect("host:port");
    let mut stream = TcpStream::connect(host).await.unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    tokio::time::timeout(WAIT, stream.read_to_end(&mut answer))
        .await
        .expect("an answer")
        .unwrap();
    let answer = String::from_utf8_lossy(&answer);
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head");
    let status: u16 = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("a status");
    assert!(
        head.to_ascii_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    Reply {
        status: reqwest::StatusCode::from_u16(status).unwrap(),
        body: serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}")),
        retry_after: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_of_the_upgrade_are_json_error_bodies() {
    let app = spawn_app(Backend::Sqlite).await;
    let path = format!("/qf/party/{}/ws", uuid::Uuid::new_v4());
    let upgrade = |version: &str, extra: &str| {
        format!(
            "GET {path}{extra} HTTP/1.1\r\nhost: x\r\nconnection: upgrade, close\r\n\
             upgrade: websocket\r\nsec-websocket-version: {version}\r\n\
             sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"
        )
    };
    let bad_version = raw(&app, &upgrade("12", "")).await;
    let message = bad_version.err(ErrorCode::InvalidUpgrade);
    assert!(message.contains("Sec-WebSocket-Version"), "{message}");

    let not_an_upgrade = raw(
        &app,
        &format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"),
    )
    .await;
    not_an_upgrade.err(ErrorCode::InvalidUpgrade);

    let no_key = raw(
        &app,
        &format!(
            "GET {path} HTTP/1.1\r\nhost: x\r\nconnection: upgrade, close\r\n\
             upgrade: websocket\r\nsec-websocket-version: 13\r\n\r\n"
        ),
    )
    .await;
    no_key.err(ErrorCode::InvalidUpgrade);

    let bad_since = raw(&app, &upgrade("13", "?token=x&since=soon")).await;
    bad_since.err(ErrorCode::InvalidRequest);
}
