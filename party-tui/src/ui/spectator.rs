//! The spectator view: a banner (phase, deadline, progress, spectators,
//! the next-game request), the players with their counters, the
//! spectators' chat and its input line. At RESULTS the results take the
//! players' place, drawn by the same code as the players' results screen.

use party_protocol::party::{ParticipantStatus, PartyPhase};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::chat::{ChatBox, chat_box};
use super::screens::phase_name;
use super::theme::{Theme, countdown};
use crate::core::{App, Watch};

pub fn spectator(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(w) = &app.watch else { return };
    let public = app
        .results
        .as_ref()
        .is_some_and(|r| r.session_id == w.session_id());
    if public {
        let [results, chat] =
            Layout::vertical([Constraint::Min(10), Constraint::Length(7)]).areas(area);
        super::results::results(frame, results, app, theme);
        render_chat(frame, chat, w, theme);
        return;
    }
    let [banner, body] = Layout::vertical([Constraint::Length(4), Constraint::Min(6)]).areas(area);
    let [players, chat] =
        Layout::horizontal([Constraint::Min(36), Constraint::Length(40)]).areas(body);
    render_banner(frame, banner, app, w, theme);
    render_players(frame, players, w);
    render_chat(frame, chat, w, theme);
}

fn render_banner(frame: &mut Frame, area: Rect, app: &App, w: &Watch, theme: Theme) {
    let s = &w.status;
    let left = s
        .phase_expires_at
        .map(|at| format!("   ⏱ {} left", countdown(app, at)))
        .unwrap_or_default();
    let p = &s.progress;
    let progress = match s.current_phase {
        PartyPhase::Prompt => format!("prompts {}/{}", p.total_prompts, p.required_prompts),
        PartyPhase::Copy => format!("copies {}/{}", p.total_copies, p.required_copies),
        PartyPhase::Vote => format!("votes {}/{}", p.total_votes, p.required_votes),
        PartyPhase::Lobby => format!(
            "{} of {}–{} players",
            s.participants.len(),
            s.min_players,
            s.max_players
        ),
        PartyPhase::Results | PartyPhase::Completed => "the results are public".into(),
    };
    let watching = s.spectators.as_ref().map_or(0, |l| l.count);
    let next = if w.join_next_game {
        Span::styled("you play the next game", theme.good())
    } else {
        Span::styled("n: play the next game", theme.dim())
    };
    let what = match s.current_phase {
        PartyPhase::Lobby => "waiting for the host to start",
        phase => phase_name(phase),
    };
    let lines = vec![
        Line::from(vec![
            Span::styled(
                format!("WATCHING · {} · {what}", s.current_phase),
                theme.title(),
            ),
            Span::raw(format!("{left}   party {}", s.party_code)),
        ]),
        Line::from(vec![
            Span::raw(format!(
                "{progress} · {}/{} players done · {watching} watching · ",
                p.players_ready_for_next_phase, p.total_players
            )),
            next,
        ]),
    ];
    frame.render_widget(Paragraph::new(lines).block(Block::bordered()), area);
}

fn render_players(frame: &mut Frame, area: Rect, w: &Watch) {
    let s = &w.status;
    let rows = s.participants.iter().map(|p| {
        let (done, need) = match s.current_phase {
            PartyPhase::Prompt => (p.prompts_submitted, p.prompts_required),
            PartyPhase::Copy => (p.copies_submitted, p.copies_required),
            _ => (p.votes_submitted, p.votes_required),
        };
        let state = match s.current_phase {
            PartyPhase::Lobby if p.status == ParticipantStatus::Ready => "ready".to_owned(),
            PartyPhase::Lobby => "…".to_owned(),
            _ => format!("{done}/{need}"),
        };
        let mark = if p.phase_complete && s.current_phase != PartyPhase::Lobby {
            "✓"
        } else if p.is_host {
            "★"
        } else {
            " "
        };
        let marks = if p.is_bot { " (bot)" } else { "" };
        // Borders, the mark and state columns and the gaps between them.
        let room = usize::from(area.width.saturating_sub(11).max(16));
        let name = super::results::fitted_name(p.username.as_str(), marks, room);
        Row::new(vec![Cell::from(mark), Cell::from(name), Cell::from(state)])
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(1),
                Constraint::Min(16),
                Constraint::Length(6),
            ],
        )
        .block(Block::bordered().title(format!(" Players {} ", s.participants.len()))),
        area,
    );
}

fn render_chat(frame: &mut Frame, area: Rect, w: &Watch, theme: Theme) {
    let lines = w
        .chat
        .iter()
        .map(|c| (c.username.as_str(), c.text.as_str()))
        .collect();
    let chat = ChatBox {
        title: " Spectator chat ",
        lines,
        typing: w.typing.then_some(w.input.as_str()),
        keys: "t: say something",
    };
    chat_box(frame, area, &chat, theme);
}
