//! The headless party chat commands: `chat send`, `chat list` and
//! `chat mute` in a lobby, refused during the rounds, and the chat read
//! again with `--party` once the party is over (its players only).

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/headless.rs"]
mod cli;

use cli::{headless, in_process_server, lines, ok, spawn_play};

/// The texts of a `chat` line's messages.
fn texts(list: &[serde_json::Value]) -> Vec<String> {
    assert_eq!(list[0]["event"], "chat");
    list[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn chat_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let url = in_process_server(tmp.path(), |_| {}).await;
    let root = tmp.path().to_owned();
    tokio::task::spawn_blocking(move || {
        let (me, friend, outsider) = (root.join("me"), root.join("friend"), root.join("out"));
        let signed = ok(&headless(&url, &me, &["guest"]));
        let (my_id, my_name) = (
            signed[0]["player_id"].clone(),
            signed[0]["username"].as_str().unwrap().to_owned(),
        );
        ok(&headless(&url, &friend, &["guest"]));
        ok(&headless(&url, &outsider, &["guest"]));
        let created = ok(&headless(
            &url,
            &me,
            &["create", "--bots", "1", "--votes", "1"],
        ));
        let session = created[0]["session_id"].as_str().unwrap().to_owned();
        let code = created[0]["party_code"].as_str().unwrap().to_owned();
        ok(&headless(&url, &friend, &["join", &code]));

        // The lobby: said, listed, muted, unmuted.
        let sent = ok(&headless(&url, &me, &["chat", "send", "  hello lobby "]));
        assert_eq!(sent[0]["event"], "chat_sent");
        assert_eq!(sent[0]["message"]["text"], "hello lobby");
        assert_eq!(sent[0]["message"]["player_id"], my_id);
        assert_eq!(
            texts(&ok(&headless(&url, &friend, &["chat", "list"]))),
            ["hello lobby"]
        );
        let muted = ok(&headless(&url, &friend, &["chat", "mute", &my_name]));
        assert_eq!(muted[0]["event"], "muted");
        assert_eq!(muted[0]["muted"], serde_json::json!([my_id]));
        let list = ok(&headless(&url, &friend, &["chat", "list"]));
        assert!(texts(&list).is_empty(), "a muted player is not listed");
        assert_eq!(list[0]["muted"], serde_json::json!([my_id]));
        ok(&headless(
            &url,
            &friend,
            &["chat", "mute", &my_name, "--unmute"],
        ));
        assert_eq!(
            texts(&ok(&headless(&url, &friend, &["chat", "list"]))),
            ["hello lobby"]
        );
        let nobody = headless(&url, &friend, &["chat", "mute", "nobody-here"]);
        assert_eq!(nobody.status.code(), Some(3), "{nobody:?}");
        assert_eq!(lines(&nobody)[0]["error"], "player_not_found");

        // The rounds: closed.
        ok(&headless(&url, &me, &["ready"]));
        ok(&headless(&url, &friend, &["ready"]));
        ok(&headless(&url, &me, &["start"]));
        let closed = headless(&url, &friend, &["chat", "send", "the answer is"]);
        assert_eq!(closed.status.code(), Some(3), "{closed:?}");
        // (Finding the party may print what the client did first: the last
        // line is the refusal.)
        assert_eq!(lines(&closed).last().unwrap()["error"], "chat_closed");
        let (mine, theirs) = (spawn_play(&url, None, &me), spawn_play(&url, None, &friend));
        ok(&mine.finish());
        ok(&theirs.finish());

        // The results: open again, and the chat stays with the party.
        ok(&headless(&url, &friend, &["chat", "send", "gg"]));
        let history = ok(&headless(
            &url,
            &me,
            &["chat", "list", "--party", &session, "--limit", "1"],
        ));
        assert_eq!(texts(&history), ["gg"]);
        assert_eq!(history[0]["next_before"], 2);
        let older = ok(&headless(
            &url,
            &me,
            &["chat", "list", "--party", &session, "--before", "2"],
        ));
        assert_eq!(texts(&older), ["hello lobby"]);
        let refused = headless(&url, &outsider, &["chat", "list", "--party", &session]);
        assert_eq!(refused.status.code(), Some(3), "{refused:?}");
        assert_eq!(lines(&refused)[0]["error"], "not_a_participant");
    })
    .await
    .unwrap();
}
