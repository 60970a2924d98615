//! Key presses, screen by screen: what each key does on the sign-in,
//! dashboard, create, join, lobby, play and results screens (the results'
//! reveal and browsing keys are in [`super::reveal`]; the friends and
//! spectator screens', the invites', an open dialog's, and those of the
//! dashboard's other screens — quick match, public parties, history (and a
//! past party's results), stats, leaderboards — in their own modules).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::party_access::PartyAccess;
use party_protocol::round::RoundType;

use super::common::{call, leave_party_view};
use super::msg::{ApiCall, Effect};
use super::state::{App, CreateForm, PARTY_MODE_OFF, PromptKind, Screen};
use super::{
    friends, history, invites, matchmaking, party_chat, prompt, reactions, records, reel, reveal,
    spectator,
};

pub(super) fn on_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c' | 'q')) {
        app.quit = true;
        return vec![Effect::Quit];
    }
    app.error = None;
    // A letter with Alt or Ctrl is no text (and an Esc sent together with
    // a key reads as Alt-key): the dialogs and the chat line ignore it.
    let modified = key
        .modifiers
        .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT)
        && matches!(key.code, KeyCode::Char(_));
    if app.prompt.is_some() {
        return if modified {
            vec![]
        } else {
            prompt::on_key(app, key.code)
        };
    }
    if app.help {
        if matches!(key.code, KeyCode::Char('?') | KeyCode::Esc | KeyCode::F(1)) {
            app.help = false;
        }
        return vec![];
    }
    let typing = matches!(app.screen, Screen::SignIn | Screen::Join)
        || (app.screen == Screen::Spectate && app.watch.as_ref().is_some_and(|w| w.typing))
        || (app.screen == Screen::Play
            && app
                .round
                .as_ref()
                .is_some_and(|r| r.kind != RoundType::Vote));
    // A chat line takes `?` as text.
    let chatting = matches!(app.screen, Screen::Lobby | Screen::Results) && app.chat.typing;
    if key.code == KeyCode::F(1)
        || (key.code == KeyCode::Char('?') && app.screen != Screen::SignIn && !chatting)
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
        Screen::Friends
        | Screen::Spectate
        | Screen::QuickMatch
        | Screen::PublicParties
        | Screen::History
        | Screen::Stats
        | Screen::Leaderboard
            if modified =>
        {
            vec![]
        }
        Screen::Friends => friends::on_key(app, key.code),
        Screen::Spectate => spectator::on_key(app, key.code),
        Screen::QuickMatch => matchmaking::wait_key(app, key.code),
        Screen::PublicParties => matchmaking::public_key(app, key.code),
        Screen::History => history::on_key(app, key.code),
        Screen::Stats => records::stats_key(app, key.code),
        Screen::Leaderboard => records::board_key(app, key.code),
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
    // The server said every party call would answer 503: say so here
    // instead of opening a dialog whose request must fail.
    let party_key = matches!(
        key.code,
        KeyCode::Char('c' | 'j' | 'r' | 'w' | 'y' | 'm' | 'p' | 'h' | 's' | 'l')
    );
    if app.party_mode_off() && party_key {
        app.error = Some(PARTY_MODE_OFF.into());
        return vec![];
    }
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
            // Rejoining a party the player left goes through join by code.
            Some(active) if active.left => {
                vec![call(ApiCall::JoinParty(active.party_code.to_string()))]
            }
            Some(active) => vec![call(ApiCall::Status(active.session_id))],
            None => vec![],
        },
        KeyCode::Char('g') => vec![call(ApiCall::Dashboard)],
        KeyCode::Char('f') => {
            app.screen = Screen::Friends;
            app.selected = 0;
            vec![call(ApiCall::Friends)]
        }
        KeyCode::Char('w') => {
            prompt::open(app, PromptKind::WatchCode);
            vec![]
        }
        KeyCode::Char('m') => {
            prompt::open(app, PromptKind::QuickMatchWait);
            vec![]
        }
        KeyCode::Char('p') => matchmaking::open_public(app),
        KeyCode::Char('h') => history::open(app),
        KeyCode::Char('s') => records::open_stats(app),
        KeyCode::Char('l') => records::open_board(app),
        KeyCode::Char('y' | 'n') | KeyCode::Up | KeyCode::Down => invites::on_key(app, key.code),
        KeyCode::Char('q') | KeyCode::Esc => {
            app.quit = true;
            vec![Effect::Quit]
        }
        _ => vec![],
    }
}

