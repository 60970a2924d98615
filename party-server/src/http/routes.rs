//! The route table under `/qf` and the layers every request passes
//! through.

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath, Request};
use axum::routing::{delete, get, post};
use party_protocol::ErrorCode;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{
    MakeRequestUuid, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

use super::state::AppState;
use super::{
    accounts, body_deadline, chat, detach, extract, friends, history, matchmaking, metrics, ops,
    party, reactions, rounds, spectate,
};
use crate::error::Error;

/// Builds the router. Needs no socket, so it can be exercised directly.
pub fn router(state: AppState) -> Router {
    let max_body = state.game.rules.max_body_bytes;
    let body_timeout = state.body_timeout;
    let writer = state.game.writer_runtime();
    let mut qf = Router::new()
        .route("/health", get(ops::health))
        .route("/metrics", get(metrics::render))
        .route("/player", post(accounts::register))
        .route("/player/guest", post(accounts::guest))
        .route("/player/upgrade", post(accounts::upgrade))
        .route("/player/balance", get(accounts::balance))
        .route("/player/dashboard", get(accounts::dashboard))
        .route("/player/current-round", get(rounds::current_round))
        .route(
            "/player/claim-daily-bonus",
            post(accounts::claim_daily_bonus),
        )
        .route("/auth/login", post(accounts::login))
        .route("/auth/refresh", post(accounts::refresh))
        .route("/auth/logout", post(accounts::logout))
        .route("/auth/ws-token", get(accounts::ws_token))
        .route("/rounds/available", get(rounds::available))
        .route("/rounds/prompt", post(rounds::start_prompt))
        .route("/rounds/copy", post(rounds::start_copy))
        .route("/rounds/vote", post(rounds::start_vote))
        .route("/rounds/{round_id}", get(rounds::details))
        .route("/rounds/{round_id}/submit", post(rounds::submit))
        .route("/rounds/{round_id}/abandon", post(rounds::abandon))
        .route("/phrasesets/{phraseset_id}/vote", post(rounds::vote))
        .route("/phrasesets/{phraseset_id}/results", get(rounds::results))
        .route("/party/create", post(party::create))
        .route("/party/join", post(party::join))
        .route("/party/active", get(party::active))
        .route("/party/history", get(history::history))
        .route("/party/leaderboard", get(history::leaderboard))
        .route("/player/party-stats", get(history::stats))
        .route("/party/{session_id}/ready", post(party::ready))
        .route("/party/{session_id}/start", post(party::start))
        .route("/party/{session_id}/status", get(party::status))
        .route("/party/{session_id}/results", get(party::results))
        .route("/party/{session_id}/leave", post(party::leave))
        .route("/party/{session_id}/bots", post(party::add_bots))
        .route("/party/{session_id}/play-again", post(party::play_again))
        .route(
            "/party/{session_id}/participants/{player_id}",
            delete(party::kick),
        )
        .route(
            "/party/{session_id}/rounds/prompt",
            post(party::start_prompt),
        )
        .route("/party/{session_id}/rounds/copy", post(party::start_copy))
        .route("/party/{session_id}/rounds/vote", post(party::start_vote))
        .route(
            "/party/{session_id}/rounds/{round_id}/submit",
            post(party::submit),
        )
        .route("/party/{session_id}/ws", get(party::socket))
        // Who plays with whom (issue 15): see `http::friends`.
        .route("/party/invites", get(friends::invites))
        .route(
            "/party/invites/{session_id}",
            delete(friends::decline_invite),
        )
        .route("/party/{session_id}/access", post(friends::set_access))
        .route("/party/{session_id}/invites", post(friends::invite))
        .route("/friends", get(friends::list))
        .route("/friends/requests", post(friends::request))
        .route("/friends/requests/{username}", delete(friends::cancel))
        .route("/friends/requests/{username}/accept", post(friends::accept))
        .route(
            "/friends/requests/{username}/decline",
            post(friends::decline),
        )
        .route("/friends/{username}", delete(friends::remove))
        .route("/blocks", get(friends::blocks).post(friends::block))
        .route("/blocks/{username}", delete(friends::unblock))
        .route("/player/ws", get(friends::player_socket))
        .route(
            "/party/quick-match",
            post(matchmaking::queue)
                .get(matchmaking::status)
                .delete(matchmaking::leave),
        )
        .route("/party/public", get(matchmaking::public))
        .route("/party/spectate", post(spectate::spectate))
        .route("/party/{session_id}/spectate", delete(spectate::stop))
        .route("/party/{session_id}/spectate/status", get(spectate::status))
        .route(
            "/party/{session_id}/spectate/results",
            get(spectate::results),
        )
        .route(
            "/party/{session_id}/spectate/next-game",
            post(spectate::next_game),
        )
        .route("/party/{session_id}/spectate/chat", post(spectate::chat))
        .route("/party/{session_id}/chat", get(chat::page).post(chat::send))
        .route("/party/{session_id}/chat/mute", post(chat::mute))
        .route(
            "/party/{session_id}/chat/mute/{player_id}",
            delete(chat::unmute),
        )
        .route(
            "/party/{session_id}/reactions",
            get(reactions::list).post(reactions::react),
        )
        .route(
            "/party/{session_id}/reactions/{phraseset_id}/{role}",
            delete(reactions::unreact),
        )
        .route(
            "/party/{session_id}/favourite",
            post(reactions::favourite).delete(reactions::unfavourite),
        )
        .route("/party/{session_id}/spectate/ws", get(spectate::socket));
    if state.manual_clock.is_some() {
        qf = qf
            .route("/test/clock", post(ops::advance_clock))
            .route("/test/audit", get(ops::audit));
    }
    // A known path with a method it does not take: axum would answer a bare
    // 405 with an empty body, but every error is the protocol's JSON body
    // (api.md) and there is no such endpoint, so answer like an unknown route
    // (axum still adds the `Allow` header).
    qf = qf.method_not_allowed_fallback(not_found);
    let on_writer = writer.is_some();
    let mut app = Router::new()
        .nest(party_protocol::API_PREFIX, qf)
        .fallback(not_found)
        .layer(axum::middleware::from_fn(move |request, next| {
            body_deadline::limit(body_timeout, request, next)
        }))
        .layer(axum::middleware::from_fn(move |request, next| {
            detach::run_to_completion(writer.clone(), request, next)
        }));
    if on_writer {
        // Outside `detach`: the token is looked up before the request is
        // handed to the writer thread.
        app = app.layer(axum::middleware::from_fn_with_state(
            state.clone(),
            extract::authenticate_ahead,
        ));
    }
    app.layer(axum::middleware::from_fn(metrics::track))
        .layer(DefaultBodyLimit::max(max_body))
        .layer(CatchPanicLayer::custom(ops::panic_response))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                // Every 5xx is logged once, with its cause, by the code that
                // answers it (`crate::error`, the health check): the layer's
                // own "response failed" line would log each a second time.
                .on_failure(()),
        )
        // Outside the trace layer, so the id is there when the span is made;
        // a client's own `x-request-id` is kept, and every response says
        // which id its request's log lines carry.
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .with_state(state)
}

/// The span every request's log lines (and its use case's span) nest
/// under: method, route template (so ids in the URI stay out of the route
/// field) and request id. At `info` so that the error a request logs at the
/// default filter says which request and route it came from.
fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| request.uri().path(), MatchedPath::as_str);
    let id = request
        .extensions()
        .get::<RequestId>()
        .and_then(|id| id.header_value().to_str().ok())
        .unwrap_or("-");
    tracing::info_span!(
        "request",
        method = %request.method(),
        route,
        request_id = id,
    )
}

async fn not_found() -> Error {
    Error::api(ErrorCode::NotFound, "No such endpoint.")
}
