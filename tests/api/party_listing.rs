//! How a party is listed (issue 15): `listing` in the create and join
//! answers, the status, every player's `session_update` snapshot and the
//! spectators' status says `quick_match` for a lobby quick match formed,
//! `public` for one created public, and nothing (private) otherwise — and
//! a play-again lobby is listed as the party it follows.

use std::time::Duration;

use party_protocol::matchmaking::QuickMatchStatus;
use party_protocol::party::{PartySessionResponse, PlayAgainResponse};
use party_protocol::party_access::{PartyAccess, PartyListing};
use party_protocol::party_ws::ServerEvent;
use party_protocol::{PlayerId, SessionId};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::party::{Party, join, leave, status};
use crate::support::{AppOptions, Backend, Player, TestApp, spawn_app_with};

/// A server whose quick-match parties seat three players.
async fn app_of_three(backend: Backend) -> TestApp {
    spawn_app_with(
        backend,
        AppOptions {
            env: vec![("PARTY_QUICK_MATCH_PLAYERS".into(), "3".into())],
            ..AppOptions::default()
        },
    )
    .await
}

/// Queues `players` (as many as a party seats) and returns the lobby they
/// were matched into, which every one of them must name.
async fn quick_match(app: &TestApp, players: &[Player]) -> SessionId {
    for p in players {
        app.post("/party/quick-match", &p.token, json!({}))
            .await
            .ok::<QuickMatchStatus>();
    }
    let mut lobby = None;
    for p in players {
        let QuickMatchStatus::Matched(m) = app.get("/party/quick-match", &p.token).await.ok()
        else {
            panic!("{} was not matched", p.username);
        };
        assert_eq!(*lobby.get_or_insert(m.session_id), m.session_id);
    }
    lobby.expect("players to match")
}

/// The raw `listing` of a player's status (absent: `Value::Null`), and the
/// typed one, which must agree with it.
async fn listing_of(app: &TestApp, session: SessionId, who: &Player) -> Value {
    let raw = app
        .get(&format!("/party/{session}/status"), &who.token)
        .await;
    let typed = status(app, session, who).await.listing;
    let shown = raw.body.get("listing").cloned().unwrap_or(Value::Null);
    assert_eq!(
        typed,
        serde_json::from_value::<Option<PartyListing>>(shown.clone())
            .unwrap()
            .unwrap_or_default()
    );
    shown
}

/// The listing the `session_update` snapshot opening `who`'s party socket
/// carries.
async fn snapshot_listing(app: &TestApp, session: SessionId, who: &Player) -> PartyListing {
    let mut ws = app.ws_connect(who, session, None).await;
    let first = ws.next(Duration::from_secs(5)).await.expect("a snapshot");
    let ServerEvent::SessionUpdate(snapshot) = first.event else {
        panic!("the socket opened with {:?}", first.event);
    };
    ws.close().await;
    snapshot.listing
}

/// A lobby formed by quick match says so to each of its players — status
/// and socket — to a player who joins a seat freed in it, and to a
/// spectator.
async fn a_quick_match_lobby_says_quick_match_everywhere(backend: Backend) {
    let app = app_of_three(backend).await;
    let ps = app.guests(5).await;
    let session = quick_match(&app, &ps[..3]).await;
    for p in &ps[..3] {
        assert_eq!(
            listing_of(&app, session, p).await,
            "quick_match",
            "{}",
            p.username
        );
        assert_eq!(
            snapshot_listing(&app, session, p).await,
            PartyListing::QuickMatch,
            "{}",
            p.username
        );
    }
    // A seat freed and taken by code: the join answer says it too, next to
    // the access mode (open, so left out).
    leave(&app, &ps[2], session).await;
    let code = status(&app, session, &ps[0]).await.party_code;
    let joined = join(&app, &ps[3], code.as_str()).await;
    assert_eq!(joined.body["listing"], "quick_match", "{}", joined.body);
    assert!(joined.body.get("access").is_none(), "{}", joined.body);
    let joined: PartySessionResponse = joined.ok();
    assert_eq!(
        (joined.listing, joined.access),
        (PartyListing::QuickMatch, PartyAccess::Open)
    );
    let watched = app.spectate_ok(&ps[4], code.as_str()).await;
    assert_eq!(watched.status.listing, PartyListing::QuickMatch);
    app.assert_conserved().await;
}

