//! The test harness, by theme: [`app`] starts the real `party-server`
//! binary over a fresh database, [`http`] talks to it as a client would,
//! [`audit`] checks that no coin was created or destroyed, [`ws`] is a
//! party socket client, [`party`] drives Party Mode, [`phrases`] and
//! [`play`] build solo-play scenarios, and [`shape`] compares bodies with
//! the plan's examples, and [`spectate`] is a spectator's client. The types every test needs are
//! re-exported here. Server logs are shown only with `TEST_LOG=1`.

#![allow(dead_code)] // each test module uses a different part of the harness

pub mod app;
pub mod audit;
pub mod history;
pub mod http;
pub mod party;
pub mod phrases;
pub mod play;
pub mod shape;
pub mod social;
pub mod spectate;
pub mod tls;
pub mod ws;

pub use app::{AppOptions, Backend, TestApp, spawn_app, spawn_app_with, spawn_app_with_rules};
pub use http::{Player, Reply, to_reply};

/// Runs each listed scenario as two tests: on SQLite, and on PostgreSQL
/// when `PARTY_TEST_POSTGRES_URL` is set (the CI script always sets it).
#[macro_export]
macro_rules! on_both_backends {
    ($($scenario:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    super::$scenario($crate::support::Backend::Sqlite).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $scenario() {
                    match $crate::support::Backend::postgres() {
                        Some(backend) => super::$scenario(backend).await,
                        None => eprintln!("skipped: PARTY_TEST_POSTGRES_URL is not set"),
                    }
                }
            )*
        }
    };
}
