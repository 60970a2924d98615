//! End-to-end tests of the real `party-tui` binary, driven in tmux against a
//! real server: the terminal version of the browser test of plan §9.3.
//!
//! Each player is a `party-tui` process in its own detached 80×24 tmux
//! session. The tests only type keys and read the screen, like a person.
//! They skip (with a message) when tmux is not installed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

mod support;

use std::fmt::Write as _;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::{Pane, Tmux};
use tempfile::TempDir;

const BIN: &str = env!("CARGO_BIN_EXE_party-tui");

/// How long a whole game may take, from the start to every results screen.
const GAME_TIMEOUT: Duration = Duration::from_secs(90);
/// Keys sent to a round with no visible effect for this long are sent
/// again (before that, a screen that looks untouched was drawn before they
/// arrived).
const RESEND: Duration = Duration::from_secs(4);

/// Phrases to write: dictionary words, no word twice and none from the
/// bots' vocabulary, so originals and copies rarely clash. A phrase may
/// still repeat a word of the hidden prompt; then the next one is tried.
const PHRASES: &[&str] = &[
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
struct Phrases {
    next: usize,
    /// A phrase to hand out before the list (say, one the server refuses).
    first: Option<&'static str>,
}

impl Phrases {
    fn take(&mut self) -> &'static str {
        if let Some(p) = self.first.take() {
            return p;
        }
        let p = PHRASES[self.next % PHRASES.len()];
        self.next += 1;
        p
    }
}

/// A port nobody listens on right now.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    listener.local_addr().expect("local address").port()
}

fn tempdir() -> TempDir {
    // PARTY_E2E_KEEP=1 keeps the data dirs (logs, databases) for a look.
    tempfile::Builder::new()
        .prefix("party-tui-e2e-")
        .disable_cleanup(std::env::var_os("PARTY_E2E_KEEP").is_some())
        .tempdir()
        .expect("a temp dir")
}

fn arg(path: &Path) -> String {
    path.to_string_lossy().into_owned()
}

// ------------------------------------------------------------ the screen

/// The header's fields: `Quipflip Party · NAME · 5000 FC (vault 0) · ● live`.
fn header(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .next()
        .unwrap_or_default()
        .trim_end()
        .split(" · ")
        .collect()
}

/// The signed-in player's name, from the header.
fn name_in_header(screen: &str) -> Option<String> {
    header(screen)
        .get(1)
        .filter(|n| !n.contains(" FC ") && !n.is_empty())
        .map(|n| (*n).to_owned())
}

/// The wallet, from the header (`5000 FC (vault 0)`).
fn wallet_in_header(screen: &str) -> Option<i64> {
    header(screen).iter().find_map(|f| {
        f.strip_suffix(")")?
            .split_once(" FC (vault ")?
            .0
            .parse()
            .ok()
    })
}

/// The party code under "Party code — share it", e.g. `H E J Y  -  4 8 8 3`.
fn code_on_screen(screen: &str) -> Option<String> {
    let mut lines = screen.lines();
    lines.find(|l| l.contains("Party code — share it"))?;
    let code: String = lines
        .next()?
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    (code.len() == 8).then_some(code)
}

/// The line after `label` in the round form (left column), trimmed.
fn line_after(screen: &str, label: &str) -> Option<String> {
    let mut lines = screen.lines();
    lines.find(|l| l.contains(label))?;
    let line = lines.next()?;
    let left = line.split('│').nth(1)?;
    Some(left.trim().to_owned())
}

/// The status line's error, if any (`✗ …`).
fn error_on_screen(screen: &str) -> Option<&str> {
    screen.lines().find(|l| l.starts_with('✗')).map(str::trim)
}

/// The lobby's player count: `Players 4/8 (min 3)` gives 4.
fn lobby_count(screen: &str) -> Option<usize> {
    let rest = screen.split_once("┌ Players ")?.1;
    rest.split_once('/')?.0.parse().ok()
}

