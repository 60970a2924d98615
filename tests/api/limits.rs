//! Connection limits, from raw TCP: a client that does not finish its
//! request headers within `--header-timeout` is closed (300 of them at once
//! while another client is answered), one that trickles its body past
//! `--body-timeout` gets `408 request_timeout`, and connections over
//! `--max-connections-per-ip` get `429 too_many_connections` (an open
//! WebSocket keeps its place until it closes).

use std::time::Duration;

use party_protocol::ErrorCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::support::party::Party;
use crate::support::{AppOptions, Backend, TestApp, spawn_app_with, to_reply};

/// A bound on how long the server may take to do what a test waits for: it
/// only keeps a broken server from hanging the test, it measures nothing.
const GUARD: Duration = Duration::from_secs(60);

/// A server on SQLite with these `PARTY_*` settings (and the per-IP
/// limits on with `rate_limits`).
async fn app_with(rate_limits: bool, pairs: &[(&str, &str)]) -> TestApp {
    let env = pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    spawn_app_with(
        Backend::Sqlite,
        AppOptions {
            rate_limits,
            env,
            ..AppOptions::default()
        },
    )
    .await
}

/// The server's `host:port`.
fn addr(app: &TestApp) -> String {
    let rest = app.base.trim_start_matches("http://");
    rest.split('/').next().expect("host:port").to_owned()
}

