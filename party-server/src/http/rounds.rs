//! Round and phraseset handlers.

use axum::Json;
use axum::extract::State;
use party_protocol::round::{
    AbandonResponse, CopyRoundResponse, CurrentRoundResponse, PhrasesetResults,
    PromptRoundResponse, RoundAvailability, RoundDetails, SubmitRequest, SubmitResponse,
    VoteResponse, VoteRoundResponse,
};
use party_protocol::{PhrasesetId, RoundId};

use super::extract::{ApiJson, ApiPath};
use super::state::AppState;
use crate::error::Result;
use crate::service::AuthPlayer;

pub async fn available(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<RoundAvailability>> {
    Ok(Json(state.game.availability(auth.player_id).await?))
}

pub async fn current_round(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<CurrentRoundResponse>> {
    Ok(Json(state.game.current_round(auth.player_id).await?))
}

pub async fn start_prompt(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<PromptRoundResponse>> {
    Ok(Json(state.game.start_prompt_round(auth.player_id).await?))
}

pub async fn start_copy(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<CopyRoundResponse>> {
    Ok(Json(state.game.start_copy_round(auth.player_id).await?))
}

pub async fn start_vote(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<VoteRoundResponse>> {
    Ok(Json(state.game.start_vote_round(auth.player_id).await?))
}

pub async fn details(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiPath(round_id): ApiPath<RoundId>,
) -> Result<Json<RoundDetails>> {
    Ok(Json(
        state.game.round_details(auth.player_id, round_id).await?,
    ))
}

pub async fn submit(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiPath(round_id): ApiPath<RoundId>,
    ApiJson(req): ApiJson<SubmitRequest>,
) -> Result<Json<SubmitResponse>> {
    Ok(Json(
        state
            .game
            .submit_round(auth.player_id, round_id, &req.phrase)
            .await?,
    ))
}

pub async fn abandon(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiPath(round_id): ApiPath<RoundId>,
) -> Result<Json<AbandonResponse>> {
    Ok(Json(
        state.game.abandon_round(auth.player_id, round_id).await?,
    ))
}

pub async fn vote(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiPath(phraseset_id): ApiPath<PhrasesetId>,
    ApiJson(req): ApiJson<SubmitRequest>,
) -> Result<Json<VoteResponse>> {
    Ok(Json(
        state
            .game
            .vote(auth.player_id, phraseset_id, &req.phrase)
            .await?,
    ))
}

pub async fn results(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiPath(phraseset_id): ApiPath<PhrasesetId>,
) -> Result<Json<PhrasesetResults>> {
    Ok(Json(
        state
            .game
            .phraseset_results(auth.player_id, phraseset_id)
            .await?,
    ))
}
