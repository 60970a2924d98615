//! Private parties (issue 15): password and invite-only lobbies, the limit
//! on wrong passwords, invites (delivered live on the player socket, used
//! by joining, expired once the party starts) and the host changing the
//! mode in the lobby only.

use std::time::Duration;

use party_protocol::ErrorCode;
use party_protocol::friends::{InvitesResponse, PartyInvite, PlayerMessage};
use party_protocol::party::{PartyCode, PartySessionResponse, PlayAgainResponse, SessionStatus};
use party_protocol::party_access::{PartyAccess, PartyAccessResponse};
use party_protocol::party_ws::ServerEvent;
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::audit::money;
use crate::support::party::{Party, create, join, status};
use crate::support::social::befriend;
use crate::support::{Backend, Player, Reply, TestApp, spawn_app};

const SECRET: &str = "open sesame";

async fn join_with(app: &TestApp, who: &Player, code: &str, password: &str) -> Reply {
    app.post(
        "/party/join",
        &who.token,
        json!({ "party_code": code, "password": password }),
    )
    .await
}

async fn invite(app: &TestApp, host: &Player, lobby: &PartySessionResponse, whom: &str) -> Reply {
    app.post(
        &format!("/party/{}/invites", lobby.session_id),
        &host.token,
        json!({ "username": whom }),
    )
    .await
}

async fn set_access(
    app: &TestApp,
    who: &Player,
    lobby: &PartySessionResponse,
    body: Value,
) -> Reply {
    app.post(
        &format!("/party/{}/access", lobby.session_id),
        &who.token,
        body,
    )
    .await
}

async fn password_party_admits_the_right_password_only(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let lobby = create(
        &app,
        &players[0],
        json!({ "access": "password", "password": SECRET }),
    )
    .await;
    assert_eq!(lobby.access, PartyAccess::Password);
    let before = money(&app, &players).await;
    join(&app, &players[1], &lobby.party_code)
        .await
        .err(ErrorCode::PartyPasswordRequired);
    join_with(&app, &players[1], &lobby.party_code, "open says me")
        .await
        .err(ErrorCode::PartyPasswordInvalid);
    // A refused join wrote nothing and moved no coin.
    assert_eq!(
        status(&app, lobby.session_id, &players[0])
            .await
            .participants
            .len(),
        1
    );
    assert_eq!(money(&app, &players).await, before);
    let joined: PartySessionResponse = join_with(&app, &players[1], &lobby.party_code, SECRET)
        .await
        .ok();
    assert_eq!(joined.participant_count, 2);
    assert_eq!(joined.access, PartyAccess::Password);
    // The status shows the mode, never the password or its hash.
    let seen = app
        .get(
            &format!("/party/{}/status", lobby.session_id),
            &players[1].token,
        )
        .await;
    assert_eq!(seen.body["access"], "password");
    let text = seen.body.to_string();
    assert!(
        !text.contains("sesame") && !text.contains("argon2"),
        "{text}"
    );
    app.assert_conserved().await;
}

async fn wrong_passwords_are_limited_per_player_and_party(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let lobby = create(&app, &players[0], json!({ "password": SECRET })).await;
    assert_eq!(lobby.access, PartyAccess::Password);
    for _ in 0..5 {
        join_with(&app, &players[1], &lobby.party_code, "wrong guess")
            .await
            .err(ErrorCode::PartyPasswordInvalid);
    }
    // Locked out: even the right password is refused, with a wait.
    let locked = join_with(&app, &players[1], &lobby.party_code, SECRET).await;
    locked.err(ErrorCode::TooManyPasswordAttempts);
    let wait: u64 = locked.retry_after.as_deref().unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
    // Someone else is not.
    join_with(&app, &players[2], &lobby.party_code, SECRET)
        .await
        .ok::<PartySessionResponse>();
    // Once the window has passed, the right password works again.
    app.advance(601).await;
    join_with(&app, &players[1], &lobby.party_code, SECRET)
        .await
        .ok::<PartySessionResponse>();
}

