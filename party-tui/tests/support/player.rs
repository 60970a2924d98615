//! The players of the terminal end-to-end tests: a client in a tmux
//! session that reads its screen and plays every round it is asked to, and
//! the helpers that read the screen. Shared by the local tests (`e2e.rs`)
//! and the SSH tests (`ssh.rs`), where the client is reached through `ssh`.

// Each test file compiles its own copy; not every helper is used by each.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::screen::*;
use crate::support::{self, Pane, Tmux};
pub const BIN: &str = env!("CARGO_BIN_EXE_party-tui");

/// How long a whole game may take, from the start to every results screen.
pub const GAME_TIMEOUT: Duration = Duration::from_secs(90);
/// Keys sent to a round with no visible effect for this long are sent
/// again (before that, a screen that looks untouched was drawn before they
/// arrived).
pub const RESEND: Duration = Duration::from_secs(4);

/// Phrases to write: dictionary words, no word twice and none from the
/// bots' vocabulary, so originals and copies rarely clash. A phrase may
/// still repeat a word of the hidden prompt; then the next one is tried.
pub const PHRASES: &[&str] = &[
    "VELVET HARBOR",
    "COPPER MEADOW",
    "ORANGE TELESCOPE",
    "MARBLE STAIRCASE",
    "SILVER ORCHARD",
    "CRYSTAL FOUNTAIN",
    "DISTANT LIGHTHOUSE",
    "TWISTED PRETZEL",
    "ANCIENT LIBRARY",
    "FLOATING ISLAND",
    "MIDNIGHT TRAIN",
    "SCARLET UMBRELLA",
    "GENEROUS UNCLE",
    "FEARLESS KNIGHT",
    "OFFICIAL PAPERWORK",
    "TROPICAL STORM",
    "MYSTERIOUS VISITOR",
    "ELECTRIC GUITAR",
    "BACKWARDS CLOCK",
    "PORTABLE FIREPLACE",
    "INVISIBLE INK",
    "ENDLESS HALLWAY",
    "POLISHED BOOTS",
    "FORGOTTEN PASSWORD",
    "CARDBOARD FORTRESS",
    "SUNBURNT TOURIST",
    "BORROWED BICYCLE",
    "NERVOUS ACCOUNTANT",
    "HAUNTED ELEVATOR",
    "FRAGRANT BLOSSOM",
    "VINTAGE TYPEWRITER",
    "STUBBORN MULE",
    "OVERDUE INVOICE",
    "MELTED CRAYONS",
    "SUSPICIOUS PARCEL",
    "DRAMATIC ENTRANCE",
    "GLITTERY NAILS",
    "SOLEMN OATH",
    "RUMPLED SHIRT",
    "TEMPORARY TATTOO",
    "ELEGANT SWAN",
    "SNORING GRANDPA",
    "OPTIMISTIC PLUMBER",
    "BLUNT SCISSORS",
    "LEAKY FAUCET",
    "ORBITING SATELLITE",
    "DEFLATED BASKETBALL",
    "MISSING REMOTE",
];

/// Hands out [`PHRASES`] in turn (round robin) to all the players of a test.
#[derive(Debug, Default)]
pub struct Phrases {
    pub next: usize,
    /// A phrase to hand out before the list (say, one the server refuses).
    pub first: Option<&'static str>,
}

impl Phrases {
    pub fn take(&mut self) -> &'static str {
        if let Some(p) = self.first.take() {
            return p;
        }
        let p = PHRASES[self.next % PHRASES.len()];
        self.next += 1;
        p
    }
}

/// A port nobody listens on right now.
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

pub fn tempdir() -> TempDir {
    // PARTY_E2E_KEEP=1 keeps the data dirs (logs, databases) for a look.
    tempfile::Builder::new()
        .prefix("party-tui-e2e-")
        .disable_cleanup(std::env::var_os("PARTY_E2E_KEEP").is_some())
        .tempdir()
        .expect("a temp dir")
}

pub fn arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

// ------------------------------------------------------------ the players