fn create_key(app: &mut App, key: KeyEvent) -> Vec<Effect> {
    let form = &mut app.create;
    let (lo, hi, step) = CreateForm::RANGES[form.field];
    match key.code {
        KeyCode::Up | KeyCode::BackTab => {
            form.field = form.field.checked_sub(1).unwrap_or(CreateForm::FIELDS - 1);
        }
        KeyCode::Down | KeyCode::Tab => form.field = (form.field + 1) % CreateForm::FIELDS,
        KeyCode::Left | KeyCode::Char('-') => {
            form.values[form.field] = (form.values[form.field] - step).max(lo);
        }
        KeyCode::Right | KeyCode::Char('+') => {
            form.values[form.field] = (form.values[form.field] + step).min(hi);
        }
        KeyCode::Esc => app.screen = Screen::Dashboard,
        KeyCode::Enter => {
            if form.values[0] > form.values[1] {
                app.error = Some("Min players cannot exceed max players.".into());
                return vec![];
            }
            if form.access() == PartyAccess::Password {
                prompt::open(app, PromptKind::CreatePassword);
                return vec![];
            }
            return vec![call(ApiCall::CreateParty(form.request()))];
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
    if let Some(effects) = party_chat::on_key(app, key.code) {
        return effects;
    }
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
        KeyCode::Char('a') if app.is_host() => match party.access {
            // Each press moves to the next mode; a password is asked for.
            PartyAccess::Open => {
                prompt::open(app, PromptKind::AccessPassword(session));
                vec![]
            }
            PartyAccess::Password => vec![call(ApiCall::SetAccess(
                session,
                PartyAccess::InviteOnly,
                None,
            ))],
            PartyAccess::InviteOnly => {
                vec![call(ApiCall::SetAccess(session, PartyAccess::Open, None))]
            }
        },
        KeyCode::Char('i') if app.is_host() => {
            prompt::open(app, PromptKind::Invite(session));
            // Tab offers the friends' names: load them.
            vec![call(ApiCall::Friends)]
        }
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
    if app.confirm_leave {
        app.confirm_leave = false;
        if !ctrl && matches!(key.code, KeyCode::Char('y' | 'Y')) {
            return vec![call(ApiCall::Leave(session))];
        }
        app.toast("Still in the party.");
        return vec![];
    }
    if ctrl && key.code == KeyCode::Char('l') {
        app.confirm_leave = true;
        return vec![];
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
    // The reel, while it shows, takes every key; else typing goes to the
    // chat line before the reveal's keys (and `h` opens the reel).
    if app.reel.is_some()
        && let Some(effects) = reel::on_key(app, key.code)
    {
        return effects;
    }
    if let Some(effects) = party_chat::on_key(app, key.code) {
        return effects;
    }
    if let Some(effects) = reel::on_key(app, key.code) {
        return effects;
    }
    if let Some(effects) = reactions::on_key(app, key.code) {
        return effects;
    }
    if let Some(effects) = reveal::on_key(app, key.code) {
        return effects;
    }
    if let Some(effects) = history::past_key(app, key.code) {
        return effects;
    }
    match key.code {
        KeyCode::Char('p') if app.is_host() && !app.results_abandoned() => app
            .session_id()
            .map(|s| call(ApiCall::PlayAgain(s)))
            .into_iter()
            .collect(),
        KeyCode::Char('j') => match &app.invite {
            Some((_, code)) => vec![Effect::CloseWs, call(ApiCall::JoinParty(code.to_string()))],
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