async fn invite_only_lets_in_the_invited_and_the_hosts_friends(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(4).await;
    let (host, stranger, friend, other) = (&players[0], &players[1], &players[2], &players[3]);
    befriend(&app, host, friend).await;
    let lobby = create(&app, host, json!({ "access": "invite_only" })).await;
    assert_eq!(lobby.access, PartyAccess::InviteOnly);
    let before = money(&app, &players).await;
    join(&app, stranger, &lobby.party_code)
        .await
        .err(ErrorCode::PartyInviteRequired);
    // A password is no way around it.
    join_with(&app, stranger, &lobby.party_code, SECRET)
        .await
        .err(ErrorCode::PartyInviteRequired);
    assert_eq!(money(&app, &players).await, before);
    // Only the host invites.
    invite(&app, friend, &lobby, &stranger.username)
        .await
        .err(ErrorCode::NotAParticipant);
    let sent: PartyInvite = invite(&app, host, &lobby, &stranger.username).await.ok();
    assert_eq!(sent.party_code, lobby.party_code);
    assert_eq!(sent.inviter_id, host.id);
    let mine: InvitesResponse = app.get("/party/invites", &stranger.token).await.ok();
    assert_eq!(mine.invites, vec![sent]);
    join(&app, stranger, &lobby.party_code)
        .await
        .ok::<PartySessionResponse>();
    // The invite was used up by the join.
    let mine: InvitesResponse = app.get("/party/invites", &stranger.token).await.ok();
    assert!(mine.invites.is_empty());
    // The host's friend needs no invite.
    join(&app, friend, &lobby.party_code)
        .await
        .ok::<PartySessionResponse>();
    invite(&app, host, &lobby, &friend.username)
        .await
        .err(ErrorCode::AlreadyJoined);
    invite(&app, host, &lobby, "nobody_here")
        .await
        .err(ErrorCode::PlayerNotFound);
    invite(&app, host, &lobby, &host.username)
        .await
        .err(ErrorCode::CannotTargetSelf);
    join(&app, other, &lobby.party_code)
        .await
        .err(ErrorCode::PartyInviteRequired);
    app.assert_conserved().await;
}

async fn an_invite_arrives_live_and_lets_in_without_the_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(2).await;
    let (host, guest) = (&players[0], &players[1]);
    let mut socket = app.player_socket(guest).await;
    let lobby = create(&app, host, json!({ "password": SECRET })).await;
    let sent: PartyInvite = invite(&app, host, &lobby, &guest.username).await.ok();
    match socket.next(Duration::from_secs(3)).await {
        Some(PlayerMessage::PartyInvite(got)) => assert_eq!(got, sent),
        other => panic!("expected the invite, got {other:?}"),
    }
    // Once delivered, it is not sent again.
    assert_eq!(socket.next(Duration::from_millis(300)).await, None);
    // A socket opened later gets the pending invite first thing.
    let mut later = app.player_socket(guest).await;
    assert_eq!(
        later.next(Duration::from_secs(3)).await,
        Some(PlayerMessage::PartyInvite(sent.clone()))
    );
    // Accepting is joining, in one call, no password needed.
    let joined: PartySessionResponse = join(&app, guest, &sent.party_code).await.ok();
    assert_eq!(joined.session_id, lobby.session_id);
    socket.close().await;
    later.close().await;
}

async fn invites_expire_when_the_party_leaves_the_lobby(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(5).await;
    let lobby = create(&app, &players[0], json!({ "access": "invite_only" })).await;
    for p in &players[1..3] {
        invite(&app, &players[0], &lobby, &p.username)
            .await
            .ok::<PartyInvite>();
        join(&app, p, &lobby.party_code)
            .await
            .ok::<PartySessionResponse>();
    }
    invite(&app, &players[0], &lobby, &players[3].username)
        .await
        .ok::<PartyInvite>();
    // Declining removes an invite; declining again finds none.
    invite(&app, &players[0], &lobby, &players[4].username)
        .await
        .ok::<PartyInvite>();
    let path = format!("/party/invites/{}", lobby.session_id);
    let declined = app
        .request(
            reqwest::Method::DELETE,
            &path,
            Some(&players[4].token),
            None,
        )
        .await;
    declined.ok::<Value>();
    app.request(
        reqwest::Method::DELETE,
        &path,
        Some(&players[4].token),
        None,
    )
    .await
    .err(ErrorCode::InviteNotFound);
    for p in &players[..3] {
        app.post_empty(&format!("/party/{}/ready", lobby.session_id), &p.token)
            .await
            .ok::<Value>();
    }
    app.post_empty(
        &format!("/party/{}/start", lobby.session_id),
        &players[0].token,
    )
    .await
    .ok::<Value>();
    let pending: InvitesResponse = app.get("/party/invites", &players[3].token).await.ok();
    assert!(pending.invites.is_empty(), "{pending:?}");
    join(&app, &players[3], &lobby.party_code)
        .await
        .err(ErrorCode::SessionAlreadyStarted);
    invite(&app, &players[0], &lobby, &players[4].username)
        .await
        .err(ErrorCode::SessionAlreadyStarted);
    app.assert_conserved().await;
}

