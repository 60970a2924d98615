//! Operators' routes: Prometheus text at `/qf/metrics`, and `/qf/health`.

use party_protocol::PROTOCOL_VERSION;
use party_protocol::ops::{DatabaseKind, HealthResponse, HealthStatus};
use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, spawn_app};

async fn metrics_count_requests_parties_sockets_and_transactions(backend: Backend) {
    let app = spawn_app(backend).await;
    let host = app.guest().await;
    let _: serde_json::Value = app.post("/party/create", &host.token, json!({})).await.ok();
    app.get("/rounds/available", "not-a-token").await;
    let resp = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    assert!(
        resp.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/plain")
    );
    let text = resp.text().await.unwrap();
    let has = |needle: &str| text.lines().any(|l| l.contains(needle));
    assert!(
        has(r#"http_requests_total{method="POST",route="/qf/player/guest",status="201"} 1"#),
        "{text}"
    );
    assert!(
        has(r#"route="/qf/rounds/available",status="401""#),
        "{text}"
    );
    assert!(has("http_request_duration_seconds_bucket"), "{text}");
    assert!(has(r#"parties_active{phase="LOBBY"} 1"#), "{text}");
    assert!(has("ws_open_sockets 0"), "{text}");
    assert!(has("db_transaction_duration_seconds_count"), "{text}");
    assert!(has("process_resident_memory_bytes"), "{text}");
}

async fn health_names_the_database_and_the_protocol_version(backend: Backend) {
    let database = match backend {
        Backend::Sqlite => DatabaseKind::Sqlite,
        Backend::Postgres(_) => DatabaseKind::Postgres,
    };
    let app = spawn_app(backend).await;
    let reply = app
        .request(reqwest::Method::GET, "/health", None, None)
        .await;
    let health: HealthResponse = reply.ok();
    assert_eq!(
        health,
        HealthResponse {
            status: HealthStatus::Ok,
            database,
            protocol_version: PROTOCOL_VERSION,
        }
    );
}

on_both_backends!(
    metrics_count_requests_parties_sockets_and_transactions,
    health_names_the_database_and_the_protocol_version,
);
