//! The update function: state + message → new state + effects. Pure: all
//! I/O happens in the runtime that carries out the effects.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::ErrorCode;
use party_protocol::party::{CreatePartyRequest, PartyPhase, PartyStatusResponse, SessionStatus};
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use party_protocol::round::RoundType;

use super::msg::{ApiCall, ApiReply, Effect, Msg, WsEvent};
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

fn call(c: ApiCall) -> Effect {
    Effect::Call(c)
}

fn refresh_status(app: &App) -> Vec<Effect> {
    app.session_id()
        .map(|s| call(ApiCall::Status(s)))
        .into_iter()
        .collect()
}

// ---------------------------------------------------------------- keys

fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c' | 'q')) {
        app.quit = true;
        return vec![Effect::Quit];
    }
    app.error = None;
    if app.help {
        if matches!(key.code, KeyCode::Char('?') | KeyCode::Esc | KeyCode::F(1)) {
            app.help = false;
        }
        return vec![];
    }
    let typing = matches!(app.screen, Screen::SignIn | Screen::Join)
        || (app.screen == Screen::Play
            && app
                .round
                .as_ref()
                .is_some_and(|r| r.kind != RoundType::Vote));
    if key.code == KeyCode::F(1) || (key.code == KeyCode::Char('?') && app.screen != Screen::SignIn)
    {
        app.help = true;
        return vec![];
    }
    match app.screen {
        Screen::SignIn => signin_key(app, key, ctrl),
        Screen::Dashboard => dashboard_key(app, key),
        Screen::Create => create_key(app, key),
        Screen::Join => join_key(app, key),
        Screen::Lobby => lobby_key(app, key),
        Screen::Play => play_key(app, key, ctrl, typing),
        Screen::Results => results_key(app, key),
    }
}

fn signin_key(app: &mut App, key: KeyEvent, ctrl: bool) -> Vec<Effect> {
    let form = &mut app.signin;
    match key.code {
        KeyCode::Tab | KeyCode::Down | KeyCode::Up | KeyCode::BackTab => {
            form.field = 1 - form.field.min(1);
        }
        KeyCode::Backspace => {
            let field = if form.field == 0 {
                &mut form.username
            } else {
                &mut form.password
            };
            field.pop();
        }
        KeyCode::Char('r') if ctrl => {
            if form.username.is_empty() || form.password.is_empty() {
                app.error = Some("Type a username and a password to register.".into());
            } else {
                return vec![call(ApiCall::Register {
                    username: form.username.clone(),
                    password: form.password.clone(),
                })];
            }
        }
        KeyCode::Char(c) if !ctrl => {
            let field = if form.field == 0 {
                &mut form.username
            } else {
                &mut form.password
            };
            if field.chars().count() < 64 {
                field.push(c);
            }
        }
        KeyCode::Enter => {
            if form.username.is_empty() {
                return vec![call(ApiCall::Guest)];
            }
            if form.password.is_empty() {
                form.field = 1;
                return vec![];
            }
            return vec![call(ApiCall::Login {
                username: form.username.clone(),
                password: form.password.clone(),
            })];
        }
        _ => {}
    }
    vec![]
}

fn dashboard_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Char('c') => {
            app.screen = Screen::Create;
            vec![]
        }
        KeyCode::Char('j') => {
            app.screen = Screen::Join;
            app.input.clear();
            vec![]
        }
        KeyCode::Char('r') => match app.dashboard.as_ref().and_then(|d| d.active_party.as_ref()) {
            Some(active) => vec![call(ApiCall::Status(active.session_id))],
            None => vec![],
        },
        KeyCode::Char('g') => vec![call(ApiCall::Dashboard)],
        KeyCode::Char('q') | KeyCode::Esc => {
            app.quit = true;
            vec![Effect::Quit]
        }
        _ => vec![],
    }
}

fn create_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let form = &mut app.create;
    let (lo, hi, step) = super::state::CreateForm::RANGES[form.field];
    match key.code {
        KeyCode::Up | KeyCode::BackTab => form.field = form.field.checked_sub(1).unwrap_or(4),
        KeyCode::Down | KeyCode::Tab => form.field = (form.field + 1) % 5,
        KeyCode::Left | KeyCode::Char('-') => {
            form.values[form.field] = (form.values[form.field] - step).max(lo);
        }
        KeyCode::Right | KeyCode::Char('+') => {
            form.values[form.field] = (form.values[form.field] + step).min(hi);
        }
        KeyCode::Esc => app.screen = Screen::Dashboard,
        KeyCode::Enter => {
            let [min, max, prompts, votes, secs] = form.values;
            if min > max {
                app.error = Some("Min players cannot exceed max players.".into());
                return vec![];
            }
            return vec![call(ApiCall::CreateParty(CreatePartyRequest {
                min_players: Some(min),
                max_players: Some(max),
                prompts_per_player: Some(prompts),
                copies_per_player: Some(2 * prompts),
                votes_per_player: Some(votes),
                phase_seconds: (secs > 0).then_some(secs),
            }))];
        }
        _ => {}
    }
    vec![]
}

