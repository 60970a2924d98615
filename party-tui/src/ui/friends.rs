//! The friends screen, the invites box of the dashboard, and the one-line
//! dialog drawn over any screen.

use party_protocol::friends::FriendPresence;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, Wrap};

use super::theme::Theme;
use crate::core::App;
use crate::core::friends::{RowKind, rows};

pub fn friends(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let list = rows(app);
    if app.friends.is_none() {
        frame.render_widget(
            Paragraph::new("Loading your friends…").block(Block::bordered().title(" Friends ")),
            area,
        );
        return;
    }
    let count = |k: RowKind| list.iter().filter(|r| r.kind == k).count();
    let table_rows = list.iter().enumerate().map(|(i, r)| {
        let (what, style) = match (r.kind, r.presence) {
            (RowKind::Friend, Some(FriendPresence::InLobby)) => (
                format!(
                    "in lobby {} (j joins)",
                    r.party_code.as_deref().unwrap_or("?")
                ),
                theme.good(),
            ),
            (RowKind::Friend, Some(FriendPresence::Playing)) => ("playing".into(), theme.accent()),
            (RowKind::Friend, Some(FriendPresence::Online)) => ("online".into(), theme.good()),
            (RowKind::Friend, _) => ("offline".into(), theme.dim()),
            (RowKind::Incoming, _) => ("asks to be your friend".into(), theme.accent()),
            (RowKind::Outgoing, _) => ("your request, waiting".into(), theme.dim()),
            (RowKind::Blocked, _) => ("blocked".into(), theme.bad()),
        };
        let mark = match r.kind {
            RowKind::Friend if r.presence != Some(FriendPresence::Offline) => "●",
            RowKind::Friend => "○",
            RowKind::Incoming => "←",
            RowKind::Outgoing => "→",
            RowKind::Blocked => "⊘",
        };
        let row = Row::new(vec![
            Cell::from(mark),
            Cell::from(r.username.clone()),
            Cell::from(Span::styled(what, style)),
        ]);
        if i == app.selected {
            row.style(theme.selected())
        } else {
            row
        }
    });
    let title = format!(
        " Friends {} · requests {} in, {} out · blocked {} ",
        count(RowKind::Friend),
        count(RowKind::Incoming),
        count(RowKind::Outgoing),
        count(RowKind::Blocked)
    );
    if list.is_empty() {
        frame.render_widget(
            Paragraph::new(vec![
                Line::raw("No friends yet."),
                Line::raw(""),
                Line::styled(
                    "Press a and type a username to send a friend request.",
                    theme.dim(),
                ),
            ])
            .block(Block::bordered().title(title)),
            area,
        );
        return;
    }
    frame.render_widget(
        Table::new(
            table_rows,
            [
                ratatui::layout::Constraint::Length(1),
                ratatui::layout::Constraint::Length(24),
                ratatui::layout::Constraint::Min(20),
            ],
        )
        .block(Block::bordered().title(title)),
        area,
    );
}

/// The dashboard's invites, newest first; the chosen one marked.
pub fn invites<'a>(app: &App, theme: Theme) -> Vec<Line<'a>> {
    app.invites
        .iter()
        .enumerate()
        .map(|(i, inv)| {
            let text = format!(
                "{} invites you to party {}",
                inv.inviter_username, inv.party_code
            );
            if i == app.selected.min(app.invites.len().saturating_sub(1)) {
                Line::styled(format!("▸ {text} — y join · n decline"), theme.selected())
            } else {
                Line::raw(format!("  {text}"))
            }
        })
        .collect()
}

/// The open dialog, centered over the body.
pub fn prompt(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(p) = &app.prompt else { return };
    let shown = if p.kind.masked() {
        "•".repeat(p.input.chars().count())
    } else {
        p.input.clone()
    };
    let lines = vec![
        Line::raw(p.kind.label()),
        Line::styled(format!("  {shown}▏"), theme.title()),
        Line::raw(""),
        Line::styled("Enter confirm · Esc cancel", theme.dim()),
    ];
    // An error (a wrong password, say) shows on the status line below.
    // Tall enough to cover the join dialog it opens over.
    let w = area.width.min(56);
    let h = area.height.min(9);
    let popup = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    );
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(p.kind.title())),
        popup,
    );
}
