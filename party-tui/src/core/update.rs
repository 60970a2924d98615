//! The update function: state + message → new state + effects. Pure: all
//! I/O happens in the runtime that carries out the effects.
//!
//! This module dispatches a message to its handler — keys in
//! [`super::keys`], API replies in [`super::replies`], socket events in
//! [`super::events`], the spectator and player sockets' events to
//! [`super::spectator`] and [`super::invites`], the clock's tick here. What the handlers share is in
//! [`super::common`].

use super::common::refresh_status;
use super::events::on_socket;
use super::keys::on_key;
use super::msg::{ApiCall, Effect, Msg};
use super::replies::on_reply;
use super::state::{App, ConnState, Screen};
use super::{invites, matchmaking, reel, reveal, spectator};

/// Seconds between status polls when the socket cannot connect.
const POLL_SECONDS: i64 = 2;

pub fn update(app: &mut App, msg: Msg) -> Vec<Effect> {
    let mut effects = match msg {
        Msg::Key(key) => on_key(app, key),
        Msg::Tick(now) => on_tick(app, now),
        Msg::Api(reply) => on_reply(app, *reply),
        Msg::Ws(event) => on_socket(app, event),
        Msg::Spectator(event) => spectator::on_socket(app, event),
        Msg::Player(event) => invites::on_socket(app, event),
        Msg::Saved(saved) => reel::on_saved(app, saved),
    };
    // Whichever way a join by code was asked for (the join dialog, an
    // invite, a friend's lobby), a password party's answer retries it.
    if let Some(code) = effects.iter().find_map(|e| match e {
        Effect::Call(ApiCall::JoinParty(code)) => Some(code.clone()),
        _ => None,
    }) {
        app.last_join = Some(code);
    }
    effects.extend(invites::sync_player_socket(app));
    effects
}

// ---------------------------------------------------------------- time

fn on_tick(app: &mut App, now: time::OffsetDateTime) -> Vec<Effect> {
    app.now = now;
    while app.toasts.front().is_some_and(|t| t.until <= now) {
        app.toasts.pop_front();
    }
    reveal::on_tick(app);
    if app.watch.is_some() {
        return spectator::on_tick(app);
    }
    if app.screen == Screen::QuickMatch {
        return matchmaking::on_tick(app);
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
