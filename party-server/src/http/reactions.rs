//! Reaction and favourite handlers (README "Reactions and the favourite
//! phrase"); the rate limit on their writes is
//! [`super::rate_limit::ReactionBudget`]. Like every party route, they
//! answer `503 party_mode_disabled` while Party Mode is off.

use axum::Json;
use axum::extract::State;
use party_protocol::party_reactions::{PartyReactionsResponse, PhraseRef, ReactRequest, Reaction};
use party_protocol::round::PhraseRole;
use party_protocol::{ErrorCode, PhrasesetId};
use uuid::Uuid;

use super::extract::{ApiJson, ApiPath};
use super::party::PartyPlayer;
use super::state::AppState;
use crate::error::{Error, Result};

pub async fn list(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<PartyReactionsResponse>> {
    Ok(Json(
        state.game.party_reactions(player.id(), session).await?,
    ))
}

pub async fn react(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
    ApiJson(req): ApiJson<ReactRequest>,
) -> Result<Json<PartyReactionsResponse>> {
    let reaction = Reaction::parse(&req.reaction)
        .map_err(|err| Error::api(ErrorCode::InvalidReaction, format!("reaction: {err}.")))?;
    state.reactions.allow(session, player.id())?;
    let phrase = PhraseRef {
        phraseset_id: req.phraseset_id,
        role: req.role,
    };
    Ok(Json(
        state
            .game
            .react(player.id(), session, phrase, Some(reaction))
            .await?,
    ))
}

pub async fn unreact(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath((session, phraseset_id, role)): ApiPath<(Uuid, PhrasesetId, PhraseRole)>,
) -> Result<Json<PartyReactionsResponse>> {
    state.reactions.allow(session, player.id())?;
    let phrase = PhraseRef { phraseset_id, role };
    Ok(Json(
        state.game.react(player.id(), session, phrase, None).await?,
    ))
}

pub async fn favourite(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
    ApiJson(phrase): ApiJson<PhraseRef>,
) -> Result<Json<PartyReactionsResponse>> {
    state.reactions.allow(session, player.id())?;
    Ok(Json(
        state
            .game
            .favourite(player.id(), session, Some(phrase))
            .await?,
    ))
}

pub async fn unfavourite(
    State(state): State<AppState>,
    player: PartyPlayer,
    ApiPath(session): ApiPath<Uuid>,
) -> Result<Json<PartyReactionsResponse>> {
    state.reactions.allow(session, player.id())?;
    Ok(Json(
        state.game.favourite(player.id(), session, None).await?,
    ))
}
