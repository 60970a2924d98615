//! Update-logic tests of the reveal: results start it and ask for every
//! set's voters and prizes; keys and the clock move it on; one key skips it;
//! the scoreboard pages through the sets.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::ErrorCode;
use party_protocol::party::PartyPhase;
use time::Duration;

use super::{
    ApiCall, ApiReply, App, ConnState, Effect, Msg, RevealMode, RevealStep, Screen, SetDetails,
    update,
};
use crate::api::ClientError;
use crate::fixtures::{self, NOW, app, session, set_id, set_results};

fn key(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn results_arrive(a: &mut App) -> Vec<Effect> {
    update(
        a,
        Msg::Api(Box::new(ApiReply::Results(Ok(fixtures::results())))),
    )
}

/// Alice's client the moment the party's results arrive.
fn revealing() -> App {
    let mut a = app(Screen::Play);
    a.party = Some(fixtures::status(PartyPhase::Results));
    a.conn = ConnState::Live;
    results_arrive(&mut a);
    a
}

/// (set, step, mode) on screen, `None` on the scoreboard.
fn at(a: &App) -> Option<(usize, RevealStep, RevealMode)> {
    a.reveal.map(|r| (r.set, r.step, r.mode))
}

const PLAYING: RevealMode = RevealMode::Playing;
const BROWSING: RevealMode = RevealMode::Browsing;

#[test]
fn results_start_the_reveal_and_ask_for_every_sets_voters_and_prizes() {
    let mut a = app(Screen::Play);
    a.party = Some(fixtures::status(PartyPhase::Results));
    let effects = results_arrive(&mut a);
    assert_eq!(a.screen, Screen::Results);
    assert_eq!(at(&a), Some((0, RevealStep::Prompt, PLAYING)));
    assert_eq!(
        effects,
        vec![
            Effect::Call(ApiCall::Dashboard),
            Effect::Call(ApiCall::PhrasesetResults(set_id(0))),
            Effect::Call(ApiCall::PhrasesetResults(set_id(1))),
            // The reactions to the phrases, for the reveal and the awards.
            Effect::Call(ApiCall::Reactions(fixtures::session())),
        ]
    );
}

#[test]
fn results_without_party_phrasesets_show_the_scoreboard_at_once() {
    let mut a = app(Screen::Play);
    let mut results = fixtures::results();
    results.phrasesets_summary.clear();
    let effects = update(&mut a, Msg::Api(Box::new(ApiReply::Results(Ok(results)))));
    assert_eq!(a.screen, Screen::Results);
    assert_eq!(a.reveal, None);
    assert_eq!(
        effects,
        vec![
            Effect::Call(ApiCall::Dashboard),
            Effect::Call(ApiCall::Reactions(fixtures::session())),
        ]
    );
}

#[test]
fn the_same_results_again_leave_the_screen_as_it_is() {
    let mut a = revealing();
    update(&mut a, key(KeyCode::Char('s')));
    let effects = results_arrive(&mut a);
    assert_eq!(a.reveal, None, "a reload must not replay the reveal");
    assert_eq!(effects, vec![Effect::Call(ApiCall::Dashboard)]);
}

#[test]
fn keys_advance_step_by_step_then_set_by_set_and_go_back() {
    let mut a = revealing();
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(at(&a), Some((0, RevealStep::Phrases, PLAYING)));
    update(&mut a, key(KeyCode::Char(' ')));
    assert_eq!(at(&a), Some((0, RevealStep::Original, PLAYING)));
    update(&mut a, key(KeyCode::Right));
    assert_eq!(at(&a), Some((1, RevealStep::Prompt, PLAYING)));
    update(&mut a, key(KeyCode::Left));
    assert_eq!(at(&a), Some((0, RevealStep::Original, PLAYING)));
    for _ in 0..3 {
        update(&mut a, key(KeyCode::Left));
    }
    assert_eq!(
        at(&a),
        Some((0, RevealStep::Prompt, PLAYING)),
        "the first step stays"
    );
}

#[test]
fn after_the_last_set_the_scoreboard_shows() {
    let mut a = revealing();
    for _ in 0..5 {
        update(&mut a, key(KeyCode::Enter));
    }
    assert_eq!(at(&a), Some((1, RevealStep::Original, PLAYING)));
    update(&mut a, key(KeyCode::Enter));
    assert_eq!(at(&a), None);
    assert_eq!(a.screen, Screen::Results);
}

#[test]
fn the_clock_moves_each_step_on_after_its_seconds() {
    let mut a = revealing();
    let tick = |a: &mut App, secs: i64| update(a, Msg::Tick(NOW + Duration::seconds(secs)));
    tick(&mut a, RevealStep::Prompt.seconds() - 1);
    assert_eq!(at(&a), Some((0, RevealStep::Prompt, PLAYING)));
    let t = RevealStep::Prompt.seconds();
    tick(&mut a, t);
    assert_eq!(at(&a), Some((0, RevealStep::Phrases, PLAYING)));
    // Each step counts from when it came on screen.
    tick(&mut a, t + RevealStep::Phrases.seconds() - 1);
    assert_eq!(at(&a), Some((0, RevealStep::Phrases, PLAYING)));
    let t = t + RevealStep::Phrases.seconds();
    tick(&mut a, t);
    assert_eq!(at(&a), Some((0, RevealStep::Original, PLAYING)));
    let t = t + RevealStep::Original.seconds();
    tick(&mut a, t);
    assert_eq!(at(&a), Some((1, RevealStep::Prompt, PLAYING)));
}

#[test]
fn a_key_restarts_the_steps_clock() {
    let mut a = revealing();
    update(&mut a, Msg::Tick(NOW + Duration::seconds(2)));
    update(&mut a, key(KeyCode::Enter));
    update(&mut a, Msg::Tick(NOW + Duration::seconds(6)));
    assert_eq!(
        at(&a),
        Some((0, RevealStep::Phrases, PLAYING)),
        "the phrases stay their full time after the key"
    );
}

#[test]
fn one_key_skips_to_the_scoreboard() {
    for skip in [KeyCode::Char('s'), KeyCode::Esc] {
        let mut a = revealing();
        update(&mut a, key(KeyCode::Enter));
        assert_eq!(update(&mut a, key(skip)), vec![]);
        assert_eq!(at(&a), None);
        assert_eq!(a.screen, Screen::Results, "{skip:?} stays on the results");
    }
}

#[test]
fn the_scoreboard_pages_through_the_phrasesets() {
    let mut a = revealing();
    update(&mut a, key(KeyCode::Char('s')));
    update(&mut a, key(KeyCode::Right));
    assert_eq!(at(&a), Some((0, RevealStep::Original, BROWSING)));
    update(&mut a, key(KeyCode::Right));
    assert_eq!(at(&a), Some((1, RevealStep::Original, BROWSING)));
    update(&mut a, key(KeyCode::Right));
    assert_eq!(at(&a), Some((1, RevealStep::Original, BROWSING)), "stays");
    // A browsed set stays until a key.
    update(&mut a, Msg::Tick(NOW + Duration::minutes(5)));
    assert_eq!(at(&a), Some((1, RevealStep::Original, BROWSING)));
    update(&mut a, key(KeyCode::Left));
    assert_eq!(at(&a), Some((0, RevealStep::Original, BROWSING)));
    update(&mut a, key(KeyCode::Esc));
    assert_eq!(at(&a), None);
    assert_eq!(a.screen, Screen::Results, "Esc returns to the scoreboard");
    update(&mut a, key(KeyCode::Left));
    assert_eq!(
        at(&a),
        Some((1, RevealStep::Original, BROWSING)),
        "← opens the last"
    );
    update(&mut a, key(KeyCode::Char('v')));
    assert_eq!(at(&a), None);
    update(&mut a, key(KeyCode::Char('v')));
    assert_eq!(at(&a), Some((0, RevealStep::Original, BROWSING)));
}

#[test]
fn scoreboard_keys_work_during_the_reveal() {
    let mut a = revealing();
    assert_eq!(
        update(&mut a, key(KeyCode::Char('p'))),
        vec![Effect::Call(ApiCall::PlayAgain(session()))]
    );
    let effects = update(&mut a, key(KeyCode::Char('d')));
    assert_eq!(a.screen, Screen::Dashboard);
    assert_eq!(at(&a), None);
    assert!(a.set_details.is_empty());
    assert!(effects.contains(&Effect::CloseWs));
}

#[test]
fn set_details_are_kept_refusals_and_failures_noted_and_strangers_dropped() {
    let mut a = revealing();
    let details = |a: &mut App, id, r| {
        update(a, Msg::Api(Box::new(ApiReply::PhrasesetResults(id, r))));
    };
    details(&mut a, set_id(0), Ok(set_results(0)));
    let refused = ClientError {
        code: Some(ErrorCode::NotAContributor),
        message: "no".into(),
    };
    details(&mut a, set_id(1), Err(refused));
    details(&mut a, set_id(7), Ok(set_results(0)));
    assert_eq!(a.set_details.get(&set_id(1)), Some(&SetDetails::Withheld));
    let unreachable = ClientError {
        code: None,
        message: "connection refused".into(),
    };
    details(&mut a, set_id(1), Err(unreachable));
    assert_eq!(
        a.set_details.get(&set_id(0)),
        Some(&SetDetails::Loaded(Box::new(set_results(0))))
    );
    assert_eq!(a.set_details.get(&set_id(1)), Some(&SetDetails::Failed));
    assert_eq!(
        a.set_details.len(),
        2,
        "a set of no results here is dropped"
    );
    assert!(a.error.is_none(), "a refusal is not an error to show");
}
