//! The server's own TLS (`--tls-cert`/`--tls-key`): HTTPS and WSS with a
//! certificate from a CA made in the test, a client that does not trust it
//! refused, and a SIGHUP renewal that new connections see while an open
//! party socket stays open.

use std::fmt::Write as _;
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use party_protocol::party::PartyPhase;
use party_protocol::party_ws::ServerEvent;
use tokio_tungstenite::tungstenite::Message;

use crate::support::party::Party;
use crate::support::tls::{TestCa, presented_certificate};
use crate::support::{AppOptions, Backend, TestApp, spawn_app_with};

const WAIT: Duration = Duration::from_secs(10);

async fn tls_app(ca: &TestCa, dir: &std::path::Path) -> TestApp {
    let cert = ca.issue(dir, 1, 1);
    spawn_app_with(
        Backend::Sqlite,
        AppOptions {
            env: vec![
                ("PARTY_TLS_CERT".into(), cert.cert.display().to_string()),
                ("PARTY_TLS_KEY".into(), cert.key.display().to_string()),
            ],
            client_tls: Some(ca.client_config()),
            ..AppOptions::default()
        },
    )
    .await
}

/// `127.0.0.1:PORT` of an `https://…/qf` base.
fn host_port(app: &TestApp) -> String {
    app.base
        .trim_start_matches("https://")
        .trim_end_matches("/qf")
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_party_plays_to_results_over_https_and_wss() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().unwrap();
    let app = tls_app(&ca, dir.path()).await;
    assert!(app.base.starts_with("https://127.0.0.1:"), "{}", app.base);

    let humans = app.guests(3).await;
    let mut party = Party::gather(&app, humans, 0).await;
    let mut socket = app.ws_connect(&party.humans[0], party.id, None).await;
    let first = socket.next(WAIT).await.expect("snapshot over wss");
    assert!(matches!(first.event, ServerEvent::SessionUpdate(_)));
    party.play_to_results(false).await;
    assert_eq!(party.note_phase().await, PartyPhase::Results);
    assert!(socket.hello, "the socket opened with hello");
    // The socket saw the party through to the end.
    let seq = party.status(&party.humans[0]).await.seq;
    assert_eq!(socket.until_seq(seq, WAIT).await, seq);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_without_the_ca_is_refused_for_the_certificate() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().unwrap();
    let app = tls_app(&ca, dir.path()).await;
    // The platform's roots only: they do not hold the test's CA.
    let stranger = reqwest::Client::builder()
        .timeout(WAIT)
        .build()
        .expect("client");
    let err = stranger
        .get(format!("{}/health", app.base))
        .send()
        .await
        .expect_err("an unknown CA must be refused");
    let mut chain = String::new();
    let mut cause: Option<&dyn std::error::Error> = Some(&err);
    while let Some(e) = cause {
        let _ = write!(chain, "{e} / ");
        cause = e.source();
    }
    assert!(
        chain.contains("UnknownIssuer") || chain.contains("unknown issuer"),
        "{chain}"
    );
    // Plain HTTP on the TLS port gets no answer a client could take for one.
    let plain = reqwest::Client::builder().timeout(WAIT).build().unwrap();
    let reply = plain
        .get(format!("http://{}/qf/health", host_port(&app)))
        .send()
        .await;
    assert!(reply.is_err() || !reply.unwrap().status().is_success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sighup_renews_the_certificate_and_an_open_socket_stays_open() {
    let ca = TestCa::new();
    let dir = tempfile::tempdir().unwrap();
    let app = tls_app(&ca, dir.path()).await;
    let config = ca.client_config();
    let addr = host_port(&app);
    let old = presented_certificate(config.clone(), &addr).await;

    let humans = app.guests(3).await;
    let party = Party::gather(&app, humans, 0).await;
    let mut socket = app.ws_connect(&party.humans[0], party.id, None).await;
    socket.next(WAIT).await.expect("snapshot");

    // Renew: another serial, another validity, another key.
    let renewed = ca.issue(dir.path(), 2, 0);
    assert_ne!(renewed.der, old);
    let pid = app.pid().expect("server pid");
    let status = std::process::Command::new("kill")
        .args(["-HUP", &pid.to_string()])
        .status()
        .unwrap();
    assert!(status.success());

    // A new connection gets the new certificate (the signal is handled
    // asynchronously: allow it a moment).
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let seen = presented_certificate(config.clone(), &addr).await;
        if seen == renewed.der {
            break;
        }
        assert_eq!(seen, old, "neither the old nor the new certificate");
        assert!(
            tokio::time::Instant::now() < deadline,
            "the renewed certificate was not picked up"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The server is still up, over the new certificate.
    app.guest().await;

    // The socket opened before the renewal still works both ways: a ping
    // is answered, and a party event still arrives on it.
    socket
        .stream
        .send(Message::Ping(b"still here".to_vec().into()))
        .await
        .expect("the old socket still sends");
    let pong = tokio::time::timeout(WAIT, async {
        while let Some(frame) = socket.stream.next().await {
            if let Ok(Message::Pong(data)) = frame {
                return Some(data);
            }
        }
        None
    })
    .await
    .expect("a pong within the wait");
    assert_eq!(pong.as_deref(), Some(&b"still here"[..]));
    let newcomer = app.guest().await;
    let code = party.code.to_string();
    let joined: serde_json::Value = crate::support::party::join(&app, &newcomer, &code)
        .await
        .ok();
    assert_eq!(joined["session_id"], party.id.to_string());
    let seq = party.status(&party.humans[0]).await.seq;
    assert_eq!(socket.until_seq(seq, WAIT).await, seq);
}
