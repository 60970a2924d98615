//! `party-tui completions SHELL` and `party-tui man`: generated from the
//! program's own flags, they must name its subcommands, and they need no
//! server and no data directory.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_party-tui");

/// Runs the program with no server configured and a data directory that
/// must stay uncreated.
fn docs(args: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let out = Command::new(BIN)
        .args(args)
        .env_remove("PARTY_SERVER")
        .env("PARTY_DATA_DIR", &data)
        .output()
        .expect("run party-tui");
    assert!(out.status.success(), "{args:?}: {out:?}");
    assert!(!data.exists(), "{args:?} created the data directory");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_name_every_subcommand_in_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let text = docs(&["completions", shell]);
        for word in ["headless", "bots", "completions", "man", "--server"] {
            assert!(text.contains(word), "{shell}: no {word}");
        }
        // The headless subcommands are completed too.
        for word in ["guest", "signup", "ready", "results"] {
            assert!(text.contains(word), "{shell}: no {word}");
        }
    }
    assert!(docs(&["completions", "bash"]).contains("_party__tui()"));
}

#[test]
fn an_unknown_shell_is_a_usage_error() {
    let out = Command::new(BIN)
        .args(["completions", "tcsh"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("tcsh"));
}

#[test]
fn man_page_describes_the_program_and_its_subcommands() {
    let page = docs(&["man"]);
    assert!(page.contains(".TH party-tui 1"), "{page}");
    for word in [
        "headless",
        "bots",
        "completions",
        "\\-\\-server",
        "\\-\\-lan",
    ] {
        assert!(page.contains(word), "no {word} in the man page");
    }
}

#[test]
fn man_dir_writes_a_page_for_every_subcommand() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("man1");
    let out = Command::new(BIN)
        .args(["man", "--dir"])
        .arg(&dir)
        .env("PARTY_DATA_DIR", tmp.path().join("data"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    for page in [
        "party-tui.1",
        "party-tui-bots.1",
        "party-tui-headless.1",
        "party-tui-headless-play.1",
    ] {
        let text = std::fs::read_to_string(dir.join(page)).unwrap_or_default();
        assert!(text.contains(".TH"), "{page} missing or empty");
    }
}
