//! The headless commands for reactions and the favourite phrase (issue
//! 16): `react` (given, refused with a bad name, taken back) and
//! `favourite` (never one's own, cast, read, withdrawn), against a real
//! server after one party of a guest and two server-side bots.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/headless.rs"]
mod cli;

use cli::{headless, in_process_server, lines, ok};
use serde_json::Value;

/// The (phraseset, role) of the first phrase in the results whose author
/// is (`mine`) or is not the given player.
fn phrase_of(results: &Value, player: &Value, mine: bool) -> (String, String) {
    results["phrasesets_summary"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|set| {
            set["phrases"].as_array().unwrap().iter().map(move |p| {
                (
                    set["phraseset_id"].as_str().unwrap().to_owned(),
                    p["role"].as_str().unwrap().to_owned(),
                    p["author_id"] == *player,
                )
            })
        })
        .find(|(.., by_me)| *by_me == mine)
        .map(|(set, role, _)| (set, role))
        .expect("such a phrase")
}

/// The counts of one phrase in a `reactions` line.
fn counts<'a>(line: &'a Value, (set, role): &(String, String)) -> &'a Value {
    &line["reactions"]["phrases"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["phraseset_id"] == set.as_str() && p["role"] == role.as_str())
        .expect("the phrase is listed")["counts"]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn react_and_favourite_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let url = in_process_server(tmp.path(), |_| {}).await;
    let me = tmp.path().join("me");
    tokio::task::spawn_blocking(move || {
        let my_id = ok(&headless(&url, &me, &["guest"]))[0]["player_id"].clone();
        ok(&headless(
            &url,
            &me,
            &["create", "--bots", "2", "--votes", "1"],
        ));
        ok(&headless(&url, &me, &["ready"]));
        ok(&headless(&url, &me, &["start"]));
        ok(&headless(&url, &me, &["play", "--timeout", "120"]));
        let results = ok(&headless(&url, &me, &["results"]));
        let results = &results[0]["results"];
        let theirs = phrase_of(results, &my_id, false);
        let mine = phrase_of(results, &my_id, true);
        let at = |p: &(String, String)| {
            [
                "--phraseset".to_owned(),
                p.0.clone(),
                "--role".to_owned(),
                p.1.clone(),
            ]
        };

        let mut args: Vec<String> = vec!["react".into()];
        args.extend(at(&theirs));
        args.extend(["--reaction".into(), "fire".into()]);
        let args_ref: Vec<&str> = args.iter().map(String::as_str).collect();
        let reacted = ok(&headless(&url, &me, &args_ref));
        assert_eq!(reacted[0]["event"], "reactions");
        assert_eq!(
            counts(&reacted[0], &theirs),
            &serde_json::json!({"fire": 1})
        );
        assert_eq!(reacted[0]["reactions"]["mine"][0]["reaction"], "fire");

        let mut bad = args_ref.clone();
        let last = bad.len() - 1;
        bad[last] = "thumbs_up";
        let refused = headless(&url, &me, &bad);
        assert_eq!(
            refused.status.code(),
            Some(2),
            "a bad reaction is a usage error"
        );

        // Without --reaction, the reaction is taken back.
        let removed = ok(&headless(&url, &me, &args_ref[..5]));
        assert_eq!(counts(&removed[0], &theirs), &serde_json::json!({}));

        // Not one's own phrase for favourite.
        let mut own: Vec<String> = vec!["favourite".into()];
        own.extend(at(&mine));
        let own_ref: Vec<&str> = own.iter().map(String::as_str).collect();
        let refused = headless(&url, &me, &own_ref);
        assert_eq!(refused.status.code(), Some(3), "{refused:?}");
        assert_eq!(lines(&refused)[0]["error"], "own_phrase");

        let mut fav: Vec<String> = vec!["favourite".into()];
        fav.extend(at(&theirs));
        let fav_ref: Vec<&str> = fav.iter().map(String::as_str).collect();
        let voted = ok(&headless(&url, &me, &fav_ref));
        let crowned = &voted[0]["reactions"]["favourite_phrase"];
        assert_eq!(crowned["phraseset_id"], theirs.0.as_str());
        assert_eq!(crowned["role"], theirs.1.as_str());
        assert_eq!(crowned["votes"], 1);
        // With neither a phrase nor --remove, it only prints the reactions.
        let read = ok(&headless(&url, &me, &["favourite"]));
        assert_eq!(read[0]["reactions"], voted[0]["reactions"]);
        // The results show it with the awards.
        let again = ok(&headless(&url, &me, &["results"]));
        assert_eq!(&again[0]["results"]["awards"]["favourite_phrase"], crowned);

        let withdrawn = ok(&headless(&url, &me, &["favourite", "--remove"]));
        assert_eq!(withdrawn[0]["reactions"]["my_favourite"], Value::Null);
        assert_eq!(withdrawn[0]["reactions"]["favourite_phrase"], Value::Null);
    })
    .await
    .unwrap();
}
