//! Spectator handlers (README "Spectators"): watch a party, stop, its
//! public status and results, a seat in the next game, chat, and the
//! read-only socket. Like every party route, they answer
//! `503 party_mode_disabled` while Party Mode is off.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use party_protocol::account::SuccessResponse;
use party_protocol::party::PartyResultsResponse;
use party_protocol::spectate::{
    ChatRequest, ChatResponse, NextGameRequest, NextGameResponse, SpectateRequest,
    SpectatorStatusResponse,
};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, OptionalJson};
use super::party::{PartyPlayer, WsQuery};
use super::state::AppState;
use crate::error::{Error, Result};
use crate::realtime::spectator::{self, SpectatorContext};

pub async fn spectate(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiJson(req): ApiJson<SpectateRequest>,
) -> Result<Json<SpectatorStatusResponse>> {
    let out = state
        .game
        .spectate(
            player.id(),
            &req.party_code,
            req.password.as_ref(),
            state.max_spectators_per_party,
        )
        .await?;
    Ok(Json(out))
}

pub async fn stop(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<SuccessResponse>> {
    state.game.stop_spectating(player.id(), session).await?;
    Ok(Json(SuccessResponse {
        success: true,
        message: "You no longer watch this party.".into(),
    }))
}

pub async fn status(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<SpectatorStatusResponse>> {
    Ok(Json(
        state.game.spectator_status(player.id(), session).await?,
    ))
}

pub async fn results(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<PartyResultsResponse>> {
    Ok(Json(
        state.game.spectator_results(player.id(), session).await?,
    ))
}

pub async fn next_game(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
    OptionalJson(req): OptionalJson<NextGameRequest>,
) -> Result<Json<NextGameResponse>> {
    let join = req.join.unwrap_or(true);
    Ok(Json(
        state
            .game
            .join_next_game(player.id(), session, join)
            .await?,
    ))
}

pub async fn chat(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ChatRequest>,
) -> Result<Json<ChatResponse>> {
    let text = super::chat::chat_text(&req.text)?;
    state
        .hub
        .spectators
        .allow_chat(session, player.id())
        .map_err(Error::rate_limited)?;
    Ok(Json(
        state
            .game
            .spectator_chat(player.id(), session, text)
            .await?,
    ))
}

/// `GET /qf/party/{session_id}/spectate/ws?token=…[&since=SEQ]`: upgrades
/// to the read-only spectator socket ([`crate::realtime::spectator`]);
/// refusals before the upgrade are the same as the party socket's.
pub async fn socket(
    State(state): State<AppState>,
    ApiPath(session): ApiPath<Uuid>,
    query: Result<Query<WsQuery>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response> {
    let (upgrade, query) = super::party::socket_request(&state, query, upgrade)?;
    let context = SpectatorContext {
        game: state.game,
        hub: state.hub,
    };
    Ok(spectator::upgrade(
        upgrade,
        context,
        session,
        query.token,
        query.since,
    ))
}