fn join_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Esc => app.screen = Screen::Dashboard,
        KeyCode::Backspace => {
            app.input.pop();
        }
        KeyCode::Char(c) if c.is_ascii_alphanumeric() && app.input.len() < 8 => {
            app.input.push(c.to_ascii_uppercase());
        }
        KeyCode::Enter if !app.input.is_empty() => {
            return vec![call(ApiCall::JoinParty(app.input.clone()))];
        }
        _ => {}
    }
    vec![]
}

fn lobby_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let Some(party) = app.party.clone() else {
        return vec![];
    };
    let session = party.session_id;
    let count = party.participants.len();
    match key.code {
        KeyCode::Char('r') => {
            let me = app.my_id();
            let ready = party
                .participants
                .iter()
                .find(|p| Some(p.player_id) == me)
                .is_some_and(|p| p.status == party_protocol::party::ParticipantStatus::Ready);
            vec![call(ApiCall::Ready(session, !ready))]
        }
        KeyCode::Char('s') if app.is_host() => vec![call(ApiCall::Start(session))],
        KeyCode::Char('b') if app.is_host() => vec![call(ApiCall::AddBots(session, 1))],
        KeyCode::Char('k') if app.is_host() => match party.participants.get(app.selected) {
            Some(p) if Some(p.player_id) != app.my_id() => {
                vec![call(ApiCall::Kick(session, p.player_id))]
            }
            _ => {
                app.error = Some("Select another player to remove (↑/↓).".into());
                vec![]
            }
        },
        KeyCode::Up => {
            app.selected = app.selected.saturating_sub(1);
            vec![]
        }
        KeyCode::Down => {
            app.selected = (app.selected + 1).min(count.saturating_sub(1));
            vec![]
        }
        KeyCode::Char('l') => vec![call(ApiCall::Leave(session))],
        KeyCode::Char('q') => {
            app.quit = true;
            vec![Effect::Quit]
        }
        _ => vec![],
    }
}

fn play_key(app: &mut App, key: KeyEvent, ctrl: bool, typing: bool) -> Vec<Effect> {
    let Some(session) = app.session_id() else {
        return vec![];
    };
    if ctrl && key.code == KeyCode::Char('l') {
        return vec![call(ApiCall::Leave(session))];
    }
    let Some(round) = app.round.clone() else {
        if key.code == KeyCode::Char('q') {
            app.quit = true;
            return vec![Effect::Quit];
        }
        return vec![];
    };
    if typing {
        match key.code {
            KeyCode::Char(c)
                if !ctrl
                    && (c.is_ascii_alphabetic() || c == ' ' || c == '\'')
                    && app.input.len() < 100 =>
            {
                app.input.push(c.to_ascii_uppercase());
            }
            KeyCode::Backspace => {
                app.input.pop();
            }
            KeyCode::Enter if !app.input.trim().is_empty() && !app.busy => {
                app.busy = true;
                return vec![call(ApiCall::Submit(
                    session,
                    round.round_id,
                    app.input.trim().to_owned(),
                ))];
            }
            _ => {}
        }
        return vec![];
    }
    // A vote: pick one of three.
    match key.code {
        KeyCode::Up => app.selected = app.selected.saturating_sub(1),
        KeyCode::Down => app.selected = (app.selected + 1).min(2),
        KeyCode::Char(c @ '1'..='3') => app.selected = (c as usize) - ('1' as usize),
        KeyCode::Enter if !app.busy => {
            if let Some(phrases) = &round.phrases {
                app.busy = true;
                let choice = phrases[app.selected.min(2)].clone();
                return vec![call(ApiCall::Submit(session, round.round_id, choice))];
            }
        }
        KeyCode::Char('q') => {
            app.quit = true;
            return vec![Effect::Quit];
        }
        _ => {}
    }
    vec![]
}