/// A step of the reveal, as its text tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RevealStep {
    /// The prompt alone.
    Prompt,
    /// The three phrases, unmarked.
    Phrases,
    /// The original marked, with every phrase's author.
    Original,
}

/// Which phraseset and step of the reveal the screen shows: the title
/// (`The reveal · phraseset 1 of 4`) and the step.
fn reveal_step(screen: &str) -> Option<(String, RevealStep)> {
    let title = screen
        .lines()
        .find_map(|l| l.split_once("┌ The reveal · ")?.1.split_once(" ─"))?
        .0
        .to_owned();
    let step = if screen.contains(" ORIGINAL by ") {
        RevealStep::Original
    } else if screen.contains("Which one is the original?") {
        RevealStep::Phrases
    } else if screen.contains("What did the party write?") {
        RevealStep::Prompt
    } else {
        return None;
    };
    Some((title, step))
}

/// The prompt the reveal shows, without its quotes (its first line, should
/// it wrap).
fn revealed_prompt(screen: &str) -> Option<String> {
    let line = line_after(screen, " The prompt")?;
    Some(line.trim_matches(['“', '”']).to_owned())
}

/// The phrase marked `★ … ORIGINAL by AUTHOR` on the reveal, and its author.
fn revealed_original(screen: &str) -> Option<(String, String)> {
    let row = screen.lines().find(|l| l.contains(" ORIGINAL by "))?;
    let row = row.trim_matches('│').trim().strip_prefix('★')?;
    // `3. VELVET HARBOR       ORIGINAL by Guest359721 · won 0 FC`
    let (_, rest) = row.split_once(". ")?;
    let (phrase, by) = rest.split_once(" ORIGINAL by ")?;
    let author = by.split(" · ").next()?.trim();
    Some((phrase.trim().to_owned(), author.to_owned()))
}

/// What a player's screen asks of them.
#[derive(Debug, PartialEq, Eq)]
enum Seen {
    /// The round form (prompt or copy) with what is typed so far.
    Form {
        round: String,
        input: String,
    },
    Vote {
        round: String,
    },
    /// The reveal of the party's phrasesets, before the scoreboard.
    Reveal,
    Results,
    /// Lobby, waiting, getting the next round, tallying: nothing to do.
    Other,
}

/// The round on screen, as text: the form's left column without the
/// input line and the countdown. Tells one round from the next.
fn round_text(screen: &str) -> String {
    screen
        .lines()
        .skip(5)
        .filter_map(|l| l.split('│').nth(1).map(str::trim))
        .filter(|l| !l.is_empty() && !l.starts_with("> ") && !l.contains("round ends in"))
        .collect::<Vec<_>>()
        .join(" / ")
}

fn classify(screen: &str) -> Seen {
    if screen.contains("┌ Party ") && screen.contains(" results ─") {
        return Seen::Results;
    }
    // Before the vote: the reveal's phrases step asks the same question.
    if screen.contains("┌ The reveal · phraseset ") {
        return Seen::Reveal;
    }
    if screen.contains("Which one is the original?") {
        return Seen::Vote {
            round: round_text(screen),
        };
    }
    if screen.contains("Your prompt:") || screen.contains("Someone wrote:") {
        let input = screen
            .lines()
            .find_map(|l| {
                let rest = l.split_once("│> ")?.1;
                Some(rest.split_once('▏')?.0.trim().to_owned())
            })
            .unwrap_or_default();
        return Seen::Form {
            round: round_text(screen),
            input,
        };
    }
    Seen::Other
}

// ------------------------------------------------------------ the players

/// Keys a player sent to a round.
#[derive(Debug)]
struct Acted {
    /// The round's text ([`round_text`]).
    round: String,
    /// The phrase typed (empty for a vote).
    typed: &'static str,
    at: Instant,
}

