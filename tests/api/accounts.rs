//! Accounts and authentication end to end: registration, guests, login,
//! token rotation and revocation, guest upgrade, the WebSocket token, the
//! daily bonus, the balance and dashboard bodies, and the per-IP and
//! per-player rate limits (api.md "Accounts", game-rules §1–§2).

use std::collections::BTreeSet;
use std::time::Instant;

use party_protocol::account::{AuthResponse, TokenResponse, TokenType, WsTokenResponse};
use party_protocol::round::{CurrentRoundResponse, PromptRoundResponse, RoundStatus};
use party_protocol::{ErrorCode, PlayerId};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::on_both_backends;
use crate::support::phrases::{Phrases, submit_valid};
use crate::support::play::{PROMPT, START};
use crate::support::{AppOptions, Backend, Player, Reply, TestApp, spawn_app, spawn_app_with};

/// More game-rules numbers (the shared ones are in `support::play`),
/// restated so the server is checked against the rules rather than against
/// itself.
const DAILY_BONUS: i64 = 100;
const ACCESS_TOKEN_SECONDS: i64 = 120 * 60;
const WS_TOKEN_SECONDS: i64 = 60;
const DAY: i64 = 86_400;
/// Sign-up and login requests per minute per IP (burst 30, one more every 2 s).
const AUTH_PER_MINUTE: usize = 30;
/// Requests per second per player; the burst is twice that.
const PLAYER_PER_SECOND: usize = 20;

const PASSWORD: &str = "correct horse battery";

async fn post_anon(app: &TestApp, path: &str, body: Value) -> Reply {
    app.request(Method::POST, path, None, Some(body)).await
}

async fn register_with(app: &TestApp, body: Value) -> Reply {
    post_anon(app, "/player", body).await
}

/// Registers `username` with [`PASSWORD`] and the email
/// `<username in lower case>@example.com`.
async fn register_with_email(app: &TestApp, username: &str) -> Reply {
    let email = format!("{}@example.com", username.to_ascii_lowercase());
    register_with(
        app,
        json!({"username": username, "password": PASSWORD, "email": email}),
    )
    .await
}

async fn login(app: &TestApp, body: Value) -> Reply {
    post_anon(app, "/auth/login", body).await
}

/// Signs in by username with [`PASSWORD`].
async fn login_as(app: &TestApp, username: &str) -> Reply {
    login(app, json!({"username": username, "password": PASSWORD})).await
}

/// `GET /player/balance` with this access token.
async fn balance_of(app: &TestApp, token: &str) -> Value {
    app.get("/player/balance", token).await.ok()
}

async fn refresh(app: &TestApp, refresh_token: &str) -> Reply {
    post_anon(
        app,
        "/auth/refresh",
        json!({"refresh_token": refresh_token}),
    )
    .await
}

/// Signs a registered player in again (after the clock moved past the access
/// token's lifetime) and returns the player with fresh tokens.
async fn sign_in_again(app: &TestApp, player: &Player) -> Player {
    let auth: AuthResponse = login_as(app, &player.username).await.ok();
    assert_eq!(auth.player_id, player.id);
    Player {
        token: auth.access_token,
        refresh_token: auth.refresh_token,
        ..player.clone()
    }
}

fn keys(body: &Value) -> BTreeSet<&str> {
    body.as_object()
        .unwrap_or_else(|| panic!("not an object: {body}"))
        .keys()
        .map(String::as_str)
        .collect()
}

fn set<'a>(names: &[&'a str]) -> BTreeSet<&'a str> {
    names.iter().copied().collect()
}

/// Every object key of a JSON value, at any depth.
fn all_keys(body: &Value, out: &mut Vec<String>) {
    match body {
        Value::Object(map) => {
            for (k, v) in map {
                out.push(k.to_ascii_lowercase());
                all_keys(v, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|v| all_keys(v, out)),
        _ => {}
    }
}

/// The body contains none of `secrets`, no password or hash field and no
/// argon2 hash.
#[track_caller]
fn assert_reveals_nothing(what: &str, body: &Value, secrets: &[&str]) {
    let text = body.to_string();
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{what} reveals a secret ({secret}): {text}"
        );
    }
    assert!(!text.contains("$argon2"), "{what} reveals a hash: {text}");
    let mut names = Vec::new();
    all_keys(body, &mut names);
    for name in names {
        assert!(
            !name.contains("password") && !name.contains("hash"),
            "{what} has a field {name}: {text}"
        );
    }
}