fn results_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    match key.code {
        KeyCode::Char('p') if app.is_host() => app
            .session_id()
            .map(|s| call(ApiCall::PlayAgain(s)))
            .into_iter()
            .collect(),
        KeyCode::Char('j') => match &app.invite {
            Some((_, code)) => vec![Effect::CloseWs, call(ApiCall::JoinParty(code.clone()))],
            None => vec![],
        },
        KeyCode::Char('d') | KeyCode::Esc => {
            leave_party_view(app);
            vec![Effect::CloseWs, call(ApiCall::Dashboard)]
        }
        KeyCode::Up => {
            app.selected = app.selected.saturating_sub(1);
            vec![]
        }
        KeyCode::Down => {
            app.selected += 1;
            vec![]
        }
        KeyCode::Char('q') => {
            app.quit = true;
            vec![Effect::Quit]
        }
        _ => vec![],
    }
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

fn show(app: &mut App, err: &ClientError) {
    app.error = Some(err.message.clone());
}

fn leave_party_view(app: &mut App) {
    app.party = None;
    app.round = None;
    app.results = None;
    app.invite = None;
    app.seq = 0;
    app.busy = false;
    app.conn = ConnState::Idle;
    app.screen = Screen::Dashboard;
}

fn on_reply(app: &mut App, reply: ApiReply) -> Vec<Effect> {
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
            let rejoin = d.active_party.as_ref().map(|a| a.session_id);
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
        ApiReply::PartyOpened(Ok(session)) => {
            app.invite = None;
            app.results = None;
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
            app.results = Some(results);
            app.screen = Screen::Results;
            app.selected = 0;
            // The prizes just paid: show the new balance.
            vec![call(ApiCall::Dashboard)]
        }
        ApiReply::Left(Ok(())) => {
            leave_party_view(app);
            vec![Effect::CloseWs, call(ApiCall::Dashboard)]
        }
        ApiReply::PlayAgain(Ok(again)) => {
            leave_party_view(app);
            vec![Effect::CloseWs, call(ApiCall::Status(again.new_session_id))]
        }
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

/// Takes a fresh status as the truth: screen, sequence, the open round.
/// Starts the next round by itself when the phase has begun and the
/// player still owes work; never before.
fn apply_status(app: &mut App, status: PartyStatusResponse) -> Vec<Effect> {
    let mut effects = Vec::new();
    let first = app
        .party
        .as_ref()
        .is_none_or(|p| p.session_id != status.session_id);
    let session = status.session_id;
    if matches!(status.status, SessionStatus::Abandoned) {
        leave_party_view(app);
        app.error = Some("The party ended without results (it was idle too long).".into());
        return vec![Effect::CloseWs, call(ApiCall::Dashboard)];
    }
    app.seq = app.seq.max(status.seq);
    if first {
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
    match phase {
        PartyPhase::Lobby => app.screen = Screen::Lobby,
        PartyPhase::Prompt | PartyPhase::Copy | PartyPhase::Vote => {
            app.screen = Screen::Play;
            let owes = mine.as_ref().is_some_and(|p| !p.phase_complete)
                && !matches!(
                    mine.as_ref().map(|p| p.status),
                    Some(party_protocol::party::ParticipantStatus::Left)
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

// ---------------------------------------------------------------- socket

fn on_socket(app: &mut App, event: WsEvent) -> Vec<Effect> {
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
    if let ServerEvent::SessionUpdate(snapshot) = msg.event {
        let status = snapshot_status(msg.session_id, msg.seq, *snapshot);
        app.seq = msg.seq;
        return apply_status(app, status);
    }
    if matches!(msg.event, ServerEvent::Pong) || msg.seq <= app.seq {
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
                let what = match action.as_str() {
                    "submitted_prompt" => "wrote a prompt",
                    "submitted_copy" => "wrote a copy",
                    _ => "voted",
                };
                app.toast(format!("{username} {what}"));
            }
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
        } => {
            app.invite = Some((new_session_id, party_code.clone()));
            app.toast(format!(
                "The host opened a new lobby ({party_code}): press j to join."
            ));
            vec![]
        }
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

/// A socket snapshot as a status (the envelope holds its id and sequence).
fn snapshot_status(
    session_id: uuid::Uuid,
    seq: i64,
    s: party_protocol::party_ws::SessionSnapshot,
) -> PartyStatusResponse {
    PartyStatusResponse {
        session_id,
        party_code: s.party_code,
        host_player_id: s.host_player_id,
        status: s.status,
        current_phase: s.current_phase,
        phase_started_at: s.phase_started_at,
        phase_expires_at: s.phase_expires_at,
        min_players: s.min_players,
        max_players: s.max_players,
        prompts_per_player: s.prompts_per_player,
        copies_per_player: s.copies_per_player,
        votes_per_player: s.votes_per_player,
        seq,
        participants: s.participants,
        progress: s.progress,
        active_round: s.active_round,
        next_session_id: s.next_session_id,
    }
}
