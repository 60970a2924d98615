//! Running `party-tui headless …` as a script would, and reading the JSON
//! lines it prints. Shared by the headless tests (`headless.rs`) and the
//! terminal tests (`e2e.rs`), where headless players join a party hosted
//! from a tmux client.

// Each test file compiles its own copy; not every helper is used by each.
#![allow(dead_code)]

use std::ffi::OsString;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use serde_json::Value;

const PARTY_TUI: &str = env!("CARGO_BIN_EXE_party-tui");

/// Runs `party-tui headless <args>` for the player whose data lives in
/// `dir`, trusting the CA certificate in `ca` (`--ca-cert`) when given.
/// A real server in this test process, on port 0 over a fresh SQLite file
/// in `dir`, rate limits off; `tune` adjusts its configuration first.
pub async fn in_process_server(dir: &Path, tune: impl FnOnce(&mut party_server::Config)) -> String {
    let mut config = party_server::Config::local("127.0.0.1:0".parse().unwrap(), dir).unwrap();
    config.rate_limits = party_server::config::Switch::Off;
    tune(&mut config);
    let app = party_server::Application::build(&config).await.unwrap();
    let addr = app.local_addr().unwrap();
    tokio::spawn(app.run(std::future::pending()));
    format!("http://{addr}")
}

/// `party-tui headless ARGS` against a plain-HTTP server.
pub fn headless(server: &str, dir: &Path, args: &[&str]) -> Output {
    headless_trusting(server, None, dir, args)
}

pub fn headless_trusting(server: &str, ca: Option<&Path>, dir: &Path, args: &[&str]) -> Output {
    Command::new(PARTY_TUI)
        .arg("headless")
        .args(args)
        .args(["--server", server, "--data-dir"])
        .arg(dir)
        .args(ca_args(ca))
        .env("PARTY_TUI_LOG", "warn")
        .output()
        .expect("run party-tui")
}

/// Starts `party-tui headless play --timeout 120` for the player in `dir`,
/// its stdout and stderr piped. The party socket logs when it connects
/// (`party socket connected` on stderr): over TLS, that shows `wss://`
/// worked, since polling alone would also reach RESULTS.
pub fn spawn_play(server: &str, ca: Option<&Path>, dir: &Path) -> Playing {
    let child = Command::new(PARTY_TUI)
        .args(["headless", "play", "--timeout", "120", "--server", server])
        .arg("--data-dir")
        .arg(dir)
        .args(ca_args(ca))
        .env("PARTY_TUI_LOG", "party_tui::ws=debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start party-tui headless play");
    Playing(Some(child))
}

/// A `headless play` under way. Dropped before [`Playing::finish`] (a test
/// failing elsewhere), it is killed, so no player outlives its test.
pub struct Playing(Option<Child>);

impl Playing {
    /// Waits for `play` to end (its own `--timeout` bounds the wait) and
    /// returns what it printed.
    pub fn finish(mut self) -> Output {
        self.0
            .take()
            .expect("still running")
            .wait_with_output()
            .expect("wait for party-tui headless play")
    }
}

impl Drop for Playing {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// `--ca-cert CA`, or nothing.
pub fn ca_args(ca: Option<&Path>) -> Vec<OsString> {
    ca.map(|ca| vec!["--ca-cert".into(), ca.as_os_str().to_owned()])
        .unwrap_or_default()
}

/// Every stdout line as JSON; fails on a line that is not.
pub fn lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// [`lines`] of a command that must have exited 0 (else fails with its
/// exit code, stdout and stderr).
pub fn ok(out: &Output) -> Vec<Value> {
    assert!(
        out.status.success(),
        "exit {:?}: {}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    lines(out)
}

/// The usernames of a `results` line's rankings, best first.
pub fn ranked_usernames(results: &Value) -> Vec<String> {
    results["results"]["rankings"]
        .as_array()
        .unwrap_or_else(|| panic!("no rankings in {results}"))
        .iter()
        .map(|r| {
            r["username"]
                .as_str()
                .unwrap_or_else(|| panic!("a ranking without a username: {r}"))
                .to_owned()
        })
        .collect()
}
