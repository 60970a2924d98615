//! `party-server completions SHELL` and `party-server man` print
//! documentation generated from the server's flags, and serve nothing.

use std::process::Command;

fn docs(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_party-server"))
        .args(args)
        // Port 1 would fail to bind: the command must not try to serve.
        .env("PARTY_BIND", "127.0.0.1:1")
        .output()
        .expect("run party-server");
    assert!(out.status.success(), "{args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_name_the_flags_and_subcommands() {
    for shell in ["bash", "zsh", "fish"] {
        let text = docs(&["completions", shell]);
        // Fish spells a flag `-l bind`, the others `--bind`.
        for word in ["bind", "database-url", "party-mode", "completions", "man"] {
            assert!(text.contains(word), "{shell}: no {word}");
        }
    }
}

#[test]
fn man_page_lists_the_flags_and_subcommands() {
    let page = docs(&["man"]);
    assert!(page.contains(".TH party-server 1"), "{page}");
    for word in ["\\-\\-bind", "PARTY_DATABASE_URL", "completions"] {
        assert!(page.contains(word), "no {word} in the man page");
    }
}
