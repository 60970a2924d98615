//! `party-tui headless spectate`: watching a party from a script, against
//! a real server — refused without the party's password, then following
//! the spectator socket through a whole party and, having asked for a
//! seat, landing in the next game as a player when the host plays again.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::{Child, Command, Output, Stdio};

use party_protocol::SessionId;
use party_tui::api::ApiClient;
use serde_json::Value;

#[path = "support/headless.rs"]
mod cli;

use cli::{headless, in_process_server, lines, ok};

const BIN: &str = env!("CARGO_BIN_EXE_party-tui");

/// A spectator command under way; killed if the test fails first.
struct Watching(Option<Child>);

impl Watching {
    fn finish(mut self) -> Output {
        self.0.take().unwrap().wait_with_output().unwrap()
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spectator_follows_a_party_and_is_seated_in_the_next_one() {
    let tmp = tempfile::tempdir().unwrap();
    let url = in_process_server(tmp.path(), |_| {}).await;
    let (host, fan) = (tmp.path().join("host"), tmp.path().join("fan"));
    let (u, h, f) = (url.clone(), host.clone(), fan.clone());
    let (session, code, fan_name, watching) = tokio::task::spawn_blocking(move || {
        ok(&headless(&u, &h, &["guest"]));
        let fan_name = ok(&headless(&u, &f, &["guest"]))[0]["username"]
            .as_str()
            .unwrap()
            .to_owned();
        let created = ok(&headless(
            &u,
            &h,
            &[
                "create",
                "--password",
                "open sesame",
                "--bots",
                "2",
                "--votes",
                "1",
            ],
        ));
        let code = created[0]["party_code"].as_str().unwrap().to_owned();
        let session: SessionId = serde_json::from_value(created[0]["session_id"].clone()).unwrap();

        // Without the password: refused, exit 3, the server's code.
        let refused = headless(&u, &f, &["spectate", &code, "--until", "lobby"]);
        assert_eq!(refused.status.code(), Some(3));
        assert_eq!(lines(&refused)[0]["error"], "party_password_required");
        // With it, asking for a seat: watching the lobby at once.
        let lobby = ok(&headless(
            &u,
            &f,
            &[
                "spectate",
                &code,
                "--password",
                "open sesame",
                "--join-next-game",
                "--until",
                "lobby",
            ],
        ));
        assert_eq!(lobby[0]["event"], "watching");
        assert_eq!(lobby[0]["phase"], "LOBBY");
        assert_eq!(lobby[0]["join_next_game"], true);

        // Following the whole party, until seated in the next one.
        let child = Command::new(BIN)
            .args(["headless", "spectate", &code, "--password", "open sesame"])
            .args(["--join-next-game", "--until", "seated", "--timeout", "120"])
            .args(["--server", &u, "--data-dir"])
            .arg(&f)
            .env("PARTY_TUI_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let watching = Watching(Some(child));
        ok(&headless(&u, &h, &["ready"]));
        ok(&headless(&u, &h, &["start"]));
        let played = ok(&headless(&u, &h, &["play", "--timeout", "120"]));
        assert_eq!(played.last().unwrap()["phase"], "RESULTS");
        (session, code, fan_name, watching)
    })
    .await
    .unwrap();

    // The host plays again (through the API: there is no command for it).
    let api = ApiClient::new(&url);
    let token = party_tui::credentials::load(&host, &url).expect("host signed in");
    api.resume(&token).await.unwrap();
    let again = api.play_again(session).await.unwrap();

    let out = tokio::task::spawn_blocking(move || watching.finish())
        .await
        .unwrap();
    let events = ok(&out);
    let kinds: Vec<&str> = events
        .iter()
        .filter(|e| e["event"] == "spectator")
        .filter_map(|e| e["message"]["type"].as_str())
        .collect();
    // Every phase the players went through, the end, and the next lobby.
    for kind in ["phase_transition", "session_completed", "play_again"] {
        assert!(kinds.contains(&kind), "no {kind} in {kinds:?}");
    }
    let transitions: Vec<&Value> = events
        .iter()
        .filter(|e| e["message"]["type"] == "phase_transition")
        .map(|e| &e["message"]["new_phase"])
        .collect();
    for phase in ["COPY", "VOTE", "RESULTS"] {
        assert!(transitions.iter().any(|p| *p == phase), "{transitions:?}");
    }
    // Nothing a player could cheat with: no rounds, phrases or prompts.
    let text = String::from_utf8_lossy(&out.stdout);
    for secret in ["\"round_id\"", "original_phrase", "prompt_text"] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    let seated = events.last().unwrap();
    assert_eq!(seated["event"], "seated", "{events:?}");
    assert_eq!(seated["party_code"], again.party_code.to_string());
    assert_ne!(seated["party_code"], code.as_str());

    // The fan is a player of the new lobby now.
    let status = ok(&headless(&url, &fan, &["status"]));
    assert_eq!(
        status[0]["status"]["session_id"],
        serde_json::to_value(again.new_session_id).unwrap()
    );
    let players = status[0]["status"]["participants"].as_array().unwrap();
    assert!(
        players.iter().any(|p| p["username"] == fan_name.as_str()),
        "{players:?}"
    );
}