async fn registering_returns_201_with_tokens_and_a_starting_wallet_of_5000(backend: Backend) {
    let app = spawn_app(backend).await;
    let reply = register_with(
        &app,
        json!({"username": "Alice_1", "password": PASSWORD, "email": "alice@example.com"}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    assert_eq!(
        keys(&reply.body),
        set(&[
            "player_id",
            "username",
            "access_token",
            "refresh_token",
            "expires_in",
            "wallet",
            "vault",
            "balance",
            "is_guest",
        ])
    );
    let auth: AuthResponse = reply.ok();
    assert_eq!(auth.username, "Alice_1", "the name is kept as typed");
    assert_eq!(auth.wallet.get(), START);
    assert_eq!(auth.vault.get(), 0);
    assert_eq!(auth.balance.get(), START);
    assert!(!auth.is_guest);
    assert_eq!(auth.expires_in, ACCESS_TOKEN_SECONDS);
    assert!(!auth.access_token.is_empty() && !auth.refresh_token.is_empty());
    assert_ne!(auth.access_token, auth.refresh_token);
    assert_reveals_nothing("registration", &reply.body, &[PASSWORD]);

    let player = Player {
        id: auth.player_id,
        username: auth.username.clone(),
        token: auth.access_token.clone(),
        refresh_token: auth.refresh_token.clone(),
    };
    assert_eq!(app.balances(&player).await, (START, 0));
    let dashboard: Value = app.get("/player/dashboard", &player.token).await.ok();
    assert_eq!(dashboard["player_id"], json!(player.id));
    assert_eq!(dashboard["is_guest"], false);

    let audit = app.audit().await;
    assert_eq!(audit["wallets"], START);
    assert_eq!(
        audit["house"], -START,
        "the starting grant comes from the house"
    );
    app.assert_conserved().await;
}

async fn usernames_are_unique_case_insensitively(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.register("Alice", PASSWORD).await;
    let guest = app.guest().await;
    let guest_name = guest.username.to_lowercase();
    let before = app.audit().await;
    for (name, email) in [
        ("alice", None),
        ("ALICE", None),
        ("  aLiCe ", None),
        ("alice", Some("new@example.com")),
        (guest_name.as_str(), None),
    ] {
        let mut body = json!({"username": name, "password": PASSWORD});
        if let Some(email) = email {
            body["email"] = json!(email);
        }
        let reply = register_with(&app, body).await;
        reply.err(ErrorCode::UsernameTaken);
        assert_reveals_nothing("username_taken", &reply.body, &[PASSWORD]);
    }
    assert_eq!(app.audit().await, before, "no account was created");
    // The first Alice is untouched.
    assert_eq!(app.balances(&alice).await, (START, 0));
    let again: AuthResponse = login_as(&app, "alice").await.ok();
    assert_eq!(again.player_id, alice.id);
    assert_eq!(again.username, "Alice");
    app.assert_conserved().await;
}

async fn a_malformed_username_is_refused_with_400_naming_the_field(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = app.audit().await;
    for name in [
        json!("ab"),
        json!("a".repeat(25)),
        json!("9lives"),
        json!("bob smith"),
        json!("bób"),
        json!(""),
        json!(42),
        Value::Null,
    ] {
        let reply = register_with(&app, json!({"username": name, "password": PASSWORD})).await;
        let message = reply.err(ErrorCode::InvalidRequest);
        assert!(
            message.contains("username"),
            "{name}: the message names the field: {message}"
        );
    }
    let reply = register_with(&app, json!({"password": PASSWORD})).await;
    assert!(reply.err(ErrorCode::InvalidRequest).contains("username"));
    assert_eq!(app.audit().await, before, "no account was created");
    app.assert_conserved().await;
}

async fn a_password_outside_8_to_128_characters_is_invalid_password(backend: Backend) {
    let app = spawn_app(backend).await;
    let before = app.audit().await;
    let too_long = "x".repeat(129);
    for password in ["", "short", "1234567", too_long.as_str()] {
        let reply = register_with(&app, json!({"username": "carol", "password": password})).await;
        reply.err(ErrorCode::InvalidPassword);
        if !password.is_empty() {
            assert_reveals_nothing("invalid_password", &reply.body, &[password]);
        }
    }
    let reply = register_with(&app, json!({"username": "carol"})).await;
    assert!(reply.err(ErrorCode::InvalidRequest).contains("password"));
    assert_eq!(app.audit().await, before, "no account was created");
    // The limits themselves are accepted.
    let reply = register_with(&app, json!({"username": "carol", "password": "12345678"})).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let reply = register_with(
        &app,
        json!({"username": "dave", "password": "y".repeat(128)}),
    )
    .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    app.assert_conserved().await;
}

async fn an_email_registered_to_someone_else_is_email_taken(backend: Backend) {
    let app = spawn_app(backend).await;
    let reply = register_with_email(&app, "alice").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let before = app.audit().await;
    for email in [
        "alice@example.com",
        "ALICE@Example.COM",
        " alice@example.com ",
    ] {
        register_with(
            &app,
            json!({"username": "bob", "password": PASSWORD, "email": email}),
        )
        .await
        .err(ErrorCode::EmailTaken);
    }
    for email in [
        "not-an-email",
        "@example.com",
        "bob@localhost",
        "bob @example.com",
    ] {
        let reply = register_with(
            &app,
            json!({"username": "bob", "password": PASSWORD, "email": email}),
        )
        .await;
        assert!(
            reply.err(ErrorCode::InvalidRequest).contains("email"),
            "{email}: {}",
            reply.body
        );
    }
    assert_eq!(app.audit().await, before, "no account was created");
    // bob is still free, with another email or none.
    let reply = register_with_email(&app, "bob").await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    app.register("erin", PASSWORD).await;
    app.assert_conserved().await;
}

async fn a_guest_gets_201_a_generated_name_and_a_starting_wallet(backend: Backend) {
    let app = spawn_app(backend).await;
    let reply = app.request(Method::POST, "/player/guest", None, None).await;
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
    let auth: AuthResponse = reply.ok();
    assert!(auth.is_guest);
    assert!(
        auth.username.starts_with("Guest") && auth.username.len() > "Guest".len(),
        "generated name: {}",
        auth.username
    );
    assert_eq!(
        (auth.wallet.get(), auth.vault.get(), auth.balance.get()),
        (START, 0, START)
    );
    assert_eq!(auth.expires_in, ACCESS_TOKEN_SECONDS);
    let other = app.guest().await;
    assert_ne!(other.id, auth.player_id);
    assert_ne!(other.username, auth.username);
    let dashboard: Value = app.get("/player/dashboard", &auth.access_token).await.ok();
    assert_eq!(dashboard["is_guest"], true);
    assert_eq!(dashboard["username"], auth.username.as_str());
    // A guest has no password, so it cannot sign in with one.
    login_as(&app, &auth.username)
        .await
        .err(ErrorCode::InvalidCredentials);
    assert_eq!(app.audit().await["wallets"], 2 * START);
    app.assert_conserved().await;
}

async fn login_works_by_username_and_by_email(backend: Backend) {
    let app = spawn_app(backend).await;
    let reply = register_with_email(&app, "Alice").await;
    let first: AuthResponse = reply.ok();
    for body in [
        json!({"username": "Alice", "password": PASSWORD}),
        json!({"username": "aLIce", "password": PASSWORD}),
        json!({"email": "alice@example.com", "password": PASSWORD}),
        json!({"email": "Alice@Example.com", "password": PASSWORD}),
    ] {
        let reply = login(&app, body.clone()).await;
        assert_eq!(reply.status, StatusCode::OK, "{body}: {}", reply.body);
        let auth: AuthResponse = reply.ok();
        assert_eq!(auth.player_id, first.player_id, "{body}");
        assert_eq!(auth.username, "Alice");
        assert!(!auth.is_guest);
        assert_eq!(auth.wallet.get(), START);
        assert_ne!(auth.access_token, first.access_token, "fresh tokens");
        assert_ne!(auth.refresh_token, first.refresh_token, "fresh tokens");
        assert_reveals_nothing("login", &reply.body, &[PASSWORD]);
        let balance = balance_of(&app, &auth.access_token).await;
        assert_eq!(balance["wallet"], START);
    }
    // Signing in elsewhere does not sign the first session out.
    let balance = balance_of(&app, &first.access_token).await;
    assert_eq!(balance["wallet"], START);
    app.assert_conserved().await;
}

async fn a_wrong_password_or_an_unknown_user_is_invalid_credentials(backend: Backend) {
    let app = spawn_app(backend).await;
    register_with_email(&app, "alice")
        .await
        .ok::<AuthResponse>();
    let wrong = "wrong password!";
    let mut messages = BTreeSet::new();
    for body in [
        json!({"username": "alice", "password": wrong}),
        json!({"username": "alice", "password": PASSWORD.to_uppercase()}),
        json!({"email": "alice@example.com", "password": wrong}),
        json!({"username": "nobody", "password": PASSWORD}),
        json!({"email": "nobody@example.com", "password": PASSWORD}),
    ] {
        let reply = login(&app, body.clone()).await;
        messages.insert(reply.err(ErrorCode::InvalidCredentials).to_owned());
        assert_reveals_nothing("invalid_credentials", &reply.body, &[wrong, PASSWORD]);
    }
    assert_eq!(
        messages.len(),
        1,
        "an unknown user and a wrong password read the same: {messages:?}"
    );
    login(&app, json!({"password": PASSWORD}))
        .await
        .err(ErrorCode::InvalidRequest);
    login(&app, json!({"username": "alice"}))
        .await
        .err(ErrorCode::InvalidRequest);
    app.assert_conserved().await;
}

async fn refresh_token_rotates_and_the_old_one_is_refused(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.register("alice", PASSWORD).await;
    let reply = refresh(&app, &alice.refresh_token).await;
    assert_eq!(
        keys(&reply.body),
        set(&["access_token", "refresh_token", "expires_in", "token_type"])
    );
    let rotated: TokenResponse = reply.ok();
    assert_eq!(rotated.expires_in, ACCESS_TOKEN_SECONDS);
    assert_eq!(rotated.token_type, TokenType::Bearer);
    assert_ne!(rotated.access_token, alice.token);
    assert_ne!(rotated.refresh_token, alice.refresh_token);
    assert_reveals_nothing(
        "refresh",
        &reply.body,
        &[&alice.refresh_token, &alice.token],
    );

    // The new access token works and is the same player.
    let dashboard: Value = app
        .get("/player/dashboard", &rotated.access_token)
        .await
        .ok();
    assert_eq!(dashboard["player_id"], json!(alice.id));

    // The old refresh token is spent; the new one works, once.
    refresh(&app, &alice.refresh_token)
        .await
        .err(ErrorCode::InvalidRefreshToken);
    let again: TokenResponse = refresh(&app, &rotated.refresh_token).await.ok();
    refresh(&app, &rotated.refresh_token)
        .await
        .err(ErrorCode::InvalidRefreshToken);
    let balance = balance_of(&app, &again.access_token).await;
    assert_eq!(balance["wallet"], START);

    // Anything else is refused the same way; an access token is no refresh token.
    for bogus in ["", "qfr_0000", "not a token", alice.token.as_str()] {
        refresh(&app, bogus)
            .await
            .err(ErrorCode::InvalidRefreshToken);
    }
    post_anon(&app, "/auth/refresh", json!({}))
        .await
        .err(ErrorCode::InvalidRequest);
    app.assert_conserved().await;
}

async fn a_refresh_token_can_be_used_only_once_even_by_concurrent_requests(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.register("alice", PASSWORD).await;
    let replies =
        futures::future::join_all((0..5).map(|_| refresh(&app, &alice.refresh_token))).await;
    let mut winners = Vec::new();
    for reply in &replies {
        if reply.status.is_success() {
            winners.push(reply.ok::<TokenResponse>());
        } else {
            reply.err(ErrorCode::InvalidRefreshToken);
        }
    }
    assert_eq!(winners.len(), 1, "exactly one refresh wins: {replies:?}");
    let balance = balance_of(&app, &winners[0].access_token).await;
    assert_eq!(balance["wallet"], START);
    app.assert_conserved().await;
}

async fn logout_revokes_the_refresh_tokens_and_the_access_token_used(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.register("alice", PASSWORD).await;
    // A second session of the same player.
    let other: AuthResponse = login_as(&app, "alice").await.ok();

    let reply = app.post_empty("/auth/logout", &alice.token).await;
    let body: Value = reply.ok();
    assert_eq!(body["success"], true);

    let message = app
        .get("/player/balance", &alice.token)
        .await
        .err(ErrorCode::Unauthorized)
        .to_owned();
    assert!(!message.contains(&alice.token), "{message}");
    refresh(&app, &alice.refresh_token)
        .await
        .err(ErrorCode::InvalidRefreshToken);
    refresh(&app, &other.refresh_token)
        .await
        .err(ErrorCode::InvalidRefreshToken);
    app.post_empty("/auth/logout", &alice.token)
        .await
        .err(ErrorCode::Unauthorized);

    // Signing in again works and sees the same account.
    let back = sign_in_again(&app, &alice).await;
    assert_eq!(app.balances(&back).await, (START, 0));
    app.assert_conserved().await;
}

async fn an_access_token_lasts_120_minutes_and_a_refresh_renews_it(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.register("alice", PASSWORD).await;
    app.advance(ACCESS_TOKEN_SECONDS - 1).await;
    app.get("/player/balance", &alice.token).await.ok::<Value>();
    app.advance(1).await;
    app.get("/player/balance", &alice.token)
        .await
        .err(ErrorCode::Unauthorized);
    // The refresh token lives 30 days.
    let rotated: TokenResponse = refresh(&app, &alice.refresh_token).await.ok();
    let balance = balance_of(&app, &rotated.access_token).await;
    assert_eq!(balance["wallet"], START);
    app.assert_conserved().await;
}

async fn upgrading_a_guest_keeps_its_id_balance_and_active_round(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let guest = app.guest().await;
    let round: PromptRoundResponse = app.post_empty("/rounds/prompt", &guest.token).await.ok();

    let reply = app
        .post(
            "/player/upgrade",
            &guest.token,
            json!({"username": "Upgraded", "password": PASSWORD, "email": "up@example.com"}),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.body);
    assert_reveals_nothing("upgrade", &reply.body, &[PASSWORD]);
    let auth: AuthResponse = reply.ok();
    assert_eq!(auth.player_id, guest.id, "same player");
    assert_eq!(auth.username, "Upgraded");
    assert!(!auth.is_guest);
    assert_eq!(auth.wallet.get(), START - PROMPT, "same balance");
    assert_eq!(auth.vault.get(), 0);

    let upgraded = Player {
        id: auth.player_id,
        username: auth.username.clone(),
        token: auth.access_token.clone(),
        refresh_token: auth.refresh_token.clone(),
    };
    let current: CurrentRoundResponse =
        app.get("/player/current-round", &upgraded.token).await.ok();
    let active = current.round().expect("the round is still active");
    assert_eq!(active.round_id, round.round_id);
    assert_eq!(active.status, RoundStatus::Active);
    submit_valid(&app, &phrases, &upgraded, &round.round_id.to_string()).await;

    // Signing in with the new credentials, by name or email, is the same player.
    for body in [
        json!({"username": "upgraded", "password": PASSWORD}),
        json!({"email": "up@example.com", "password": PASSWORD}),
    ] {
        let again: AuthResponse = login(&app, body).await.ok();
        assert_eq!(again.player_id, guest.id);
    }
    let dashboard: Value = app.get("/player/dashboard", &upgraded.token).await.ok();
    assert_eq!(dashboard["is_guest"], false);
    assert_eq!(dashboard["username"], "Upgraded");
    assert_eq!(dashboard["outstanding_prompts"], 1);
    assert_eq!(app.balances(&upgraded).await, (START - PROMPT, 0));

    // Once registered, there is nothing left to upgrade.
    app.post(
        "/player/upgrade",
        &upgraded.token,
        json!({"username": "Again", "password": PASSWORD}),
    )
    .await
    .err(ErrorCode::NotAGuest);
    app.assert_conserved().await;
}

async fn upgrading_a_registered_player_is_not_a_guest(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.register("alice", PASSWORD).await;
    let before = app.audit().await;
    app.post(
        "/player/upgrade",
        &alice.token,
        json!({"username": "alice2", "password": PASSWORD}),
    )
    .await
    .err(ErrorCode::NotAGuest);
    let dashboard: Value = app.get("/player/dashboard", &alice.token).await.ok();
    assert_eq!(dashboard["username"], "alice");
    assert_eq!(app.audit().await, before);
    // The old name still signs in; the proposed one does not exist.
    sign_in_again(&app, &alice).await;
    login_as(&app, "alice2")
        .await
        .err(ErrorCode::InvalidCredentials);
    app.assert_conserved().await;
}

async fn a_refused_upgrade_leaves_the_guest_a_guest(backend: Backend) {
    let app = spawn_app(backend).await;
    register_with_email(&app, "taken")
        .await
        .ok::<AuthResponse>();
    let guest = app.guest().await;
    let before = app.audit().await;
    let cases = [
        (
            json!({"username": "TAKEN", "password": PASSWORD}),
            ErrorCode::UsernameTaken,
        ),
        (
            json!({"username": "fresh", "password": PASSWORD, "email": "Taken@example.com"}),
            ErrorCode::EmailTaken,
        ),
        (
            json!({"username": "fresh", "password": "short"}),
            ErrorCode::InvalidPassword,
        ),
        (
            json!({"username": "x", "password": PASSWORD}),
            ErrorCode::InvalidRequest,
        ),
    ];
    for (body, code) in cases {
        app.post("/player/upgrade", &guest.token, body)
            .await
            .err(code);
    }
    let dashboard: Value = app.get("/player/dashboard", &guest.token).await.ok();
    assert_eq!(dashboard["is_guest"], true);
    assert_eq!(dashboard["username"], guest.username.as_str());
    assert_eq!(app.audit().await, before);
    login_as(&app, "fresh")
        .await
        .err(ErrorCode::InvalidCredentials);
    // Without a token there is no one to upgrade.
    app.request(
        Method::POST,
        "/player/upgrade",
        None,
        Some(json!({"username": "fresh", "password": PASSWORD})),
    )
    .await
    .err(ErrorCode::Unauthorized);
    app.assert_conserved().await;
}

async fn ws_token_returns_a_60_second_token_that_is_no_access_token(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.register("alice", PASSWORD).await;
    let reply = app.get("/auth/ws-token", &alice.token).await;
    assert_eq!(keys(&reply.body), set(&["token", "expires_in"]));
    let ws: WsTokenResponse = reply.ok();
    assert_eq!(ws.expires_in, WS_TOKEN_SECONDS);
    assert!(!ws.token.is_empty());
    assert_ne!(ws.token, alice.token);
    assert_ne!(ws.token, alice.refresh_token);
    assert_reveals_nothing(
        "ws-token",
        &reply.body,
        &[&alice.token, &alice.refresh_token],
    );
    let second: WsTokenResponse = app.get("/auth/ws-token", &alice.token).await.ok();
    assert_ne!(second.token, ws.token, "a fresh token each time");
    // It opens sockets only: as a bearer token it is refused.
    app.get("/player/balance", &ws.token)
        .await
        .err(ErrorCode::Unauthorized);
    app.request(Method::GET, "/auth/ws-token", None, None)
        .await
        .err(ErrorCode::Unauthorized);
    app.assert_conserved().await;
}

async fn passwords_and_tokens_appear_only_where_they_belong(backend: Backend) {
    let app = spawn_app(backend).await;
    let reply = register_with_email(&app, "alice").await;
    assert_reveals_nothing("registration", &reply.body, &[PASSWORD]);
    let auth: AuthResponse = reply.ok();
    let secrets = [
        PASSWORD,
        auth.access_token.as_str(),
        auth.refresh_token.as_str(),
    ];
    let token = auth.access_token.as_str();
    // Start a round so the dashboard and current round carry one.
    app.post_empty("/rounds/prompt", token)
        .await
        .ok::<PromptRoundResponse>();
    for path in [
        "/player/balance",
        "/player/dashboard",
        "/player/current-round",
        "/rounds/available",
        "/auth/ws-token",
    ] {
        let reply = app.get(path, token).await;
        assert!(reply.status.is_success(), "{path}: {}", reply.body);
        assert_reveals_nothing(path, &reply.body, &secrets);
    }
    // Error bodies echo no credential either.
    for body in [
        json!({"username": "alice", "password": "not the password"}),
        json!({"email": "alice@example.com", "password": "not the password"}),
    ] {
        let reply = login(&app, body).await;
        reply.err(ErrorCode::InvalidCredentials);
        assert_reveals_nothing("failed login", &reply.body, &[PASSWORD, "not the password"]);
    }
    let reply = refresh(&app, "qfr_guess").await;
    reply.err(ErrorCode::InvalidRefreshToken);
    assert_reveals_nothing("failed refresh", &reply.body, &["qfr_guess"]);
    let reply = app.get("/player/balance", "qfa_guess").await;
    reply.err(ErrorCode::Unauthorized);
    assert_reveals_nothing("failed auth", &reply.body, &["qfa_guess"]);
    // A login returns new tokens, never the old ones or the password.
    let reply = login_as(&app, "alice").await;
    assert!(reply.status.is_success(), "{}", reply.body);
    assert_reveals_nothing("login", &reply.body, &secrets);
    app.assert_conserved().await;
}

async fn the_daily_bonus_is_for_registered_players_once_a_day_after_sign_up_day(backend: Backend) {
    let app = spawn_app(backend).await;
    let guest = app.guest().await;
    let alice = app.register("alice", PASSWORD).await;

    let message = app
        .post_empty("/player/claim-daily-bonus", &guest.token)
        .await
        .err(ErrorCode::DailyBonusUnavailable)
        .to_owned();
    assert!(message.to_lowercase().contains("register"), "{message}");
    // Not on the sign-up day.
    let before = app.audit().await;
    app.post_empty("/player/claim-daily-bonus", &alice.token)
        .await
        .err(ErrorCode::DailyBonusUnavailable);
    let balance = balance_of(&app, &alice.token).await;
    assert_eq!(balance["daily_bonus_available"], false);
    assert_eq!(app.audit().await, before, "a refused claim moves nothing");

    // The next day: once.
    app.advance(DAY).await;
    let alice = sign_in_again(&app, &alice).await;
    let balance = balance_of(&app, &alice.token).await;
    assert_eq!(balance["daily_bonus_available"], true);
    let claim: Value = app
        .post_empty("/player/claim-daily-bonus", &alice.token)
        .await
        .ok();
    assert_eq!(
        claim,
        json!({"amount": DAILY_BONUS, "wallet": START + DAILY_BONUS})
    );
    assert_eq!(app.balances(&alice).await, (START + DAILY_BONUS, 0));
    let balance = balance_of(&app, &alice.token).await;
    assert_eq!(balance["daily_bonus_available"], false);
    let before = app.audit().await;
    app.post_empty("/player/claim-daily-bonus", &alice.token)
        .await
        .err(ErrorCode::DailyBonusUnavailable);
    assert_eq!(app.audit().await, before, "a second claim moves nothing");
    assert_eq!(app.balances(&alice).await, (START + DAILY_BONUS, 0));

    // A guest never gets it, not even on a later day.
    let guest_tokens: TokenResponse = refresh(&app, &guest.refresh_token).await.ok();
    app.post_empty("/player/claim-daily-bonus", &guest_tokens.access_token)
        .await
        .err(ErrorCode::DailyBonusUnavailable);

    // The day after: once more.
    app.advance(DAY).await;
    let alice = sign_in_again(&app, &alice).await;
    let claim: Value = app
        .post_empty("/player/claim-daily-bonus", &alice.token)
        .await
        .ok();
    assert_eq!(claim["wallet"], START + 2 * DAILY_BONUS);
    app.post_empty("/player/claim-daily-bonus", &alice.token)
        .await
        .err(ErrorCode::DailyBonusUnavailable);
    assert_eq!(app.balances(&alice).await, (START + 2 * DAILY_BONUS, 0));
    let audit = app.audit().await;
    assert_eq!(audit["wallets"], 2 * START + 2 * DAILY_BONUS);
    app.assert_conserved().await;
}

async fn concurrent_daily_bonus_claims_pay_once(backend: Backend) {
    let app = spawn_app(backend).await;
    let alice = app.register("alice", PASSWORD).await;
    app.advance(DAY).await;
    let alice = sign_in_again(&app, &alice).await;
    let replies = futures::future::join_all(
        (0..5).map(|_| app.post_empty("/player/claim-daily-bonus", &alice.token)),
    )
    .await;
    let paid = replies.iter().filter(|r| r.status.is_success()).count();
    assert_eq!(paid, 1, "{replies:?}");
    for reply in replies.iter().filter(|r| !r.status.is_success()) {
        reply.err(ErrorCode::DailyBonusUnavailable);
    }
    assert_eq!(app.balances(&alice).await, (START + DAILY_BONUS, 0));
    app.assert_conserved().await;
}

async fn balance_and_dashboard_have_the_documented_shape(backend: Backend) {
    let app = spawn_app(backend).await;
    let phrases = Phrases::default();
    let alice = app.register("alice", PASSWORD).await;
    let balance_keys = set(&[
        "wallet",
        "vault",
        "balance",
        "outstanding_prompts",
        "daily_bonus_available",
    ]);
    let balance = balance_of(&app, &alice.token).await;
    assert_eq!(keys(&balance), balance_keys);
    assert_eq!(
        balance,
        json!({"wallet": START, "vault": 0, "balance": START,
               "outstanding_prompts": 0, "daily_bonus_available": false})
    );

    let dashboard: Value = app.get("/player/dashboard", &alice.token).await.ok();
    assert_eq!(
        keys(&dashboard),
        set(&[
            "player_id",
            "username",
            "is_guest",
            "created_at",
            "wallet",
            "vault",
            "balance",
            "outstanding_prompts",
            "daily_bonus_available",
            "current_round",
            "round_availability",
            "active_party",
            "party_mode",
        ])
    );
    assert_eq!(dashboard["player_id"], json!(alice.id));
    assert_eq!(dashboard["username"], "alice");
    assert_eq!(dashboard["wallet"], START);
    assert_eq!(dashboard["balance"], START);
    assert_eq!(dashboard["vault"], 0);
    assert_eq!(dashboard["current_round"], json!({"round_id": null}));
    assert_eq!(dashboard["active_party"], Value::Null);
    let created_at = dashboard["created_at"].as_str().expect("created_at");
    time::OffsetDateTime::parse(created_at, &time::format_description::well_known::Rfc3339)
        .unwrap_or_else(|e| panic!("created_at {created_at} is not RFC 3339: {e}"));
    let availability = &dashboard["round_availability"];
    assert_eq!(
        keys(availability),
        set(&[
            "can_prompt",
            "can_copy",
            "can_vote",
            "prompts_waiting",
            "phrasesets_waiting",
            "copy_discount_active",
            "copy_cost",
            "prompt_cost",
            "vote_cost",
        ])
    );
    assert_eq!(availability["can_prompt"], true);
    assert_eq!(availability["can_copy"], false, "nothing to copy yet");
    assert_eq!(availability["can_vote"], false, "nothing to vote on yet");
    let available: Value = app.get("/rounds/available", &alice.token).await.ok();
    assert_eq!(
        &available, availability,
        "the same as GET /rounds/available"
    );
    let current: Value = app.get("/player/current-round", &alice.token).await.ok();
    assert_eq!(current, json!({"round_id": null}));

    // With a round running, the dashboard shows it and the money it took.
    let round: PromptRoundResponse = app.post_empty("/rounds/prompt", &alice.token).await.ok();
    let dashboard: Value = app.get("/player/dashboard", &alice.token).await.ok();
    assert_eq!(
        dashboard["current_round"]["round_id"],
        json!(round.round_id)
    );
    assert_eq!(dashboard["current_round"]["status"], "active");
    assert_eq!(dashboard["current_round"]["round_type"], "prompt");
    assert_eq!(dashboard["wallet"], START - PROMPT);
    assert_eq!(dashboard["balance"], START - PROMPT);
    assert_eq!(dashboard["round_availability"]["can_prompt"], false);
    let current: Value = app.get("/player/current-round", &alice.token).await.ok();
    assert_eq!(current, dashboard["current_round"]);

    // Once submitted the prompt is outstanding, and the round is gone.
    submit_valid(&app, &phrases, &alice, &round.round_id.to_string()).await;
    let balance = balance_of(&app, &alice.token).await;
    assert_eq!(balance["outstanding_prompts"], 1);
    assert_eq!(balance["wallet"], START - PROMPT);
    let dashboard: Value = app.get("/player/dashboard", &alice.token).await.ok();
    assert_eq!(dashboard["outstanding_prompts"], 1);
    assert_eq!(dashboard["current_round"], json!({"round_id": null}));
    assert_eq!(dashboard["round_availability"]["prompts_waiting"], 1);
    app.assert_conserved().await;
}

/// A server that keeps its per-IP and per-player rate limits on.
async fn rate_limited_app(backend: Backend) -> TestApp {
    spawn_app_with(
        backend,
        AppOptions {
            rate_limits: true,
            // The request rates only: a burst of 200 requests at once from
            // one address would meet the connection cap (limits.rs) first.
            env: vec![("PARTY_MAX_CONNECTIONS_PER_IP".into(), "0".into())],
            ..AppOptions::default()
        },
    )
    .await
}

async fn the_31st_guest_creation_from_one_ip_within_a_minute_is_rate_limited(backend: Backend) {
    let app = rate_limited_app(backend).await;
    let started = Instant::now();
    let mut guests: Vec<AuthResponse> = Vec::new();
    let limited = loop {
        let reply = app.request(Method::POST, "/player/guest", None, None).await;
        if reply.status == StatusCode::TOO_MANY_REQUESTS {
            break reply;
        }
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.body);
        guests.push(reply.ok());
        assert!(guests.len() <= 2 * AUTH_PER_MINUTE, "no limit in sight");
    };
    // The quota is a burst of 30 that refills one request every 2 s, so a
    // slow machine may legitimately squeeze in one more per 2 s elapsed.
    let refilled = (started.elapsed().as_secs_f64() / 2.0).floor() as usize;
    assert!(
        (AUTH_PER_MINUTE..=AUTH_PER_MINUTE + refilled).contains(&guests.len()),
        "{} guests before the limit, {refilled} refilled",
        guests.len()
    );
    limited.err(ErrorCode::RateLimited);
    let retry_after: u64 = limited
        .retry_after
        .as_deref()
        .expect("a Retry-After header")
        .parse()
        .expect("Retry-After in seconds");
    assert!((1..=60).contains(&retry_after), "Retry-After {retry_after}");

    // The limit covers every sign-in route from that IP…
    login_as(&app, "nobody").await.err(ErrorCode::RateLimited);
    register_with(&app, json!({"username": "late", "password": PASSWORD}))
        .await
        .err(ErrorCode::RateLimited);
    // …but not the players already signed in.
    let balance = balance_of(&app, &guests[0].access_token).await;
    assert_eq!(balance["wallet"], START);
    assert_eq!(
        app.audit().await["wallets"],
        START * guests.len() as i64,
        "refused requests created no one"
    );
    app.assert_conserved().await;
}

async fn without_rate_limits_40_guests_from_one_ip_are_fine(backend: Backend) {
    let app = spawn_app(backend).await;
    let guests = app.guests(40).await;
    let ids: BTreeSet<PlayerId> = guests.iter().map(|g| g.id).collect();
    let names: BTreeSet<&str> = guests.iter().map(|g| g.username.as_str()).collect();
    assert_eq!(ids.len(), 40);
    assert_eq!(names.len(), 40);
    for _ in 0..5 {
        login_as(&app, "nobody")
            .await
            .err(ErrorCode::InvalidCredentials);
    }
    assert_eq!(app.audit().await["wallets"], 40 * START);
    app.assert_conserved().await;
}

async fn a_player_over_the_per_player_request_rate_is_rate_limited(backend: Backend) {
    let app = rate_limited_app(backend).await;
    let alice = app.guest().await;
    let bob = app.guest().await;
    // Five bursts' worth at once: most must be refused.
    let burst = 10 * PLAYER_PER_SECOND;
    let replies =
        futures::future::join_all((0..burst).map(|_| app.get("/player/balance", &alice.token)))
            .await;
    let mut refused = 0;
    for reply in &replies {
        if reply.status.is_success() {
            assert_eq!(reply.body["wallet"], START);
        } else {
            reply.err(ErrorCode::RateLimited);
            assert!(reply.retry_after.is_some(), "Retry-After on {}", reply.body);
            refused += 1;
        }
    }
    assert!(
        refused > 0 && burst - refused >= 2 * PLAYER_PER_SECOND,
        "{refused} of {burst} refused"
    );
    // Another player has a quota of its own.
    let balance = balance_of(&app, &bob.token).await;
    assert_eq!(balance["wallet"], START);
    app.assert_conserved().await;
}

on_both_backends!(
    registering_returns_201_with_tokens_and_a_starting_wallet_of_5000,
    usernames_are_unique_case_insensitively,
    a_malformed_username_is_refused_with_400_naming_the_field,
    a_password_outside_8_to_128_characters_is_invalid_password,
    an_email_registered_to_someone_else_is_email_taken,
    a_guest_gets_201_a_generated_name_and_a_starting_wallet,
    login_works_by_username_and_by_email,
    a_wrong_password_or_an_unknown_user_is_invalid_credentials,
    refresh_token_rotates_and_the_old_one_is_refused,
    a_refresh_token_can_be_used_only_once_even_by_concurrent_requests,
    logout_revokes_the_refresh_tokens_and_the_access_token_used,
    an_access_token_lasts_120_minutes_and_a_refresh_renews_it,
    upgrading_a_guest_keeps_its_id_balance_and_active_round,
    upgrading_a_registered_player_is_not_a_guest,
    a_refused_upgrade_leaves_the_guest_a_guest,
    ws_token_returns_a_60_second_token_that_is_no_access_token,
    passwords_and_tokens_appear_only_where_they_belong,
    the_daily_bonus_is_for_registered_players_once_a_day_after_sign_up_day,
    concurrent_daily_bonus_claims_pay_once,
    balance_and_dashboard_have_the_documented_shape,
    the_31st_guest_creation_from_one_ip_within_a_minute_is_rate_limited,
    without_rate_limits_40_guests_from_one_ip_are_fine,
    a_player_over_the_per_player_request_rate_is_rate_limited,
);