async fn only_the_host_changes_the_mode_and_only_in_the_lobby(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let lobby = create(&app, &players[0], json!({})).await;
    assert_eq!(lobby.access, PartyAccess::Open);
    join(&app, &players[1], &lobby.party_code)
        .await
        .ok::<PartySessionResponse>();
    // An open party's bodies are as before modes existed: no `access`.
    let open = app
        .get(
            &format!("/party/{}/status", lobby.session_id),
            &players[0].token,
        )
        .await;
    assert!(open.body.get("access").is_none(), "{}", open.body);
    let mut ws = app.ws_connect(&players[1], lobby.session_id, None).await;
    ws.next(Duration::from_secs(3)).await.expect("snapshot");
    set_access(
        &app,
        &players[1],
        &lobby,
        json!({ "access": "invite_only" }),
    )
    .await
    .err(ErrorCode::NotHost);
    set_access(&app, &players[0], &lobby, json!({ "access": "password" }))
        .await
        .err(ErrorCode::InvalidRequest);
    set_access(
        &app,
        &players[0],
        &lobby,
        json!({ "access": "open", "password": SECRET }),
    )
    .await
    .err(ErrorCode::InvalidRequest);
    let changed: PartyAccessResponse = set_access(
        &app,
        &players[0],
        &lobby,
        json!({ "access": "password", "password": SECRET }),
    )
    .await
    .ok();
    assert_eq!(changed.access, PartyAccess::Password);
    // The lobby hears of it, without the password.
    loop {
        let event = ws
            .next(Duration::from_secs(3))
            .await
            .expect("access_changed");
        if let ServerEvent::AccessChanged { access } = event.event {
            assert_eq!(access, PartyAccess::Password);
            break;
        }
    }
    join(&app, &players[2], &lobby.party_code)
        .await
        .err(ErrorCode::PartyPasswordRequired);
    // Back to open: anyone joins again.
    set_access(&app, &players[0], &lobby, json!({ "access": "open" }))
        .await
        .ok::<PartyAccessResponse>();
    join(&app, &players[2], &lobby.party_code)
        .await
        .ok::<PartySessionResponse>();
    for p in &players {
        app.post_empty(&format!("/party/{}/ready", lobby.session_id), &p.token)
            .await
            .ok::<Value>();
    }
    app.post_empty(
        &format!("/party/{}/start", lobby.session_id),
        &players[0].token,
    )
    .await
    .ok::<Value>();
    let started = status(&app, lobby.session_id, &players[0]).await;
    assert_eq!(started.status, SessionStatus::InProgress);
    set_access(
        &app,
        &players[0],
        &lobby,
        json!({ "access": "invite_only" }),
    )
    .await
    .err(ErrorCode::SessionAlreadyStarted);
    app.assert_conserved().await;
}

async fn a_blocked_player_cannot_be_invited(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(3).await;
    let (host, wary, shunned) = (&players[0], &players[1], &players[2]);
    app.post("/blocks", &wary.token, json!({ "username": host.username }))
        .await
        .ok::<Value>();
    app.post(
        "/blocks",
        &host.token,
        json!({ "username": shunned.username }),
    )
    .await
    .ok::<Value>();
    let lobby = create(&app, host, json!({ "access": "invite_only" })).await;
    // Whoever blocked the host cannot be reached; the host learns no more.
    let refused = invite(&app, host, &lobby, &wary.username).await;
    let message = refused.err(ErrorCode::PlayerUnavailable);
    assert!(!message.to_lowercase().contains("block"), "{message}");
    invite(&app, host, &lobby, &shunned.username)
        .await
        .err(ErrorCode::PlayerBlocked);
    let pending: InvitesResponse = app.get("/party/invites", &wary.token).await.ok();
    assert!(pending.invites.is_empty());
}

