//! The wire contract of Quipflip Party.
//!
//! Every JSON body the server accepts or returns, the error codes, and the
//! domain values that are parsed (not merely validated) at the boundary live
//! here, so the server and every client agree by construction. The crate does
//! no I/O.
//!
//! Layout:
//! - [`error`]: the stable `snake_case` error codes and the `{error, message}` body.
//! - [`ids`]: typed UUID identifiers.
//! - [`coins`]: the flipcoin amount type.
//! - [`username`], [`phrase`]: user-typed text parsed into normalized values.
//! - [`account`]: registration, login, tokens, balance and dashboard bodies.
//! - [`round`]: prompt / copy / vote round bodies and phraseset results.
//! - [`party`]: Party Mode bodies, phases and the party code.
//! - [`party_results`]: a party's results (re-exported by [`party`]).
//! - [`party_history`]: party history, personal party stats and leaderboards.
//! - [`party_ws`]: the party WebSocket messages.
//! - [`party_chat`]: the players' chat of a party, its pages and mutes.
//! - [`party_reactions`]: reactions to a party's phrases and its favourite phrase.
//! - [`party_access`]: a party's access mode and password (issue 15).
//! - [`friends`]: friends, blocks, party invites and the player socket's messages.
//! - [`spectate`]: spectators: watching, chat, the read-only socket.
//! - [`matchmaking`]: the quick-match queue and the public lobby list.
//! - [`ops`]: the health body and the protocol version check.
//! - [`time_format`]: RFC 3339 (UTC) serialization used for every timestamp.

pub mod account;
pub mod coins;
pub mod error;
pub mod friends;
pub mod ids;
pub mod matchmaking;
pub mod ops;
pub mod party;
pub mod party_access;
pub mod party_chat;
pub mod party_history;
pub mod party_reactions;
pub mod party_results;
pub mod party_ws;
pub mod phrase;
pub mod round;
pub mod spectate;
pub mod time_format;
pub mod username;

pub use coins::Coins;
pub use error::{ApiErrorBody, ErrorCode};
pub use ids::{ParticipantId, PartyRoundId, PhrasesetId, PlayerId, RoundId, SessionId};
pub use phrase::Phrase;
pub use username::Username;

/// Version of this wire contract; bumped on any incompatible change.
/// The server announces it in `GET /health` and in the `hello` that opens
/// every party socket; clients refuse to talk across a difference
/// ([`ops::check_protocol_version`]).
pub const PROTOCOL_VERSION: u32 = 2;

/// Every route lives under this prefix.
pub const API_PREFIX: &str = "/qf";
