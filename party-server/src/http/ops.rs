//! Operational routes: health, and the testing routes of `--manual-clock` mode.

use std::any::Any;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use party_protocol::ops::{DatabaseKind, HealthResponse, HealthStatus};
use party_protocol::{ErrorCode, PROTOCOL_VERSION};
use serde::{Deserialize, Serialize};

use super::extract::ApiJson;
use super::state::AppState;
use crate::error::{Error, Result};
use crate::service::sweeper::SweepReport;
use crate::store::{Backend, LedgerAudit};

/// `GET /qf/health`: 200 with the database kind and the protocol version,
/// or 503 with the same body when the database does not answer.
pub async fn health(State(state): State<AppState>) -> Response {
    let database = match state.game.database() {
        Backend::Sqlite => DatabaseKind::Sqlite,
        Backend::Postgres => DatabaseKind::Postgres,
    };
    let body = |status| {
        Json(HealthResponse {
            status,
            database,
            protocol_version: PROTOCOL_VERSION,
        })
    };
    match state.game.ping_database().await {
        Ok(()) => body(HealthStatus::Ok).into_response(),
        Err(err) => {
            tracing::warn!(error = %err, "health check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                body(HealthStatus::Unavailable),
            )
                .into_response()
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct AdvanceClock {
    pub seconds: i64,
    /// `false` moves the clock without sweeping, for a test of what a
    /// request sees before the sweeper has caught up with the time.
    #[serde(default = "sweep_by_default")]
    pub sweep: bool,
}

fn sweep_by_default() -> bool {
    true
}

#[derive(Debug, Serialize)]
pub struct ClockAdvanced {
    pub now_ms: i64,
    pub sweep: SweepReport,
}

/// `POST /qf/test/clock {"seconds": N}`: moves the manual clock forward and
/// runs the sweeper once at the new time, so the effects are visible as
/// soon as the call returns (`"sweep": false` only moves the clock).
pub async fn advance_clock(
    State(state): State<AppState>,
    ApiJson(req): ApiJson<AdvanceClock>,
) -> Result<Json<ClockAdvanced>> {
    let clock = state
        .manual_clock
        .as_ref()
        .ok_or_else(|| Error::api(ErrorCode::NotFound, "No such endpoint."))?;
    // Hold the sweeper's turn from the clock move to the end of our sweep,
    // so the report counts everything this step made due.
    let turn = state.game.sweep_turn.lock().await;
    let now = clock.advance_ms(req.seconds.saturating_mul(1000));
    if !req.sweep {
        return Ok(Json(ClockAdvanced {
            now_ms: now.0,
            sweep: SweepReport::default(),
        }));
    }
    // The sweep runs here, on the request, so the caller sees its effects.
    let sweep = state.game.advance_due().await?;
    drop(turn);
    state.sweeper_wake.notify_one();
    Ok(Json(ClockAdvanced {
        now_ms: now.0,
        sweep,
    }))
}

/// `GET /qf/test/audit`: the ledger audit (conservation and per-account replay).
pub async fn audit(State(state): State<AppState>) -> Result<Json<LedgerAudit>> {
    Ok(Json(state.game.ledger_audit().await?))
}

/// A panic in a handler becomes a logged 500 with the standard body.
#[allow(clippy::needless_pass_by_value)] // the signature CatchPanicLayer expects
pub fn panic_response(err: Box<dyn Any + Send + 'static>) -> Response {
    let detail = err
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| err.downcast_ref::<&str>().copied())
        .unwrap_or("unknown panic");
    Error::internal(format!("handler panicked: {detail}")).into_response()
}
