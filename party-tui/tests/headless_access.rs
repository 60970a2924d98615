//! The headless commands for who plays with whom (issue 15): `friends`
//! (with `--add` and `--accept`), `create --password` / `--invite-only`,
//! `join --password` and `invite`, against a real server.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/headless.rs"]
mod cli;

use cli::{headless, in_process_server, lines, ok};

/// Signs a guest in from `dir`; their username.
fn guest(url: &str, dir: &std::path::Path) -> String {
    let out = ok(&headless(url, dir, &["guest"]));
    out[0]["username"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn friends_passwords_and_invites_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let url = in_process_server(tmp.path(), |_| {}).await;
    let root = tmp.path().to_owned();
    tokio::task::spawn_blocking(move || {
        let (host, friend, other) = (root.join("host"), root.join("friend"), root.join("other"));
        let host_name = guest(&url, &host);
        let friend_name = guest(&url, &friend);
        let other_name = guest(&url, &other);

        // A request, then its acceptance, then both see the friendship.
        let sent = ok(&headless(&url, &host, &["friends", "--add", &friend_name]));
        assert_eq!(sent[0]["event"], "friend_request");
        assert_eq!(sent[0]["outcome"], "requested");
        assert_eq!(sent[1]["outgoing"][0]["username"], friend_name.as_str());
        let accepted = ok(&headless(
            &url,
            &friend,
            &["friends", "--accept", &host_name],
        ));
        assert_eq!(accepted[0]["outcome"], "accepted");
        let listed = ok(&headless(&url, &host, &["friends"]));
        assert_eq!(listed[0]["event"], "friends");
        assert_eq!(listed[0]["friends"][0]["username"], friend_name.as_str());
        assert_eq!(listed[0]["friends"][0]["presence"], "offline");

        // A password party: no password or a wrong one is refused (exit 3).
        let created = ok(&headless(
            &url,
            &host,
            &["create", "--password", "open sesame"],
        ));
        let code = created[0]["party_code"].as_str().unwrap().to_owned();
        let missing = headless(&url, &friend, &["join", &code]);
        assert_eq!(missing.status.code(), Some(3));
        assert_eq!(lines(&missing)[0]["error"], "party_password_required");
        let wrong = headless(&url, &friend, &["join", &code, "--password", "not it"]);
        assert_eq!(lines(&wrong)[0]["error"], "party_password_invalid");
        let joined = ok(&headless(
            &url,
            &friend,
            &["join", &code, "--password", "open sesame"],
        ));
        assert_eq!(joined[0]["event"], "joined");
        // The host's friend sees where they are now.
        let listed = ok(&headless(&url, &host, &["friends"]));
        assert_eq!(listed[0]["friends"][0]["presence"], "in_lobby");
        assert_eq!(listed[0]["friends"][0]["party_code"], code.as_str());

        // An invite lets the other player in without the password.
        let invited = ok(&headless(&url, &host, &["invite", &other_name]));
        assert_eq!(invited[0]["event"], "invited");
        assert_eq!(invited[0]["invite"]["party_code"], code.as_str());
        let joined = ok(&headless(&url, &other, &["join", &code]));
        assert_eq!(joined[0]["event"], "joined");
    })
    .await
    .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invite_only_party_refuses_strangers_from_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let url = in_process_server(tmp.path(), |_| {}).await;
    let root = tmp.path().to_owned();
    tokio::task::spawn_blocking(move || {
        let (host, stranger) = (root.join("host"), root.join("stranger"));
        guest(&url, &host);
        guest(&url, &stranger);
        let created = ok(&headless(&url, &host, &["create", "--invite-only"]));
        let code = created[0]["party_code"].as_str().unwrap().to_owned();
        let refused = headless(&url, &stranger, &["join", &code]);
        assert_eq!(refused.status.code(), Some(3));
        assert_eq!(lines(&refused)[0]["error"], "party_invite_required");
        // A password the rules refuse is caught before any request.
        let short = headless(&url, &stranger, &["join", &code, "--password", "ab"]);
        assert_eq!(short.status.code(), Some(3));
        assert_eq!(lines(&short)[0]["error"], "invalid_request");
        let unknown = headless(&url, &host, &["invite", "nobody_here"]);
        assert_eq!(lines(&unknown)[0]["error"], "player_not_found");
    })
    .await
    .unwrap();
}