/// Keys a player sent to a round.
#[derive(Debug)]
pub struct Acted {
    /// The round's text ([`round_text`]).
    pub round: String,
    /// The phrase typed (empty for a vote).
    pub typed: &'static str,
    pub at: Instant,
}

/// One player: a `party-tui` in a tmux session.
pub struct Player {
    pub pane: Pane,
    pub dir: TempDir,
    pub name: String,
    /// The digit this player votes with.
    pub vote: &'static str,
    /// What this player last did, to tell a screen that is not redrawn yet
    /// from one that asks for something.
    pub last: Option<Acted>,
    /// The originals this player wrote: the prompt as the form showed it
    /// (its first line) and the phrase last sent for it.
    pub originals: Vec<(String, &'static str)>,
    /// The first screen of the reveal seen, and the first one that marked
    /// the original.
    pub reveal: Option<String>,
    pub revealed: Option<String>,
    /// The reveal step this player last pressed Enter on, and when.
    pub stepped: Option<((String, RevealStep), Instant)>,
    /// When this player last pressed `s` to skip the rest of the reveal.
    pub skipped: Option<Instant>,
    pub results: Option<String>,
    pub log: Vec<String>,
}

impl Player {
    pub fn start(tmux: &Tmux, dir: TempDir, args: &[String], vote: &'static str) -> Player {
        let mut all = vec!["--data-dir".to_owned(), arg(dir.path())];
        all.extend_from_slice(args);
        Player::spawn(tmux, dir, Path::new(BIN), &all, vote)
    }

    /// A player whose client is `program args…` (the client itself, or
    /// `ssh` to a host serving it); `dir` keeps the exit status.
    pub fn spawn(
        tmux: &Tmux,
        dir: TempDir,
        program: &Path,
        args: &[String],
        vote: &'static str,
    ) -> Player {
        let pane = tmux.spawn(program, args, dir.path());
        Player {
            pane,
            dir,
            name: String::new(),
            vote,
            last: None,
            originals: Vec::new(),
            reveal: None,
            revealed: None,
            stepped: None,
            skipped: None,
            results: None,
            log: Vec::new(),
        }
    }

    /// Enter with an empty name: play as a guest. Returns the guest's name.
    pub fn sign_in_as_guest(&mut self) -> String {
        self.pane.wait_for(" Sign in ");
        self.pane.keys(&["Enter"]);
        let screen = self
            .pane
            .wait_until("the dashboard", |s| s.contains("[c] Start a Party"));
        self.name = name_in_header(&screen).expect("a name in the header");
        self.name.clone()
    }

    /// Opens a party with the default settings; returns its code as shown.
    pub fn create_party(&self) -> String {
        self.pane.keys(&["c"]);
        self.pane.wait_for(" Start a Party ");
        self.pane.keys(&["Enter"]);
        let screen = self
            .pane
            .wait_until("the lobby's code", |s| code_on_screen(s).is_some());
        code_on_screen(&screen).expect("a code")
    }

    pub fn join(&self, typed_code: &str) {
        self.pane.keys(&["j"]);
        self.pane.wait_for(" Join Party ");
        self.pane.text(typed_code);
        self.pane.keys(&["Enter"]);
        self.pane.wait_until("the lobby", |s| {
            code_on_screen(s).is_some() && s.contains("(you)")
        });
    }

    /// Erases `erase` characters, types `phrase` and sends it.
    pub fn write(&mut self, round: String, phrase: &'static str, erase: usize) {
        if erase > 0 {
            self.pane.keys(&vec!["BSpace"; erase]);
        }
        self.pane.text(phrase);
        self.pane.keys(&["Enter"]);
        self.last = Some(Acted {
            round,
            typed: phrase,
            at: Instant::now(),
        });
    }

