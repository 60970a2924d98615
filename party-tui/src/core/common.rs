//! What the message handlers (keys, replies, socket events, the tick)
//! share: building effects, showing an error, and leaving the party view.

use super::msg::{ApiCall, Effect};
use super::state::{App, ConnState, Screen};
use crate::api::ClientError;

pub(super) fn call(c: ApiCall) -> Effect {
    Effect::Call(c)
}

pub(super) fn refresh_status(app: &App) -> Vec<Effect> {
    app.session_id()
        .map(|s| call(ApiCall::Status(s)))
        .into_iter()
        .collect()
}

pub(super) fn show(app: &mut App, err: &ClientError) {
    app.error = Some(err.message.clone());
}

pub(super) fn leave_party_view(app: &mut App) {
    app.party = None;
    app.round = None;
    app.results = None;
    app.reveal = None;
    app.reel = None;
    app.past = None;
    app.set_details.clear();
    app.reactions = None;
    app.phrase_pick = 0;
    app.invite = None;
    app.seq = 0;
    app.busy = false;
    app.confirm_leave = false;
    app.conn = ConnState::Idle;
    app.screen = Screen::Dashboard;
    app.chat = super::state::PartyChat::default();
}
