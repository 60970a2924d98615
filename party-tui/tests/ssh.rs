//! End-to-end tests of `party-tui host --ssh`, played with the system's
//! OpenSSH client: each player is `ssh -i KEY 127.0.0.1` in its own tmux
//! session (keys made here with ssh-keygen), typing keys and reading the
//! screen like a person; the host plays in a tmux session of its own, or
//! serves only (`--serve-only`). They skip (with a message) without tmux, ssh or
//! ssh-keygen (Debian: `apt-get install openssh-client tmux`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

#[path = "support/player.rs"]
mod player;
#[path = "support/screen.rs"]
mod screen;
mod support;

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use player::{Phrases, Player, assert_everyone_ranked, play_to_results, tempdir};
use screen::{name_in_header, share_on_screen, ssh_port_on_screen};
use support::{Pane, Tmux};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_party-tui");

fn tools_available() -> bool {
    if !support::available() {
        return false;
    }
    for tool in ["ssh", "ssh-keygen"] {
        let ok = Command::new(tool)
            .arg("-V")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok();
        if !ok {
            eprintln!("skipped: {tool} is not installed (apt-get install openssh-client)");
            return false;
        }
    }
    true
}

/// A running `party-tui host --serve-only`; killed when dropped.
struct Host {
    child: Child,
    port: u16,
    _dir: TempDir,
}

impl Host {
    /// Starts the host on a free port of 127.0.0.1 with `flags`, and reads
    /// the port from the `ssh -p PORT` line it prints.
    fn start(flags: &[&str]) -> Host {
        let dir = tempfile::tempdir().expect("a temp dir");
        let mut child = Command::new(BIN)
            .arg("--data-dir")
            .arg(dir.path())
            .args(["host", "--ssh", "127.0.0.1:0", "--serve-only"])
            .args(flags)
            .env_remove("PARTY_SERVER")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("party-tui host starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        let mut seen = Vec::new();
        let port = loop {
            let line = lines
                .next()
                .and_then(Result::ok)
                .unwrap_or_else(|| panic!("the host printed no ssh line: {seen:?}"));
            if let Some(rest) = line.trim().strip_prefix("Over SSH:") {
                let port = rest.split_whitespace().nth(2).expect("ssh -p PORT HOST");
                break port.parse().expect("a port");
            }
            seen.push(line);
        };
        // Keep reading so the host never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Host {
            child,
            port,
            _dir: dir,
        }
    }

    /// The ssh arguments for a player with `key` (none: no key offered).
    fn ssh_args(&self, key: Option<&Path>) -> Vec<String> {
        ssh_args(self.port, key)
    }
}

