//! Prometheus metrics for operators (plan §10.3, §11.4), served as text at
//! `GET /qf/metrics`: requests by route and status with latency
//! histograms, open sockets, events sent, database transaction latency,
//! parties by phase and the process's memory.

use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use party_protocol::party::PartyPhase;

use super::state::AppState;

/// Latency buckets in seconds: fine below 50 ms, where the targets are.
const BUCKETS: &[f64] = &[
    0.000_5, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0,
];

/// Writes per SQLite commit (group commit, `store/sqlite/batch.rs`).
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0];

/// Statement-count buckets: a request's few statements up to a phase
/// change's hundreds.
const STATEMENT_BUCKETS: &[f64] = &[
    1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 50.0, 75.0, 100.0, 150.0, 200.0, 300.0, 500.0,
];

/// The process-wide recorder (installed once, however many servers this
/// process runs — tests and the client's embedded server start several).
pub fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), BUCKETS)
            .and_then(|b| {
                b.set_buckets_for_metric(
                    Matcher::Full("db_group_commit_writes".into()),
                    BATCH_BUCKETS,
                )
            })
            .and_then(|b| {
                b.set_buckets_for_metric(Matcher::Suffix("_statements".into()), STATEMENT_BUCKETS)
            })
            .map_or_else(
                |_| PrometheusBuilder::new().build_recorder(),
                PrometheusBuilder::build_recorder,
            );
        let handle = recorder.handle();
        let _ = metrics::set_global_recorder(recorder);
        handle
    })
}

/// Counts every request by route template and status, with its latency.
pub async fn track(request: Request, next: Next) -> Response {
    let start = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let method = request.method().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let labels = [("method", method), ("route", route), ("status", status)];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels[..2])
        .record(start.elapsed().as_secs_f64());
    response
}

/// `GET /qf/metrics`.
pub async fn render(State(state): State<AppState>) -> impl IntoResponse {
    if let Ok(phases) = state.game.parties_by_phase().await {
        for phase in [
            PartyPhase::Lobby,
            PartyPhase::Prompt,
            PartyPhase::Copy,
            PartyPhase::Vote,
        ] {
            let n = phases
                .iter()
                .find(|(p, _)| *p == phase)
                .map_or(0, |(_, n)| *n);
            metrics::gauge!("parties_active", "phase" => phase.as_str()).set(n as f64);
        }
    }
    metrics::gauge!("ws_open_sockets").set(state.hub.open_sockets() as f64);
    // SQLite: write requests queue as tasks on the writer's runtime before
    // their transaction begins (a wait `db_begin_wait_seconds` misses).
    if let Some(writer) = state.game.writer_runtime() {
        let runtime = writer.metrics();
        metrics::gauge!("writer_runtime_tasks").set(runtime.num_alive_tasks() as f64);
        metrics::gauge!("writer_runtime_queued").set(runtime.global_queue_depth() as f64);
    }
    metrics::gauge!("ws_open_spectator_sockets").set(state.hub.spectators.open_sockets() as f64);
    if let Some(rss) = resident_bytes() {
        metrics::gauge!("process_resident_memory_bytes").set(rss as f64);
    }
    (
        [(CONTENT_TYPE, "text/plain; version=0.0.4")],
        handle().render(),
    )
}

/// This process's resident memory, from `/proc` (Linux).
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .split_whitespace()
        .next()?
        .parse()
        .ok()?;
    Some(kib * 1024)
}