/// One player: a `party-tui` in a tmux session.
struct Player {
    pane: Pane,
    dir: TempDir,
    name: String,
    /// The digit this player votes with.
    vote: &'static str,
    /// What this player last did, to tell a screen that is not redrawn yet
    /// from one that asks for something.
    last: Option<Acted>,
    /// The originals this player wrote: the prompt as the form showed it
    /// (its first line) and the phrase last sent for it.
    originals: Vec<(String, &'static str)>,
    /// The first screen of the reveal seen, and the first one that marked
    /// the original.
    reveal: Option<String>,
    revealed: Option<String>,
    /// The reveal step this player last pressed Enter on, and when.
    stepped: Option<((String, RevealStep), Instant)>,
    /// When this player last pressed `s` to skip the rest of the reveal.
    skipped: Option<Instant>,
    results: Option<String>,
    log: Vec<String>,
}

impl Player {
    fn start(tmux: &Tmux, dir: TempDir, args: &[String], vote: &'static str) -> Player {
        let mut all = vec!["--data-dir".to_owned(), arg(dir.path())];
        all.extend_from_slice(args);
        let pane = tmux.spawn(Path::new(BIN), &all, dir.path());
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
    fn sign_in_as_guest(&mut self) -> String {
        self.pane.wait_for(" Sign in ");
        self.pane.keys(&["Enter"]);
        let screen = self
            .pane
            .wait_until("the dashboard", |s| s.contains("[c] Start a Party"));
        self.name = name_in_header(&screen).expect("a name in the header");
        self.name.clone()
    }

    /// Opens a party with the default settings; returns its code as shown.
    fn create_party(&self) -> String {
        self.pane.keys(&["c"]);
        self.pane.wait_for(" Start a Party ");
        self.pane.keys(&["Enter"]);
        let screen = self
            .pane
            .wait_until("the lobby's code", |s| code_on_screen(s).is_some());
        code_on_screen(&screen).expect("a code")
    }

    fn join(&self, typed_code: &str) {
        self.pane.keys(&["j"]);
        self.pane.wait_for(" Join Party ");
        self.pane.text(typed_code);
        self.pane.keys(&["Enter"]);
        self.pane.wait_until("the lobby", |s| {
            s.contains("Party code — share it") && s.contains("(you)")
        });
    }

    /// Erases `erase` characters, types `phrase` and sends it.
    fn write(&mut self, round: String, phrase: &'static str, erase: usize) {
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
    fn step(&mut self, phrases: &mut Phrases, t0: Instant) -> bool {
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
    fn watch_reveal(&mut self, screen: String, t0: Instant) {
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
    fn note_original(&mut self, screen: &str, round: &str) {
        let Some(prompt) = line_after(screen, "Your prompt:") else {
            return;
        };
        if let Some(sent) = self.last.as_ref().filter(|a| a.round == round) {
            let typed = sent.typed;
            self.originals.retain(|(p, _)| *p != prompt);
            self.originals.push((prompt, typed));
        }
    }

    fn log_at(&mut self, t0: Instant, what: &str) {
        self.log.push(format!(
            "{:>5.1}s {}: {what}",
            t0.elapsed().as_secs_f64(),
            self.name
        ));
    }

    /// Quits with `keys` and checks the program ended cleanly and gave the
    /// terminal back (canonical mode and echo on again).
    fn quit_with(&self, keys: &[&str]) {
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

    fn data_dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }

    /// The end of the client's own log file (warnings and errors).
    fn log_tail(&self) -> String {
        let log =
            std::fs::read_to_string(self.dir.path().join("party-tui.log")).unwrap_or_default();
        let lines: Vec<&str> = log.lines().collect();
        lines[lines.len().saturating_sub(20)..].join("\n")
    }
}

/// Everyone plays every round of every phase until every screen shows the
/// results. Fails with every player's log and last screen on timeout.
fn play_to_results(players: &mut [Player], phrases: &mut Phrases) {
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
fn assert_original_revealed(p: &Player, players: &[Player]) {
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

/// The player names in the results table.
fn ranked_names(results: &str) -> Vec<String> {
    results
        .lines()
        .skip_while(|l| !l.contains("#   Player"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .filter_map(|l| {
            let row = l.trim_matches('│').trim();
            let (rank, rest) = row.split_once(char::is_whitespace)?;
            rank.parse::<u32>().ok()?;
            // The name runs up to the net coins (`+150`, `-20`, `+0`).
            let name = rest.trim().split("  ").next().map(str::trim)?.to_owned();
            Some(name)
        })
        .collect()
}

// ------------------------------------------------------------ the tests

#[test]
fn four_terminals_play_a_party_see_the_reveal_and_play_again() {
    if !support::available() {
        return;
    }
    let started = Instant::now();
    let tmux = Tmux::new();
    let port = free_port();
    let server = format!("http://127.0.0.1:{port}");

    // The host starts the local server on a known port.
    let mut host = Player::start(
        &tmux,
        tempdir(),
        &["--bind".into(), format!("127.0.0.1:{port}")],
        "1",
    );
    let screen = host.pane.wait_for(" Sign in ");
    assert!(
        screen.contains(&format!("local server {server}")),
        "{screen}"
    );
    host.sign_in_as_guest();
    let code = host.create_party();

    // Three friends join it from their own terminals.
    let mut guests: Vec<Player> = ["2", "3", "1"]
        .into_iter()
        .map(|vote| Player::start(&tmux, tempdir(), &["--server".into(), server.clone()], vote))
        .collect();
    for (i, g) in guests.iter_mut().enumerate() {
        g.sign_in_as_guest();
        // Codes are not case-sensitive: one friend types it in lower case.
        let typed = if i == 1 {
            code.to_lowercase()
        } else {
            code.clone()
        };
        g.join(&typed);
        let screen = g.pane.screen();
        assert_eq!(code_on_screen(&screen).as_deref(), Some(code.as_str()));
        assert!(screen.contains(&format!("{} (you)", g.name)), "{screen}");
    }
    host.pane.wait_for("Players 4/8 (min 3)");

    // Everyone is ready; the host starts.
    host.pane.keys(&["r"]);
    for g in &guests {
        g.pane.keys(&["r"]);
    }
    host.pane.wait_for("4 ready — press s to start.");
    for g in &guests {
        g.pane.wait_for("4 ready — waiting for the host to start.");
    }
    host.pane.keys(&["s"]);

    let mut players = vec![host];
    players.append(&mut guests);
    let mut phrases = Phrases::default();
    play_to_results(&mut players, &mut phrases);

    // Every screen ranks all four players, and shows its own player's line.
    let names: Vec<String> = players.iter().map(|p| p.name.clone()).collect();
    for p in &players {
        let results = p.results.as_deref().unwrap_or_default();
        assert!(
            results.contains(&format!("Party {code} results")),
            "{results}"
        );
        let mut ranked = ranked_names(results);
        ranked.sort();
        let mut expected = names.clone();
        expected.sort();
        assert_eq!(ranked, expected, "{}'s results:\n{results}", p.name);
        assert!(results.contains("You: rank "), "{results}");
        assert_eq!(name_in_header(results).as_deref(), Some(p.name.as_str()));
        // The reveal came first: the first phraseset of four, its prompt,
        // then a set's original marked, with the author who wrote it.
        let reveal = p.reveal.as_deref().unwrap_or_default();
        assert!(reveal.contains(" of 4 ─"), "{}'s reveal:\n{reveal}", p.name);
        assert!(
            reveal.contains("The prompt"),
            "{}'s reveal:\n{reveal}",
            p.name
        );
        assert_original_revealed(p, &players);
    }

    // From the scoreboard, → shows the first phraseset whole: the original
    // marked, with its author.
    let host = players.remove(0);
    host.pane.keys(&["Right"]);
    let set = host.pane.wait_until("a phraseset browsed", |s| {
        s.contains(&format!("Party {code} · phraseset 1 of 4"))
    });
    println!("{set}");
    assert!(set.contains("ORIGINAL by "), "{set}");
    host.pane.keys(&["Escape"]);
    host.pane.wait_for(&format!("Party {code} results"));

    // The host plays again. The three friends press nothing: the server's
    // event takes each of them into the new lobby, all four in it.
    let host_name = host.name.clone();
    players.insert(0, host);
    players[0].pane.keys(&["p"]);
    let again = Instant::now();
    let screen = players[0].pane.wait_until("the host in a new lobby", |s| {
        code_on_screen(s).is_some_and(|c| c != code)
    });
    let next = code_on_screen(&screen).expect("a code");
    for p in &players {
        let screen = p.pane.wait_until("the new lobby with all four", |s| {
            code_on_screen(s).as_deref() == Some(next.as_str()) && lobby_count(s) == Some(4)
        });
        for n in &names {
            assert!(screen.contains(n.as_str()), "{n} missing:\n{screen}");
        }
        assert!(
            screen.contains(&format!("{} (you)", p.name)),
            "{}:\n{screen}",
            p.name
        );
        let host_row = screen
            .lines()
            .skip(1)
            .find(|l| l.contains(host_name.as_str()));
        assert!(
            host_row.is_some_and(|l| l.contains('★')),
            "{host_name} is not marked the host:\n{screen}"
        );
    }
    println!(
        "all four in lobby {next} {:.1}s after play again",
        again.elapsed().as_secs_f64()
    );

    // The friends quit, then the host (whose process holds the server).
    let host = players.remove(0);
    for g in &players {
        g.quit_with(&["q"]);
    }
    host.quit_with(&["q"]);
    println!("total {:.1}s", started.elapsed().as_secs_f64());
}

#[test]
fn one_player_plays_against_bots_from_the_first_readme_command() {
    if !support::available() {
        return;
    }
    let started = Instant::now();
    let tmux = Tmux::new();
    // The first command of the README: nothing but where to keep the data
    // (here a temp dir); the local server picks a free port.
    let mut me = Player::start(&tmux, tempdir(), &[], "2");
    let screen = me.pane.wait_for(" Sign in ");
    assert!(
        screen.contains("local server http://127.0.0.1:"),
        "{screen}"
    );
    let name = me.sign_in_as_guest();
    me.create_party();
    for n in 2..=4 {
        me.pane.keys(&["b"]);
        me.pane.wait_for(&format!("Players {n}/8"));
    }
    me.pane.keys(&["r"]);
    me.pane.wait_for("4 ready — press s to start.");
    me.pane.keys(&["s"]);

    // The first phrase is refused (not words): the error shows, the input
    // stays, and the next phrase goes through.
    let mut phrases = Phrases {
        first: Some("BLORPT WIZZLE"),
        ..Phrases::default()
    };
    let mut players = vec![me];
    play_to_results(&mut players, &mut phrases);
    let me = players.remove(0);
    assert!(
        me.log
            .iter()
            .any(|l| l.contains("✗ \"BLORPT\" is not a word we know.")),
        "{}",
        me.log.join("\n")
    );
    let results = me.results.clone().unwrap_or_default();
    let ranked = ranked_names(&results);
    assert_eq!(ranked.len(), 4, "{results}");
    assert!(ranked.contains(&name), "{results}");
    let bots = ranked.iter().filter(|n| n.ends_with(" (bot)")).count();
    assert_eq!(bots, 3, "{results}");
    me.quit_with(&["q"]);
    println!("total {:.1}s", started.elapsed().as_secs_f64());
}

/// A started party of three: a host (whose client runs the server), a bot,
/// and one friend on the host's server.
struct SmallParty {
    host: Player,
    friend: Player,
    code: String,
    server: String,
    /// The friend's wallet before joining.
    before: i64,
}

impl SmallParty {
    fn start(tmux: &Tmux) -> SmallParty {
        let port = free_port();
        let server = format!("http://127.0.0.1:{port}");
        let mut host = Player::start(
            tmux,
            tempdir(),
            &["--bind".into(), format!("127.0.0.1:{port}")],
            "1",
        );
        host.sign_in_as_guest();
        let code = host.create_party();
        host.pane.keys(&["b"]);
        host.pane.wait_for("Players 2/8");
        let args = ["--server".to_owned(), server.clone()];
        let mut friend = Player::start(tmux, tempdir(), &args, "1");
        friend.sign_in_as_guest();
        let before = wallet_in_header(&friend.pane.screen()).expect("a wallet");
        friend.join(&code);
        host.pane.keys(&["r"]);
        friend.pane.keys(&["r"]);
        host.pane.wait_for("3 ready — press s to start.");
        host.pane.keys(&["s"]);
        SmallParty {
            host,
            friend,
            code,
            server,
            before,
        }
    }
}

#[test]
fn quitting_and_restarting_resumes_the_party() {
    if !support::available() {
        return;
    }
    let started = Instant::now();
    let tmux = Tmux::new();
    let SmallParty {
        host,
        mut friend,
        code,
        server,
        before,
    } = SmallParty::start(&tmux);
    let name = friend.name.clone();

    // The friend's prompt round opens (and its entry fee is paid)…
    let screen = friend
        .pane
        .wait_until("the prompt round, with the fee paid", |s| {
            s.contains("Your prompt:") && wallet_in_header(s).is_some_and(|w| w < before)
        });
    let prompt = line_after(&screen, "Your prompt:").expect("a prompt");
    let wallet = wallet_in_header(&screen).expect("a wallet");
    println!("{name}: prompt {prompt:?}, wallet {wallet}");

    // …and they quit with Ctrl-C in the middle of it.
    friend.quit_with(&["C-c"]);
    let dir = friend.data_dir();
    assert!(dir.join("credentials.json").exists());

    // Starting again signs in by itself and puts them back on that round.
    let restarted = tmux.spawn(
        Path::new(BIN),
        &[
            "--data-dir".into(),
            arg(&dir),
            "--server".into(),
            server.clone(),
        ],
        &dir,
    );
    friend.pane = restarted;
    let screen = friend.pane.wait_until("the same prompt round", |s| {
        s.contains("Your prompt:") && wallet_in_header(s).is_some()
    });
    assert_eq!(
        name_in_header(&screen).as_deref(),
        Some(name.as_str()),
        "{screen}"
    );
    assert_eq!(
        line_after(&screen, "Your prompt:").as_deref(),
        Some(prompt.as_str()),
        "{screen}"
    );
    assert!(screen.contains(&format!("party {code}")), "{screen}");
    assert_eq!(
        wallet_in_header(&screen),
        Some(wallet),
        "charged again:\n{screen}"
    );

    // The round still takes a phrase; the balance refreshed after it shows
    // no second entry fee either.
    let mut phrases = Phrases::default();
    let t0 = Instant::now();
    while !friend.pane.screen().contains("Done for this phase!") {
        friend.step(&mut phrases, t0);
        assert!(
            t0.elapsed() < support::TIMEOUT,
            "{}\n{}",
            friend.log.join("\n"),
            friend.pane.screen()
        );
        std::thread::sleep(support::POLL);
    }
    // Give the balance refresh after the submission a moment to land.
    std::thread::sleep(Duration::from_secs(1));
    let screen = friend.pane.screen();
    assert_eq!(wallet_in_header(&screen), Some(wallet), "{screen}");

    friend.quit_with(&["C-c"]);
    host.quit_with(&["C-c"]);
    println!("total {:.1}s", started.elapsed().as_secs_f64());
}

#[test]
fn ctrl_l_asks_before_leaving_a_running_party() {
    if !support::available() {
        return;
    }
    let started = Instant::now();
    let tmux = Tmux::new();
    let SmallParty {
        host, friend, code, ..
    } = SmallParty::start(&tmux);

    // The friend is halfway through a phrase when they press Ctrl-L. The
    // bot has written its prompt by then, so no toast of its progress can
    // hide the answer's toast below.
    friend
        .pane
        .wait_until("the prompt round, the bot done", |s| {
            s.contains("Your prompt:") && s.contains(" 1/3 done ")
        });
    friend.pane.text("HALF TYPED");
    friend
        .pane
        .wait_until("the phrase typed", |s| s.contains("> HALF TYPED▏"));
    friend.pane.keys(&["C-l"]);
    let screen = friend.pane.wait_for("Leave the party? y/n");
    assert!(screen.contains("Your prompt:"), "{screen}");

    // n: still in the party, the round and what was typed untouched (the
    // n is an answer, not a letter of the phrase).
    friend.pane.keys(&["n"]);
    let screen = friend.pane.wait_for("» Still in the party.");
    assert!(!screen.contains("Leave the party? y/n"), "{screen}");
    assert!(screen.contains("> HALF TYPED▏"), "{screen}");
    assert!(screen.contains(&format!("party {code}")), "{screen}");
    assert!(
        screen.contains("type your phrase · Enter submit · Ctrl-L leave"),
        "{screen}"
    );

    // Ctrl-L again, and y: out of the party, back on the dashboard, which
    // offers the way back in.
    friend.pane.keys(&["C-l"]);
    friend.pane.wait_for("Leave the party? y/n");
    friend.pane.keys(&["y"]);
    let screen = friend
        .pane
        .wait_until("the dashboard, the party left", |s| {
            s.contains("[c] Start a Party") && s.contains("You left it. Press r to rejoin.")
        });
    assert!(screen.contains(&code), "{screen}");

    friend.quit_with(&["q"]);
    host.quit_with(&["C-c"]);
    println!("total {:.1}s", started.elapsed().as_secs_f64());
}

#[test]
fn one_player_plays_against_bots_over_https_and_wss_with_ca_cert() {
    if !support::available() {
        return;
    }
    // A TLS server in this process, on its own runtime for the test's length.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let server_dir = tempdir();
    let (url, ca) = runtime.block_on(support::tls::tls_server(server_dir.path()));
    assert!(url.starts_with("https://127.0.0.1:"), "{url}");
    let tmux = Tmux::new();
    let args = [
        "--server".to_owned(),
        url.clone(),
        "--ca-cert".to_owned(),
        arg(&ca),
    ];
    let mut me = Player::start(&tmux, tempdir(), &args, "2");
    let screen = me.pane.wait_for(" Sign in ");
    assert!(!screen.contains("not encrypted"), "{screen}");
    let name = me.sign_in_as_guest();
    me.create_party();
    for n in 2..=3 {
        me.pane.keys(&["b"]);
        me.pane.wait_for(&format!("Players {n}/8"));
    }
    // The lobby's socket is up over wss://.
    let live = me
        .pane
        .wait_until("a live party socket", |s| header(s).contains(&"● live"));
    assert!(!live.contains("not encrypted"), "{live}");
    me.pane.keys(&["r"]);
    me.pane.wait_for("3 ready — press s to start.");
    me.pane.keys(&["s"]);
    let mut players = vec![me];
    play_to_results(&mut players, &mut Phrases::default());
    let me = players.remove(0);
    let results = me.results.clone().unwrap_or_default();
    let ranked = ranked_names(&results);
    assert_eq!(ranked.len(), 3, "{results}");
    assert!(ranked.contains(&name), "{results}");
    me.quit_with(&["q"]);
    drop(runtime);
}
