//! Spectators (plan §11.2): watching a party without playing in it.
//!
//! A signed-in player with the party code becomes a spectator of a lobby
//! or a running party (`POST /party/spectate`), reads its public status and
//! results, holds a read-only socket (`GET /party/{id}/spectate/ws`), chats
//! with the other spectators, and may ask to be seated in the next game.
//! Spectators never see more than is public at that moment: the status
//! without anyone's own round, the party's events (which never carry a
//! phrase), and the results once the party reached RESULTS.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{PlayerId, SessionId};
use crate::party::{PartyCode, PartyStatusResponse};
pub use crate::party::{SPECTATOR_NAMES_SHOWN, SpectatorList};
use crate::party_access::PartyPassword;

/// The longest chat message, in characters (after trimming).
pub const CHAT_MAX_CHARS: usize = 200;

/// `POST /party/spectate`: watch the party with this code.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpectateRequest {
    pub party_code: PartyCode,
    /// The party's password, when it has one (an invite also admits).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PartyPassword>,
}

/// `POST /party/spectate` and `GET /party/{id}/spectate/status`: the
/// party's public status (no `active_round`; `spectators` always set), and
/// whether the caller asked to join the next game.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpectatorStatusResponse {
    #[serde(flatten)]
    pub status: PartyStatusResponse,
    pub join_next_game: bool,
}

/// `POST /party/{id}/spectate/next-game`: omit the body (or `join: true`)
/// to ask for a seat in the next game, `join: false` to take it back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NextGameRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub join: Option<bool>,
}

/// The answer of `POST /party/{id}/spectate/next-game`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextGameResponse {
    pub join_next_game: bool,
}

/// A spectator chat message's text: trimmed, 1 to [`CHAT_MAX_CHARS`]
/// characters, no control characters (one line).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ChatText(String);

/// Why a chat text was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChatTextError {
    #[error("A chat message needs some text.")]
    Empty,
    #[error("A chat message is at most 200 characters.")]
    TooLong,
    #[error("A chat message is one line of printable text.")]
    ControlCharacter,
}

impl ChatText {
    pub fn parse(text: &str) -> Result<Self, ChatTextError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(ChatTextError::Empty);
        }
        if text.chars().count() > CHAT_MAX_CHARS {
            return Err(ChatTextError::TooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(ChatTextError::ControlCharacter);
        }
        Ok(ChatText(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ChatText {
    type Error = ChatTextError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        ChatText::parse(&s)
    }
}

impl From<ChatText> for String {
    fn from(t: ChatText) -> String {
        t.0
    }
}

impl fmt::Display for ChatText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `POST /party/{id}/spectate/chat`. The text is checked by the server
/// (not at deserialization) so a long one gets its own code,
/// `chat_message_too_long`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChatRequest {
    pub text: String,
}

/// The answer of `POST /party/{id}/spectate/chat`: the message as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatResponse {
    pub text: ChatText,
    #[serde(with = "crate::time_format::rfc3339")]
    pub sent_at: OffsetDateTime,
}

/// What only a spectator socket carries, beside the party's own
/// [`crate::party_ws::ServerMessage`]s: chat, and the answer to a client
/// message it does not take. Neither is a party event: their `seq` is the
/// last event the socket sent, as for `pong`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum SpectatorNotice {
    /// A spectator's chat message, to spectators only.
    SpectatorChat {
        session_id: SessionId,
        seq: i64,
        player_id: PlayerId,
        username: String,
        text: ChatText,
        #[serde(with = "crate::time_format::rfc3339")]
        timestamp: OffsetDateTime,
    },
    /// The socket is read-only: the client sent something other than a
    /// `ping` (game actions are REST calls, and spectators make none).
    ReadOnly {
        session_id: SessionId,
        seq: i64,
        error: crate::ErrorCode,
        message: String,
        #[serde(with = "crate::time_format::rfc3339")]
        timestamp: OffsetDateTime,
    },
}

/// Any message of a spectator socket: a party message (the same bytes
/// players get, the snapshot aside) or a spectator-only notice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum SpectatorSocketMessage {
    Party(crate::party_ws::ServerMessage),
    Notice(SpectatorNotice),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_text_is_trimmed_and_bounded() {
        assert_eq!(ChatText::parse("  hi all ").unwrap().as_str(), "hi all");
        assert_eq!(ChatText::parse("   "), Err(ChatTextError::Empty));
        assert!(ChatText::parse(&"é".repeat(CHAT_MAX_CHARS)).is_ok());
        assert_eq!(
            ChatText::parse(&"a".repeat(CHAT_MAX_CHARS + 1)),
            Err(ChatTextError::TooLong)
        );
        assert_eq!(
            ChatText::parse("two\nlines"),
            Err(ChatTextError::ControlCharacter)
        );
    }

    #[test]
    fn a_chat_notice_is_told_apart_from_a_party_message() {
        let notice = SpectatorNotice::SpectatorChat {
            session_id: SessionId::from_uuid(uuid::Uuid::nil()),
            seq: 4,
            player_id: PlayerId::from_uuid(uuid::Uuid::nil()),
            username: "ann".into(),
            text: ChatText::parse("go blue").unwrap(),
            timestamp: OffsetDateTime::UNIX_EPOCH,
        };
        let text = serde_json::to_string(&notice).unwrap();
        assert!(text.contains(r#""type":"spectator_chat""#), "{text}");
        let back: SpectatorSocketMessage = serde_json::from_str(&text).unwrap();
        assert_eq!(back, SpectatorSocketMessage::Notice(notice));
        let pong = r#"{"type":"pong","session_id":"00000000-0000-0000-0000-000000000000","seq":4,"timestamp":"1970-01-01T00:00:00Z"}"#;
        assert!(matches!(
            serde_json::from_str::<SpectatorSocketMessage>(pong).unwrap(),
            SpectatorSocketMessage::Party(_)
        ));
    }
}
