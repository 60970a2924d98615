//! The Quipflip Party terminal client.
//!
//! One core, several drivers: [`core`] holds the state and the pure update
//! function (The Elm Architecture), [`ui`] renders that state, and the
//! drivers feed it — [`runtime`] for the interactive terminal. [`api`] and
//! [`ws`] talk to the server, over TLS when it is `https://` ([`tls`]:
//! whom to trust); [`embedded`] runs a local server in-process for the
//! no-setup first command.

pub mod api;
pub mod api_social;
pub mod core;
pub mod credentials;
pub mod embedded;
pub mod error;
#[cfg(test)]
pub mod fixtures;
#[cfg(test)]
pub mod fixtures_history;
pub mod headless;
pub mod headless_chat;
pub mod headless_cli;
pub mod headless_history;
pub mod headless_reactions;
pub mod headless_spectate;
pub mod highlights;
pub mod runtime;
pub mod share;
pub mod ssh;
pub mod tls;
pub mod ui;
pub mod ws;
