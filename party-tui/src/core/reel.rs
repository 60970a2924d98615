//! The highlight reel over the results screen (`h`): the finished party as
//! a few lines of text ([`crate::highlights`]) to read (↑↓ scroll), select
//! and copy, or save (`s`) to a file in the client's data directory.

use crossterm::event::KeyCode;

use super::msg::Effect;
use super::state::App;

/// Handles a key on the results screen if it concerns the reel: opens it
/// with `h`; while it shows, every key is its own (`s` saves, `h`/Esc
/// close). `None`: not the reel's key.
pub(super) fn on_key(app: &mut App, code: KeyCode) -> Option<Vec<Effect>> {
    if app.reel.is_none() {
        if code != KeyCode::Char('h') {
            return None;
        }
        app.reel = app.results.as_ref().map(crate::highlights::reel);
        app.reel_scroll = 0;
        return Some(vec![]);
    }
    match code {
        KeyCode::Char('h') | KeyCode::Esc => app.reel = None,
        KeyCode::Up => app.reel_scroll = app.reel_scroll.saturating_sub(1),
        KeyCode::Down => {
            let lines = app.reel.as_deref().map_or(0, |t| t.lines().count());
            let last = u16::try_from(lines.saturating_sub(1)).unwrap_or(u16::MAX);
            app.reel_scroll = (app.reel_scroll + 1).min(last);
        }
        KeyCode::Char('s') => {
            if let (Some(text), Some(results)) = (&app.reel, &app.results) {
                return Some(vec![Effect::SaveText {
                    file_name: file_name(results),
                    text: text.clone(),
                }]);
            }
        }
        _ => {}
    }
    Some(vec![])
}

/// `highlights-CODE-YYYY-MM-DD.txt`: one file per party and day.
fn file_name(results: &party_protocol::party::PartyResultsResponse) -> String {
    let day = results
        .completed_at
        .map_or_else(|| "unfinished".to_owned(), |at| at.date().to_string());
    format!("highlights-{}-{day}.txt", results.party_code)
}

/// The runtime wrote the reel (or could not).
pub(super) fn on_saved(app: &mut App, saved: Result<String, String>) -> Vec<Effect> {
    match saved {
        Ok(path) => app.toast(format!("Highlights saved to {path}")),
        Err(why) => app.error = Some(why),
    }
    vec![]
}

#[cfg(test)]
mod tests {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

    use crate::core::msg::{Effect, Msg};
    use crate::core::state::Screen;
    use crate::core::update::update;
    use crate::fixtures;

    fn press(app: &mut crate::core::state::App, code: KeyCode) -> Vec<Effect> {
        update(app, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    #[test]
    fn h_shows_the_reel_s_saves_it_and_esc_closes_it() {
        let mut app = fixtures::app(Screen::Results);
        app.results = Some(fixtures::results());
        assert!(press(&mut app, KeyCode::Char('h')).is_empty());
        let text = app.reel.clone().expect("the reel shows");
        assert!(text.contains("HEJY4883"));
        // While it shows, the results' own keys do nothing.
        assert!(press(&mut app, KeyCode::Char('d')).is_empty());
        assert_eq!(app.screen, Screen::Results);
        match press(&mut app, KeyCode::Char('s')).as_slice() {
            [
                Effect::SaveText {
                    file_name,
                    text: saved,
                },
            ] => {
                assert_eq!(file_name, "highlights-HEJY4883-2026-11-24.txt");
                assert_eq!(saved, &text);
            }
            other => panic!("expected one save, got {other:?}"),
        }
        update(&mut app, Msg::Saved(Ok("/data/h.txt".into())));
        assert_eq!(
            app.toasts.back().map(|t| t.text.as_str()),
            Some("Highlights saved to /data/h.txt")
        );
        update(&mut app, Msg::Saved(Err("no data directory".into())));
        assert_eq!(app.error.as_deref(), Some("no data directory"));
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Down);
        press(&mut app, KeyCode::Up);
        assert_eq!(app.reel_scroll, 1, "↑↓ scroll the reel");
        press(&mut app, KeyCode::Esc);
        assert!(app.reel.is_none());
        assert_eq!(app.screen, Screen::Results, "Esc closed only the reel");
    }
}
