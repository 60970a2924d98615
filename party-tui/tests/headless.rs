//! A whole party run through the headless subcommands, as a CI script
//! would: four `party-tui headless …` players against a real server, over
//! plain HTTP and over HTTPS/WSS with a certificate made in the test.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

#[path = "support/headless.rs"]
mod cli;
#[path = "support/tls.rs"]
mod tls;

use cli::{headless_trusting, lines, ok, ranked_usernames, spawn_play};
use tls::tls_server;

const BIN: &str = env!("CARGO_BIN_EXE_party-tui");

/// A real server in this test process, on port 0 over a fresh SQLite file.
async fn server(dir: &std::path::Path) -> String {
    server_with(dir, party_server::config::Switch::On).await
}

async fn server_with(dir: &std::path::Path, party_mode: party_server::config::Switch) -> String {
    // Server warnings and errors show in the output of a failing test.
    let _ = tracing_subscriber::fmt()
        .with_env_filter("warn")
        .with_test_writer()
        .try_init();
    let mut config = party_server::Config::local("127.0.0.1:0".parse().unwrap(), dir).unwrap();
    config.rate_limits = party_server::config::Switch::Off;
    config.party_mode = party_mode;
    let app = party_server::Application::build(&config).await.unwrap();
    let addr = app.local_addr().unwrap();
    tokio::spawn(app.run(std::future::pending()));
    format!("http://{addr}")
}

