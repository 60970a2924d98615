//! Operators' routes: Prometheus text at `/qf/metrics`, and `/qf/health`.

use party_protocol::PROTOCOL_VERSION;
use party_protocol::ops::{DatabaseKind, HealthResponse, HealthStatus};
use serde_json::json;

use crate::on_both_backends;
use crate::support::party::Party;
use crate::support::{Backend, spawn_app};

async fn metrics_count_requests_parties_sockets_and_transactions(backend: Backend) {
    let on_sqlite = matches!(backend, Backend::Sqlite);
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
    // SQLite's writer runtime always runs the background sweeps, so it has
    // live tasks; PostgreSQL has no such runtime.
    let writer_tasks = text
        .lines()
        .find_map(|l| l.strip_prefix("writer_runtime_tasks "))
        .map(|n| n.parse::<f64>().unwrap());
    if on_sqlite {
        assert!(writer_tasks.is_some_and(|n| n >= 1.0), "{text}");
        assert!(has("writer_runtime_queued "), "{text}");
    } else {
        assert_eq!(writer_tasks, None, "{text}");
    }
}

/// A party played from its start to RESULTS records one phase change for
/// each phase it entered, with the statements each ran.
async fn metrics_time_each_phase_change_by_the_phase_entered(backend: Backend) {
    let app = spawn_app(backend).await;
    let humans = app.guests(4).await;
    let mut party = Party::gather(&app, humans, 0).await;
    party.play_to_results(false).await;
    let text = app
        .client
        .get(format!("{}/metrics", app.base))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let value = |name: &str, phase: &str| {
        let prefix = format!("{name}{{to=\"{phase}\"}} ");
        text.lines()
            .find_map(|l| l.strip_prefix(&prefix))
            .and_then(|v| v.trim().parse::<f64>().ok())
    };
    for phase in ["PROMPT", "COPY", "VOTE", "RESULTS"] {
        assert_eq!(
            value("party_phase_change_seconds_count", phase),
            Some(1.0),
            "{phase}: {text}"
        );
        let statements = value("party_phase_change_statements_sum", phase);
        assert!(statements.is_some_and(|n| n >= 3.0), "{phase}: {text}");
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("db_transaction_statements_bucket")),
        "{text}"
    );
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
    metrics_time_each_phase_change_by_the_phase_entered,
    health_names_the_database_and_the_protocol_version,
);
