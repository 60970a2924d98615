//! Party Mode handlers (plan §4 and api.md). Every one of them answers
//! `503 party_mode_disabled` while Party Mode is switched off.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::response::Response;
use party_protocol::account::SuccessResponse;
use party_protocol::party::{
    ActivePartyResponse, AddBotsRequest, AddBotsResponse, CreatePartyRequest, JoinPartyRequest,
    PartyCopyRoundResponse, PartyPromptRoundResponse, PartyResultsResponse, PartySessionResponse,
    PartyStatusResponse, PartySubmitResponse, PartyVoteRoundResponse, PlayAgainResponse,
    ReadyRequest, ReadyResponse, StartPartyResponse,
};
use party_protocol::round::SubmitRequest;
use party_protocol::{ErrorCode, PlayerId, RoundId};
use serde::Deserialize;
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath, OptionalJson};
use super::state::AppState;
use crate::error::{Error, Result};
use crate::realtime::socket::{self, SocketContext};
use crate::service::AuthPlayer;

/// An authenticated caller of a Party Mode route, admitted only while Party Mode is on.
#[derive(Debug, Clone)]
pub struct PartyPlayer(pub AuthPlayer);

impl FromRequestParts<AppState> for PartyPlayer {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if !state.party_mode {
            return Err(Error::api(
                ErrorCode::PartyModeDisabled,
                "Party Mode is switched off on this server; solo play still works.",
            ));
        }
        Ok(PartyPlayer(
            AuthPlayer::from_request_parts(parts, state).await?,
        ))
    }
}

impl PartyPlayer {
    pub(super) fn id(&self) -> PlayerId {
        self.0.player_id
    }
}

pub async fn create(
    State(state): State<AppState>,
    player: PartyPlayer,
    OptionalJson(req): OptionalJson<CreatePartyRequest>,
) -> Result<Json<PartySessionResponse>> {
    let created = state.game.create_party(player.id(), &req).await?;
    state.wake_sweeper();
    Ok(Json(created))
}

pub async fn join(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiJson(req): ApiJson<JoinPartyRequest>,
) -> Result<Json<PartySessionResponse>> {
    let joined = state
        .game
        .join_party(player.id(), &req.party_code, req.password.as_ref())
        .await?;
    state.wake_sweeper();
    Ok(Json(joined))
}

pub async fn active(
    State(state): State<AppState>,
    player: PartyPlayer,
) -> Result<Json<ActivePartyResponse>> {
    Ok(Json(state.game.active_party(player.id()).await?))
}

pub async fn ready(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
    OptionalJson(req): OptionalJson<ReadyRequest>,
) -> Result<Json<ReadyResponse>> {
    let ready = req.ready.unwrap_or(true);
    let out = state
        .game
        .set_party_ready(player.id(), session, ready)
        .await?;
    state.wake_sweeper();
    Ok(Json(out))
}

pub async fn start(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<StartPartyResponse>> {
    let out = state.game.start_party(player.id(), session).await?;
    state.wake_sweeper();
    Ok(Json(out))
}

pub async fn status(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<PartyStatusResponse>> {
    Ok(Json(state.game.party_status(player.id(), session).await?))
}

pub async fn results(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<PartyResultsResponse>> {
    Ok(Json(state.game.party_results(player.id(), session).await?))
}

pub async fn start_prompt(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<PartyPromptRoundResponse>> {
    let out = state.game.start_party_prompt(player.id(), session).await?;
    Ok(Json(out))
}

pub async fn start_copy(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<PartyCopyRoundResponse>> {
    Ok(Json(
        state.game.start_party_copy(player.id(), session).await?,
    ))
}

pub async fn start_vote(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<PartyVoteRoundResponse>> {
    Ok(Json(
        state.game.start_party_vote(player.id(), session).await?,
    ))
}

pub async fn submit(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath((session, round_id)): ApiPath<(Uuid, RoundId)>,
    ApiJson(req): ApiJson<SubmitRequest>,
) -> Result<Json<PartySubmitResponse>> {
    let out = state
        .game
        .submit_party_round(player.id(), session, round_id, &req.phrase)
        .await?;
    state.wake_sweeper();
    Ok(Json(out))
}

pub async fn leave(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<SuccessResponse>> {
    let out = state.game.leave_party(player.id(), session).await?;
    state.wake_sweeper();
    Ok(Json(out))
}

pub async fn add_bots(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
    ApiJson(req): ApiJson<AddBotsRequest>,
) -> Result<Json<AddBotsResponse>> {
    let out = state.game.add_bots(player.id(), session, req.count).await?;
    state.wake_sweeper();
    Ok(Json(out))
}

pub async fn kick(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath((session, target)): ApiPath<(Uuid, PlayerId)>,
) -> Result<Json<SuccessResponse>> {
    let out = state.game.kick(player.id(), session, target).await?;
    state.wake_sweeper();
    Ok(Json(out))
}

pub async fn play_again(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<PlayAgainResponse>> {
    let out = state.game.play_again(player.id(), session).await?;
    state.wake_sweeper();
    Ok(Json(out))
}

/// The query of the party socket's URL.
#[derive(Debug, Deserialize)]
pub struct WsQuery {
    pub token: Option<String>,
    pub since: Option<i64>,
}

/// `GET /qf/party/{session_id}/ws?token=…[&since=SEQ]`: upgrades to the
/// party socket ([`crate::realtime::socket`]), which checks the ws-token itself.
/// Every refusal before the upgrade is the protocol's JSON error body: a
/// request that is no valid WebSocket upgrade (wrong method, missing
/// `Upgrade`, a bad `Sec-WebSocket-Version`…) is `400 invalid_upgrade`.
pub async fn socket(
    State(state): State<AppState>,
    ApiPath(session): ApiPath<Uuid>,
    query: Result<Query<WsQuery>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response> {
    let (upgrade, query) = socket_request(&state, query, upgrade)?;
    let context = SocketContext {
        game: state.game,
        hub: state.hub,
        max_sockets: state.max_sockets_per_player,
    };
    Ok(socket::upgrade(
        upgrade,
        context,
        session,
        query.token,
        query.since,
    ))
}

/// The checks every party socket route makes before its upgrade (players'
/// and spectators'): Party Mode on, then [`upgrade_request`].
pub(super) fn socket_request(
    state: &AppState,
    query: Result<Query<WsQuery>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<(WebSocketUpgrade, WsQuery)> {
    if !state.party_mode {
        return Err(Error::api(
            ErrorCode::PartyModeDisabled,
            "Party Mode is switched off on this server.",
        ));
    }
    upgrade_request(query, upgrade)
}

/// The checks of any socket route (party or player): a valid upgrade, a
/// valid query, each refused with its own code.
pub(super) fn upgrade_request<Q>(
    query: Result<Query<Q>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<(WebSocketUpgrade, Q)> {
    let upgrade = upgrade.map_err(|rejection| {
        Error::api(
            ErrorCode::InvalidUpgrade,
            format!(
                "This route only takes a WebSocket upgrade: {}.",
                rejection.body_text()
            ),
        )
    })?;
    let Query(query) = query.map_err(|rejection| Error::invalid_request(rejection.body_text()))?;
    Ok((upgrade, query))
}
