//! Party chat handlers (README "Party chat"): say something in the lobby
//! or on the results, read the chat's pages, mute and unmute a player.
//! Party Mode routes, like every `/party/...` route.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use party_protocol::party_chat::{
    ChatPage, ChatQuery, ChatRequest, ChatText, ChatTextError, MuteRequest, MuteResponse,
    PartyChatMessage,
};
use party_protocol::{ErrorCode, PlayerId};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath};
use super::history::query;
use super::party::PartyPlayer;
use super::state::AppState;
use crate::error::{Error, Result};

/// The text as the chat rules take it (spectator chat's too): too long
/// has its own code.
pub(super) fn chat_text(text: &str) -> Result<ChatText> {
    ChatText::parse(text).map_err(|err| match err {
        ChatTextError::TooLong => Error::api(ErrorCode::ChatMessageTooLong, err.to_string()),
        ChatTextError::Empty | ChatTextError::ControlCharacter => {
            Error::invalid_request(format!("text: {err}"))
        }
    })
}

pub async fn send(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ChatRequest>,
) -> Result<Json<PartyChatMessage>> {
    let text = chat_text(&req.text)?;
    Ok(Json(
        state
            .game
            .send_party_chat(player.id(), session, text)
            .await?,
    ))
}

pub async fn page(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
    q: Result<Query<ChatQuery>, QueryRejection>,
) -> Result<Json<ChatPage>> {
    Ok(Json(
        state
            .game
            .party_chat(player.id(), session, query(q)?)
            .await?,
    ))
}

pub async fn mute(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
    ApiJson(req): ApiJson<MuteRequest>,
) -> Result<Json<MuteResponse>> {
    Ok(Json(
        state
            .game
            .mute_in_party(player.id(), session, req.player_id, true)
            .await?,
    ))
}

pub async fn unmute(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath((session, target)): ApiPath<(Uuid, PlayerId)>,
) -> Result<Json<MuteResponse>> {
    Ok(Json(
        state
            .game
            .mute_in_party(player.id(), session, target, false)
            .await?,
    ))
}
