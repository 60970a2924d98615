//! Party chat (issue 16): the players of a party talk in its lobby and on
//! its results, never while rounds are played (nobody can leak an answer).
//!
//! Messages are stored with the party and read again, paged, by its
//! participants (`GET /party/{id}/chat`); each one also goes live to the
//! party's player sockets as a `party_chat` message
//! ([`crate::party_ws::ServerEvent::PartyChat`]), never to spectators. A
//! player may mute another: the muted player's messages are neither sent
//! to them live nor listed for them. The text rules are the spectator
//! chat's ([`ChatText`]: trimmed, one line, 1 to [`CHAT_MAX_CHARS`]
//! characters), and so is the request body ([`ChatRequest`]).

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::PlayerId;
pub use crate::spectate::{CHAT_MAX_CHARS, ChatRequest, ChatText, ChatTextError};

/// Messages per chat page when the request names no `limit`.
pub const CHAT_PAGE_DEFAULT_LIMIT: u32 = 50;
/// The most messages one chat page holds.
pub const CHAT_PAGE_MAX_LIMIT: u32 = 100;
/// The chat rate limit per player and party: a burst of this many
/// messages, then one more every [`CHAT_REFILL_SECS`] seconds.
pub const CHAT_BURST: u32 = 3;
pub const CHAT_REFILL_SECS: u64 = 2;

/// One message of a party's chat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyChatMessage {
    /// The message's number in its party: 1, 2, 3… in the order sent.
    pub message_id: i64,
    pub player_id: PlayerId,
    pub username: String,
    pub text: ChatText,
    #[serde(with = "crate::time_format::rfc3339")]
    pub sent_at: OffsetDateTime,
}

/// `GET /party/{id}/chat` query: the `limit` messages sent before the
/// message `before` (the previous page's `next_before`); the latest first
/// page without it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<i64>,
}

/// `GET /party/{id}/chat`: a page of the party's chat as the caller sees
/// it (without the players they muted), oldest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatPage {
    pub messages: Vec<PartyChatMessage>,
    /// Pass as `before` for the page of older messages; `null` when none.
    pub next_before: Option<i64>,
    /// The players of this party the caller has muted.
    pub muted: Vec<PlayerId>,
}

/// `POST /party/{id}/chat/mute`: mute this player of the party.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MuteRequest {
    pub player_id: PlayerId,
}

/// The answer of muting and unmuting: the players of this party the
/// caller has muted now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MuteResponse {
    pub muted: Vec<PlayerId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chat_query_takes_only_limit_and_before() {
        let q: ChatQuery = serde_json::from_str(r#"{"limit": 5, "before": 9}"#).unwrap();
        assert_eq!(
            q,
            ChatQuery {
                limit: Some(5),
                before: Some(9)
            }
        );
        assert!(serde_json::from_str::<ChatQuery>(r#"{"after": 1}"#).is_err());
    }

    #[test]
    fn a_message_refuses_text_the_rules_refuse() {
        let id = PlayerId::new();
        let body = |text: &str| {
            serde_json::json!({
                "message_id": 1, "player_id": id, "username": "ann", "text": text,
                "sent_at": "2026-01-01T00:00:00Z"
            })
        };
        assert!(serde_json::from_value::<PartyChatMessage>(body("hi all")).is_ok());
        assert!(serde_json::from_value::<PartyChatMessage>(body("  ")).is_err());
        let long = "x".repeat(CHAT_MAX_CHARS + 1);
        assert!(serde_json::from_value::<PartyChatMessage>(body(&long)).is_err());
    }
}
