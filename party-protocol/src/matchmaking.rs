//! Matchmaking (plan §11.3, issue 15): the quick-match queue and the list
//! of public lobbies.
//!
//! A player queues with `POST /party/quick-match`; the server forms
//! parties of its configured size from the queue, oldest first, and tells
//! each matched player on their player socket
//! ([`crate::friends::PlayerMessage::QuickMatchFormed`]) and in
//! `GET /party/quick-match`. A player who chose a bot-fill wait is put in
//! a party filled with bots once that wait is over. Public lobbies with
//! free seats are listed by `GET /party/public`.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::SessionId;
use crate::party::PartyCode;
use crate::party_access::PartyAccess;

/// The bot-fill waits a player may choose, in seconds (0: fill at once).
pub const BOT_FILL_SECONDS: RangeInclusive<i64> = 0..=600;

/// Public lobbies one page lists at most, and by default.
pub const PUBLIC_PAGE_MAX: i64 = 50;
pub const PUBLIC_PAGE_DEFAULT: i64 = 20;

/// `POST /party/quick-match` (the body may be omitted).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuickMatchRequest {
    /// How long to wait for humans before the party is filled with bots
    /// (within [`BOT_FILL_SECONDS`]); absent: wait for humans only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot_fill_after_seconds: Option<i64>,
}

/// Where the caller stands with quick match: the answer of every
/// `/party/quick-match` route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum QuickMatchStatus {
    /// Not queued, and no quick-match lobby waiting for them.
    Idle,
    /// Waiting in the queue.
    Queued(QueuedStatus),
    /// Matched into a lobby that is still gathering (it stays reported
    /// while the caller is in that lobby).
    Matched(QuickMatchFormed),
}

/// A queued player's place.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueuedStatus {
    #[serde(with = "crate::time_format::rfc3339")]
    pub queued_at: OffsetDateTime,
    /// 1 for the oldest entry of the queue.
    pub position: i64,
    pub queue_length: i64,
    /// The players one quick-match party seats.
    pub party_size: i64,
    /// When the party is filled with bots, if the player chose a wait.
    #[serde(
        default,
        with = "crate::time_format::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub bot_fill_at: Option<OffsetDateTime>,
}

/// The lobby a quick match formed (also the player socket's
/// `quick_match_formed` message).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuickMatchFormed {
    pub session_id: SessionId,
    pub party_code: PartyCode,
    #[serde(with = "crate::time_format::rfc3339")]
    pub matched_at: OffsetDateTime,
}

/// `GET /party/public?limit=&offset=`: one page of the list.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicPartiesQuery {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offset: Option<i64>,
}

/// A public lobby with a free seat.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicParty {
    pub session_id: SessionId,
    pub party_code: PartyCode,
    pub host_username: String,
    pub participant_count: i64,
    pub max_players: i64,
    pub access: PartyAccess,
    #[serde(with = "crate::time_format::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `GET /party/public`: newest lobby first; `next_offset` is the offset of
/// the next page, absent on the last one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPartiesResponse {
    pub parties: Vec<PublicParty>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_status_is_tagged_by_its_state() {
        let json = serde_json::to_value(QuickMatchStatus::Idle).unwrap();
        assert_eq!(json, serde_json::json!({"state": "idle"}));
        let queued = QuickMatchStatus::Queued(QueuedStatus {
            queued_at: OffsetDateTime::UNIX_EPOCH,
            position: 2,
            queue_length: 3,
            party_size: 4,
            bot_fill_at: None,
        });
        let json = serde_json::to_value(&queued).unwrap();
        assert_eq!(json["state"], "queued");
        assert_eq!(json["position"], 2);
        assert!(json.get("bot_fill_at").is_none());
        let back: QuickMatchStatus = serde_json::from_value(json).unwrap();
        assert_eq!(back, queued);
    }

    #[test]
    fn a_request_rejects_unknown_fields_and_may_be_empty() {
        let empty: QuickMatchRequest = serde_json::from_str("{}").unwrap();
        assert_eq!(empty.bot_fill_after_seconds, None);
        assert!(serde_json::from_str::<QuickMatchRequest>(r#"{"bots":true}"#).is_err());
    }
}