async fn the_player_socket_wants_a_live_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let player = app.guest().await;
    let mut none = app.player_socket_raw(None).await;
    assert_eq!(none.close_code(Duration::from_secs(3)).await, Some(4001));
    let mut bad = app.player_socket_raw(Some("not-a-token")).await;
    assert_eq!(bad.close_code(Duration::from_secs(3)).await, Some(4003));
    // A token opens one socket only.
    let token = app.ws_token(&player).await;
    let mut first = app.player_socket_raw(Some(&token)).await;
    // Admitted (its hello came) before the second one tries the same token.
    assert!(matches!(
        first.next(Duration::from_secs(3)).await,
        Some(PlayerMessage::Hello { .. })
    ));
    let mut again = app.player_socket_raw(Some(&token)).await;
    assert_eq!(again.close_code(Duration::from_secs(3)).await, Some(4003));
    first.close().await;
}

/// A private party is watched as it is joined: with its password, or an
/// invite (which watching does not use up), or as the host's friend.
async fn private_parties_are_watched_with_the_password_or_an_invite(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(4).await;
    let locked = create(&app, &players[0], json!({ "password": SECRET })).await;
    let invited = create(&app, &players[1], json!({ "access": "invite_only" })).await;
    let spectate = |who: usize, code: &PartyCode, password: Option<&str>| {
        let app = &app;
        let token = players[who].token.clone();
        let mut body = json!({ "party_code": code });
        if let Some(password) = password {
            body["password"] = json!(password);
        }
        async move { app.post("/party/spectate", &token, body).await }
    };
    spectate(2, &locked.party_code, None)
        .await
        .err(ErrorCode::PartyPasswordRequired);
    spectate(2, &locked.party_code, Some("wrong guess"))
        .await
        .err(ErrorCode::PartyPasswordInvalid);
    let watching: Value = spectate(2, &locked.party_code, Some(SECRET)).await.ok();
    assert_eq!(
        watching["session_id"],
        json!(locked.session_id),
        "{watching}"
    );
    // The spectator list shows the watcher, never the password.
    assert_eq!(watching["spectators"]["count"], 1, "{watching}");
    assert!(!watching.to_string().contains(SECRET), "{watching}");

    spectate(3, &invited.party_code, None)
        .await
        .err(ErrorCode::PartyInviteRequired);
    invite(&app, &players[1], &invited, &players[3].username)
        .await
        .ok::<Value>();
    let watching: Value = spectate(3, &invited.party_code, None).await.ok();
    assert_eq!(
        watching["session_id"],
        json!(invited.session_id),
        "{watching}"
    );
    // Watching did not use the invite up: it still lets the player in.
    let joined: PartySessionResponse = app
        .post(
            "/party/join",
            &players[3].token,
            json!({ "party_code": invited.party_code }),
        )
        .await
        .ok();
    assert_eq!(joined.session_id, invited.session_id);
}

/// Play-again keeps the finished party's access mode: the new lobby wants
/// the same password.
async fn play_again_keeps_the_access_mode(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(4).await;
    let mut party = Party::gather(&app, players[..3].to_vec(), 0).await;
    let host = &players[0];
    app.post(
        &party.path("/access"),
        &host.token,
        json!({ "access": "password", "password": SECRET }),
    )
    .await
    .ok::<PartyAccessResponse>();
    party.play_to_results(false).await;
    let again: PlayAgainResponse = app
        .post_empty(&party.path("/play-again"), &host.token)
        .await
        .ok();
    let next = status(&app, again.new_session_id, host).await;
    assert_eq!(next.access, PartyAccess::Password);
    let outsider = &players[3];
    join(&app, outsider, next.party_code.as_str())
        .await
        .err(ErrorCode::PartyPasswordRequired);
    join_with(&app, outsider, next.party_code.as_str(), SECRET)
        .await
        .ok::<PartySessionResponse>();
}

