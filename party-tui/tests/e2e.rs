//! End-to-end tests of the real `party-tui` binary, driven in tmux against a
//! real server: the terminal version of the browser test of plan §9.3.
//!
//! Each player is a `party-tui` process in its own detached 80×24 tmux
//! session. The tests only type keys and read the screen, like a person.
//! They skip (with a message) when tmux is not installed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::missing_panics_doc)]

#[path = "support/player.rs"]
mod player;
#[path = "support/screen.rs"]
mod screen;
mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use player::*;
use screen::*;
use support::Tmux;
use support::headless::{headless_trusting, ok, ranked_usernames, spawn_play};

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
    assert_everyone_ranked(&players, &code);
    let names: Vec<String> = players.iter().map(|p| p.name.clone()).collect();
    for p in &players {
        let results = p.results.as_deref().unwrap_or_default();
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

/// Issue 12's TLS party: one party of four over `https://` and `wss://`
/// with a certificate made here. The host is the interactive client in
/// tmux; three friends are headless clients, as scripts would run them,
/// that join by the code read off the host's screen. Every client trusts
/// the test's CA through `--ca-cert`.
#[test]
fn a_tmux_host_and_three_headless_friends_play_over_https_and_wss_with_ca_cert() {
    if !support::available() {
        return;
    }
    let started = Instant::now();
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
    let mut host = Player::start(&tmux, tempdir(), &args, "2");
    let screen = host.pane.wait_for(" Sign in ");
    assert!(!screen.contains("not encrypted"), "{screen}");
    let host_name = host.sign_in_as_guest();
    let code = host.create_party();
    // The lobby's socket is up over wss://.
    let live = host
        .pane
        .wait_until("a live party socket", |s| header(s).contains(&"● live"));
    assert!(!live.contains("not encrypted"), "{live}");

    // Three friends, each a headless client with a data dir of its own,
    // sign in as guests, join by the code on the host's screen (one types
    // it in lower case) and get ready.
    let friends: Vec<_> = (0..3).map(|_| tempdir()).collect();
    let run = |dir: &Path, args: &[&str]| headless_trusting(&url, Some(&ca), dir, args);
    let mut names = vec![host_name];
    for (i, friend) in friends.iter().enumerate() {
        let signed_in = ok(&run(friend.path(), &["guest"]));
        assert_eq!(signed_in[0]["event"], "signed_in", "{signed_in:?}");
        names.push(signed_in[0]["username"].as_str().unwrap().to_owned());
        let typed = if i == 1 {
            code.to_lowercase()
        } else {
            code.clone()
        };
        let joined = ok(&run(friend.path(), &["join", &typed]));
        assert_eq!(joined[0]["party_code"], code.as_str(), "{joined:?}");
        let ready = ok(&run(friend.path(), &["ready"]));
        assert_eq!(ready[0]["event"], "ready", "{ready:?}");
    }
    let lobby = host.pane.wait_for("Players 4/8");
    for n in &names {
        assert!(lobby.contains(n.as_str()), "{n} missing:\n{lobby}");
    }
    host.pane.keys(&["r"]);
    host.pane.wait_for("4 ready — press s to start.");
    host.pane.keys(&["s"]);

    // The friends play every round in their own processes while the host
    // plays on the screen.
    let playing: Vec<_> = friends
        .iter()
        .map(|f| spawn_play(&url, Some(&ca), f.path()))
        .collect();
    let mut players = vec![host];
    play_to_results(&mut players, &mut Phrases::default());
    let host = players.remove(0);
    let mut expected = names.clone();
    expected.sort();

    // The host's scoreboard ranks all four.
    let results = host.results.clone().unwrap_or_default();
    assert!(
        results.contains(&format!("Party {code} results")),
        "{results}"
    );
    let mut ranked = ranked_names(&results);
    ranked.sort();
    assert_eq!(ranked, expected, "{results}");

    // Each friend's `play` reached RESULTS with its socket up over wss://,
    // and the last line it reads is the results, all four ranked.
    for (friend, playing) in friends.iter().zip(playing) {
        let out = playing.finish();
        let events = ok(&out);
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("party socket connected"),
            "the party socket never connected:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let done = events.last().unwrap();
        assert_eq!(
            (&done["event"], &done["phase"]),
            (&"done".into(), &"RESULTS".into()),
            "{events:?}"
        );
        let read = ok(&run(friend.path(), &["results"]));
        let last = read.last().unwrap();
        assert_eq!(last["event"], "results", "{read:?}");
        assert_eq!(last["results"]["party_code"], code.as_str(), "{last}");
        let mut ranked = ranked_usernames(last);
        ranked.sort();
        assert_eq!(ranked, expected, "{last}");
    }

    host.quit_with(&["q"]);
    drop(runtime);
    println!("total {:.1}s", started.elapsed().as_secs_f64());
}