/// Whether the server closed `stream` (EOF or reset) before `GUARD`.
async fn closed_by_server(stream: &mut TcpStream) -> bool {
    let mut buf = [0u8; 256];
    loop {
        match tokio::time::timeout(GUARD, stream.read(&mut buf)).await {
            Err(_) => return false,
            Ok(Ok(0) | Err(_)) => return true,
            // hyper may say something before closing; keep reading.
            Ok(Ok(_)) => {}
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_finishes_its_headers_is_closed() {
    let app = app_with(false, &[("PARTY_HEADER_TIMEOUT", "1")]).await;
    let mut slow = TcpStream::connect(addr(&app)).await.unwrap();
    slow.write_all(b"GET /qf/health HTTP/1.1\r\nhost: x\r\n")
        .await
        .unwrap();
    let mut silent = TcpStream::connect(addr(&app)).await.unwrap();
    assert!(
        closed_by_server(&mut slow).await,
        "half a request stays open"
    );
    assert!(
        closed_by_server(&mut silent).await,
        "a silent connection stays open"
    );
    // The server itself goes on answering.
    let health = to_reply(
        app.client
            .get(format!("{}/health", app.base))
            .send()
            .await
            .unwrap(),
    )
    .await;
    assert!(health.status.is_success(), "{}", health.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_trickled_past_the_body_timeout_gets_408_request_timeout() {
    let app = app_with(
        false,
        &[("PARTY_BODY_TIMEOUT", "1"), ("PARTY_HEADER_TIMEOUT", "30")],
    )
    .await;
    let player = app.guest().await;
    let mut stream = TcpStream::connect(addr(&app)).await.unwrap();
    // A body that would take 40 s at one byte a second.
    stream
        .write_all(
            format!(
                "POST /qf/party/join HTTP/1.1\r\nhost: x\r\nauthorization: Bearer {}\r\n\
                 content-type: application/json\r\ncontent-length: 40\r\n\r\n{{",
                player.token
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut answer = Vec::new();
    let mut buf = [0u8; 1024];
    let deadline = tokio::time::Instant::now() + GUARD;
    let closed = loop {
        tokio::select! {
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => break true,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            },
            () = tokio::time::sleep(Duration::from_secs(1)) => {
                // Keep trickling; a closed connection may refuse it.
                let _ = stream.write_all(b" ").await;
            }
            () = tokio::time::sleep_until(deadline) => break false,
        }
    };
    assert!(closed, "the trickled body keeps its connection open");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains(r#""error":"request_timeout""#), "{answer}");
}

/// Opens a connection and sends the head of a request one byte a second,
/// never finishing it; true when the server closed it before `GUARD`.
async fn slow_header_client(addr: String) -> bool {
    let Ok(mut stream) = TcpStream::connect(&addr).await else {
        return false;
    };
    // Long enough that it would take far longer than the guard to finish.
    let head = format!("GET /qf/health HTTP/1.1\r\nx-slow: {}", "a".repeat(4096));
    let mut bytes = head.bytes();
    let mut buf = [0u8; 64];
    let deadline = tokio::time::Instant::now() + GUARD;
    loop {
        tokio::select! {
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => return true,
                Ok(_) => {}
            },
            () = tokio::time::sleep(Duration::from_secs(1)) => {
                let Some(byte) = bytes.next() else { return false };
                if stream.write_all(&[byte]).await.is_err() {
                    return true;
                }
            }
            () = tokio::time::sleep_until(deadline) => return false,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_hundred_slow_header_clients_are_cut_while_another_is_answered() {
    const SLOW: usize = 300;
    let app = app_with(false, &[("PARTY_HEADER_TIMEOUT", "2")]).await;
    let slow: Vec<_> = (0..SLOW)
        .map(|_| tokio::spawn(slow_header_client(addr(&app))))
        .collect();
    let slow = tokio::spawn(futures::future::join_all(slow));
    // As long as they trickle in, another client signs up and is answered.
    let player = app.guest().await;
    let mut answered = 0;
    while !slow.is_finished() {
        let reply = app.get("/player/balance", &player.token).await;
        assert!(reply.status.is_success(), "{} {}", reply.status, reply.body);
        let health = app
            .client
            .get(format!("{}/health", app.base))
            .send()
            .await
            .expect("health");
        assert!(health.status().is_success());
        answered += 1;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(answered > 0);
    let cut = slow
        .await
        .unwrap()
        .into_iter()
        .filter(|c| *c.as_ref().unwrap())
        .count();
    assert_eq!(
        cut, SLOW,
        "every slow-header connection is closed by the timeout"
    );
    let reply = app.get("/player/balance", &player.token).await;
    assert!(reply.status.is_success(), "{}", reply.body);
}

/// A keep-alive connection that has been answered once, so the server
/// surely counts it.
async fn answered_connection(addr: &str) -> TcpStream {
    probe(addr).await.expect("an answered connection")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_per_ip_cap_get_429_too_many_connections() {
    const CAP: usize = 3;
    let app = app_with(
        true,
        &[
            ("PARTY_MAX_CONNECTIONS_PER_IP", "3"),
            ("PARTY_HEADER_TIMEOUT", "120"),
        ],
    )
    .await;
    let health = format!("{}/health", app.base);
    let mut held = Vec::new();
    for _ in 0..CAP {
        held.push(answered_connection(&addr(&app)).await);
    }
    // One more: the protocol's error body, before any request is read.
    let refused = to_reply(app.client.get(&health).send().await.unwrap()).await;
    refused.err(ErrorCode::TooManyConnections);
    assert!(
        refused.retry_after.is_some(),
        "Retry-After on {}",
        refused.body
    );

    // A closed connection frees its place (once the server has seen it go).
    drop(held.pop());
    let mut answered = false;
    for _ in 0..100 {
        let reply = to_reply(app.client.get(&health).send().await.unwrap()).await;
        if reply.status.is_success() {
            answered = true;
            break;
        }
        reply.err(ErrorCode::TooManyConnections);
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(answered, "a freed place is never given back");
}

/// A connection that was answered once and stays open, or `None` when it
/// was refused over the cap.
async fn probe(addr: &str) -> Option<TcpStream> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    stream
        .write_all(b"GET /qf/health HTTP/1.1\r\nhost: x\r\n\r\n")
        .await
        .ok()?;
    let mut buf = [0u8; 1024];
    let n = tokio::time::timeout(GUARD, stream.read(&mut buf))
        .await
        .expect("an answer")
        .ok()?;
    buf[..n].starts_with(b"HTTP/1.1 200").then_some(stream)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_websocket_keeps_its_place_under_the_per_ip_cap() {
    let mut app = app_with(
        true,
        &[
            ("PARTY_MAX_CONNECTIONS_PER_IP", "3"),
            ("PARTY_HEADER_TIMEOUT", "120"),
        ],
    )
    .await;
    // No pooled connections: each request's connection closes after it,
    // so only the sockets and the probes below hold places.
    app.client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let party = Party::gather(&app, app.guests(3).await, 0).await;
    let mut sockets = Vec::new();
    for who in &party.humans[..2] {
        let mut socket = app.ws_connect(who, party.id, None).await;
        socket.next(GUARD).await.expect("snapshot");
        sockets.push(socket);
    }
    // The setup's connections go as the server sees them close; the two
    // sockets stay, so one more connection fits and never two.
    let mut held = Vec::new();
    for _ in 0..30 {
        match probe(&addr(&app)).await {
            Some(conn) => held.push(conn),
            None => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
    assert_eq!(
        held.len(),
        1,
        "two open sockets hold two of the three places"
    );
    // A closed socket gives its place back.
    sockets.pop().expect("a socket").close().await;
    let mut freed = None;
    for _ in 0..100 {
        freed = probe(&addr(&app)).await;
        if freed.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(
        freed.is_some(),
        "a closed socket's place is never given back"
    );
}