/// The host changes the password while players join with the old one, all
/// at once: the change and each join are ordered by the party's lock, so
/// the events show every admitted player joining before the change, and a
/// join checked against the old hash is refused once the new one is in.
async fn a_password_change_racing_joins_admits_nobody_after_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let players = app.guests(8).await;
    let lobby = create(
        &app,
        &players[0],
        json!({ "password": SECRET, "max_players": 8 }),
    )
    .await;
    let before = money(&app, &players).await;
    let mut host_ws = app.ws_connect(&players[0], lobby.session_id, None).await;
    host_ws
        .next(Duration::from_secs(3))
        .await
        .expect("snapshot");
    let code = lobby.party_code.as_str();
    let joins = futures::future::join_all(
        players[1..]
            .iter()
            .map(|p| join_with(&app, p, code, SECRET)),
    );
    let change = set_access(
        &app,
        &players[0],
        &lobby,
        json!({ "access": "password", "password": "a new secret" }),
    );
    let (replies, changed) = tokio::join!(joins, change);
    changed.ok::<PartyAccessResponse>();
    let mut admitted = 0;
    for reply in replies {
        if reply.status.is_success() {
            admitted += 1;
        } else {
            reply.err(ErrorCode::PartyPasswordInvalid);
        }
    }
    // The host's socket orders the joins and the change.
    let mut joined_at = Vec::new();
    let mut changed_at = None;
    while joined_at.len() < admitted || changed_at.is_none() {
        let msg = host_ws
            .next(Duration::from_secs(5))
            .await
            .expect("every join and the change reach the host");
        match msg.event {
            ServerEvent::PlayerJoined { .. } => joined_at.push(msg.seq),
            ServerEvent::AccessChanged { access } => {
                assert_eq!(access, PartyAccess::Password);
                changed_at = Some(msg.seq);
            }
            _ => {}
        }
    }
    let changed_at = changed_at.unwrap_or_default();
    assert!(
        joined_at.iter().all(|&seq| seq < changed_at),
        "joined at {joined_at:?}, the password changed at {changed_at}"
    );
    let seen = status(&app, lobby.session_id, &players[0]).await;
    assert_eq!(seen.participants.len(), 1 + admitted);
    // Refused joins moved nothing; the new password admits.
    assert_eq!(money(&app, &players).await, before);
    if let Some(late) = players[1..]
        .iter()
        .find(|p| !seen.participants.iter().any(|q| q.player_id == p.id))
    {
        join_with(&app, late, code, "a new secret")
            .await
            .ok::<PartySessionResponse>();
    }
    app.assert_conserved().await;
}

/// An invite made through one instance reaches the invitee's player
/// socket on another at once: the invite's transaction names the player,
/// and its commit wakes their sockets everywhere (the sockets' own
/// re-read is a minute apart, far beyond this wait).
async fn an_invite_reaches_a_player_socket_on_another_instance(backend: Backend) {
    if matches!(backend, Backend::Sqlite) {
        // One SQLite file is served by one process; see the README.
        return;
    }
    let app = spawn_app(backend).await;
    let other = app.sibling().await;
    let players = app.guests(2).await;
    let (host, guest) = (&players[0], &players[1]);
    let mut socket = other.player_socket(guest).await;
    let lobby = create(&app, host, json!({})).await;
    let sent: PartyInvite = invite(&app, host, &lobby, &guest.username).await.ok();
    match socket.next(Duration::from_secs(3)).await {
        Some(PlayerMessage::PartyInvite(got)) => assert_eq!(got, sent),
        other => panic!("expected the invite from the other instance, got {other:?}"),
    }
    socket.close().await;
}

on_both_backends!(
    an_invite_reaches_a_player_socket_on_another_instance,
    a_password_change_racing_joins_admits_nobody_after_it,
    play_again_keeps_the_access_mode,
    private_parties_are_watched_with_the_password_or_an_invite,
    the_player_socket_wants_a_live_token,
    password_party_admits_the_right_password_only,
    wrong_passwords_are_limited_per_player_and_party,
    invite_only_lets_in_the_invited_and_the_hosts_friends,
    an_invite_arrives_live_and_lets_in_without_the_password,
    invites_expire_when_the_party_leaves_the_lobby,
    only_the_host_changes_the_mode_and_only_in_the_lobby,
    a_blocked_player_cannot_be_invited,
);
