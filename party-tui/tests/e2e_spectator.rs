//! End-to-end test of the spectator view: the real `party-tui` in a tmux
//! terminal watches a party that headless players and server bots play to
//! the end, chats, asks to join the next game, and when the host plays
//! again lands in the new lobby as a player and starts playing. Skipped
//! (with a message) when tmux is not installed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

#[path = "support/player.rs"]
mod player;
#[path = "support/screen.rs"]
mod screen;
mod support;

use std::time::Instant;

use party_protocol::SessionId;
use player::*;
use screen::*;
use support::Tmux;
use support::headless::{headless_trusting, ok, spawn_play};

#[test]
fn a_spectator_watches_a_party_to_the_end_then_plays_the_next_one() {
    if !support::available() {
        return;
    }
    let started = Instant::now();
    let tmux = Tmux::new();
    let port = free_port();
    let server = format!("http://127.0.0.1:{port}");

    // The spectator's client runs the server; the players reach it.
    let mut fan = Player::start(
        &tmux,
        tempdir(),
        &["--bind".into(), format!("127.0.0.1:{port}")],
        "1",
    );
    let fan_name = fan.sign_in_as_guest();
    let host = tempdir();
    ok(&headless_trusting(&server, None, host.path(), &["guest"]));
    let created = ok(&headless_trusting(
        &server,
        None,
        host.path(),
        &["create", "--bots", "2", "--votes", "1"],
    ));
    let code = created[0]["party_code"].as_str().unwrap().to_owned();
    let session: SessionId = serde_json::from_value(created[0]["session_id"].clone()).unwrap();

    // w, the code, Enter: the spectator view of the lobby.
    fan.pane.keys(&["w"]);
    fan.pane.wait_for(" Watch a party ");
    fan.pane.text(&code.to_lowercase());
    fan.pane.keys(&["Enter"]);
    let screen = fan.pane.wait_for("WATCHING · LOBBY");
    assert!(screen.contains(&format!("party {code}")), "{screen}");
    assert!(screen.contains("1 watching"), "{screen}");

    println!(
        "{:.1}s: watching the lobby",
        started.elapsed().as_secs_f64()
    );
    // A chat line, seen by the spectator who sent it.
    fan.pane.keys(&["t"]);
    fan.pane.text("hello from the stands");
    fan.pane.keys(&["Enter"]);
    fan.pane
        .wait_for(&format!("{fan_name}: hello from the stands"));
    fan.pane.keys(&["Escape"]);
    // (Waiting here: an Escape and a key sent together read as Alt-key.)
    fan.pane.wait_for("t: say something");
    // n: a seat in the next game, please.
    fan.pane.keys(&["n"]);
    fan.pane.wait_for("you play the next game");

    println!(
        "{:.1}s: chat and seat asked",
        started.elapsed().as_secs_f64()
    );
    // The host plays; the spectator follows the rounds, then the results.
    ok(&headless_trusting(&server, None, host.path(), &["ready"]));
    ok(&headless_trusting(&server, None, host.path(), &["start"]));
    let playing = spawn_play(&server, None, host.path());
    let mid = fan.pane.wait_until("a round phase", |s| {
        ["WATCHING · PROMPT", "WATCHING · COPY", "WATCHING · VOTE"]
            .iter()
            .any(|p| s.contains(p))
    });
    assert!(mid.contains("players done"), "{mid}");
    let played = playing.finish();
    assert!(played.status.success(), "{played:?}");
    println!("{:.1}s: party played", started.elapsed().as_secs_f64());
    // The results take the players' place: the reveal first, as players
    // see it, next to the chat; s skips to the scoreboard.
    let reveal = fan.pane.wait_for("The reveal · phraseset 1 of");
    assert!(reveal.contains("Spectator chat"), "{reveal}");
    fan.pane.keys(&["s"]);
    let results = fan.pane.wait_for(&format!("Party {code} results"));
    assert!(results.contains("Best Writer"), "{results}");
    println!("{results}");

    println!("{:.1}s: results seen", started.elapsed().as_secs_f64());
    // The host plays again: the spectator who asked is seated.
    let again = tokio::runtime::Runtime::new().unwrap().block_on(async {
        let api = party_tui::api::ApiClient::new(&server);
        let token = party_tui::credentials::load(host.path(), &server).expect("host signed in");
        api.resume(&token).await.unwrap();
        // The refresh token rotated: keep the new one for the commands below.
        let rotated = api.refresh_token().await.expect("a refresh token");
        party_tui::credentials::save(host.path(), &server, &rotated).unwrap();
        api.play_again(session).await.unwrap()
    });
    let next = again.party_code.to_string();
    let lobby = fan.pane.wait_until("the new lobby, as a player", |s| {
        code_on_screen(s).as_deref() == Some(next.as_str())
            && s.contains(&format!("{fan_name} (you)"))
    });
    assert_ne!(next, code);
    println!("{lobby}");

    println!("{:.1}s: seated", started.elapsed().as_secs_f64());
    // Everyone ready; the host starts; the game asks the former spectator
    // for an original.
    fan.pane.keys(&["r"]);
    ok(&headless_trusting(&server, None, host.path(), &["ready"]));
    fan.pane.wait_until("everyone ready", |s| {
        lobby_count(s).is_some_and(|n| n >= 4) && s.contains("ready — waiting for the host")
    });
    ok(&headless_trusting(&server, None, host.path(), &["start"]));
    let round = fan.pane.wait_for("WRITE AN ORIGINAL");
    assert!(round.contains(&format!("party {next}")), "{round}");
    println!("{:.1}s: round started", started.elapsed().as_secs_f64());
    fan.quit_with(&["C-c"]);
    println!("total {:.1}s", started.elapsed().as_secs_f64());
}
