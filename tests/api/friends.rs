//! Friends and blocks (issue 15): the request lifecycle, the friend list's
//! presence (offline, online, in a lobby with its code, playing), and what
//! a block ends and refuses.

use std::time::Duration;

use party_protocol::ErrorCode;
use party_protocol::friends::{
    BlocksResponse, FriendPresence, FriendRequestOutcome, FriendRequestResponse,
};
use party_protocol::party::PartySessionResponse;
use reqwest::Method;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::party::{create, join};
use crate::support::social::{befriend, friends, request_friend};
use crate::support::{Backend, Player, Reply, TestApp, spawn_app};

async fn delete(app: &TestApp, who: &Player, path: &str) -> Reply {
    app.request(Method::DELETE, path, Some(&who.token), None)
        .await
}

async fn the_friend_request_lifecycle(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let (a, b, c) = (&players[0], &players[1], &players[2]);
    let asked: FriendRequestResponse = request_friend(&app, a, &b.username).await.ok();
    assert_eq!(asked.outcome, FriendRequestOutcome::Requested);
    assert_eq!(asked.player_id, b.id);
    request_friend(&app, a, &b.username)
        .await
        .err(ErrorCode::FriendRequestExists);
    request_friend(&app, a, &a.username)
        .await
        .err(ErrorCode::CannotTargetSelf);
    request_friend(&app, a, "nobody_here")
        .await
        .err(ErrorCode::PlayerNotFound);
    // Names are matched whatever their case.
    request_friend(&app, a, &b.username.to_uppercase())
        .await
        .err(ErrorCode::FriendRequestExists);
    let mine = friends(&app, a).await;
    assert!(mine.friends.is_empty() && mine.incoming.is_empty());
    assert_eq!(mine.outgoing.len(), 1);
    assert_eq!(mine.outgoing[0].player_id, b.id);
    let theirs = friends(&app, b).await;
    assert_eq!(theirs.incoming.len(), 1);
    assert_eq!(theirs.incoming[0].username, a.username);

    // Declined: gone on both sides; declining again finds nothing.
    let decline = format!("/friends/requests/{}/decline", a.username);
    app.post_empty(&decline, &b.token).await.ok::<Value>();
    app.post_empty(&decline, &b.token)
        .await
        .err(ErrorCode::FriendRequestNotFound);
    assert!(friends(&app, a).await.outgoing.is_empty());
    assert!(friends(&app, b).await.incoming.is_empty());

    // Cancelled by its sender.
    request_friend(&app, a, &b.username).await.ok::<Value>();
    let cancel = format!("/friends/requests/{}", b.username);
    delete(&app, a, &cancel).await.ok::<Value>();
    delete(&app, a, &cancel)
        .await
        .err(ErrorCode::FriendRequestNotFound);
    assert!(friends(&app, b).await.incoming.is_empty());
    // Nobody can accept a request that was never made.
    app.post_empty(
        &format!("/friends/requests/{}/accept", c.username),
        &a.token,
    )
    .await
    .err(ErrorCode::FriendRequestNotFound);

    // Accepted: friends both ways, no request left.
    befriend(&app, a, b).await;
    for (me, other) in [(a, b), (b, a)] {
        let list = friends(&app, me).await;
        assert_eq!(list.friends.len(), 1);
        assert_eq!(list.friends[0].player_id, other.id);
        assert!(list.incoming.is_empty() && list.outgoing.is_empty());
    }
    request_friend(&app, b, &a.username)
        .await
        .err(ErrorCode::AlreadyFriends);

    // Asking someone who asked you first makes you friends at once.
    request_friend(&app, c, &a.username).await.ok::<Value>();
    let crossed: FriendRequestResponse = request_friend(&app, a, &c.username).await.ok();
    assert_eq!(crossed.outcome, FriendRequestOutcome::Accepted);
    let names: Vec<_> = friends(&app, a)
        .await
        .friends
        .into_iter()
        .map(|f| f.player_id)
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.contains(&b.id) && names.contains(&c.id));

    // Removed: gone for both; removing again is refused.
    let remove = format!("/friends/{}", b.username);
    delete(&app, a, &remove).await.ok::<Value>();
    delete(&app, a, &remove).await.err(ErrorCode::NotFriends);
    assert!(friends(&app, b).await.friends.is_empty());
}

