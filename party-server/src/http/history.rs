//! After the party (issue 16): party history, personal party stats and
//! the leaderboards. Party Mode routes (`503 party_mode_disabled` while it
//! is off); a bad query is `400 invalid_request`.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use party_protocol::ErrorCode;
use party_protocol::party_history::{
    HistoryQuery, HistoryResponse, LeaderboardQuery, LeaderboardResponse, PartyStatsResponse,
};

use super::party::PartyPlayer;
use super::state::AppState;
use crate::error::{Error, Result};

/// A parsed query, or `400 invalid_request` saying what is wrong with it.
pub(super) fn query<T>(query: Result<Query<T>, QueryRejection>) -> Result<T> {
    query.map(|Query(q)| q).map_err(|rejection| {
        Error::api(
            ErrorCode::InvalidRequest,
            format!("Bad query: {}", rejection.body_text()),
        )
    })
}

pub async fn history(
    State(state): State<AppState>,
    player: PartyPlayer,
    q: Result<Query<HistoryQuery>, QueryRejection>,
) -> Result<Json<HistoryResponse>> {
    Ok(Json(
        state.game.party_history(player.id(), query(q)?).await?,
    ))
}

pub async fn stats(
    State(state): State<AppState>,
    player: PartyPlayer,
) -> Result<Json<PartyStatsResponse>> {
    Ok(Json(state.game.party_stats(player.id()).await?))
}

pub async fn leaderboard(
    State(state): State<AppState>,
    player: PartyPlayer,
    q: Result<Query<LeaderboardQuery>, QueryRejection>,
) -> Result<Json<LeaderboardResponse>> {
    Ok(Json(
        state.game.party_leaderboard(player.id(), query(q)?).await?,
    ))
}
