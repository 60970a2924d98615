//! End-to-end test of the party history: the real `party-tui` in a tmux
//! terminal plays a party against bots to the end, goes back to the
//! dashboard, opens the history, opens that party again and sees its
//! reveal mark the same original as at RESULTS, then its scoreboard, and
//! returns to the history. Skipped (with a message) when tmux is not
//! installed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

#[path = "support/player.rs"]
mod player;
#[path = "support/screen.rs"]
mod screen;
mod support;

use std::time::Instant;

use player::*;
use screen::*;
use support::Tmux;

#[test]
fn a_player_reopens_a_finished_party_from_the_history_and_sees_its_reveal() {
    if !support::available() {
        return;
    }
    let started = Instant::now();
    let tmux = Tmux::new();
    let mut me = Player::start(&tmux, tempdir(), &[], "2");
    let name = me.sign_in_as_guest();
    let code = me.create_party();
    for n in 2..=4 {
        me.pane.keys(&["b"]);
        me.pane.wait_for(&format!("Players {n}/8"));
    }
    me.pane.keys(&["r"]);
    me.pane.wait_for("4 ready — press s to start.");
    me.pane.keys(&["s"]);
    let mut players = vec![me];
    play_to_results(&mut players, &mut Phrases::default());
    let me = players.remove(0);
    // What the reveal marked at RESULTS: the first set's original.
    let live = me.revealed.clone().expect("the reveal marked an original");
    let (live_set, _) = reveal_step(&live).expect("a reveal step");
    let live_original = revealed_original(&live).expect("an original");
    let live_prompt = revealed_prompt(&live).expect("a prompt");
    println!("{:.1}s: party played", started.elapsed().as_secs_f64());

    // Back to the dashboard; h: the history, this party on top.
    me.pane.keys(&["d"]);
    me.pane.wait_for("[h] History");
    me.pane.keys(&["h"]);
    me.pane.wait_for(" Your parties · page 1 ");
    // The screen opens on "Loading your parties…": wait for its rows.
    let history = me.pane.wait_for("completed");
    let top = history
        .lines()
        .find(|l| l.contains("completed"))
        .unwrap_or_else(|| panic!("no party listed:\n{history}"));
    assert!(top.contains("/4"), "its rank of four: {history}");
    // The players, in rank order (the column may cut the last names off).
    assert!(top.contains(&name) || top.contains("Bot"), "{history}");
    println!("{history}");

    // Enter: that party's reveal again, from its first set; the clock moves
    // it on to the set marked at RESULTS, which marks the same original.
    me.pane.keys(&["Enter"]);
    me.pane.wait_for("The reveal · phraseset 1 of");
    let replay = me.pane.wait_until("the same set's original", |s| {
        reveal_step(s).is_some_and(|(set, step)| set == live_set && step == RevealStep::Original)
    });
    assert_eq!(revealed_original(&replay), Some(live_original), "{replay}");
    assert_eq!(revealed_prompt(&replay), Some(live_prompt), "{replay}");
    println!("{replay}");

    // s: the scoreboard, marked as from the history; Esc: the history again.
    me.pane.keys(&["s"]);
    let results = me
        .pane
        .wait_for(&format!("Party {code} results · from your history"));
    let ranked = ranked_names(&results);
    assert_eq!(ranked.len(), 4, "{results}");
    assert!(ranked.contains(&name), "{results}");
    assert!(results.contains("Esc back to the history"), "{results}");
    me.pane.keys(&["Escape"]);
    me.pane.wait_for(" Your parties · page 1 ");
    me.quit_with(&["q"]);
    println!("total {:.1}s", started.elapsed().as_secs_f64());
}
