//! A chat box: the newest lines that fit, oldest at the top, and the line
//! being typed. The spectators' chat and the players' party chat (lobby
//! and scoreboard) both draw with it.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::theme::Theme;
use crate::core::App;

/// What a chat box shows.
pub(super) struct ChatBox<'a> {
    pub title: &'a str,
    /// (who, what), oldest first.
    pub lines: Vec<(&'a str, &'a str)>,
    /// The line being typed, while typing.
    pub typing: Option<&'a str>,
    /// The keys to say something (and more), while not typing.
    pub keys: &'a str,
}

pub(super) fn chat_box(frame: &mut Frame, area: Rect, chat: &ChatBox<'_>, theme: Theme) {
    let block = Block::bordered().title(chat.title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let [lines_area, input] =
        Layout::vertical([Constraint::Min(1), Constraint::Length(1)]).areas(inner);
    let room = lines_area.height as usize;
    let skip = chat.lines.len().saturating_sub(room);
    let lines: Vec<Line> = chat
        .lines
        .iter()
        .skip(skip)
        .map(|(who, text)| {
            Line::from(vec![
                Span::styled(format!("{who}: "), theme.accent()),
                Span::raw(*text),
            ])
        })
        .collect();
    let lines = if lines.is_empty() {
        vec![Line::styled("No messages yet.", theme.dim())]
    } else {
        lines
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: true }), lines_area);
    let prompt = match chat.typing {
        Some(input) => Line::styled(format!("> {input}▏"), theme.accent()),
        None => Line::styled(chat.keys, theme.dim()),
    };
    frame.render_widget(Paragraph::new(prompt), input);
}

/// The players' chat of the party on screen.
pub(super) fn party_chat(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let chat = &app.chat;
    let title = if chat.muted.is_empty() {
        " Chat ".to_owned()
    } else {
        format!(" Chat · {} muted ", chat.muted.len())
    };
    let lines = chat
        .lines
        .iter()
        .map(|m| (m.username.as_str(), m.text.as_str()))
        .collect();
    let typing = chat.typing.then_some(chat.input.as_str());
    chat_box(
        frame,
        area,
        &ChatBox {
            title: &title,
            lines,
            typing,
            keys: "t: say · m: mute (↑↓ player)",
        },
        theme,
    );
}
