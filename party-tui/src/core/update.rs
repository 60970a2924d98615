//! The update function: state + message → new state + effects. Pure: all
//! I/O happens in the runtime that carries out the effects.
//!
//! This module dispatches a message to its handler — keys in
//! [`super::keys`], API replies in [`super::replies`], socket events in
//! [`super::events`], the clock's tick here — and holds what they share.

use super::events::on_socket;
use super::keys::on_key;
use super::msg::{ApiCall, Effect, Msg};
use super::replies::on_reply;
use super::state::{App, ConnState, Screen};
use crate::api::ClientError;

/// Seconds between status polls when the socket cannot connect.
const POLL_SECONDS: i64 = 2;

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Key(key) => on_key(app, key),
        Msg::Tick(now) => on_tick(app, now),
        Msg::Api(reply) => on_reply(app, *reply),
        Msg::Ws(event) => on_socket(app, event),
    }
}

pub(super) fn call(c: ApiCall) -> Effect {
    Effect::Call(c)
}

pub(super) fn refresh_status(app: &App) -> Vec<Effect> {
    app.session_id()
        .map(|s| call(ApiCall::Status(s)))
        .into_iter()
        .collect()
}
// ---------------------------------------------------------------- time

fn on_tick(app: &mut App, now: time::OffsetDateTime) -> Vec<Effect> {
    app.now = now;
    while app.toasts.front().is_some_and(|t| t.until <= now) {
        app.toasts.pop_front();
    }
    if app.conn == ConnState::Polling
        && app.party.is_some()
        && (now - app.last_poll).whole_seconds() >= POLL_SECONDS
    {
        app.last_poll = now;
        return refresh_status(app);
    }
    vec![]
}

// ---------------------------------------------------------------- replies

pub(super) fn show(app: &mut App, err: &ClientError) {
    app.error = Some(err.message.clone());
}

pub(super) fn leave_party_view(app: &mut App) {
    app.party = None;
    app.round = None;
    app.results = None;
    app.invite = None;
    app.seq = 0;
    app.busy = false;
    app.conn = ConnState::Idle;
    app.screen = Screen::Dashboard;
}