async fn presence_shows_offline_online_lobby_and_playing(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(4).await;
    let (me, friend) = (&players[0], &players[1]);
    befriend(&app, me, friend).await;
    let seen = |list: party_protocol::friends::FriendsResponse| {
        let f = &list.friends[0];
        (f.presence, f.party_code.clone())
    };
    assert_eq!(
        seen(friends(&app, me).await),
        (FriendPresence::Offline, None)
    );
    let socket = app.player_socket(friend).await;
    assert_eq!(
        seen(friends(&app, me).await),
        (FriendPresence::Online, None)
    );
    socket.close().await;
    // The server counts the socket out once it sees the close: give it time.
    let mut offline = seen(friends(&app, me).await);
    for _ in 0..50 {
        if offline.0 == FriendPresence::Offline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        offline = seen(friends(&app, me).await);
    }
    assert_eq!(offline, (FriendPresence::Offline, None));
    let lobby: PartySessionResponse = create(&app, friend, json!({})).await;
    assert_eq!(
        seen(friends(&app, me).await),
        (FriendPresence::InLobby, Some(lobby.party_code.clone()))
    );
    for p in &players[2..] {
        join(&app, p, &lobby.party_code)
            .await
            .ok::<PartySessionResponse>();
    }
    for p in &players[1..] {
        app.post_empty(&format!("/party/{}/ready", lobby.session_id), &p.token)
            .await
            .ok::<Value>();
    }
    app.post_empty(&format!("/party/{}/start", lobby.session_id), &friend.token)
        .await
        .ok::<Value>();
    assert_eq!(
        seen(friends(&app, me).await),
        (FriendPresence::Playing, None)
    );
    // A party socket counts as online too (here, while playing).
    let mut ws = app.ws_connect(friend, lobby.session_id, None).await;
    ws.next(Duration::from_secs(3)).await.expect("snapshot");
    assert_eq!(
        seen(friends(&app, me).await),
        (FriendPresence::Playing, None)
    );
    app.assert_conserved().await;
}

async fn a_block_ends_every_tie_and_refuses_requests(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let (a, b, c) = (&players[0], &players[1], &players[2]);
    befriend(&app, a, b).await;
    request_friend(&app, c, &b.username).await.ok::<Value>();
    // b blocks a (friends) and c (who asked).
    for whom in [a, c] {
        app.post("/blocks", &b.token, json!({ "username": whom.username }))
            .await
            .ok::<Value>();
    }
    let list: BlocksResponse = app.get("/blocks", &b.token).await.ok();
    assert_eq!(list.blocked.len(), 2);
    assert!(friends(&app, a).await.friends.is_empty());
    let mine = friends(&app, b).await;
    assert!(mine.friends.is_empty() && mine.incoming.is_empty());
    assert!(friends(&app, c).await.outgoing.is_empty());
    // The blocked learn only that the request cannot go through.
    let refused = request_friend(&app, a, &b.username).await;
    let message = refused.err(ErrorCode::PlayerUnavailable);
    assert!(!message.to_lowercase().contains("block"), "{message}");
    // The blocker is told to unblock first.
    request_friend(&app, b, &a.username)
        .await
        .err(ErrorCode::PlayerBlocked);
    // Unblocked: requests flow again.
    delete(&app, b, &format!("/blocks/{}", a.username))
        .await
        .ok::<Value>();
    let again: FriendRequestResponse = request_friend(&app, a, &b.username).await.ok();
    assert_eq!(again.outcome, FriendRequestOutcome::Requested);
    let list: BlocksResponse = app.get("/blocks", &b.token).await.ok();
    assert_eq!(list.blocked.len(), 1);
    assert_eq!(list.blocked[0].player_id, c.id);
}

on_both_backends!(
    the_friend_request_lifecycle,
    presence_shows_offline_online_lobby_and_playing,
    a_block_ends_every_tie_and_refuses_requests,
);
