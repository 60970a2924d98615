//! Quick match and the public lobby list (README "Quick match and public
//! parties"). Party routes: `503 party_mode_disabled` while Party Mode is
//! off.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use party_protocol::matchmaking::{
    PublicPartiesQuery, PublicPartiesResponse, QuickMatchRequest, QuickMatchStatus,
};

use super::extract::OptionalJson;
use super::party::PartyPlayer;
use super::state::AppState;
use crate::error::{Error, Result};

pub async fn queue(
    State(state): State<AppState>,
    player: PartyPlayer,
    OptionalJson(req): OptionalJson<QuickMatchRequest>,
) -> Result<Json<QuickMatchStatus>> {
    let status = state.game.quick_match(player.id(), &req).await?;
    state.wake_sweeper();
    Ok(Json(status))
}

pub async fn status(
    State(state): State<AppState>,
    player: PartyPlayer,
) -> Result<Json<QuickMatchStatus>> {
    Ok(Json(state.game.quick_match_status(player.id()).await?))
}

pub async fn leave(
    State(state): State<AppState>,
    player: PartyPlayer,
) -> Result<Json<QuickMatchStatus>> {
    Ok(Json(state.game.leave_quick_match(player.id()).await?))
}

pub async fn public(
    State(state): State<AppState>,
    _player: PartyPlayer,
    query: std::result::Result<Query<PublicPartiesQuery>, QueryRejection>,
) -> Result<Json<PublicPartiesResponse>> {
    let Query(query) = query.map_err(|rejection| Error::invalid_request(rejection.body_text()))?;
    Ok(Json(state.game.public_parties(&query).await?))
}
