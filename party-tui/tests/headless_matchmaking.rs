//! The headless commands for quick match and public parties (issue 15):
//! `create --public`, `parties`, `quick-match [--bot-fill-after SECS]` and
//! `quick-match --leave`, against a real server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader, Read};
use std::process::{Command, Stdio};

#[path = "support/headless.rs"]
mod cli;

use cli::{headless, in_process_server, lines, ok};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn quick_match_and_public_parties_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let url = in_process_server(tmp.path(), |c| c.quick_match_players = 3).await;
    let root = tmp.path().to_owned();
    tokio::task::spawn_blocking(move || {
        let (host, waiter, filler) = (root.join("host"), root.join("waiter"), root.join("filler"));
        for dir in [&host, &waiter, &filler] {
            ok(&headless(&url, dir, &["guest"]));
        }

        // A public party is listed, with its host and mode.
        let empty = ok(&headless(&url, &waiter, &["parties"]));
        assert_eq!(empty[0]["parties"], serde_json::json!([]));
        let created = ok(&headless(&url, &host, &["create", "--public"]));
        let code = created[0]["party_code"].as_str().unwrap().to_owned();
        let listed = ok(&headless(&url, &waiter, &["parties", "--limit", "5"]));
        assert_eq!(listed[0]["event"], "parties");
        assert_eq!(listed[0]["parties"][0]["party_code"], code.as_str());
        assert_eq!(listed[0]["parties"][0]["access"], "open");
        assert_eq!(listed[0]["parties"][0]["participant_count"], 1);

        // In a party already: refused with the server's code (exit 3).
        let refused = headless(&url, &host, &["quick-match"]);
        assert_eq!(refused.status.code(), Some(3));
        assert_eq!(lines(&refused)[0]["error"], "already_in_party");

        // Not queued: leaving is refused.
        let not_queued = headless(&url, &waiter, &["quick-match", "--leave"]);
        assert_eq!(not_queued.status.code(), Some(3));
        assert_eq!(lines(&not_queued)[0]["error"], "not_queued");

        // A player waiting for humans leaves the queue from a second
        // command (once the first said it queued); the waiting one then
        // stops, no longer queued.
        let mut waiting = Command::new(env!("CARGO_BIN_EXE_party-tui"))
            .args([
                "headless",
                "quick-match",
                "--timeout",
                "60",
                "--server",
                &url,
            ])
            .arg("--data-dir")
            .arg(&waiter)
            .env("PARTY_TUI_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut printed = BufReader::new(waiting.stdout.take().unwrap());
        let mut first = String::new();
        printed.read_line(&mut first).unwrap();
        let queued: serde_json::Value = serde_json::from_str(&first).unwrap();
        assert_eq!(queued["event"], "queued");
        assert_eq!(queued["position"], 1);
        let left = ok(&headless(&url, &waiter, &["quick-match", "--leave"]));
        assert_eq!(left[0]["event"], "left_queue");
        // Its own timeout (60 s) bounds these waits.
        let mut rest = String::new();
        printed.read_to_string(&mut rest).unwrap();
        let last: serde_json::Value = serde_json::from_str(rest.lines().last().unwrap()).unwrap();
        assert_eq!(last["error"], "not_queued");
        assert_eq!(waiting.wait().unwrap().code(), Some(3));

        // With no wait for humans, bots fill the party at once.
        let matched = ok(&headless(
            &url,
            &filler,
            &["quick-match", "--bot-fill-after", "0", "--timeout", "30"],
        ));
        let formed = matched.last().unwrap();
        assert_eq!(formed["event"], "quick_match_formed");
        let status = ok(&headless(&url, &filler, &["status"]));
        assert_eq!(status[0]["status"]["party_code"], formed["party_code"]);
        let bots = status[0]["status"]["participants"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["is_bot"] == true)
            .count();
        assert_eq!(bots, 2);
    })
    .await
    .unwrap();
}