/// The ssh arguments for a player with `key` (none: no key offered) to a
/// host on `port` of 127.0.0.1.
fn ssh_args(port: u16, key: Option<&Path>) -> Vec<String> {
    let mut args: Vec<String> = [
        "-p",
        &port.to_string(),
        "-o",
        "StrictHostKeyChecking=no",
        "-o",
        "UserKnownHostsFile=/dev/null",
        "-o",
        "LogLevel=ERROR",
        "-o",
        "IdentitiesOnly=yes",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    match key {
        Some(key) => {
            args.push("-i".into());
            args.push(key.to_string_lossy().into_owned());
        }
        None => args.extend(["-o".into(), "PubkeyAuthentication=no".into()]),
    }
    args.push("127.0.0.1".into());
    args
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A new ed25519 key pair in `dir`; returns the private key's path.
fn keygen(dir: &Path, name: &str) -> PathBuf {
    let key = dir.join(name);
    let ok = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-f"])
        .arg(&key)
        .status()
        .expect("ssh-keygen runs")
        .success();
    assert!(ok, "ssh-keygen failed");
    key
}

/// A player at an `ssh` terminal in tmux.
struct Ssh {
    pane: Pane,
    _status: TempDir,
}

fn connect(tmux: &Tmux, host: &Host, key: Option<&Path>) -> Ssh {
    let status = tempfile::tempdir().expect("a temp dir");
    let pane = tmux.spawn(Path::new("ssh"), &host.ssh_args(key), status.path());
    Ssh {
        pane,
        _status: status,
    }
}

/// The width of the screen's widest box border: what the client drew for.
fn drawn_width(screen: &str) -> usize {
    screen
        .lines()
        .filter(|l| l.starts_with('┌'))
        .map(|l| l.trim_end().chars().count())
        .max()
        .unwrap_or(0)
}

#[test]
fn three_ssh_players_play_a_party_to_the_results_and_keys_are_identities() {
    if !tools_available() {
        return;
    }
    let keys = tempfile::tempdir().expect("a temp dir");
    let (k1, k2, k3, k4) = (
        keygen(keys.path(), "k1"),
        keygen(keys.path(), "k2"),
        keygen(keys.path(), "k3"),
        keygen(keys.path(), "k4"),
    );
    let host = Host::start(&[]);
    let tmux = Tmux::new();

    // Three friends connect with their keys and sign in as guests.
    let mut players: Vec<Player> = [(&k1, "1"), (&k2, "2"), (&k3, "3")]
        .into_iter()
        .map(|(k, vote)| {
            let dir = tempfile::tempdir().expect("a temp dir");
            Player::spawn(&tmux, dir, Path::new("ssh"), &host.ssh_args(Some(k)), vote)
        })
        .collect();
    let names: Vec<String> = players.iter_mut().map(Player::sign_in_as_guest).collect();
    assert!(names[0] != names[1] && names[1] != names[2], "{names:?}");

    // The first opens a party; the others join by its code.
    let code = players[0].create_party();
    players[1].join(&code);
    players[2].join(&code.to_lowercase());
    players[0].pane.wait_for("Players 3/8 (min 3)");
    for p in &players {
        p.pane.keys(&["r"]);
    }
    players[0].pane.wait_for("3 ready — press s to start.");
    players[0].pane.keys(&["s"]);
    for p in &players {
        p.pane.wait_for("Your prompt:");
    }

    // Mid-game, one terminal grows and shrinks: the client redraws to
    // each new size.
    let pane = &players[1].pane;
    let before = pane.screen();
    assert_eq!(drawn_width(&before), 80, "{before}");
    pane.resize(110, 30);
    let after = pane.wait_until("a redraw at 110 columns", |s| drawn_width(s) == 110);
    assert!(after.contains("Your prompt:"), "{after}");
    assert!(after.lines().count() >= 29, "{after}");
    pane.resize(72, 22);
    pane.wait_until("a redraw at 72 columns", |s| drawn_width(s) == 72);
    pane.resize(80, 24);
    pane.wait_until("a redraw at 80 columns", |s| drawn_width(s) == 80);

    // Everyone plays every round to the results.
    play_to_results(&mut players, &mut Phrases::default());
    assert_everyone_ranked(&players, &code);

    // The first player leaves and comes back with the same key: signed
    // straight in as the same account.
    players[0].pane.keys(&["q"]);
    let (code0, _) = players[0].pane.wait_exit();
    assert_eq!(code0, 0);
    let again = connect(&tmux, &host, Some(&k1));
    let screen = again
        .pane
        .wait_until("signed in again", |s| name_in_header(s).is_some());
    assert_eq!(name_in_header(&screen).as_deref(), Some(names[0].as_str()));

    // Another key is another account: the sign-in screen, then a new guest.
    let stranger = connect(&tmux, &host, Some(&k4));
    stranger.pane.wait_for(" Sign in ");
    stranger.pane.keys(&["Enter"]);
    let screen = stranger
        .pane
        .wait_until("the dashboard", |s| s.contains("[c] Start a Party"));
    let fresh = name_in_header(&screen).expect("a name");
    assert!(!names.contains(&fresh), "{fresh} is one of {names:?}");

    // A command instead of the game is refused with a reason.
    let out = Command::new("ssh")
        .args(host.ssh_args(Some(&k2)))
        .arg("cat /etc/passwd")
        .stdin(Stdio::null())
        .output()
        .expect("ssh runs");
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("only the game is served here"), "{stderr}");
    assert!(!String::from_utf8_lossy(&out.stdout).contains("root:"));

    // Port forwarding is refused both ways: a tunnel through the host
    // (direct-tcpip, as -W and -L open) and a listener on it (-R).
    let tunnel = Command::new("ssh")
        .args(host.ssh_args(Some(&k2)))
        .args(["-W", &format!("127.0.0.1:{}", host.port)])
        .stdin(Stdio::null())
        .output()
        .expect("ssh runs");
    assert_ne!(tunnel.status.code(), Some(0), "{tunnel:?}");
    assert!(
        String::from_utf8_lossy(&tunnel.stderr).contains("forwarding failed"),
        "{tunnel:?}"
    );
    assert!(tunnel.stdout.is_empty(), "{tunnel:?}");
    let listener = Command::new("ssh")
        .args([
            "-o",
            "ExitOnForwardFailure=yes",
            "-N",
            "-R",
            "0:127.0.0.1:9",
        ])
        .args(host.ssh_args(Some(&k2)))
        .stdin(Stdio::null())
        .output()
        .expect("ssh runs");
    assert_ne!(listener.status.code(), Some(0), "{listener:?}");
    assert!(
        String::from_utf8_lossy(&listener.stderr).contains("forwarding failed"),
        "{listener:?}"
    );

    // A burst of random bytes as one player's input ends that game at
    // worst: the others play on and a new visitor is served.
    let mut noisy = Command::new("ssh")
        .args(host.ssh_args(None))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("ssh runs");
    let mut x: u32 = 0x9e37_79b9;
    let random_bytes: Vec<u8> = (0..256 * 1024)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x as u8
        })
        .collect();
    if let Some(mut stdin) = noisy.stdin.take() {
        use std::io::Write;
        // The game may end mid-burst (the bytes hold a Ctrl-C): a broken
        // pipe is one of the allowed outcomes.
        let _ = stdin.write_all(&random_bytes);
    }
    let start = Instant::now();
    while noisy.try_wait().expect("ssh status").is_none()
        && start.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = noisy.kill();
    let _ = noisy.wait();
    players[2].pane.keys(&["Right"]);
    players[2]
        .pane
        .wait_for(&format!("Party {code} · phraseset 1 of "));
    let late = connect(&tmux, &host, Some(&k3));
    let screen = late
        .pane
        .wait_until("signed in again", |s| name_in_header(s).is_some());
    assert_eq!(name_in_header(&screen).as_deref(), Some(names[2].as_str()));
}

