//! The headless commands for after the party (issue 16): `history`,
//! `history --party ID`, `stats` and `leaderboard`, against a real server
//! after one party of a guest and two server-side bots.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/headless.rs"]
mod cli;

use cli::{headless, in_process_server, lines, ok};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn history_stats_and_boards_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let url = in_process_server(tmp.path(), |_| {}).await;
    let root = tmp.path().to_owned();
    tokio::task::spawn_blocking(move || {
        let (me, outsider) = (root.join("me"), root.join("outsider"));
        let my_id = ok(&headless(&url, &me, &["guest"]))[0]["player_id"].clone();
        ok(&headless(&url, &outsider, &["guest"]));
        let created = ok(&headless(
            &url,
            &me,
            &["create", "--bots", "2", "--votes", "1"],
        ));
        let session = created[0]["session_id"].as_str().unwrap().to_owned();
        ok(&headless(&url, &me, &["ready"]));
        ok(&headless(&url, &me, &["start"]));
        ok(&headless(&url, &me, &["play", "--timeout", "120"]));
        let results = ok(&headless(&url, &me, &["results"]));
        let results = &results[0]["results"];

        let history = ok(&headless(&url, &me, &["history", "--limit", "5"]));
        assert_eq!(history[0]["event"], "history");
        let parties = history[0]["parties"].as_array().unwrap();
        assert_eq!(parties.len(), 1);
        assert_eq!(parties[0]["session_id"], session.as_str());
        assert_eq!(parties[0]["players"].as_array().unwrap().len(), 3);
        assert_eq!(history[0]["next_before"], serde_json::Value::Null);
        let mine = results["rankings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["player_id"] == my_id)
            .unwrap();
        assert_eq!(parties[0]["rank"], mine["rank"]);

        // The past party's full results again; an outsider is refused.
        let again = ok(&headless(&url, &me, &["history", "--party", &session]));
        assert_eq!(again[0]["event"], "party_results");
        assert_eq!(&again[0]["results"], results);
        let refused = headless(&url, &outsider, &["history", "--party", &session]);
        assert_eq!(refused.status.code(), Some(3), "{refused:?}");
        assert_eq!(lines(&refused)[0]["error"], "not_a_participant");

        // Its highlight reel, printed and saved; a file that cannot be
        // written is exit 9, an outsider is refused.
        let file = root.join("reel.txt");
        let reel = ok(&headless(
            &url,
            &me,
            &[
                "highlights",
                "--party",
                &session,
                "--out",
                file.to_str().unwrap(),
            ],
        ));
        assert_eq!(reel[0]["event"], "highlights");
        let text = reel[0]["text"].as_str().unwrap();
        assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
        assert!(text.contains(results["party_code"].as_str().unwrap()));
        let winner = results["rankings"][0]["username"].as_str().unwrap();
        assert!(text.contains(&format!("1. {winner}")), "{text}");
        let unwritable = root.join("no-such-dir").join("reel.txt");
        let failed = headless(
            &url,
            &me,
            &[
                "highlights",
                "--party",
                &session,
                "--out",
                unwritable.to_str().unwrap(),
            ],
        );
        assert_eq!(failed.status.code(), Some(9), "{failed:?}");
        assert_eq!(lines(&failed)[0]["error"], "cannot_write_file");
        let refused = headless(&url, &outsider, &["highlights", "--party", &session]);
        assert_eq!(refused.status.code(), Some(3), "{refused:?}");

        let stats = ok(&headless(&url, &me, &["stats"]));
        assert_eq!(stats[0]["event"], "party_stats");
        assert_eq!(stats[0]["stats"]["parties_played"], 1);
        assert_eq!(stats[0]["stats"]["net_coins"], mine["net_coins"]);

        let board = ok(&headless(
            &url,
            &me,
            &["leaderboard", "--board", "net_coins", "--period", "weekly"],
        ));
        let board = &board[0]["leaderboard"];
        assert_eq!(board["board"], "net_coins");
        assert_eq!(board["period"], "weekly");
        // The bots played too, but only the one person is on the board.
        assert_eq!(board["rows"].as_array().unwrap().len(), 1);
        assert_eq!(board["me"]["rank"], 1);
        let bad = headless(&url, &me, &["leaderboard", "--board", "elo"]);
        assert_eq!(bad.status.code(), Some(2), "a bad board is a usage error");
    })
    .await
    .unwrap();
}
