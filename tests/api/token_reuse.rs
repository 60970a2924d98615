//! Refresh-token reuse detection: replaying a refresh token that was
//! rotated away (after the 30 s grace) revokes its whole family, refresh
//! and access tokens alike, and only that family.

use party_protocol::ErrorCode;
use party_protocol::account::{AuthResponse, TokenResponse};
use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::on_both_backends;
use crate::support::{Backend, Reply, TestApp, spawn_app};

const PASSWORD: &str = "correct horse battery";
/// `REFRESH_REUSE_GRACE_SECS` on the server.
const GRACE: i64 = 30;

async fn refresh(app: &TestApp, token: &str) -> Reply {
    app.request(
        Method::POST,
        "/auth/refresh",
        None,
        Some(json!({ "refresh_token": token })),
    )
    .await
}

async fn access_works(app: &TestApp, token: &str) -> bool {
    let reply = app.get("/player/balance", token).await;
    match reply.status {
        StatusCode::OK => true,
        StatusCode::UNAUTHORIZED => false,
        other => panic!("unexpected {other}: {reply:?}"),
    }
}

async fn replaying_a_rotated_refresh_token_revokes_its_family(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.register("alice", PASSWORD).await;
    // A second sign-in (another device): a family of its own.
    let other: AuthResponse = app
        .request(
            Method::POST,
            "/auth/login",
            None,
            Some(json!({ "username": "alice", "password": PASSWORD })),
        )
        .await
        .ok();

    let first: TokenResponse = refresh(&app, &alice.refresh_token).await.ok();
    let second: TokenResponse = refresh(&app, &first.refresh_token).await.ok();
    assert!(access_works(&app, &second.access_token).await);

    // Within the grace a replay is only refused (a client racing itself).
    refresh(&app, &first.refresh_token)
        .await
        .err(ErrorCode::InvalidRefreshToken);
    assert!(access_works(&app, &second.access_token).await);

    // Later, the replay of the sign-in's token takes the family down.
    app.advance(GRACE + 1).await;
    refresh(&app, &alice.refresh_token)
        .await
        .err(ErrorCode::InvalidRefreshToken);
    refresh(&app, &second.refresh_token)
        .await
        .err(ErrorCode::InvalidRefreshToken);
    assert!(!access_works(&app, &second.access_token).await);
    assert!(!access_works(&app, &first.access_token).await);
    assert!(!access_works(&app, &alice.token).await);

    // The other sign-in is another family and keeps working.
    assert!(access_works(&app, &other.access_token).await);
    let renewed: TokenResponse = refresh(&app, &other.refresh_token).await.ok();
    assert!(access_works(&app, &renewed.access_token).await);
}

on_both_backends!(replaying_a_rotated_refresh_token_revokes_its_family);
