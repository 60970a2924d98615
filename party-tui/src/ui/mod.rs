//! Rendering: a pure function of the state. Every screen fits 80×24; colors
//! are dropped when `NO_COLOR` is set.

#[cfg(test)]
mod browse_tests;
mod chat;
#[cfg(test)]
mod chat_tests;
mod friends;
mod history;
mod matchmaking;
mod reactions;
#[cfg(test)]
mod reactions_tests;
mod results;
mod reveal;
#[cfg(test)]
mod reveal_tests;
mod screens;
#[cfg(test)]
mod social_tests;
mod spectator;
#[cfg(test)]
mod tests;
mod theme;

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph, Wrap};

use crate::core::{App, ConnState, RevealMode, Screen};

pub use theme::{Theme, countdown};

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App, theme: Theme) {
    let [header, body, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(10),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    render_header(frame, header, app, theme);
    match app.screen {
        Screen::SignIn => screens::signin(frame, body, app, theme),
        Screen::Dashboard => screens::dashboard(frame, body, app, theme),
        Screen::Create => screens::create(frame, body, app, theme),
        Screen::Join => screens::join(frame, body, app, theme),
        Screen::Lobby => screens::lobby(frame, body, app, theme),
        Screen::Play => screens::play(frame, body, app, theme),
        Screen::Results => results::results(frame, body, app, theme),
        Screen::Friends => friends::friends(frame, body, app, theme),
        Screen::Spectate => spectator::spectator(frame, body, app, theme),
        Screen::QuickMatch => matchmaking::quick_match(frame, body, app, theme),
        Screen::PublicParties => matchmaking::public_parties(frame, body, app, theme),
        Screen::History => history::history(frame, body, app, theme),
        Screen::Stats => history::stats(frame, body, app, theme),
        Screen::Leaderboard => history::leaderboard(frame, body, app, theme),
    }
    render_status(frame, status, app, theme);
    frame.render_widget(Paragraph::new(key_hints(app)).style(theme.dim()), keys);
    if app.help {
        render_help(frame, body, app, theme);
    }
    friends::prompt(frame, body, app, theme);
    if let (Screen::Results, Some(text)) = (app.screen, &app.reel) {
        results::reel(frame, body, text, app.reel_scroll, theme);
    }
}

fn render_header(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let mut spans = vec![Span::styled("Quipflip Party", theme.title())];
    // Before the rest, so a narrow terminal never cuts the warning off.
    if app.unencrypted {
        spans.push(Span::styled(" · ⚠ not encrypted", theme.bad()));
    }
    if let Some((_, name)) = &app.me {
        spans.push(Span::raw(format!(" · {name}")));
    }
    if let Some(d) = &app.dashboard {
        spans.push(Span::raw(format!(
            " · {} FC (vault {})",
            d.wallet.get(),
            d.vault.get()
        )));
    }
    // Watching, the spectator socket is the one to show.
    let conn = app.watch.as_ref().map_or(app.conn, |w| w.conn);
    let (label, style) = match conn {
        ConnState::Idle => ("", theme.dim()),
        ConnState::Connecting => (" · connecting…", theme.dim()),
        ConnState::Live => (" · ● live", theme.good()),
        ConnState::Reconnecting { .. } => (" · ○ reconnecting", theme.bad()),
        ConnState::Polling => (" · ◌ polling", theme.bad()),
    };
    spans.push(Span::styled(label, style));
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

fn render_status(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let line = if let Some(err) = &app.error {
        Line::styled(format!("✗ {err}"), theme.bad())
    } else if let Some(t) = app.toasts.back() {
        Line::styled(format!("» {}", t.text), theme.accent())
    } else {
        Line::raw("")
    };
    frame.render_widget(Paragraph::new(line), area);
}

/// The one-line key hints of the current screen.
pub fn key_hints(app: &App) -> String {
    if app.prompt.is_some() {
        return "Enter confirm · Esc cancel".to_owned();
    }
    if app.screen == Screen::Results && app.reel.is_some() {
        return "↑↓ scroll · s save to a file · h/Esc close · select the text to copy it"
            .to_owned();
    }
    let hints = match app.screen {
        Screen::SignIn => {
            "Enter sign in (empty name: guest) · Ctrl-R register · Tab field · Ctrl-C quit"
        }
        Screen::Dashboard if app.party_mode_off() => "g refresh · ? help · q quit",
        Screen::Dashboard if !app.invites.is_empty() => {
            "y join invite · n decline · ↑↓ choose · [key] in the menu · ? help · q quit"
        }
        Screen::Dashboard => "[key] in the menu · r rejoin · g refresh · ? help · q quit",
        Screen::QuickMatch => "l leave the queue · g refresh · Ctrl-C quit (still queued)",
        Screen::PublicParties => "↑↓ choose · Enter join · ←→ page · g refresh · Esc back",
        Screen::History => "↑↓ choose · Enter open · ←→ newer/older · g refresh · Esc back",
        Screen::Stats => "g refresh · Esc back · q quit",
        Screen::Leaderboard => "←→ board · p week/all time · g refresh · Esc back · q quit",
        Screen::Friends => {
            "a add · y/n accept/decline · c cancel · x remove · b/u block · j join · Esc"
        }
        Screen::Spectate if app.watch.as_ref().is_some_and(|w| w.typing) => {
            "type a message · Enter send · Esc stop typing"
        }
        Screen::Spectate if app.reveal.is_some() => {
            "Enter/→ next · ← back · s skip to the scores · t chat · l leave"
        }
        Screen::Spectate => "t chat · n join next game on/off · l leave · ? help · q quit",
        Screen::Create => "↑↓ field · ←→ value · Enter create · Esc back",
        Screen::Join => "type the code · Enter join · Esc back",
        Screen::Lobby | Screen::Results if app.chat.typing => {
            "type a message · Enter send · Esc stop typing"
        }
        Screen::Lobby if app.is_host() => {
            "r ready · s start · i invite · a access · b bot · k remove · l leave · q quit"
        }
        Screen::Lobby => "r ready · t chat · m mute · l leave · ? help · q quit",
        Screen::Play if app.confirm_leave => "Leave the party? y/n",
        Screen::Play => match &app.round {
            Some(r) if r.kind == party_protocol::round::RoundType::Vote => {
                "↑↓/1-3 choose · Enter vote · Ctrl-L leave · ? help"
            }
            Some(_) => "type your phrase · Enter submit · Ctrl-L leave · ? help",
            None => "waiting… · Ctrl-L leave · ? help · q quit",
        },
        Screen::Results if crate::core::picked(app).is_some() => match app.reveal.map(|r| r.mode) {
            Some(RevealMode::Playing) => {
                "↑↓ pick · 1-5 react · f favourite · Enter/→ next · s skip to the scores"
            }
            _ => "↑↓ pick · 1-5 react · f favourite · ←→ phraseset · Esc scoreboard",
        },
        Screen::Results => match app.reveal.map(|r| r.mode) {
            Some(RevealMode::Playing) => "Enter/→ next · ← back · s skip to the scores · q quit",
            Some(RevealMode::Browsing) if app.past.is_some() => {
                "←→ phraseset · Esc scoreboard · d the history · q quit"
            }
            None if app.past.is_some() => {
                "Esc back to the history · ↑↓ scroll · ←→ phrasesets · q quit"
            }
            Some(RevealMode::Browsing) => "←→ phraseset · Esc scoreboard · d dashboard · q quit",
            None if app.results_abandoned() => "d dashboard · ↑↓ scroll · ←→ phrasesets · q quit",
            None if app.is_host() => {
                "p play again · d dashboard · ↑↓ scroll · ←→ phrasesets · q quit"
            }
            None => "j join the next game · d dashboard · ↑↓ scroll · ←→ phrasesets · q quit",
        },
    };
    hints.to_owned()
}

/// The help's keys: the footer's, or on the dashboard (whose footer
/// points at its menu) every one of them.
fn help_keys(app: &App) -> String {
    if app.screen == Screen::Dashboard && app.prompt.is_none() && !app.party_mode_off() {
        return "c start · j join · m quick match · p public parties · w watch · f friends · \
                h history · s stats · l leaderboards · y/n invite · r rejoin · g refresh · q quit"
            .to_owned();
    }
    if app.screen == Screen::Results && app.reel.is_none() {
        return format!("{} · h the highlight reel", key_hints(app));
    }
    key_hints(app)
}

fn render_help(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let w = area.width.min(64);
    let h = area.height.min(16);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    let text = vec![
        Line::styled("How to play", theme.title()),
        Line::raw("1. PROMPT: write an original phrase (2–5 words) for the prompt."),
        Line::raw("2. COPY: write an impostor for someone's phrase — blind."),
        Line::raw("3. VOTE: spot the original among three phrases."),
        Line::raw("Coins are real: entries cost, good votes and fooling pay."),
        Line::raw(""),
        Line::styled("Keys here", theme.title()),
        Line::raw(help_keys(app)),
        Line::raw("Ctrl-C quits anywhere; your party waits for you."),
        Line::raw(""),
        Line::styled("? or Esc closes this help", theme.dim()),
    ];
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Help ")),
        popup,
    );
}
