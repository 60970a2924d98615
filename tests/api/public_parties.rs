//! Public parties (issue 15): a lobby created with `"public": true` is
//! listed by `GET /party/public` — newest first, paged, with its mode —
//! while it has a free seat and has not started; it is joined the normal
//! way (a password party still wants its password), and play-again keeps
//! the next lobby listed.

use party_protocol::ErrorCode;
use party_protocol::matchmaking::PublicPartiesResponse;
use party_protocol::party::{PartyCode, PartySessionResponse, PlayAgainResponse};
use party_protocol::party_access::PartyAccess;
use serde_json::json;

use crate::on_both_backends;
use crate::support::audit::money;
use crate::support::party::{Party, create, join};
use crate::support::{Backend, Player, TestApp, spawn_app};

async fn list(app: &TestApp, who: &Player, query: &str) -> PublicPartiesResponse {
    app.get(&format!("/party/public{query}"), &who.token)
        .await
        .ok()
}

fn codes(page: &PublicPartiesResponse) -> Vec<PartyCode> {
    page.parties.iter().map(|p| p.party_code.clone()).collect()
}

/// What is listed and what is not: public lobbies with a free seat (open
/// or password, each with its mode and host), never a private one, a full
/// one or one that started.
async fn the_list_shows_public_lobbies_with_free_seats(backend: Backend) {
    let app = spawn_app(backend).await;
    let ps = app.guests(10).await;
    let browser = &ps[9];
    assert!(list(&app, browser, "").await.parties.is_empty());
    let open = create(&app, &ps[0], json!({ "public": true })).await;
    let locked = create(
        &app,
        &ps[1],
        json!({ "public": true, "access": "password", "password": "open sesame" }),
    )
    .await;
    let unlisted = create(&app, &ps[2], json!({})).await;
    // Full: three seats, three players.
    let full = Party::gather_with(
        &app,
        ps[3..6].to_vec(),
        0,
        json!({ "public": true, "max_players": 3 }),
    )
    .await;
    // Started, with a seat still free.
    let mut started = Party::gather_with(
        &app,
        ps[6..9].to_vec(),
        0,
        json!({ "public": true, "max_players": 4 }),
    )
    .await;
    started.start().await;

    let page = list(&app, browser, "").await;
    assert_eq!(
        codes(&page),
        vec![locked.party_code.clone(), open.party_code.clone()]
    );
    assert_eq!(page.next_offset, None);
    let shown = &page.parties[0];
    assert_eq!(shown.access, PartyAccess::Password);
    assert_eq!(shown.host_username, ps[1].username);
    assert_eq!((shown.participant_count, shown.max_players), (1, 8));
    assert_eq!(shown.session_id, locked.session_id);
    assert_eq!(page.parties[1].access, PartyAccess::Open);
    for absent in [&unlisted.party_code, &full.code, &started.code] {
        assert!(!codes(&page).contains(absent), "{absent} listed");
    }

    // Joined from the list the normal way: the password party wants its password.
    let before = money(&app, std::slice::from_ref(browser)).await;
    join(&app, browser, locked.party_code.as_str())
        .await
        .err(ErrorCode::PartyPasswordRequired);
    assert_eq!(money(&app, std::slice::from_ref(browser)).await, before);
    let joined: PartySessionResponse = app
        .post(
            "/party/join",
            &browser.token,
            json!({ "party_code": locked.party_code, "password": "open sesame" }),
        )
        .await
        .ok();
    assert_eq!(joined.session_id, locked.session_id);
    let page = list(&app, &ps[2], "").await;
    assert_eq!(page.parties[0].participant_count, 2);
    app.assert_conserved().await;
}

/// Paging: newest first, `limit` per page, `next_offset` until the last
/// page; bad paging values are refused.
async fn the_list_is_paged_newest_first(backend: Backend) {
    let app = spawn_app(backend).await;
    let ps = app.guests(6).await;
    let mut made = Vec::new();
    for host in &ps[..5] {
        made.push(
            create(&app, host, json!({ "public": true }))
                .await
                .party_code,
        );
    }
    made.reverse();
    let mut seen = Vec::new();
    let mut query = "?limit=2".to_owned();
    for _ in 0..5 {
        let page = list(&app, &ps[5], &query).await;
        assert!(page.parties.len() <= 2);
        seen.extend(codes(&page));
        match page.next_offset {
            Some(next) => query = format!("?limit=2&offset={next}"),
            None => break,
        }
    }
    assert_eq!(seen, made);
    for bad in ["?limit=0", "?limit=51", "?offset=-1", "?limit=two"] {
        app.get(&format!("/party/public{bad}"), &ps[5].token)
            .await
            .err(ErrorCode::InvalidRequest);
    }
}

/// Play-again keeps a public party listed: its next lobby is public too.
async fn play_again_keeps_the_party_public(backend: Backend) {
    let app = spawn_app(backend).await;
    let ps = app.guests(4).await;
    let mut party = Party::gather_with(&app, ps[..3].to_vec(), 0, json!({ "public": true })).await;
    party.play_to_results(false).await;
    let again: PlayAgainResponse = app
        .post_empty(&party.path("/play-again"), &ps[0].token)
        .await
        .ok();
    let page = list(&app, &ps[3], "").await;
    assert_eq!(codes(&page), vec![again.party_code]);
    app.assert_conserved().await;
}

on_both_backends!(
    the_list_shows_public_lobbies_with_free_seats,
    the_list_is_paged_newest_first,
    play_again_keeps_the_party_public,
);
