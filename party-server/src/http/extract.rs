//! Extractors that turn every malformed input into the protocol's error
//! body instead of axum's plain-text rejections, and the auth extractor.

use std::net::SocketAddr;

use axum::extract::rejection::{JsonRejection, PathRejection};
use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;
use party_protocol::ErrorCode;
use party_protocol::party::PartyCodeError;
use serde::de::DeserializeOwned;

use super::state::AppState;
use crate::auth::tokens::parse_bearer;
use crate::error::Error;
use crate::service::AuthPlayer;

/// A JSON body; bad JSON → `400 invalid_request` naming the field (except a
/// malformed party code: `404 session_not_found`), too big →
/// `413 payload_too_large`.
#[derive(Debug, Clone, Copy, Default)]
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(json_error(&rejection)),
        }
    }
}

/// The answer to a body that did not arrive within `--body-timeout`.
fn body_timed_out() -> Error {
    Error::api(
        ErrorCode::RequestTimeout,
        "The request body did not arrive in time.",
    )
}

fn json_error(rejection: &JsonRejection) -> Error {
    if super::body_deadline::timed_out(rejection) {
        return body_timed_out();
    }
    if rejection.status().as_u16() == 413 {
        return Error::api(ErrorCode::PayloadTooLarge, "The request body is too large.");
    }
    let detail = match rejection {
        JsonRejection::JsonDataError(e) => e.body_text(),
        JsonRejection::JsonSyntaxError(e) => e.body_text(),
        JsonRejection::MissingJsonContentType(_) => {
            "Expected a JSON body (Content-Type: application/json).".into()
        }
        other => other.body_text(),
    };
    // axum's text looks like "Failed to deserialize the JSON body into the
    // target type: phrase: invalid type: ..."; keep the part naming the field.
    let detail = detail
        .split_once("target type: ")
        .map_or(detail.as_str(), |(_, rest)| rest)
        .to_owned();
    if is_malformed_party_code(&detail) {
        // The same answer the join service gives a well-formed code that
        // names no party.
        return Error::api(ErrorCode::SessionNotFound, "No party with that code or id.");
    }
    Error::invalid_request(detail)
}

/// Whether a body failed only because its `party_code` text is not a party
/// code. `POST /party/join` answers that `404 session_not_found`, as for any
/// code that names no party (a typo is not a malformed request); a missing
/// field or one of the wrong type stays `400 invalid_request`. serde keeps
/// only the error's text, so the field's name and the code's own message
/// identify it.
fn is_malformed_party_code(detail: &str) -> bool {
    detail
        .strip_prefix("party_code: ")
        .is_some_and(|rest| rest.starts_with(&PartyCodeError.to_string()))
}

/// A path parameter; a malformed id → `400 invalid_request`.
#[derive(Debug, Clone, Copy)]
pub struct ApiPath<T>(pub T);

impl<S, T> FromRequestParts<S> for ApiPath<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(ApiPath(value)),
            Err(rejection) => Err(path_error(&rejection)),
        }
    }
}

fn path_error(rejection: &PathRejection) -> Error {
    Error::invalid_request(format!("path: {}", rejection.body_text()))
}

/// The authenticated caller. Missing, malformed, unknown or expired token →
/// `401 unauthorized`; over the per-player rate → `429 rate_limited`.
impl FromRequestParts<AppState> for AuthPlayer {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = bearer(&parts.headers).ok_or_else(|| {
            Error::api(
                ErrorCode::Unauthorized,
                "Sign in first (Authorization: Bearer <token>).",
            )
        })?;
        let found = match parts.extensions.remove::<Authenticated>() {
            Some(Authenticated(found)) => found,
            None => state.game.authenticate(token).await?,
        };
        let player = found.ok_or_else(|| {
            Error::api(
                ErrorCode::Unauthorized,
                "Your session has expired. Please sign in again.",
            )
        })?;
        state.limits.check_player(player.player_id)?;
        Ok(player)
    }
}

/// The token of the request's `Authorization: Bearer …` header.
fn bearer(headers: &axum::http::HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_bearer)
}

/// The owner of a request's bearer token, looked up by
/// [`authenticate_ahead`] (`None`: no such token, or expired).
#[derive(Debug, Clone)]
struct Authenticated(Option<AuthPlayer>);

/// Looks up the caller's token of a request that may write before it is
/// handed to the SQLite writer thread (`detach`), on the main runtime where
/// reads run. Everything on that one thread is time every other write
/// waits for, and the lookup is a read of its own (a reader connection's
/// `BEGIN`, the token's row, `COMMIT`): at 1,000 parties it was about a
/// sixth of the writer's work per request. A lookup that fails here is
/// left to the extractor, which then tries again and answers the error.
pub(super) async fn authenticate_ahead(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    if !request.method().is_safe()
        && let Some(token) = bearer(request.headers()).map(str::to_owned)
        && let Ok(found) = state.game.authenticate(&token).await
    {
        request.extensions_mut().insert(Authenticated(found));
    }
    next.run(request).await
}

/// Applies the per-IP limit of the sign-up and login routes.
#[derive(Debug, Clone, Copy)]
pub struct AuthRateLimited;

impl FromRequestParts<AppState> for AuthRateLimited {
    type Rejection = Error;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(ConnectInfo(addr)) = parts.extensions.get::<ConnectInfo<SocketAddr>>() {
            let client =
                super::client_ip::resolve(addr.ip(), &parts.headers, &state.trusted_proxies);
            state.limits.check_auth_ip(client)?;
        }
        Ok(AuthRateLimited)
    }
}

/// A JSON body that may be absent: an empty body gives `T::default()`;
/// anything else must be valid JSON for `T` (same errors as [`ApiJson`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct OptionalJson<T>(pub T);

impl<S, T> FromRequest<S> for OptionalJson<T>
where
    T: DeserializeOwned + Default,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|rejection| {
                if super::body_deadline::timed_out(&rejection) {
                    body_timed_out()
                } else if rejection.status().as_u16() == 413 {
                    Error::api(ErrorCode::PayloadTooLarge, "The request body is too large.")
                } else {
                    Error::invalid_request(rejection.body_text())
                }
            })?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(T::default()));
        }
        serde_json::from_slice(&bytes)
            .map(OptionalJson)
            .map_err(|e| Error::invalid_request(format!("body: {e}")))
    }
}
