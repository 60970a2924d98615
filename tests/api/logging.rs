//! Operators' logs: with `--log-format json` every line is one JSON object,
//! and a line logged inside a use case carries the use case's span (with
//! its player and party ids) under its request's span (with the request id
//! the response returned).

use std::time::Duration;

use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::{AppOptions, Backend, spawn_app_with};

async fn json_logs_carry_the_request_and_use_case_spans(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            capture_logs: true,
            env: vec![
                ("PARTY_LOG_FORMAT".into(), "json".into()),
                // The use-case spans are at `info`; the store's statement
                // lines (debug) are the lines logged inside them.
                (
                    "RUST_LOG".into(),
                    "warn,party_server=info,party_server::store=debug".into(),
                ),
            ],
            ..AppOptions::default()
        },
    )
    .await;
    let host = app.guest().await;
    let resp = app
        .client
        .post(format!("{}/party/create", app.base))
        .bearer_auth(&host.token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert!(resp.status().is_success(), "{}", resp.status());
    let request_id = resp.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(uuid::Uuid::parse_str(&request_id).is_ok(), "{request_id}");
    let party: Value = resp.json().await.unwrap();
    let party_id = party["session_id"].as_str().unwrap().to_owned();
    let player_id = host.id.to_string();

    // The line for the party's own statements: the use case's span, under
    // its request's.
    let is_it = |line: &Value| {
        let span = &line["span"];
        let request = &line["spans"][0];
        span["name"] == "create_party"
            && span["player"] == player_id.as_str()
            && span["party"] == party_id.as_str()
            && request["name"] == "request"
            && request["method"] == "POST"
            && request["route"] == "/qf/party/create"
            && request["request_id"] == request_id.as_str()
    };
    let mut log = String::new();
    for _ in 0..50 {
        log = app.server_log();
        if log
            .lines()
            .any(|l| serde_json::from_str(l).is_ok_and(|l| is_it(&l)))
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}")))
        .collect();
    assert!(
        lines.iter().any(is_it),
        "no line in create_party's span with player {player_id}, party {party_id} \
         and request {request_id}:\n{log}"
    );
    // The spans name their fields and skip their arguments: no token leaks.
    assert!(!log.contains(&host.token), "the access token was logged");
    assert!(
        !log.contains(&host.refresh_token),
        "the refresh token was logged"
    );
}

on_both_backends!(json_logs_carry_the_request_and_use_case_spans);
