//! The Quipflip Party server.
//!
//! Layout:
//! - [`config`]: flags, environment and the [`config::GameRules`] numbers.
//! - [`cli_docs`]: shell completions and man pages from the clap definitions.
//! - [`clock`]: the injectable time source.
//! - [`game`]: pure rules — phrase validation, dictionary, prize arithmetic, prompt library.
//! - [`store`]: the storage interface over SQLite and PostgreSQL.
//! - [`service`]: use cases, one transaction each, and the background sweeper.
//! - [`http`]: routes, extractors and handlers.
//! - [`realtime`]: the party WebSocket and the fan-out of party events.
//! - [`startup`]: wiring and graceful shutdown; [`net`]: accepting and
//!   serving connections within the [`limits`].
//! - [`tls`]: HTTPS/WSS with a certificate reloaded on SIGHUP.
//!
//! Requests flow `http` → `service` → `store`; `service` asks `game` to
//! decide and `store` to persist.

pub mod auth;
pub mod cli_docs;
pub mod clock;
pub mod config;
pub mod error;
pub mod game;
pub mod http;
pub mod limits;
pub mod net;
pub mod party;
pub mod realtime;
pub mod service;
pub mod startup;
pub mod store;
pub mod tls;

pub use config::Config;
pub use error::{Error, Result};
pub use startup::Application;
