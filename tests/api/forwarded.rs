//! Per-IP limits behind a load balancer: `X-Forwarded-For` names the client
//! only when the peer is a configured trusted proxy.

use reqwest::StatusCode;
use serde_json::json;

use crate::on_both_backends;
use crate::support::{AppOptions, Backend, TestApp, spawn_app_with};

/// The per-IP quota in these tests: two sign-ups a minute.
const PER_MINUTE: u32 = 2;

async fn app(backend: Backend, trusted: Option<&str>) -> TestApp {
    spawn_app_with(
        backend,
        AppOptions {
            rules: Some(json!({ "auth_requests_per_minute_per_ip": PER_MINUTE })),
            rate_limits: true,
            env: trusted
                .map(|t| vec![("PARTY_TRUSTED_PROXIES".to_owned(), t.to_owned())])
                .unwrap_or_default(),
            ..AppOptions::default()
        },
    )
    .await
}

/// A guest sign-up that claims to come from `forwarded_for`.
async fn guest_from(app: &TestApp, forwarded_for: &str) -> StatusCode {
    app.client
        .post(format!("{}/player/guest", app.base))
        .header("x-forwarded-for", forwarded_for)
        .send()
        .await
        .expect("guest request")
        .status()
}

async fn behind_a_trusted_proxy_each_client_has_its_own_quota(backend: Backend) {
    // The test connects from 127.0.0.1, so here it plays the balancer.
    let app = app(backend, Some("127.0.0.1")).await;
    for _ in 0..PER_MINUTE {
        assert_eq!(guest_from(&app, "203.0.113.7").await, StatusCode::CREATED);
    }
    assert_eq!(
        guest_from(&app, "203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another client behind the same balancer is not affected.
    assert_eq!(guest_from(&app, "203.0.113.8").await, StatusCode::CREATED);
    // A client cannot escape its quota by writing its own header: the
    // balancer appends the real address, and that is the one counted.
    assert_eq!(
        guest_from(&app, "198.51.100.99, 203.0.113.7").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    app.assert_conserved().await;
}

async fn from_an_untrusted_peer_the_header_is_ignored(backend: Backend) {
    let app = app(backend, None).await;
    let statuses = [
        guest_from(&app, "203.0.113.1").await,
        guest_from(&app, "203.0.113.2").await,
        guest_from(&app, "203.0.113.3").await,
    ];
    assert_eq!(
        statuses,
        [
            StatusCode::CREATED,
            StatusCode::CREATED,
            StatusCode::TOO_MANY_REQUESTS
        ],
        "one quota for the one real peer, whatever the header says"
    );
    app.assert_conserved().await;
}

on_both_backends!(
    behind_a_trusted_proxy_each_client_has_its_own_quota,
    from_an_untrusted_peer_the_header_is_ignored,
);