    /// Looks at the screen once and does what it asks. Returns true once
    /// the results are up.
    pub fn step(&mut self, phrases: &mut Phrases, t0: Instant) -> bool {
        if self.results.is_some() {
            return true;
        }
        let screen = self.pane.screen();
        let error = error_on_screen(&screen).map(str::to_owned);
        match classify(&screen) {
            Seen::Results => {
                self.log_at(t0, "results");
                self.results = Some(screen);
                return true;
            }
            Seen::Reveal => self.watch_reveal(screen, t0),
            Seen::Form { round, input } => {
                let seen = round.clone();
                // What we last sent to this round, if anything.
                let mine = self.last.as_ref().filter(|a| a.round == round);
                let resend = mine.is_none_or(|a| a.at.elapsed() > RESEND);
                let ours = mine.is_some_and(|a| a.typed == input);
                if input.is_empty() {
                    if resend {
                        let phrase = phrases.take();
                        self.log_at(t0, &format!("writes {phrase}"));
                        self.write(round, phrase, 0);
                    }
                } else if let Some(err) = error.filter(|_| ours || resend) {
                    // Rejected: the input stays; erase it and try another phrase.
                    let phrase = phrases.take();
                    self.log_at(t0, &format!("{err} → writes {phrase}"));
                    self.write(round, phrase, input.chars().count() + 2);
                } else if resend && ours {
                    self.log_at(t0, &format!("no answer to {input:?}: Enter again"));
                    self.pane.keys(&["Enter"]);
                    if let Some(a) = self.last.as_mut() {
                        a.at = Instant::now();
                    }
                } else if resend {
                    let phrase = phrases.take();
                    self.log_at(t0, &format!("found {input:?} typed → writes {phrase}"));
                    self.write(round, phrase, input.chars().count() + 2);
                }
                self.note_original(&screen, &seen);
            }
            Seen::Vote { round } => {
                let mine = self.last.as_ref().filter(|a| a.round == round);
                if mine.is_none_or(|a| a.at.elapsed() > RESEND) {
                    match error {
                        Some(err) => self.log_at(t0, &format!("{err} → votes again")),
                        None => self.log_at(t0, &format!("votes {}", self.vote)),
                    }
                    self.pane.keys(&[self.vote, "Enter"]);
                    self.last = Some(Acted {
                        round,
                        typed: "",
                        at: Instant::now(),
                    });
                }
            }
            Seen::Other => {
                if let Some(err) = error
                    && self.log.last().is_none_or(|l| !l.ends_with(&err))
                {
                    self.log_at(t0, &format!("screen says {err}"));
                }
            }
        }
        false
    }

    /// Steps through the reveal with Enter, as a person reading along,
    /// until a screen marks the original; then `s` skips the rest to the
    /// scoreboard. The clock moves the reveal on by itself too, so keys go
    /// only to a step not yet stepped on (or again after [`RESEND`]).
    pub fn watch_reveal(&mut self, screen: String, t0: Instant) {
        let step = reveal_step(&screen);
        if self.reveal.is_none() {
            self.log_at(t0, "sees the reveal");
            self.reveal = Some(screen.clone());
        }
        if self.revealed.is_none()
            && let Some((title, RevealStep::Original)) = &step
        {
            self.log_at(t0, &format!("sees the original of {title}"));
            self.revealed = Some(screen);
        }
        if self.revealed.is_some() {
            if self.skipped.is_none_or(|at| at.elapsed() > RESEND) {
                self.log_at(t0, "skips the reveal: s");
                self.skipped = Some(Instant::now());
                self.pane.keys(&["s"]);
            }
        } else if let Some(step) = step
            && self
                .stepped
                .as_ref()
                .is_none_or(|(last, at)| *last != step || at.elapsed() > RESEND)
        {
            self.log_at(t0, &format!("{} {:?}: Enter", step.0, step.1));
            self.stepped = Some((step, Instant::now()));
            self.pane.keys(&["Enter"]);
        }
    }

    /// On a prompt round, remembers the phrase last sent to it as this
    /// player's original for that prompt (a refused one is replaced by the
    /// next try).
    pub fn note_original(&mut self, screen: &str, round: &str) {
        let Some(prompt) = line_after(screen, "Your prompt:") else {
            return;
        };
        if let Some(sent) = self.last.as_ref().filter(|a| a.round == round) {
            let typed = sent.typed;
            self.originals.retain(|(p, _)| *p != prompt);
            self.originals.push((prompt, typed));
        }
    }