/// Runs `party-tui headless <args>` for the player whose data lives in `dir`.
fn headless(server: &str, dir: &std::path::Path, args: &[&str]) -> Output {
    headless_trusting(server, None, dir, args)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_party_runs_through_the_headless_subcommands() {
    let tmp = tempfile::tempdir().unwrap();
    let url = server(tmp.path()).await;
    let dirs: Vec<_> = (0..4).map(|i| tmp.path().join(format!("p{i}"))).collect();
    let url2 = url.clone();
    let dirs2 = dirs.clone();
    // The CLI blocks; run the script off the async workers.
    tokio::task::spawn_blocking(move || script(&url2, None, &dirs2))
        .await
        .unwrap();
    drop(dirs);
}

fn script(url: &str, ca: Option<&Path>, dirs: &[std::path::PathBuf]) {
    let headless = |url: &str, dir: &Path, args: &[&str]| headless_trusting(url, ca, dir, args);
    let mut names = Vec::new();
    for d in dirs {
        let out = ok(&headless(url, d, &["guest"]));
        assert_eq!(out[0]["event"], "signed_in");
        assert_eq!(out[0]["wallet"], 5000);
        names.push(out[0]["username"].as_str().unwrap().to_owned());
    }
    let created = ok(&headless(url, &dirs[0], &["create", "--votes", "1"]));
    assert_eq!(created[0]["event"], "party_created");
    let code = created[0]["party_code"].as_str().unwrap().to_owned();
    for d in &dirs[1..] {
        let joined = ok(&headless(url, d, &["join", &code.to_lowercase()]));
        assert_eq!(joined[0]["party_code"], code.as_str());
    }
    for d in dirs {
        assert_eq!(ok(&headless(url, d, &["ready"]))[0]["event"], "ready");
    }
    assert_eq!(
        ok(&headless(url, &dirs[0], &["start"]))[0]["event"],
        "started"
    );

    // Everyone plays at once, each in their own process.
    let players: Vec<_> = dirs.iter().map(|d| spawn_play(url, ca, d)).collect();
    for playing in players {
        let out = playing.finish();
        let events = ok(&out);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("party socket connected"),
            "the party socket never connected"
        );
        let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
        // One prompt, two copies, one vote each, then RESULTS.
        let submitted: Vec<&Value> = events
            .iter()
            .filter(|e| e["event"] == "submitted")
            .collect();
        let of = |t: &str| submitted.iter().filter(|e| e["round_type"] == t).count();
        assert_eq!(
            (of("prompt"), of("copy"), of("vote")),
            (1, 2, 1),
            "{kinds:?}"
        );
        assert!(
            events
                .iter()
                .any(|e| e["event"] == "phase" && e["phase"] == "VOTE")
        );
        assert_eq!(events.last().unwrap()["event"], "done");
        assert_eq!(events.last().unwrap()["phase"], "RESULTS");
    }

    // The results, read by a player after the party ended.
    let results = ok(&headless(url, &dirs[2], &["results"]));
    let r = &results[0]["results"];
    assert_eq!(r["party_code"], code.as_str());
    let ranked = ranked_usernames(&results[0]);
    assert_eq!(ranked.len(), 4);
    for n in &names {
        assert!(ranked.contains(n), "{n} missing from {ranked:?}");
    }
    assert_eq!(r["phrasesets_summary"].as_array().unwrap().len(), 4);
    let nets: Vec<i64> = r["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| x["net_coins"].as_i64().unwrap())
        .collect();
    assert!(
        nets.windows(2).all(|w| w[0] >= w[1]),
        "ranked by net coins: {nets:?}"
    );
    let votes: i64 = r["phrasesets_summary"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["vote_count"].as_i64().unwrap())
        .sum();
    assert_eq!(votes, 4, "one vote each");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exit_codes_say_what_failed() {
    let tmp = tempfile::tempdir().unwrap();
    let url = server(tmp.path()).await;
    let dir = tmp.path().join("p");
    tokio::task::spawn_blocking(move || {
        let not_signed_in = headless(&url, &dir, &["ready"]);
        assert_eq!(not_signed_in.status.code(), Some(6));
        assert_eq!(lines(&not_signed_in)[0]["error"], "not_signed_in");
        ok(&headless(&url, &dir, &["guest"]));
        let no_party = headless(&url, &dir, &["ready"]);
        assert_eq!(no_party.status.code(), Some(6));
        let bad_code = headless(&url, &dir, &["join", "ZZZZ2222"]);
        assert_eq!(bad_code.status.code(), Some(3));
        assert_eq!(lines(&bad_code)[0]["error"], "session_not_found");
        let offline = headless("http://127.0.0.1:9", &dir, &["guest"]);
        assert_eq!(offline.status.code(), Some(5));
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_party_mode_off_create_and_join_stop_before_asking_the_server() {
    let tmp = tempfile::tempdir().unwrap();
    let url = server_with(tmp.path(), party_server::config::Switch::Off).await;
    let dir = tmp.path().join("p");
    tokio::task::spawn_blocking(move || {
        // Signing in is solo business: it works.
        ok(&headless(&url, &dir, &["guest"]));
        for args in [&["create"][..], &["join", "ABCD2345"], &["ready"]] {
            let out = headless(&url, &dir, args);
            assert_eq!(out.status.code(), Some(3), "{args:?}");
            let line = &lines(&out)[0];
            assert_eq!(line["error"], "party_mode_disabled", "{args:?}");
            // The client's own sentence, not the server's 503 answer (which
            // adds that solo play still works): the dashboard told it first.
            assert_eq!(
                line["message"], "Party Mode is switched off on this server.",
                "{args:?}"
            );
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_whole_party_runs_over_https_and_wss_with_ca_cert() {
    let tmp = tempfile::tempdir().unwrap();
    let (url, ca) = tls_server(tmp.path()).await;
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let dirs: Vec<_> = (0..4).map(|i| tmp.path().join(format!("p{i}"))).collect();
    tokio::task::spawn_blocking(move || script(&url, Some(&ca), &dirs))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_certificate_nobody_vouched_for_is_refused_with_exit_8() {
    let tmp = tempfile::tempdir().unwrap();
    let (url, ca) = tls_server(tmp.path()).await;
    let dir = tmp.path().join("p");
    tokio::task::spawn_blocking(move || {
        // No --ca-cert: the platform's roots do not know the test's CA.
        let refused = headless(&url, &dir, &["guest"]);
        assert_eq!(refused.status.code(), Some(8), "{refused:?}");
        let line = &lines(&refused)[0];
        assert_eq!(line["error"], "untrusted_certificate");
        let message = line["message"].as_str().unwrap();
        assert!(
            message.starts_with("The server's TLS certificate is not trusted")
                && message.contains("--ca-cert"),
            "{message}"
        );
        // `bots` checks the server the same way.
        let bots = Command::new(BIN)
            .args([
                "bots", "--count", "1", "--join", "ABCD2345", "--server", &url,
            ])
            .env("PARTY_TUI_LOG", "warn")
            .output()
            .unwrap();
        assert_eq!(bots.status.code(), Some(8));
        // With the CA it signs in; a CA file that is not there stops at once.
        assert_eq!(
            ok(&headless_trusting(&url, Some(&ca), &dir, &["guest"]))[0]["event"],
            "signed_in"
        );
        let missing = headless_trusting(&url, Some(&dir.join("nope.pem")), &dir, &["status"]);
        assert_eq!(missing.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.pem"));
    })
    .await
    .unwrap();
}

/// `party-tui bots` on its own: simulated players join a party by code,
/// ready up, play every round and end at RESULTS with the host.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bots_join_by_code_and_play_the_party_to_results() {
    use std::io::{BufRead, BufReader};

    let tmp = tempfile::tempdir().unwrap();
    let url = server(tmp.path()).await;
    let host = tmp.path().join("host");
    tokio::task::spawn_blocking(move || {
        ok(&headless(&url, &host, &["guest"]));
        let created = ok(&headless(
            &url,
            &host,
            &["create", "--min-players", "4", "--votes", "1"],
        ));
        let code = created[0]["party_code"].as_str().unwrap().to_owned();
        ok(&headless(&url, &host, &["ready"]));

        let mut bots = Command::new(BIN)
            .args(["bots", "--count", "3", "--timeout", "120", "--join"])
            // Codes are case-insensitive, as a person might type one.
            .arg(code.to_lowercase())
            .args(["--server", &url])
            .env("PARTY_TUI_LOG", "warn")
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut out = BufReader::new(bots.stdout.take().unwrap()).lines();
        let mut events: Vec<Value> = Vec::new();
        // Each bot says `bot_joined` once it is in the lobby and ready.
        while events.iter().filter(|e| e["event"] == "bot_joined").count() < 3 {
            let line = out.next().expect("bots ended before all joined").unwrap();
            events.push(serde_json::from_str(&line).unwrap());
        }
        assert_eq!(
            ok(&headless(&url, &host, &["start"]))[0]["event"],
            "started"
        );
        let played = ok(&headless(&url, &host, &["play", "--timeout", "120"]));
        assert_eq!(played.last().unwrap()["phase"], "RESULTS");
        for line in out {
            events.push(serde_json::from_str(&line.unwrap()).unwrap());
        }
        assert!(bots.wait().unwrap().success(), "{events:?}");

        let mut joined: Vec<(i64, String)> = events
            .iter()
            .filter(|e| e["event"] == "bot_joined")
            .map(|e| {
                let bot = e["bot"].as_i64().unwrap();
                (bot, e["username"].as_str().unwrap().to_owned())
            })
            .collect();
        let mut done: Vec<i64> = events
            .iter()
            .filter(|e| e["event"] == "bot_done")
            .map(|e| e["bot"].as_i64().unwrap())
            .collect();
        joined.sort();
        done.sort_unstable();
        assert_eq!(joined.iter().map(|j| j.0).collect::<Vec<_>>(), [0, 1, 2]);
        assert_eq!(done, [0, 1, 2], "every bot reached RESULTS");

        // The bots are three distinct players, ranked with the host.
        let results = ok(&headless(&url, &host, &["results"]));
        let ranked = ranked_usernames(&results[0]);
        assert_eq!(ranked.len(), 4, "{ranked:?}");
        for (_, name) in &joined {
            assert!(ranked.contains(name), "{name} not in {ranked:?}");
        }
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bots_with_an_unknown_code_exit_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let url = server(tmp.path()).await;
    tokio::task::spawn_blocking(move || {
        let out = Command::new(BIN)
            .args([
                "bots", "--count", "2", "--join", "ZZZZ2222", "--server", &url,
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(3), "{out:?}");
        let errors = lines(&out);
        assert_eq!(errors.len(), 2, "one line per bot: {errors:?}");
        assert!(errors.iter().all(|e| e["error"] == "session_not_found"));
    })
    .await
    .unwrap();
}

/// The README's shell script (scripts/play-party.sh), run as written
/// against a real server: it must play a party to the scoreboard.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_play_party_script_plays_a_party() {
    let have_jq = Command::new("jq").arg("--version").output().is_ok();
    if !have_jq {
        eprintln!("skipped: jq is not installed (scripts/play-party.sh needs it)");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let url = server(tmp.path()).await;
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../scripts/play-party.sh");
    // The README shows the script whole: the text tested here is the text
    // people copy.
    let text = std::fs::read_to_string(&script).unwrap();
    let readme = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md"),
    )
    .unwrap();
    assert!(
        readme.contains(&format!("```sh\n{text}```\n")),
        "README.md's copy of scripts/play-party.sh differs from the file"
    );
    let work = tmp.path().join("work");
    std::fs::create_dir_all(&work).unwrap();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .arg(script)
            .arg(&url)
            .arg(&work)
            .env("PARTY_TUI", BIN)
            .env("PARTY_TUI_LOG", "warn")
            .output()
            .unwrap()
    })
    .await
    .unwrap();
    let events = ok(&out);
    let text = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let code_line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("party code: "))
        .unwrap_or_else(|| panic!("no party code line: {stderr}"));
    // The last line is the scoreboard.
    let last = events.last().unwrap();
    assert_eq!(last["party_code"], code_line);
    let rankings = last["rankings"].as_array().unwrap();
    assert_eq!(rankings.len(), 4, "{last}");
    // The host's own phrase was played first.
    assert!(
        events
            .iter()
            .any(|e| e["player"] == "host" && e["phrase"] == "MIDNIGHT SNACK"),
        "{text}"
    );
}
