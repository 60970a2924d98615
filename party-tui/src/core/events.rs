//! The party socket: its connection state and the server's events.

use party_protocol::SessionId;
use party_protocol::party::{ParticipantStatus, PartyCode, PartyPhase, SkippedPlayer};
use party_protocol::party_ws::{ProgressAction, ServerEvent, ServerMessage};

use super::common::{call, leave_party_view, refresh_status};
use super::msg::{ApiCall, Effect, WsEvent};
use super::party_chat;
use super::reactions;
use super::replies::apply_status;
use super::state::{App, ConnState};

pub(super) fn on_socket(app: &mut App, event: WsEvent) -> Vec<Effect> {
    match event {
        WsEvent::Connected => {
            app.conn = ConnState::Live;
            vec![]
        }
        WsEvent::Disconnected {
            retry_in: Some(_), ..
        } => {
            let attempt = match app.conn {
                ConnState::Reconnecting { attempt } => attempt + 1,
                _ => 1,
            };
            app.conn = ConnState::Reconnecting { attempt };
            vec![]
        }
        WsEvent::Disconnected { retry_in: None, .. } => {
            if app.party.is_some() {
                app.conn = ConnState::Polling;
                app.toast("Live updates are unavailable; refreshing every 2 s instead.");
            }
            vec![]
        }
        WsEvent::Message(msg) => on_event(app, *msg),
    }
}

fn on_event(app: &mut App, msg: ServerMessage) -> Vec<Effect> {
    if app.session_id() != Some(msg.session_id) {
        return vec![];
    }
    // Chat is no event: it carries the last seq and never advances it.
    if let ServerEvent::PartyChat(message) = msg.event {
        party_chat::on_message(app, msg.session_id, message);
        return vec![];
    }
    if let ServerEvent::SessionUpdate(snapshot) = msg.event {
        let status = snapshot.into_status(msg.session_id, msg.seq);
        app.seq = msg.seq;
        return apply_status(app, status);
    }
    if matches!(msg.event, ServerEvent::Pong | ServerEvent::Hello { .. }) || msg.seq <= app.seq {
        return vec![];
    }
    if msg.seq != app.seq + 1 {
        // A gap: the socket missed something. Take a fresh status and resume
        // the socket from what we have.
        let mut effects = refresh_status(app);
        effects.push(Effect::ConnectWs {
            session: msg.session_id,
            since: Some(app.seq),
        });
        return effects;
    }
    app.seq = msg.seq;
    let me = app.my_id();
    match msg.event {
        ServerEvent::ProgressUpdate {
            player_id,
            username,
            action,
            progress,
            session_progress,
        } => {
            if let Some(party) = app.party.as_mut() {
                let phase = party.current_phase;
                if let Some(p) = party
                    .participants
                    .iter_mut()
                    .find(|p| p.player_id == player_id)
                {
                    p.prompts_submitted = progress.prompts_submitted;
                    p.copies_submitted = progress.copies_submitted;
                    p.votes_submitted = progress.votes_submitted;
                    p.phase_complete = match phase {
                        PartyPhase::Prompt => p.prompts_submitted >= p.prompts_required,
                        PartyPhase::Copy => p.copies_submitted >= p.copies_required,
                        PartyPhase::Vote => p.votes_submitted >= p.votes_required,
                        _ => p.phase_complete,
                    };
                }
                party.progress.players_ready_for_next_phase =
                    session_progress.players_done_with_phase;
            }
            if Some(player_id) != me {
                let what = match action {
                    ProgressAction::SubmittedPrompt => "wrote a prompt",
                    ProgressAction::SubmittedCopy => "wrote a copy",
                    ProgressAction::SubmittedVote => "voted",
                };
                app.toast(format!("{username} {what}"));
            }
            vec![]
        }
        ServerEvent::ReactionsChanged {
            phrases,
            favourite_phrase,
        } => {
            reactions::on_event(app, &phrases, favourite_phrase.as_ref());
            vec![]
        }
        ServerEvent::PhaseTransition { message, .. } => {
            app.toast(message);
            if !app.busy {
                app.round = None;
            }
            refresh_status(app)
        }
        ServerEvent::SessionCompleted { message, .. } => {
            app.toast(message);
            refresh_status(app)
        }
        ServerEvent::PlayAgain {
            new_session_id,
            party_code,
            skipped,
        } => on_play_again(app, new_session_id, &party_code, &skipped),
        ServerEvent::PlayerKicked { player_id, .. } if Some(player_id) == me => {
            leave_party_view(app);
            app.error = Some("The host removed you from the party.".into());
            vec![Effect::CloseWs, call(ApiCall::Dashboard)]
        }
        ServerEvent::PlayerJoined { username, .. } => {
            app.toast(format!("{username} joined"));
            refresh_status(app)
        }
        ServerEvent::PlayerLeft { username, .. } => {
            app.toast(format!("{username} left"));
            refresh_status(app)
        }
        ServerEvent::HostChanged { username, .. } => {
            app.toast(format!("{username} is the host now"));
            refresh_status(app)
        }
        ServerEvent::Presence {
            player_id,
            connection_status,
            ..
        } => {
            if let Some(p) = app.party.as_mut().and_then(|party| {
                party
                    .participants
                    .iter_mut()
                    .find(|p| p.player_id == player_id)
            }) {
                p.connection_status = connection_status;
            }
            vec![]
        }
        _ => refresh_status(app),
    }
}

/// The host's play-again put everyone still in the party into the new
/// lobby: go there. A player it skipped (in another party by now) is told
/// why; one who left the party is only invited, as before.
fn on_play_again(
    app: &mut App,
    new_session_id: SessionId,
    party_code: &PartyCode,
    skipped: &[SkippedPlayer],
) -> Vec<Effect> {
    let me = app.my_id();
    if let Some(mine) = skipped.iter().find(|s| Some(s.player_id) == me) {
        app.toast(format!("Not brought into the new lobby: {}", mine.message));
        return vec![];
    }
    for other in skipped {
        app.toast(other.message.clone());
    }
    let left = app.party.as_ref().is_some_and(|p| {
        p.participants
            .iter()
            .any(|q| Some(q.player_id) == me && q.status == ParticipantStatus::Left)
    });
    if left {
        app.invite = Some((new_session_id, party_code.clone()));
        app.toast(format!(
            "The host opened a new lobby ({party_code}): press j to join."
        ));
        return vec![];
    }
    leave_party_view(app);
    app.toast(format!("On to the next game: lobby {party_code}."));
    vec![Effect::CloseWs, call(ApiCall::Status(new_session_id))]
}
