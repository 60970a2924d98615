//! The answers to API calls, and a fresh status taken as the truth.

use party_protocol::ErrorCode;
use party_protocol::party::{ParticipantStatus, PartyPhase, PartyStatusResponse, SessionStatus};
use party_protocol::round::RoundType;

use super::common::{call, leave_party_view, refresh_status, show};
use super::msg::{ApiCall, ApiReply, Effect};
use super::state::{App, ConnState, Prompt, PromptKind, Screen};
use super::{friends, history, matchmaking, party_chat, reactions, records, reveal, spectator};

pub(super) fn on_reply(app: &mut App, reply: ApiReply) -> Vec<Effect> {
    match reply {
        ApiReply::SignedIn(Ok(auth)) => {
            app.me = Some((auth.player_id, auth.username));
            app.signin = super::state::SignInForm::default();
            vec![Effect::SaveCredentials, call(ApiCall::Dashboard)]
        }
        ApiReply::Resumed(Ok(())) => vec![Effect::SaveCredentials, call(ApiCall::Dashboard)],
        ApiReply::Resumed(Err(_)) => {
            app.screen = Screen::SignIn;
            app.error = Some("Welcome back — please sign in again.".into());
            vec![]
        }
        ApiReply::Dashboard(Ok(d)) => {
            app.me = Some((d.player_id, d.username.clone()));
            // A party the player left is only offered (r), never entered;
            // with Party Mode off its status would only answer 503.
            let rejoin = d
                .active_party
                .as_ref()
                .filter(|a| !a.left && d.party_mode)
                .map(|a| a.session_id);
            app.dashboard = Some(d);
            if matches!(app.screen, Screen::SignIn) {
                app.screen = Screen::Dashboard;
            }
            // Back where we were: a restarted client rejoins its party.
            match (rejoin, app.party.is_none()) {
                (Some(session), true) => vec![call(ApiCall::Status(session))],
                _ => vec![],
            }
        }
        ApiReply::PartyOpened(Err(err)) if err.is(ErrorCode::PartyModeDisabled) => {
            // Switched off since the dashboard was read (a restart): back to
            // a dashboard that knows it.
            show(app, &err);
            app.screen = Screen::Dashboard;
            vec![call(ApiCall::Dashboard)]
        }
        ApiReply::PartyOpened(Err(err))
            if err.is(ErrorCode::PartyPasswordRequired)
                || err.is(ErrorCode::PartyPasswordInvalid) =>
        {
            // Ask for the password and try the same code again with it.
            if err.is(ErrorCode::PartyPasswordInvalid) {
                show(app, &err);
            }
            if let Some(code) = app.last_join.clone() {
                app.prompt = Some(Prompt::new(PromptKind::JoinPassword(code)));
            }
            vec![]
        }
        ApiReply::PartyOpened(Err(err)) if err.is(ErrorCode::TooManyPasswordAttempts) => {
            app.error = Some(format!(
                "Too many wrong passwords for this party: {}",
                err.message
            ));
            vec![]
        }
        ApiReply::PartyOpened(Ok(session)) => {
            app.invites.retain(|i| i.session_id != session.session_id);
            app.invite = None;
            app.results = None;
            app.reveal = None;
            app.set_details.clear();
            app.round = None;
            app.selected = 0;
            vec![call(ApiCall::Status(session.session_id))]
        }
        ApiReply::Status(Ok(status)) => {
            // Status calls run concurrently and can answer out of order: one
            // read before the last event applied (say, a lobby with 3 of 4
            // ready) must not overwrite the newer state for good. Drop it and
            // ask again; the new read includes that event.
            if app.session_id() == Some(status.session_id) && status.seq < app.seq {
                return refresh_status(app);
            }
            // A status asked for before the player left (say, by the socket's
            // own player_left) can answer after the leave took them to the
            // dashboard. A party they have left is shown only once they
            // rejoin by its code, never brought back by a late answer.
            if app.party.is_none() && has_left(app, &status) {
                return vec![];
            }
            apply_status(app, status)
        }
        ApiReply::Status(Err(err)) => {
            if err.is(ErrorCode::NotAParticipant) || err.is(ErrorCode::SessionNotFound) {
                leave_party_view(app);
                app.error = Some("You are no longer in that party.".into());
                return vec![Effect::CloseWs, call(ApiCall::Dashboard)];
            }
            show(app, &err);
            vec![]
        }
        ApiReply::RoundStarted(Ok(round)) => {
            app.busy = false;
            app.round = Some(round);
            app.input.clear();
            app.selected = 0;
            // Opening a round pays its entry fee: refresh the balance, or the
            // header shows the amount from before the fee until the phrase
            // is submitted (and a restart mid-round seems to have charged).
            vec![call(ApiCall::Dashboard)]
        }
        ApiReply::RoundStarted(Err(err)) => {
            app.busy = false;
            let settle = [
                ErrorCode::AlreadyInRound,
                ErrorCode::AlreadySubmitted,
                ErrorCode::CopiesComplete,
                ErrorCode::VotesComplete,
                ErrorCode::WrongPhase,
            ];
            if settle.iter().any(|c| err.is(*c)) {
                // The server knows better: the status resumes the right round.
                refresh_status(app)
            } else {
                show(app, &err);
                vec![]
            }
        }
        ApiReply::Submitted(Ok(out)) => {
            app.busy = false;
            app.round = None;
            app.input.clear();
            app.selected = 0;
            if let Some(t) = &out.phase_transition {
                app.toast(t.message.clone());
            } else if out.correct == Some(true) {
                app.toast("Correct! You spotted the original.");
            } else if out.correct == Some(false) {
                app.toast("Fooled! That was a copy.");
            }
            let mut effects = refresh_status(app);
            effects.push(call(ApiCall::Dashboard));
            effects
        }
        ApiReply::Submitted(Err(err)) => {
            app.busy = false;
            show(app, &err);
            if err.is(ErrorCode::Expired)
                || err.is(ErrorCode::RoundNotActive)
                || err.is(ErrorCode::WrongPhase)
            {
                app.round = None;
                return refresh_status(app);
            }
            vec![]
        }
        ApiReply::Results(Ok(results)) => {
            let fresh = app
                .results
                .as_ref()
                .is_none_or(|r| r.session_id != results.session_id);
            let abandoned = results.status == SessionStatus::Abandoned;
            app.results = Some(results);
            app.screen = Screen::Results;
            app.selected = 0;
            // The prizes just paid: show the new balance.
            let mut effects = vec![call(ApiCall::Dashboard)];
            // New results play the reveal; the same results again (a
            // reload) leave the screen where the player is.
            if fresh {
                effects.extend(reveal::start(app));
                effects.extend(reactions::load(app));
                // An abandoned party's sets were never voted to the end:
                // its scoreboard comes first, under the banner that says
                // what happened; the sets stay browsable from there.
                if abandoned {
                    app.reveal = None;
                }
            }
            effects
        }
        ApiReply::PhrasesetResults(id, result) => {
            reveal::on_details(app, id, result);
            vec![]
        }
        ApiReply::Reactions(result) => {
            reactions::on_reply(app, result);
            vec![]
        }
        ApiReply::Left(Ok(())) => {
            leave_party_view(app);
            vec![Effect::CloseWs, call(ApiCall::Dashboard)]
        }
        ApiReply::PlayAgain(Ok(again)) => {
            leave_party_view(app);
            vec![Effect::CloseWs, call(ApiCall::Status(again.new_session_id))]
        }
        ApiReply::ActiveParty(result) => spectator::on_active(app, result),
        ApiReply::Friends(result) => {
            friends::on_list(app, result);
            vec![]
        }
        ApiReply::Friend(action, name, result) => friends::on_action(app, action, &name, result),
        ApiReply::Invited(name, result) => {
            friends::on_invited(app, &name, result);
            vec![]
        }
        ApiReply::InviteDeclined(session, result) => {
            friends::on_declined(app, session, result);
            vec![]
        }
        ApiReply::AccessSet(result) => friends::on_access(app, result),
        ApiReply::Spectating(code, result) => spectator::on_spectating(app, code, result),
        ApiReply::SpectatorStatus(result) => spectator::on_status(app, result),
        ApiReply::SpectatorResults(result) => spectator::on_results(app, result),
        ApiReply::NextGame(result) => {
            spectator::on_next_game(app, result);
            vec![]
        }
        ApiReply::Chat(result) => {
            spectator::on_chat(app, result);
            vec![]
        }
        // Already off the spectator screen; nothing to undo either way.
        ApiReply::StoppedSpectating(_) => vec![],
        ApiReply::QuickMatch(result) => matchmaking::on_status(app, result),
        ApiReply::LeftQueue(result) => matchmaking::on_left(app, result),
        ApiReply::PublicParties(offset, result) => {
            matchmaking::on_public(app, offset, result);
            vec![]
        }
        ApiReply::History(before, result) => {
            history::on_page(app, before, result);
            vec![]
        }
        ApiReply::PastResults(session, result) => history::on_results(app, session, result),
        ApiReply::Stats(result) => {
            records::on_stats(app, result);
            vec![]
        }
        ApiReply::Leaderboard(result) => {
            records::on_board(app, result);
            vec![]
        }
        ApiReply::ChatPage(session, result) => {
            party_chat::on_page(app, session, result);
            vec![]
        }
        ApiReply::ChatSent(result) => {
            party_chat::on_sent(app, result);
            vec![]
        }
        ApiReply::Muted(result) => party_chat::on_muted(app, result),
        ApiReply::Ready(Ok(_))
        | ApiReply::Started(Ok(_))
        | ApiReply::BotsAdded(Ok(_))
        | ApiReply::Kicked(Ok(())) => refresh_status(app),
        ApiReply::SignedIn(Err(err))
        | ApiReply::Dashboard(Err(err))
        | ApiReply::PartyOpened(Err(err))
        | ApiReply::Ready(Err(err))
        | ApiReply::Started(Err(err))
        | ApiReply::Results(Err(err))
        | ApiReply::Left(Err(err))
        | ApiReply::BotsAdded(Err(err))
        | ApiReply::Kicked(Err(err))
        | ApiReply::PlayAgain(Err(err)) => {
            show(app, &err);
            vec![]
        }
    }
}

