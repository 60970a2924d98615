//! The dashboard's other screens against a real server, the client's core
//! driven as the interactive client drives it (player socket on): a quick
//! match asked for with `m` lands in the lobby when two players from the
//! command line complete the party; `p` lists a public lobby and Enter
//! joins it; the stats, the leaderboard and the history load.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Command, Stdio};
use std::time::Duration;

use crossterm::event::KeyCode;
use party_protocol::party_history::{LeaderboardBoard, LeaderboardPeriod};
use party_tui::api::ApiClient;
use party_tui::core::{ApiCall, Screen};
use party_tui::headless::Player;

#[path = "support/headless.rs"]
mod cli;

use cli::{headless, in_process_server, ok};

/// A guest on the dashboard, holding the player socket.
async fn on_the_dashboard(url: &str) -> Player {
    let mut me = Player::new(ApiClient::new(url), None);
    me.verbose = false;
    me.app.live_invites = true;
    me.call(ApiCall::Guest).await.unwrap();
    me.run_until(None, Duration::from_secs(10), |a| {
        a.screen == Screen::Dashboard && a.player_ws
    })
    .await
    .unwrap();
    me
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_quick_match_asked_for_on_the_dashboard_lands_in_the_lobby() {
    let tmp = tempfile::tempdir().unwrap();
    let url = in_process_server(tmp.path(), |c| c.quick_match_players = 3).await;
    let mut me = on_the_dashboard(&url).await;
    let name = me.app.me.clone().unwrap().1;

    // m, then Enter with no wait: humans only. The wait screen, queued.
    me.press(KeyCode::Char('m'));
    me.press(KeyCode::Enter);
    assert_eq!(me.app.screen, Screen::QuickMatch);
    me.run_until(None, Duration::from_secs(10), |a| {
        a.quick.as_ref().is_some_and(|q| q.queued.is_some())
    })
    .await
    .unwrap();
    let queued = me.app.quick.clone().unwrap().queued.unwrap();
    assert_eq!((queued.position, queued.party_size), (1, 3));
    assert_eq!(queued.bot_fill_at, None);
    assert!(me.app.player_ws, "the wait screen holds the player socket");

    // Two players queue from the command line: the third seat forms it.
    let others: Vec<_> = ["two", "three"]
        .iter()
        .map(|who| {
            let dir = tmp.path().join(who);
            ok(&headless(&url, &dir, &["guest"]));
            Command::new(env!("CARGO_BIN_EXE_party-tui"))
                .args(["headless", "quick-match", "--timeout", "60"])
                .args(["--server", &url, "--data-dir"])
                .arg(&dir)
                .env("PARTY_TUI_LOG", "warn")
                .stdout(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    me.run_until(None, Duration::from_secs(30), |a| a.screen == Screen::Lobby)
        .await
        .unwrap();
    let party = me.app.party.clone().unwrap();
    assert_eq!(party.participants.len(), 3);
    assert!(party.participants.iter().any(|p| p.username == name));
    assert!(me.app.quick.is_none());
    assert!(!me.app.player_ws, "the lobby has its own socket");
    for child in others {
        let out = tokio::task::spawn_blocking(move || child.wait_with_output())
            .await
            .unwrap()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(&party.party_code.to_string()), "{text}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_lobbies_stats_boards_and_history_load_from_the_dashboard() {
    let tmp = tempfile::tempdir().unwrap();
    let url = in_process_server(tmp.path(), |_| {}).await;
    let mut me = on_the_dashboard(&url).await;

    // Nothing played yet: empty stats, no row on the board, no history.
    me.press(KeyCode::Char('s'));
    me.run_until(None, Duration::from_secs(10), |a| a.stats.is_some())
        .await
        .unwrap();
    assert_eq!(me.app.stats.clone().unwrap().parties_played, 0);
    me.press(KeyCode::Esc);
    me.press(KeyCode::Char('l'));
    me.press(KeyCode::Right);
    me.press(KeyCode::Char('p'));
    me.run_until(None, Duration::from_secs(10), |a| a.board.data.is_some())
        .await
        .unwrap();
    let board = me.app.board.data.clone().unwrap();
    assert_eq!(
        (board.board, board.period),
        (LeaderboardBoard::NetCoins, LeaderboardPeriod::AllTime)
    );
    assert!(board.me.is_none());
    me.press(KeyCode::Esc);
    me.press(KeyCode::Char('h'));
    me.run_until(None, Duration::from_secs(10), |a| a.history.page.is_some())
        .await
        .unwrap();
    assert!(me.app.history.parties().is_empty());
    me.press(KeyCode::Esc);

    // A public lobby: listed, and Enter joins it.
    let host = tmp.path().join("host");
    let (u, h) = (url.clone(), host.clone());
    let code = tokio::task::spawn_blocking(move || {
        ok(&headless(&u, &h, &["guest"]));
        let created = ok(&headless(&u, &h, &["create", "--public"]));
        created[0]["party_code"].as_str().unwrap().to_owned()
    })
    .await
    .unwrap();
    me.press(KeyCode::Char('p'));
    assert_eq!(me.app.screen, Screen::PublicParties);
    me.run_until(None, Duration::from_secs(10), |a| a.public.page.is_some())
        .await
        .unwrap();
    let listed = me.app.public.parties().to_vec();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].party_code.to_string(), code);
    me.press(KeyCode::Enter);
    me.run_until(None, Duration::from_secs(10), |a| a.screen == Screen::Lobby)
        .await
        .unwrap();
    assert_eq!(me.app.party.clone().unwrap().party_code.to_string(), code);
}
