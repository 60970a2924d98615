//! What every screen shares: the [`Theme`] (colors, or none under
//! `NO_COLOR`) and the countdown format.

use ratatui::style::{Color, Modifier, Style};

use crate::core::App;

/// Styles, or none at all under `NO_COLOR`.
#[derive(Debug, Clone, Copy)]
pub struct Theme {
    pub color: bool,
}

impl Theme {
    pub fn from_env() -> Self {
        Theme {
            color: std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
        }
    }

    fn fg(self, c: Color) -> Style {
        if self.color {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn title(self) -> Style {
        self.fg(Color::Yellow).add_modifier(Modifier::BOLD)
    }

    pub fn accent(self) -> Style {
        self.fg(Color::Cyan)
    }

    pub fn good(self) -> Style {
        self.fg(Color::Green)
    }

    pub fn bad(self) -> Style {
        self.fg(Color::Red)
    }

    pub fn dim(self) -> Style {
        if self.color {
            Style::new().fg(Color::DarkGray)
        } else {
            Style::new()
        }
    }

    pub fn selected(self) -> Style {
        if self.color {
            Style::new().fg(Color::Black).bg(Color::Cyan)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }
}

/// `mm:ss` since `at`, or `0:00`.
pub fn elapsed(app: &App, at: time::OffsetDateTime) -> String {
    let secs = (app.now - at).whole_seconds().max(0);
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// `mm:ss` until `at`, or `0:00`.
pub fn countdown(app: &App, at: time::OffsetDateTime) -> String {
    let secs = (at - app.now).whole_seconds().max(0);
    format!("{}:{:02}", secs / 60, secs % 60)
}
