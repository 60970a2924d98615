//! Real-time party updates (plan §5, api.md "WebSocket").
//!
//! The events table is the truth: every party change appends its events in
//! the same transaction. After a commit, the [`hub::Hub`] of each server
//! instance reads the new events of that party and fans them out to the
//! sockets it holds. Within one process the commit hook tells the hub
//! directly; across instances sharing a PostgreSQL database, a NOTIFY
//! carrying only the party id tells every instance's [`listener`].
//! Spectators hold read-only sockets on the same frames ([`spectator`],
//! with their chat in [`spectators`]).

pub mod hub;
pub mod listener;
pub mod player_socket;
pub mod socket;
pub mod spectator;
pub mod spectators;