/// A public party says public from its creation on (to its host, a joiner,
/// their sockets), whatever its access mode; a private one says nothing,
/// which reads as private.
async fn public_says_public_and_private_says_nothing(backend: Backend) {
    let app = app_of_three(backend).await;
    let ps = app.guests(4).await;
    let created = app
        .post(
            "/party/create",
            &ps[0].token,
            json!({ "public": true, "access": "password", "password": "open sesame" }),
        )
        .await;
    assert_eq!(created.body["listing"], "public", "{}", created.body);
    let public: PartySessionResponse = created.ok();
    assert_eq!(public.access, PartyAccess::Password);
    let joined: PartySessionResponse = app
        .post(
            "/party/join",
            &ps[1].token,
            json!({ "party_code": public.party_code, "password": "open sesame" }),
        )
        .await
        .ok();
    assert_eq!(joined.listing, PartyListing::Public);
    for p in &ps[..2] {
        assert_eq!(listing_of(&app, public.session_id, p).await, "public");
        assert_eq!(
            snapshot_listing(&app, public.session_id, p).await,
            PartyListing::Public
        );
    }

    let created = app.post("/party/create", &ps[2].token, json!({})).await;
    assert!(created.body.get("listing").is_none(), "{}", created.body);
    let private: PartySessionResponse = created.ok();
    assert_eq!(private.listing, PartyListing::Private);
    let joined = join(&app, &ps[3], private.party_code.as_str()).await;
    assert!(joined.body.get("listing").is_none(), "{}", joined.body);
    for p in &ps[2..] {
        assert_eq!(listing_of(&app, private.session_id, p).await, Value::Null);
        assert_eq!(
            snapshot_listing(&app, private.session_id, p).await,
            PartyListing::Private
        );
    }
    app.assert_conserved().await;
}

/// Plays `party` to its results, has its host play again, and returns the
/// next lobby.
async fn play_again(party: &mut Party<'_>) -> SessionId {
    party.play_to_results(false).await;
    let again: PlayAgainResponse = party
        .app
        .post_empty(&party.path("/play-again"), &party.humans[0].token)
        .await
        .ok();
    again.new_session_id
}

/// Play-again keeps the listing: a quick-match party (still `quick_match`
/// at its results) has a next lobby that says `quick_match` (the same
/// matched players, still not listed), a public party's says public, a
/// private party's says nothing.
async fn play_again_keeps_the_listing(backend: Backend) {
    let app = app_of_three(backend).await;
    let ps = app.guests(9).await;

    let session = quick_match(&app, &ps[..3]).await;
    let host = status(&app, session, &ps[0]).await;
    // The earliest queued hosts; the driver wants the host first.
    let host_id: PlayerId = host.host_player_id;
    assert_eq!(host_id, ps[0].id);
    for p in &ps[..3] {
        app.post_empty(&format!("/party/{session}/ready"), &p.token)
            .await
            .ok::<Value>();
    }
    let mut matched = Party::driver(&app, session, host.party_code, ps[..3].to_vec());
    let next = play_again(&mut matched).await;
    assert_eq!(listing_of(&app, session, &ps[0]).await, "quick_match");
    for p in &ps[..3] {
        assert_eq!(listing_of(&app, next, p).await, "quick_match");
        assert_eq!(
            snapshot_listing(&app, next, p).await,
            PartyListing::QuickMatch
        );
    }
    // The queue had no part in it: nobody's quick-match status names it.
    let idle: QuickMatchStatus = app.get("/party/quick-match", &ps[1].token).await.ok();
    assert_eq!(idle, QuickMatchStatus::Idle);

    let mut public =
        Party::gather_with(&app, ps[3..6].to_vec(), 0, json!({ "public": true })).await;
    let next = play_again(&mut public).await;
    assert_eq!(listing_of(&app, next, &ps[4]).await, "public");

    let mut private = Party::gather(&app, ps[6..9].to_vec(), 0).await;
    let next = play_again(&mut private).await;
    assert_eq!(listing_of(&app, next, &ps[7]).await, Value::Null);
    assert_eq!(
        snapshot_listing(&app, next, &ps[7]).await,
        PartyListing::Private
    );
    app.assert_conserved().await;
}

on_both_backends!(
    a_quick_match_lobby_says_quick_match_everywhere,
    public_says_public_and_private_says_nothing,
    play_again_keeps_the_listing,
);
