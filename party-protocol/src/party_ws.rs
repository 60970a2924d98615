//! Party WebSocket messages (plan §5, api.md "WebSocket").
//!
//! Every server message is a [`ServerMessage`]: the event's own fields plus
//! `type`, `session_id`, `seq` (grows by exactly one per event of the
//! party) and `timestamp`. Clients send only [`ClientMessage`]s.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::PlayerId;
use crate::party::{ConnectionStatus, PartyPhase, PartyStatusResponse, SessionStatus};

/// A server → client message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerMessage {
    #[serde(flatten)]
    pub event: ServerEvent,
    pub session_id: uuid::Uuid,
    pub seq: i64,
    #[serde(with = "crate::time_format::rfc3339")]
    pub timestamp: OffsetDateTime,
}

/// Per-player counters carried by `progress_update`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayerCounters {
    pub prompts_submitted: i64,
    pub copies_submitted: i64,
    pub votes_submitted: i64,
}

/// Phase-wide progress carried by `progress_update`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseProgress {
    pub players_done_with_phase: i64,
    pub total_players: i64,
}

/// The events of a party.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// A full snapshot (sent on connect, or when a client fell behind).
    SessionUpdate(Box<PartyStatusResponse>),
    PlayerJoined {
        player_id: PlayerId,
        username: String,
        is_bot: bool,
        participant_count: i64,
    },
    PlayerLeft {
        player_id: PlayerId,
        username: String,
        participant_count: i64,
    },
    PlayerReady {
        player_id: PlayerId,
        username: String,
        ready: bool,
        ready_count: i64,
        total_count: i64,
    },
    PhaseTransition {
        old_phase: PartyPhase,
        new_phase: PartyPhase,
        #[serde(with = "crate::time_format::rfc3339")]
        phase_started_at: OffsetDateTime,
        #[serde(default, with = "crate::time_format::option")]
        phase_expires_at: Option<OffsetDateTime>,
        message: String,
    },
    ProgressUpdate {
        player_id: PlayerId,
        username: String,
        /// `submitted_prompt`, `submitted_copy` or `submitted_vote`.
        action: String,
        progress: PlayerCounters,
        session_progress: PhaseProgress,
    },
    SessionStarted {
        current_phase: PartyPhase,
        #[serde(with = "crate::time_format::rfc3339")]
        locked_at: OffsetDateTime,
        #[serde(default, with = "crate::time_format::option")]
        phase_expires_at: Option<OffsetDateTime>,
        participant_count: i64,
        message: String,
    },
    SessionCompleted {
        status: SessionStatus,
        #[serde(with = "crate::time_format::rfc3339")]
        completed_at: OffsetDateTime,
        message: String,
    },
    HostChanged {
        player_id: PlayerId,
        username: String,
    },
    PlayerKicked {
        player_id: PlayerId,
        username: String,
        participant_count: i64,
    },
    Presence {
        player_id: PlayerId,
        username: String,
        connection_status: ConnectionStatus,
    },
    PlayAgain {
        new_session_id: uuid::Uuid,
        party_code: String,
    },
    /// Reply to a client `ping`.
    Pong,
}

impl ServerEvent {
    /// The `type` tag, as stored in the event log.
    pub fn kind(&self) -> &'static str {
        match self {
            ServerEvent::SessionUpdate(_) => "session_update",
            ServerEvent::PlayerJoined { .. } => "player_joined",
            ServerEvent::PlayerLeft { .. } => "player_left",
            ServerEvent::PlayerReady { .. } => "player_ready",
            ServerEvent::PhaseTransition { .. } => "phase_transition",
            ServerEvent::ProgressUpdate { .. } => "progress_update",
            ServerEvent::SessionStarted { .. } => "session_started",
            ServerEvent::SessionCompleted { .. } => "session_completed",
            ServerEvent::HostChanged { .. } => "host_changed",
            ServerEvent::PlayerKicked { .. } => "player_kicked",
            ServerEvent::Presence { .. } => "presence",
            ServerEvent::PlayAgain { .. } => "play_again",
            ServerEvent::Pong => "pong",
        }
    }
}

/// A client → server message: only keepalives; every action is a REST call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ClientMessage {
    Ping,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_carry_type_session_seq_and_timestamp_at_the_top_level() {
        let msg = ServerMessage {
            event: ServerEvent::PlayAgain {
                new_session_id: uuid::Uuid::nil(),
                party_code: "ABCD2345".into(),
            },
            session_id: uuid::Uuid::nil(),
            seq: 7,
            timestamp: OffsetDateTime::UNIX_EPOCH,
        };
        let json = serde_json::to_value(&msg).unwrap();
        assert_eq!(json["type"], "play_again");
        assert_eq!(json["seq"], 7);
        assert_eq!(json["party_code"], "ABCD2345");
        assert_eq!(json["timestamp"], "1970-01-01T00:00:00Z");
        let back: ServerMessage = serde_json::from_value(json).unwrap();
        assert_eq!(back, msg);
        assert_eq!(back.event.kind(), "play_again");
    }

    #[test]
    fn client_ping_parses() {
        assert_eq!(
            serde_json::from_str::<ClientMessage>(r#"{"type":"ping"}"#).unwrap(),
            ClientMessage::Ping
        );
        assert!(serde_json::from_str::<ClientMessage>(r#"{"type":"jump"}"#).is_err());
    }
}
