//! Invites arrive live on the dashboard: the client's core, driven as the
//! interactive client drives it (player socket on), against a real server.
//! The host invites from the command line; the invitee's dashboard gets the
//! invite over the player socket and joins it with one key.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use crossterm::event::KeyCode;
use party_tui::api::ApiClient;
use party_tui::core::{ApiCall, Screen};
use party_tui::headless::Player;

#[path = "support/headless.rs"]
mod cli;

use cli::{headless_trusting, in_process_server, ok};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_reaches_the_dashboard_live_and_one_key_joins() {
    let tmp = tempfile::tempdir().unwrap();
    let url = in_process_server(tmp.path(), |_| {}).await;
    let host = tmp.path().join("host");

    // The invitee: the core with the player socket, on the dashboard.
    let mut me = Player::new(ApiClient::new(&url), None);
    me.verbose = false;
    me.app.live_invites = true;
    me.call(ApiCall::Guest).await.unwrap();
    me.run_until(None, Duration::from_secs(10), |a| {
        a.screen == Screen::Dashboard && a.player_ws
    })
    .await
    .unwrap();
    let name = me.app.me.clone().unwrap().1;

    // The host creates an invite-only party and invites them.
    let (u, h, n) = (url.clone(), host.clone(), name.clone());
    let code = tokio::task::spawn_blocking(move || {
        ok(&headless_trusting(&u, None, &h, &["guest"]));
        let created = ok(&headless_trusting(
            &u,
            None,
            &h,
            &["create", "--invite-only"],
        ));
        ok(&headless_trusting(&u, None, &h, &["invite", &n]));
        created[0]["party_code"].as_str().unwrap().to_owned()
    })
    .await
    .unwrap();

    me.run_until(None, Duration::from_secs(15), |a| !a.invites.is_empty())
        .await
        .unwrap();
    assert_eq!(me.app.invites[0].party_code.to_string(), code);
    // y: joined (an invite-only party lets the invitee in), in the lobby;
    // the player socket closes there.
    me.press(KeyCode::Char('y'));
    me.run_until(None, Duration::from_secs(10), |a| a.screen == Screen::Lobby)
        .await
        .unwrap();
    let party = me.app.party.clone().unwrap();
    assert_eq!(party.party_code.to_string(), code);
    assert!(party.participants.iter().any(|p| p.username == name));
    assert!(!me.app.player_ws);
    assert!(me.app.invites.is_empty());
}
