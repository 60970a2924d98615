//! The reveal: when a party's results arrive, its phrasesets play one at a
//! time before the scoreboard — the prompt, the three phrases, then the
//! original marked with every phrase's author, voters and prize — moving on
//! by a key or by the clock, skippable with one key. From the scoreboard
//! the same phrasesets can be paged through afterwards.

use crossterm::event::KeyCode;
use party_protocol::round::PhrasesetResults;
use party_protocol::{ErrorCode, PhrasesetId};

use super::common::call;
use super::msg::{ApiCall, Effect};
use super::state::{App, Reveal, RevealMode, RevealStep, SetDetails};
use crate::api::ApiResult;

/// How many party phrasesets the results hold.
fn set_count(app: &App) -> usize {
    app.results
        .as_ref()
        .map_or(0, |r| r.phrasesets_summary.len())
}

/// Starts the reveal of the results just received (none without a party
/// phraseset) and asks for every set's voters and prizes, which the results
/// summary does not carry.
pub(super) fn start(app: &mut App) -> Vec<Effect> {
    app.set_details.clear();
    let ids: Vec<PhrasesetId> = app
        .results
        .iter()
        .flat_map(|r| r.phrasesets_summary.iter().map(|s| s.phraseset_id))
        .collect();
    app.reveal = (!ids.is_empty()).then_some(Reveal {
        set: 0,
        step: RevealStep::Prompt,
        mode: RevealMode::Playing,
        since: app.now,
    });
    ids.into_iter()
        .map(|id| call(ApiCall::PhrasesetResults(id)))
        .collect()
}

/// Keeps a set's voters and prizes, or notes that they are not to be had.
/// Answers about sets of other results (a party left meanwhile) are dropped.
pub(super) fn on_details(app: &mut App, id: PhrasesetId, result: ApiResult<PhrasesetResults>) {
    let ours = app
        .results
        .as_ref()
        .is_some_and(|r| r.phrasesets_summary.iter().any(|s| s.phraseset_id == id));
    if ours {
        let details = match result {
            Ok(results) => SetDetails::Loaded(Box::new(results)),
            Err(err) if err.is(ErrorCode::NotAContributor) => SetDetails::Withheld,
            Err(_) => SetDetails::Failed,
        };
        app.set_details.insert(id, details);
    }
}

/// The clock: a playing step that has been up long enough gives way.
pub(super) fn on_tick(app: &mut App) {
    if let Some(r) = app.reveal
        && r.mode == RevealMode::Playing
        && (app.now - r.since).whole_seconds() >= r.step.seconds()
    {
        advance(app);
    }
}

/// The next step, the next set, or after the last set the scoreboard.
fn advance(app: &mut App) {
    let count = set_count(app);
    let now = app.now;
    let Some(r) = app.reveal.as_mut() else { return };
    r.since = now;
    if let Some(step) = r.step.next() {
        r.step = step;
    } else if r.set + 1 < count {
        r.set += 1;
        r.step = RevealStep::Prompt;
    } else {
        app.reveal = None;
    }
}

/// The previous step, or the previous set's last one; the first step stays.
fn back(app: &mut App) {
    let now = app.now;
    let Some(r) = app.reveal.as_mut() else { return };
    r.since = now;
    if let Some(step) = r.step.previous() {
        r.step = step;
    } else if r.set > 0 {
        r.set -= 1;
        r.step = RevealStep::Original;
    }
}

/// Shows set `set` whole, until a key: browsing from the scoreboard.
fn browse(app: &mut App, set: usize) {
    app.reveal = Some(Reveal {
        set,
        step: RevealStep::Original,
        mode: RevealMode::Browsing,
        since: app.now,
    });
}

/// The results screen's reveal and browsing keys. `None`: not one of them,
/// the scoreboard's keys apply (play again, dashboard, quit work anywhere).
pub(super) fn on_key(app: &mut App, code: KeyCode) -> Option<Vec<Effect>> {
    let count = set_count(app);
    match app.reveal {
        Some(r) if r.mode == RevealMode::Playing => match code {
            KeyCode::Enter | KeyCode::Char(' ') | KeyCode::Right => advance(app),
            KeyCode::Left | KeyCode::Backspace => back(app),
            KeyCode::Char('s') | KeyCode::Esc => app.reveal = None,
            _ => return None,
        },
        Some(r) => match code {
            KeyCode::Right | KeyCode::Char(' ') => {
                browse(app, (r.set + 1).min(count.saturating_sub(1)));
            }
            KeyCode::Left => browse(app, r.set.saturating_sub(1)),
            KeyCode::Esc | KeyCode::Char('v') => app.reveal = None,
            _ => return None,
        },
        None if count > 0 => match code {
            KeyCode::Right | KeyCode::Char('v') => browse(app, 0),
            KeyCode::Left => browse(app, count - 1),
            _ => return None,
        },
        None => return None,
    }
    Some(vec![])
}
