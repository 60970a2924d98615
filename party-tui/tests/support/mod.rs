//! Driving real terminal programs in tmux: start one in a detached 80×24
//! session, type into it, read its screen, wait for text, and clean up.
//!
//! Every [`Tmux`] runs its own tmux server (on a socket in its own temp
//! dir), so tests never touch the user's tmux sessions nor each other's,
//! and dropping it kills whatever is left and removes the socket.

pub mod headless;
pub mod tls;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How often [`Pane::wait_until`] looks at the screen.
pub const POLL: Duration = Duration::from_millis(100);
/// How long a wait lasts before the test fails.
pub const TIMEOUT: Duration = Duration::from_secs(60);

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A unique name for this process: `qf-e2e-<pid>-<n>`.
fn unique(prefix: &str) -> String {
    format!(
        "{prefix}-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// Whether `tmux` can run here; the tests skip (with a message) when not.
pub fn available() -> bool {
    let ok = Command::new("tmux")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("skipped: tmux is not installed (the terminal end-to-end tests need it)");
    }
    ok
}

/// Quotes `s` for `sh`.
pub fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// A private tmux server, its socket in a temp dir of its own.
#[derive(Debug)]
pub struct Tmux {
    socket: PathBuf,
    _dir: tempfile::TempDir,
}

impl Tmux {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("qf-tmux-")
            .tempdir()
            .expect("a temp dir for the tmux socket");
        Tmux {
            socket: dir.path().join(unique("qf-e2e")),
            _dir: dir,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("tmux runs")
    }

    /// Starts `program args…` in a new detached 80×24 session.
    ///
    /// The program runs under `sh`, which records its exit code and the
    /// terminal's settings right after it exits in `<status_dir>/exit` and
    /// `<status_dir>/stty`, then ends (and with it the session).
    pub fn spawn(&self, program: &Path, args: &[String], status_dir: &Path) -> Pane {
        let name = unique("qf");
        let mut cmd =
            String::from("unset PARTY_SERVER PARTY_TUI_BIND PARTY_DATA_DIR PARTY_RULES; ");
        cmd.push_str(&sh_quote(&program.to_string_lossy()));
        for a in args {
            cmd.push(' ');
            cmd.push_str(&sh_quote(a));
        }
        let exit = status_dir.join("exit");
        let stty = status_dir.join("stty");
        let _ = std::fs::remove_file(&exit);
        let _ = std::fs::remove_file(&stty);
        let _ = write!(
            cmd,
            "; echo $? > {}; stty -a > {} 2>&1",
            sh_quote(&exit.to_string_lossy()),
            sh_quote(&stty.to_string_lossy())
        );
        let out = self.run(&[
            "new-session",
            "-d",
            "-s",
            &name,
            "-x",
            "80",
            "-y",
            "24",
            "sh",
            "-c",
            &cmd,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Pane {
            socket: self.socket.clone(),
            name,
            exit,
            stty,
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// One session running one program.
#[derive(Debug)]
pub struct Pane {
    socket: PathBuf,
    pub name: String,
    exit: PathBuf,
    stty: PathBuf,
}

impl Pane {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("tmux runs")
    }

    /// Sends keys by tmux name (`Enter`, `BSpace`, `C-c`, or single characters).
    pub fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.name];
        args.extend_from_slice(keys);
        let out = self.run(&args);
        assert!(
            out.status.success(),
            "send-keys to {} failed: {}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Types `text` literally.
    pub fn text(&self, text: &str) {
        let out = self.run(&["send-keys", "-t", &self.name, "-l", text]);
        assert!(
            out.status.success(),
            "send-keys -l to {} failed: {}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Resizes the terminal, as a person dragging the window would.
    // Each test file compiles its own copy of this module; only the SSH
    // tests resize.
    #[allow(dead_code)]
    pub fn resize(&self, cols: u16, rows: u16) {
        let (x, y) = (cols.to_string(), rows.to_string());
        let out = self.run(&["resize-window", "-t", &self.name, "-x", &x, "-y", &y]);
        assert!(
            out.status.success(),
            "resize-window {} failed: {}",
            self.name,
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The screen as text, or `None` once the session is gone.
    pub fn capture(&self) -> Option<String> {
        let out = self.run(&["capture-pane", "-p", "-t", &self.name]);
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// The screen; fails the test if the program has already exited.
    pub fn screen(&self) -> String {
        self.capture()
            .unwrap_or_else(|| panic!("{}: the program exited unexpectedly", self.name))
    }

    /// Whether the session still exists.
    pub fn alive(&self) -> bool {
        self.run(&["has-session", "-t", &self.name])
            .status
            .success()
    }

    /// Polls the screen until `ready` holds; returns that screen. Fails
    /// after [`TIMEOUT`] with the last screen in the message.
    pub fn wait_until(&self, what: &str, ready: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        let mut last = String::new();
        while start.elapsed() < TIMEOUT {
            match self.capture() {
                Some(screen) if ready(&screen) => return screen,
                Some(screen) => last = screen,
                None => panic!(
                    "{}: the program exited while waiting for {what}; last screen:\n{last}",
                    self.name
                ),
            }
            std::thread::sleep(POLL);
        }
        panic!(
            "{}: timed out after {TIMEOUT:?} waiting for {what}; last screen:\n{last}",
            self.name
        );
    }

    /// Waits until the screen shows `text`.
    pub fn wait_for(&self, text: &str) -> String {
        self.wait_until(&format!("{text:?}"), |s| s.contains(text))
    }

    /// Waits for the program (and so the session) to end, then returns its
    /// exit code and the terminal settings it left behind (`stty -a`).
    pub fn wait_exit(&self) -> (i32, String) {
        let start = Instant::now();
        let mut last = String::new();
        while self.alive() {
            if let Some(screen) = self.capture() {
                last = screen;
            }
            assert!(
                start.elapsed() < TIMEOUT,
                "{}: still running after {TIMEOUT:?}; last screen:\n{last}",
                self.name
            );
            std::thread::sleep(POLL);
        }
        let code = std::fs::read_to_string(&self.exit)
            .unwrap_or_else(|e| panic!("{}: no exit status ({e})", self.name));
        let code = code.trim().parse().expect("a numeric exit status");
        let stty = std::fs::read_to_string(&self.stty).unwrap_or_default();
        (code, stty)
    }
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = self.run(&["kill-session", "-t", &self.name]);
    }
}
