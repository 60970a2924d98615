//! The quick-match wait screen and the public lobby list.

use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use time::macros::format_description;

use super::screens::access_label;
use super::theme::{Theme, countdown, elapsed};
use crate::core::App;
use crate::core::matchmaking::PUBLIC_PAGE;

/// A time of day as `hh:mm:ss` (UTC, as the server keeps it).
fn clock(at: time::OffsetDateTime) -> String {
    at.format(format_description!("[hour]:[minute]:[second]"))
        .unwrap_or_default()
}

pub fn quick_match(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(quick) = &app.quick else {
        frame.render_widget(Paragraph::new("Not queued."), area);
        return;
    };
    let mut lines = vec![
        Line::styled("Looking for players…", theme.title()),
        Line::raw(""),
    ];
    match &quick.queued {
        None => lines.push(Line::styled("Joining the queue…", theme.dim())),
        Some(q) => {
            lines.push(Line::raw(format!(
                "Queued since {} UTC ({} ago)",
                clock(q.queued_at),
                elapsed(app, q.queued_at)
            )));
            lines.push(Line::raw(format!(
                "Place {} of {} in the queue · parties of {}",
                q.position, q.queue_length, q.party_size
            )));
        }
    }
    let fill_at = quick.queued.as_ref().and_then(|q| q.bot_fill_at);
    lines.push(match (quick.bot_fill_after, fill_at) {
        (None, _) => Line::raw("Humans only: you wait for people, never bots."),
        (Some(secs), Some(at)) => Line::raw(format!(
            "Bots fill the party after {secs} s: at {} UTC (in {})",
            clock(at),
            countdown(app, at)
        )),
        (Some(secs), None) => Line::raw(format!("Bots fill the party after {secs} s.")),
    });
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        "You land in the lobby as soon as the party forms.",
        theme.dim(),
    ));
    lines.push(Line::styled("l or Esc leaves the queue.", theme.dim()));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Quick match ")),
        area,
    );
}

pub fn public_parties(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let list = &app.public;
    let title = format!(" Public parties · page {} ", list.offset / PUBLIC_PAGE + 1);
    let Some(loaded) = &list.page else {
        frame.render_widget(
            Paragraph::new("Loading the public lobbies…").block(Block::bordered().title(title)),
            area,
        );
        return;
    };
    if loaded.parties.is_empty() {
        frame.render_widget(
            Paragraph::new(vec![
                Line::raw("No public lobby has a free seat right now."),
                Line::raw(""),
                Line::styled(
                    "m on the dashboard finds you a quick match; c starts a party.",
                    theme.dim(),
                ),
            ])
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(title)),
            area,
        );
        return;
    }
    let rows = loaded.parties.iter().enumerate().map(|(i, p)| {
        let row = Row::new(vec![
            Cell::from(p.party_code.to_string()),
            Cell::from(p.host_username.clone()),
            Cell::from(format!("{}/{}", p.participant_count, p.max_players)),
            Cell::from(access_label(p.access)),
            Cell::from(clock(p.created_at)),
        ]);
        if i == app.selected {
            row.style(theme.selected())
        } else {
            row
        }
    });
    let more = if loaded.next_offset.is_some() {
        " → more "
    } else {
        ""
    };
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(9),
                Constraint::Min(16),
                Constraint::Length(7),
                Constraint::Length(26),
                Constraint::Length(8),
            ],
        )
        .header(
            Row::new(vec!["Code", "Host", "Players", "Who may join", "Opened"]).style(theme.dim()),
        )
        .block(Block::bordered().title(title).title_bottom(more)),
        area,
    );
}