#[test]
fn the_host_plays_in_its_own_terminal_with_three_friends_over_ssh() {
    if !tools_available() {
        return;
    }
    let keys = tempfile::tempdir().expect("a temp dir");
    let tmux = Tmux::new();

    // The host command in a terminal of its own: it serves SSH and plays.
    let host_args = ["host", "--ssh", "127.0.0.1:0"].map(str::to_owned);
    let mut host = Player::start(&tmux, tempdir(), &host_args, "1");
    host.sign_in_as_guest();
    let code = host.create_party();

    // Its lobby shows what to share: the code and the ssh line.
    let lobby = host.pane.screen();
    let port = ssh_port_on_screen(&lobby).unwrap_or_else(|| panic!("no ssh line:\n{lobby}"));
    assert!(
        share_on_screen(&lobby)
            .iter()
            .any(|l| l.ends_with(&format!("ssh -p {port} 127.0.0.1"))),
        "{lobby}"
    );

    // Three friends connect with their keys and join by that code; their
    // lobbies share the same way in.
    let mut players = vec![host];
    for (name, vote) in [("k1", "2"), ("k2", "3"), ("k3", "1")] {
        let key = keygen(keys.path(), name);
        let args = ssh_args(port, Some(&key));
        let mut friend = Player::spawn(&tmux, tempdir(), Path::new("ssh"), &args, vote);
        friend.sign_in_as_guest();
        friend.join(&code);
        let screen = friend.pane.screen();
        assert_eq!(ssh_port_on_screen(&screen), Some(port), "{screen}");
        players.push(friend);
    }
    let names: Vec<&str> = players.iter().map(|p| p.name.as_str()).collect();
    for (i, name) in names.iter().enumerate() {
        assert!(!names[..i].contains(name), "{names:?}");
    }
    players[0].pane.wait_for("Players 4/8 (min 3)");
    for p in &players {
        p.pane.keys(&["r"]);
    }
    players[0].pane.wait_for("4 ready — press s to start.");
    players[0].pane.keys(&["s"]);

    // All four play every round to the results.
    play_to_results(&mut players, &mut Phrases::default());
    assert_everyone_ranked(&players, &code);

    // Quitting the host's game stops the host: it exits cleanly, and each
    // friend's game ends (exit status 1) with their terminal given back.
    players[0].quit_with(&["q"]);
    for friend in &players[1..] {
        let (status, stty) = friend.pane.wait_exit();
        assert_eq!(status, 1, "{}'s ssh ended with {status}", friend.name);
        let flags: Vec<&str> = stty.split_whitespace().collect();
        assert!(
            flags.contains(&"icanon") && flags.contains(&"echo"),
            "{stty}"
        );
    }
}

/// A plain `ssh` (no terminal) whose output is read until it exits or
/// `wait` passes; stdin stays open, as a person who types nothing.
fn ssh_output(host: &Host, key: Option<&Path>, wait: Duration) -> (Option<i32>, String) {
    let mut child = Command::new("ssh")
        .args(host.ssh_args(key))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("ssh runs");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("ssh status") {
            break status.code();
        }
        if start.elapsed() > wait {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut out = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_string(&mut out);
    }
    (status, out)
}

#[test]
fn limits_refuse_one_more_with_a_reason_and_idle_games_close() {
    if !tools_available() {
        return;
    }
    let keys = tempfile::tempdir().expect("a temp dir");
    let k1 = keygen(keys.path(), "k1");
    let host = Host::start(&[
        "--ssh-max-sessions",
        "1",
        "--ssh-idle-timeout",
        "4",
        "--ssh-per-ip-per-minute",
        "2",
    ]);
    let host = std::sync::Arc::new(host);

    // The first player (no key: a guest) takes the only place and types
    // nothing; the idle limit closes the game with a message.
    let first = {
        let host = std::sync::Arc::clone(&host);
        std::thread::spawn(move || ssh_output(&host, None, Duration::from_secs(30)))
    };
    std::thread::sleep(Duration::from_millis(1500));

    // One more is refused while the first plays.
    let (status, out) = ssh_output(&host, Some(&k1), Duration::from_secs(20));
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains("the game is full"), "{out}");

    let (status, out) = first.join().expect("the first player");
    assert_eq!(status, Some(1), "{out}");
    assert!(
        out.contains("Username:"),
        "the game was served first: {out}"
    );
    assert!(
        out.contains("closed after 4 s without a key press"),
        "{out}"
    );

    // A third connection from this address within the minute is refused.
    let (status, out) = ssh_output(&host, Some(&k1), Duration::from_secs(20));
    assert_eq!(status, Some(1), "{out}");
    assert!(out.contains("too many new connections"), "{out}");
}