    pub fn log_at(&mut self, t0: Instant, what: &str) {
        self.log.push(format!(
            "{:>5.1}s {}: {what}",
            t0.elapsed().as_secs_f64(),
            self.name
        ));
    }

    /// Quits with `keys` and checks the program ended cleanly and gave the
    /// terminal back (canonical mode and echo on again).
    pub fn quit_with(&self, keys: &[&str]) {
        self.pane.keys(keys);
        let (code, stty) = self.pane.wait_exit();
        assert_eq!(code, 0, "{} exited with {code}", self.name);
        assert!(
            !self.pane.alive(),
            "{}: the session is still there",
            self.name
        );
        let flags: Vec<&str> = stty.split_whitespace().collect();
        for flag in ["icanon", "echo"] {
            assert!(
                flags.contains(&flag),
                "{}: the terminal was left without {flag}:\n{stty}",
                self.name
            );
        }
    }

    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// The end of the client's own log file (warnings and errors).
    pub fn log_tail(&self) -> String {
        let log =
            std::fs::read_to_string(self.dir.path().join("party-tui.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

/// Everyone plays every round of every phase until every screen shows the
/// results. Fails with every player's log and last screen on timeout.
pub fn play_to_results(players: &mut [Player], phrases: &mut Phrases) {
    let t0 = Instant::now();
    loop {
        let mut done = true;
        for p in players.iter_mut() {
            done &= p.step(phrases, t0);
        }
        if done {
            break;
        }
        if t0.elapsed() > GAME_TIMEOUT {
            let mut report = String::new();
            for p in players.iter() {
                let _ = write!(
                    report,
                    "\n--- {} ---\n{}\n{}\n(log) {}",
                    p.name,
                    p.log.join("\n"),
                    p.pane.capture().unwrap_or_default(),
                    p.log_tail()
                );
            }
            panic!("the game did not reach the results in {GAME_TIMEOUT:?}:{report}");
        }
        std::thread::sleep(support::POLL);
    }
    for p in players.iter() {
        println!("{}", p.log.join("\n"));
    }
    println!("the game took {:.1}s", t0.elapsed().as_secs_f64());
}

/// Checks that `p`'s reveal marked a real original: on the screen that
/// marked it, the phrase and author are ones the author wrote for the prompt
/// shown above them.
pub fn assert_original_revealed(p: &Player, players: &[Player]) {
    let screen = p.revealed.as_deref().unwrap_or_else(|| {
        panic!(
            "{} never saw an original marked:\n{}",
            p.name,
            p.log.join("\n")
        )
    });
    assert!(
        screen.contains("s skip to the scores"),
        "not the reveal's keys:\n{screen}"
    );
    let prompt = revealed_prompt(screen).expect("a prompt on the reveal");
    let (phrase, author) = revealed_original(screen).expect("an original on the reveal");
    let writer = players
        .iter()
        .find(|w| w.name == author)
        .unwrap_or_else(|| panic!("{author} is none of the players:\n{screen}"));
    // The form may have wrapped the prompt: it keeps its first line only.
    let wrote = writer.originals.iter().any(|(asked, sent)| {
        *sent == phrase && (prompt.starts_with(asked.as_str()) || asked.starts_with(&prompt))
    });
    assert!(
        wrote,
        "{}'s reveal marks {phrase:?} by {author} for {prompt:?}, but {author} wrote {:?}:\n{screen}",
        p.name, writer.originals
    );
}

/// Each player's results screen is the party `code`'s and ranks exactly
/// the players of `players`.
pub fn assert_everyone_ranked(players: &[Player], code: &str) {
    let mut expected: Vec<String> = players.iter().map(|p| p.name.clone()).collect();
    expected.sort();
    for p in players {
        let results = p.results.as_deref().unwrap_or_default();
        assert!(
            results.contains(&format!("Party {code} results")),
            "{results}"
        );
        let mut ranked = ranked_names(results);
        ranked.sort();
        assert_eq!(ranked, expected, "{}'s results:\n{results}", p.name);
    }
}
