//! Party WebSocket messages (plan §5, api.md "WebSocket").
//!
//! Every server message is a [`ServerMessage`]: the event's own fields plus
//! `type`, `session_id`, `seq` (grows by exactly one per event of the
//! party) and `timestamp`. Every socket opens with a `hello` carrying the
//! protocol version. Clients send only [`ClientMessage`]s.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{PlayerId, SessionId};
use crate::party::{
    ConnectionStatus, PartyCode, PartyPhase, PartyProgress, PartyStatusResponse, SessionStatus,
    StatusParticipant,
};
use crate::round::RoundDetails;

/// A server → client message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ServerMessage {
    #[serde(flatten)]
    pub event: ServerEvent,
    pub session_id: SessionId,
    pub seq: i64,
    #[serde(with = "crate::time_format::rfc3339")]
    pub timestamp: OffsetDateTime,
}

/// What a `progress_update` reports the player did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProgressAction {
    SubmittedPrompt,
    SubmittedCopy,
    SubmittedVote,
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
    SessionUpdate(Box<SessionSnapshot>),
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
        action: ProgressAction,
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
    /// The host opened the next lobby; everyone still in the party is in
    /// it already, except those `skipped`.
    PlayAgain {
        new_session_id: SessionId,
        party_code: PartyCode,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        skipped: Vec<crate::party::SkippedPlayer>,
    },
    /// The host changed who may join the lobby (never carries the password).
    AccessChanged {
        access: crate::party_access::PartyAccess,
    },
    /// A player's message in the party chat (lobby and results only).
    /// Like `pong`, not an event: its `seq` is the last event the socket
    /// sent, and it does not advance the count. Spectators never get it,
    /// nor a player who muted the sender.
    PartyChat(crate::party_chat::PartyChatMessage),
    /// Reactions or favourite votes changed (README "Reactions and the
    /// favourite phrase"): each phrase whose counts changed, with its whole
    /// counts, and the party's favourite phrase now. Never says who.
    ReactionsChanged {
        phrases: Vec<crate::party_reactions::PhraseReactions>,
        favourite_phrase: Option<crate::party_reactions::FavouritePhrase>,
    },
    /// Reply to a client `ping`.
    Pong,
    /// The first message on every socket: the protocol version the server
    /// speaks, so a client can refuse a server it does not understand before
    /// reading anything else. Like `pong`, not an event: its `seq` is where the
    /// socket resumes from (`since`, or 0) and it does not advance the count.
    /// Clients that predate it skip it as an unknown type.
    Hello { protocol_version: u32 },
}

impl ServerEvent {
    /// The `type` tag, as stored in the event log.
    ///
    /// A plain match rather than serializing the event to read its tag: this
    /// runs for every event written and needs no allocation this way. It
    /// restates the serde names, so `tests/golden.rs`
    /// (`kind_is_the_serde_type_tag_of_every_event`) compares it with the
    /// serialized `type` of every variant, and a variant without a sample
    /// fails there too.
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
            ServerEvent::AccessChanged { .. } => "access_changed",
            ServerEvent::PartyChat(_) => "party_chat",
            ServerEvent::ReactionsChanged { .. } => "reactions_changed",
            ServerEvent::Pong => "pong",
            ServerEvent::Hello { .. } => "hello",
        }
    }
}

/// The state a `session_update` carries: the status of
/// `GET /party/{id}/status` without the `session_id` and `seq` that the
/// message envelope already holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionSnapshot {
    pub party_code: PartyCode,
    pub host_player_id: PlayerId,
    pub status: SessionStatus,
    pub current_phase: PartyPhase,
    #[serde(default, with = "crate::time_format::option")]
    pub phase_started_at: Option<OffsetDateTime>,
    #[serde(default, with = "crate::time_format::option")]
    pub phase_expires_at: Option<OffsetDateTime>,
    pub min_players: i64,
    pub max_players: i64,
    pub prompts_per_player: i64,
    pub copies_per_player: i64,
    pub votes_per_player: i64,
    pub participants: Vec<StatusParticipant>,
    pub progress: PartyProgress,
    pub active_round: Option<RoundDetails>,
    pub next_session_id: Option<SessionId>,
    /// Who may join; left out when open.
    #[serde(
        default,
        skip_serializing_if = "crate::party_access::PartyAccess::is_open"
    )]
    pub access: crate::party_access::PartyAccess,
    /// How the party is listed; left out when private.
    #[serde(
        default,
        skip_serializing_if = "crate::party_access::PartyListing::is_private"
    )]
    pub listing: crate::party_access::PartyListing,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spectators: Option<crate::party::SpectatorList>,
}

