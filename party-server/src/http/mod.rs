//! The HTTP surface: routes under `/qf` ([`routes`]), the state handlers
//! share ([`state`]) and thin handlers over [`crate::service::Game`], one
//! module per resource.

mod accounts;
mod body_deadline;
mod chat;
pub mod client_ip;
mod detach;
pub mod extract;
mod friends;
mod history;
mod matchmaking;
pub mod metrics;
mod ops;
mod party;
pub mod rate_limit;
mod reactions;
mod rounds;
mod routes;
mod spectate;
mod state;

pub use routes::router;
pub use state::AppState;
