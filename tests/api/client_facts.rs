//! What a client learns up front so its warnings are honest: whether Party
//! Mode is switched on (`party_mode` in the dashboard) and the entry price
//! of each kind of round (`prompt_cost`, `copy_cost`, `vote_cost` in the
//! round availability, also inside the dashboard).

use party_protocol::ErrorCode;
use party_protocol::account::DashboardResponse;
use party_protocol::round::RoundAvailability;
use serde_json::json;

use crate::on_both_backends;
use crate::support::phrases::Phrases;
use crate::support::play::{COPY, PROMPT, VOTE, write_prompt};
use crate::support::{AppOptions, Backend, spawn_app, spawn_app_with, spawn_app_with_rules};

async fn the_dashboard_reports_party_mode_on_by_default(backend: Backend) {
    let app = spawn_app(backend).await;
    let player = app.guest().await;
    let dashboard: DashboardResponse = app.get("/player/dashboard", &player.token).await.ok();
    assert!(dashboard.party_mode);
    // And it is: a party can be created.
    let _: serde_json::Value = app
        .post("/party/create", &player.token, json!({}))
        .await
        .ok();
}

async fn the_dashboard_reports_party_mode_off_when_the_operator_switched_it_off(backend: Backend) {
    let app = spawn_app_with(
        backend,
        AppOptions {
            env: vec![("PARTY_MODE".into(), "off".into())],
            ..AppOptions::default()
        },
    )
    .await;
    let player = app.guest().await;
    let dashboard: DashboardResponse = app.get("/player/dashboard", &player.token).await.ok();
    assert!(!dashboard.party_mode);
    // What the flag announces is what the party routes do.
    app.post("/party/create", &player.token, json!({}))
        .await
        .err(ErrorCode::PartyModeDisabled);
}

async fn the_entry_prices_are_reported_as_the_rules_set_them(backend: Backend) {
    let app = spawn_app(backend).await;
    let player = app.guest().await;
    let available: RoundAvailability = app.get("/rounds/available", &player.token).await.ok();
    assert_eq!(
        (
            available.prompt_cost.get(),
            available.copy_cost.get(),
            available.vote_cost.get()
        ),
        (PROMPT, COPY, VOTE)
    );
    let dashboard: DashboardResponse = app.get("/player/dashboard", &player.token).await.ok();
    assert_eq!(dashboard.round_availability, available);
}

async fn other_rules_and_the_copy_discount_change_the_reported_prices(backend: Backend) {
    // Discount as soon as one prompt waits; every price off its default.
    let app = spawn_app_with_rules(
        backend,
        json!({"prompt_cost": 120, "copy_cost": 60, "copy_cost_discounted": 45,
               "vote_cost": 15, "copy_discount_threshold": 0}),
    )
    .await;
    let [writer, reader] = <[_; 2]>::try_from(app.guests(2).await).unwrap();
    let before: RoundAvailability = app.get("/rounds/available", &reader.token).await.ok();
    assert!(!before.copy_discount_active);
    assert_eq!(
        (
            before.prompt_cost.get(),
            before.copy_cost.get(),
            before.vote_cost.get()
        ),
        (120, 60, 15)
    );
    write_prompt(&app, &Phrases::default(), &writer).await;
    let after: DashboardResponse = app.get("/player/dashboard", &reader.token).await.ok();
    let after = after.round_availability;
    assert!(after.copy_discount_active);
    assert_eq!(
        (
            after.prompt_cost.get(),
            after.copy_cost.get(),
            after.vote_cost.get()
        ),
        (120, 45, 15)
    );
}

on_both_backends!(
    the_dashboard_reports_party_mode_on_by_default,
    the_dashboard_reports_party_mode_off_when_the_operator_switched_it_off,
    the_entry_prices_are_reported_as_the_rules_set_them,
    other_rules_and_the_copy_discount_change_the_reported_prices,
);