/// Whether the status lists the signed-in player as having left.
fn has_left(app: &App, status: &PartyStatusResponse) -> bool {
    let me = app.my_id();
    status
        .participants
        .iter()
        .any(|p| Some(p.player_id) == me && p.status == ParticipantStatus::Left)
}

/// Takes a fresh status as the truth: screen, sequence, the open round.
/// Starts the next round by itself when the phase has begun and the
/// player still owes work; never before.
pub(super) fn apply_status(app: &mut App, status: PartyStatusResponse) -> Vec<Effect> {
    let mut effects = Vec::new();
    let first = app
        .party
        .as_ref()
        .is_none_or(|p| p.session_id != status.session_id);
    let session = status.session_id;
    if matches!(status.status, SessionStatus::Abandoned) {
        return on_abandoned(app, status);
    }
    app.seq = app.seq.max(status.seq);
    if first {
        // Into a party: a past one reopened from the history is closed.
        app.past = None;
        app.seq = status.seq;
        app.conn = ConnState::Connecting;
        effects.push(Effect::ConnectWs {
            session,
            since: Some(status.seq),
        });
    }
    let phase = status.current_phase;
    let me = app.my_id();
    let mine = status
        .participants
        .iter()
        .find(|p| Some(p.player_id) == me)
        .cloned();
    if let Some(active) = status.active_round.clone() {
        if app
            .round
            .as_ref()
            .is_none_or(|r| r.round_id != active.round_id)
        {
            app.input.clear();
            app.selected = 0;
        }
        app.round = Some(active.into());
    } else if app.round.is_some() && !app.busy {
        // The round ended elsewhere (submitted on another device, expired).
        app.round = None;
    }
    app.party = Some(status);
    effects.extend(party_chat::load(app));
    match phase {
        PartyPhase::Lobby => app.screen = Screen::Lobby,
        PartyPhase::Prompt | PartyPhase::Copy | PartyPhase::Vote => {
            app.screen = Screen::Play;
            let owes = mine.as_ref().is_some_and(|p| !p.phase_complete)
                && !matches!(
                    mine.as_ref().map(|p| p.status),
                    Some(ParticipantStatus::Left)
                );
            if app.round.is_none() && owes && !app.busy {
                let kind = match phase {
                    PartyPhase::Prompt => RoundType::Prompt,
                    PartyPhase::Copy => RoundType::Copy,
                    _ => RoundType::Vote,
                };
                app.busy = true;
                effects.push(call(ApiCall::StartRound(session, kind)));
            }
        }
        PartyPhase::Results | PartyPhase::Completed => {
            if app.results.as_ref().is_none_or(|r| r.session_id != session) {
                effects.push(call(ApiCall::Results(session)));
            }
        }
    }
    effects
}

/// An abandoned party (idle too long). Once it had started, its pools were
/// paid and its open rounds refunded: show its results, which say so. A
/// lobby abandoned before the start has nothing to show: back to the
/// dashboard with a word why. Either way its socket has nothing more to say.
fn on_abandoned(app: &mut App, status: PartyStatusResponse) -> Vec<Effect> {
    if status.current_phase == PartyPhase::Lobby {
        leave_party_view(app);
        app.error = Some("The lobby closed: nobody started the party for too long.".into());
        return vec![Effect::CloseWs, call(ApiCall::Dashboard)];
    }
    let session = status.session_id;
    app.seq = app.seq.max(status.seq);
    app.round = None;
    app.busy = false;
    app.confirm_leave = false;
    app.conn = ConnState::Idle;
    app.party = Some(status);
    let mut effects = vec![Effect::CloseWs];
    if app.results.as_ref().is_none_or(|r| r.session_id != session) {
        effects.push(call(ApiCall::Results(session)));
    }
    effects
}
