//! Friends, blocks, party invites and access modes (issue 15), and the
//! player socket's route. The party ones (access, invites) answer
//! `503 party_mode_disabled` while Party Mode is off, like every party route;
//! friends and blocks work either way.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::{Query, State};
use axum::response::Response;
use party_protocol::Username;
use party_protocol::account::SuccessResponse;
use party_protocol::friends::{
    BlockedPlayer, BlocksResponse, FriendRequestResponse, FriendsResponse, InvitesResponse,
    PartyInvite, UsernameRequest,
};
use party_protocol::party_access::{PartyAccessResponse, SetPartyAccessRequest};
use serde::Deserialize;
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath};
use super::party::PartyPlayer;
use super::state::AppState;
use crate::error::Result;
use crate::realtime::player_socket;
use crate::service::AuthPlayer;

pub async fn list(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<FriendsResponse>> {
    Ok(Json(state.game.friends(auth.player_id).await?))
}

pub async fn request(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiJson(req): ApiJson<UsernameRequest>,
) -> Result<Json<FriendRequestResponse>> {
    Ok(Json(
        state
            .game
            .send_friend_request(auth.player_id, &req.username)
            .await?,
    ))
}

pub async fn accept(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiPath(username): ApiPath<Username>,
) -> Result<Json<FriendRequestResponse>> {
    Ok(Json(
        state
            .game
            .accept_friend_request(auth.player_id, &username)
            .await?,
    ))
}

pub async fn decline(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiPath(username): ApiPath<Username>,
) -> Result<Json<SuccessResponse>> {
    Ok(Json(
        state
            .game
            .drop_friend_request(auth.player_id, &username, true)
            .await?,
    ))
}

pub async fn cancel(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiPath(username): ApiPath<Username>,
) -> Result<Json<SuccessResponse>> {
    Ok(Json(
        state
            .game
            .drop_friend_request(auth.player_id, &username, false)
            .await?,
    ))
}

pub async fn remove(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiPath(username): ApiPath<Username>,
) -> Result<Json<SuccessResponse>> {
    Ok(Json(
        state.game.remove_friend(auth.player_id, &username).await?,
    ))
}

pub async fn blocks(
    State(state): State<AppState>,
    auth: AuthPlayer,
) -> Result<Json<BlocksResponse>> {
    Ok(Json(state.game.blocks(auth.player_id).await?))
}

pub async fn block(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiJson(req): ApiJson<UsernameRequest>,
) -> Result<Json<BlockedPlayer>> {
    Ok(Json(
        state
            .game
            .block_player(auth.player_id, &req.username)
            .await?,
    ))
}

pub async fn unblock(
    State(state): State<AppState>,
    auth: AuthPlayer,
    ApiPath(username): ApiPath<Username>,
) -> Result<Json<SuccessResponse>> {
    Ok(Json(
        state.game.unblock_player(auth.player_id, &username).await?,
    ))
}

pub async fn set_access(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
    ApiJson(req): ApiJson<SetPartyAccessRequest>,
) -> Result<Json<PartyAccessResponse>> {
    Ok(Json(
        state
            .game
            .set_party_access(player.0.player_id, session, &req)
            .await?,
    ))
}

pub async fn invite(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
    ApiJson(req): ApiJson<UsernameRequest>,
) -> Result<Json<PartyInvite>> {
    Ok(Json(
        state
            .game
            .invite_to_party(player.0.player_id, session, &req.username)
            .await?,
    ))
}

pub async fn invites(
    State(state): State<AppState>,
    player: PartyPlayer,
) -> Result<Json<InvitesResponse>> {
    Ok(Json(state.game.party_invites(player.0.player_id).await?))
}

pub async fn decline_invite(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<SuccessResponse>> {
    Ok(Json(
        state
            .game
            .decline_invite(player.0.player_id, session)
            .await?,
    ))
}

/// The query of the player socket's URL.
#[derive(Debug, Deserialize)]
pub struct PlayerWsQuery {
    pub token: Option<String>,
}

/// `GET /qf/player/ws?token=…`: upgrades to the player socket
/// ([`crate::realtime::player_socket`]), which checks the ws-token itself.
pub async fn player_socket(
    State(state): State<AppState>,
    query: Result<Query<PlayerWsQuery>, QueryRejection>,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response> {
    let (upgrade, query) = super::party::upgrade_request(query, upgrade)?;
    Ok(player_socket::upgrade(
        upgrade,
        state.game,
        state.hub.instance(),
        query.token,
    ))
}