impl From<PartyStatusResponse> for SessionSnapshot {
    fn from(s: PartyStatusResponse) -> Self {
        SessionSnapshot {
            party_code: s.party_code,
            host_player_id: s.host_player_id,
            status: s.status,
            current_phase: s.current_phase,
            phase_started_at: s.phase_started_at,
            phase_expires_at: s.phase_expires_at,
            min_players: s.min_players,
            max_players: s.max_players,
            prompts_per_player: s.prompts_per_player,
            copies_per_player: s.copies_per_player,
            votes_per_player: s.votes_per_player,
            participants: s.participants,
            progress: s.progress,
            active_round: s.active_round,
            next_session_id: s.next_session_id,
            access: s.access,
            listing: s.listing,
            spectators: s.spectators,
        }
    }
}

impl SessionSnapshot {
    /// The status this snapshot stands for, given the envelope's session id
    /// and sequence number (the inverse of the `From` conversion above).
    pub fn into_status(self, session_id: SessionId, seq: i64) -> PartyStatusResponse {
        PartyStatusResponse {
            session_id,
            party_code: self.party_code,
            host_player_id: self.host_player_id,
            status: self.status,
            current_phase: self.current_phase,
            phase_started_at: self.phase_started_at,
            phase_expires_at: self.phase_expires_at,
            min_players: self.min_players,
            max_players: self.max_players,
            prompts_per_player: self.prompts_per_player,
            copies_per_player: self.copies_per_player,
            votes_per_player: self.votes_per_player,
            seq,
            participants: self.participants,
            progress: self.progress,
            active_round: self.active_round,
            next_session_id: self.next_session_id,
            access: self.access,
            listing: self.listing,
            spectators: self.spectators,
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
                new_session_id: SessionId::from_uuid(uuid::Uuid::nil()),
                party_code: PartyCode::parse("ABCD2345").unwrap(),
                skipped: Vec::new(),
            },
            session_id: SessionId::from_uuid(uuid::Uuid::nil()),
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
    fn a_snapshot_has_no_duplicate_fields_and_round_trips() {
        let snapshot = SessionSnapshot {
            party_code: PartyCode::parse("ABCD2345").unwrap(),
            host_player_id: PlayerId::new(),
            status: SessionStatus::Open,
            current_phase: PartyPhase::Lobby,
            phase_started_at: None,
            phase_expires_at: None,
            min_players: 3,
            max_players: 8,
            prompts_per_player: 1,
            copies_per_player: 2,
            votes_per_player: 3,
            participants: vec![],
            progress: PartyProgress {
                total_prompts: 0,
                total_copies: 0,
                total_votes: 0,
                required_prompts: 0,
                required_copies: 0,
                required_votes: 0,
                players_ready_for_next_phase: 0,
                total_players: 0,
            },
            active_round: None,
            next_session_id: None,
            access: crate::party_access::PartyAccess::InviteOnly,
            listing: crate::party_access::PartyListing::QuickMatch,
            spectators: None,
        };
        let msg = ServerMessage {
            event: ServerEvent::SessionUpdate(Box::new(snapshot)),
            session_id: SessionId::from_uuid(uuid::Uuid::nil()),
            seq: 3,
            timestamp: OffsetDateTime::UNIX_EPOCH,
        };
        let text = serde_json::to_string(&msg).unwrap();
        assert_eq!(text.matches("\"session_id\"").count(), 1);
        assert_eq!(text.matches("\"seq\"").count(), 1);
        let back: ServerMessage = serde_json::from_str(&text).unwrap();
        assert_eq!(back, msg);
    }

    #[test]
    fn a_snapshot_becomes_the_status_it_was_taken_from() {
        let status = PartyStatusResponse {
            session_id: SessionId::new(),
            party_code: PartyCode::parse("ABCD2345").unwrap(),
            host_player_id: PlayerId::new(),
            status: SessionStatus::InProgress,
            current_phase: PartyPhase::Copy,
            phase_started_at: Some(OffsetDateTime::UNIX_EPOCH),
            phase_expires_at: None,
            min_players: 3,
            max_players: 8,
            prompts_per_player: 1,
            copies_per_player: 2,
            votes_per_player: 3,
            seq: 12,
            participants: vec![],
            progress: PartyProgress {
                total_prompts: 4,
                total_copies: 1,
                total_votes: 0,
                required_prompts: 4,
                required_copies: 8,
                required_votes: 12,
                players_ready_for_next_phase: 1,
                total_players: 4,
            },
            active_round: None,
            next_session_id: Some(SessionId::new()),
            access: crate::party_access::PartyAccess::Password,
            listing: crate::party_access::PartyListing::Public,
            spectators: Some(crate::party::SpectatorList {
                count: 1,
                names: vec!["ann".into()],
            }),
        };
        let snapshot = SessionSnapshot::from(status.clone());
        assert_eq!(snapshot.into_status(status.session_id, status.seq), status);
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
