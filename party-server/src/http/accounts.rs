//! Account and authentication handlers.

use axum::extract::State;
use axum::http::StatusCode;
use party_protocol::account::{
    AuthResponse, BalanceResponse, DailyBonusResponse, DashboardResponse, LoginRequest,
    RefreshRequest, RegisterRequest, SuccessResponse, TokenResponse, WsTokenResponse,
};

use super::extract::{ApiJson, AuthRateLimited};
use super::state::AppState;
use crate::error::Result;
use crate::service::AuthPlayer;
use axum::Json;

pub async fn register(
    State(state): State<AppState>,
    _: AuthRateLimited,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<(StatusCode, Json<AuthResponse>)> {
    Ok((StatusCode::CREATED, Json(state.game.register(req).await?)))
}

pub async fn guest(
    State(state): State<AppState>,
    _: AuthRateLimited,
) -> Result<(StatusCode, Json<AuthResponse>)> {
    Ok((StatusCode::CREATED, Json(state.game.create_guest().await?)))
}

pub async fn upgrade(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiJson(req): ApiJson<RegisterRequest>,
) -> Result<Json<AuthResponse>> {
    Ok(Json(state.game.upgrade_guest(&auth, req).await?))
}

pub async fn login(
    State(state): State<AppState>,
    _: AuthRateLimited,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<AuthResponse>> {
    Ok(Json(state.game.login(req).await?))
}

pub async fn refresh(
    State(state): State<AppState>,
    _: AuthRateLimited,
    ApiJson(req): ApiJson<RefreshRequest>,
) -> Result<Json<TokenResponse>> {
    Ok(Json(state.game.refresh(&req.refresh_token).await?))
}

pub async fn logout(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<SuccessResponse>> {
    state.game.logout(&auth).await?;
    Ok(Json(SuccessResponse {
        success: true,
        message: "Signed out.".into(),
    }))
}

pub async fn ws_token(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<WsTokenResponse>> {
    // A GET that writes (the token is stored): run it where writes run.
    let game = state.game.clone();
    let token = state
        .game
        .on_writer(async move { game.ws_token(&auth).await })
        .await?;
    Ok(Json(token))
}

pub async fn balance(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<BalanceResponse>> {
    Ok(Json(state.game.balance(auth.player_id).await?))
}

pub async fn dashboard(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<DashboardResponse>> {
    Ok(Json(
        state
            .game
            .dashboard(auth.player_id, state.party_mode)
            .await?,
    ))
}

pub async fn claim_daily_bonus(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<DailyBonusResponse>> {
    Ok(Json(state.game.claim_daily_bonus(auth.player_id).await?))
}
