//! Friends, blocks and party invites (issue 15): the REST bodies, and the
//! messages of the player's own socket (`GET /player/ws`), which carries
//! what concerns a player outside any party — today, invites.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::ids::{PlayerId, SessionId};
use crate::party::PartyCode;
use crate::username::Username;

/// A player named by username: `POST /friends/requests`, `POST /blocks`
/// and `POST /party/{id}/invites`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UsernameRequest {
    pub username: Username,
}

/// Where a friend is, as far as their friends may know.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FriendPresence {
    /// No socket open, in no party.
    Offline,
    /// A socket open (the player socket or a party socket), in no party.
    Online,
    /// In a lobby; `party_code` says which.
    InLobby,
    /// In a party that has started.
    Playing,
}

/// One friend in `GET /friends`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Friend {
    pub player_id: PlayerId,
    pub username: String,
    pub presence: FriendPresence,
    /// The lobby's code, with `in_lobby` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_code: Option<PartyCode>,
    #[serde(with = "crate::time_format::rfc3339")]
    pub since: OffsetDateTime,
}

/// A friend request waiting for an answer (incoming or outgoing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingFriendRequest {
    pub player_id: PlayerId,
    pub username: String,
    #[serde(with = "crate::time_format::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `GET /friends`: friends by username, then requests newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendsResponse {
    pub friends: Vec<Friend>,
    pub incoming: Vec<PendingFriendRequest>,
    pub outgoing: Vec<PendingFriendRequest>,
}

/// What `POST /friends/requests` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FriendRequestOutcome {
    /// The request waits for the other player.
    Requested,
    /// They had asked first: you are friends now.
    Accepted,
}

/// `POST /friends/requests` and `POST /friends/requests/{username}/accept`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FriendRequestResponse {
    pub outcome: FriendRequestOutcome,
    pub player_id: PlayerId,
    pub username: String,
}

/// A player the caller blocked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedPlayer {
    pub player_id: PlayerId,
    pub username: String,
    #[serde(with = "crate::time_format::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `GET /blocks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlocksResponse {
    pub blocked: Vec<BlockedPlayer>,
}

/// An invitation to a lobby. It lasts while the lobby is in LOBBY; joining
/// by its `party_code` (`POST /party/join`) accepts it, without a password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyInvite {
    pub session_id: SessionId,
    pub party_code: PartyCode,
    pub inviter_id: PlayerId,
    pub inviter_username: String,
    #[serde(with = "crate::time_format::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// `GET /party/invites`: the caller's invites to lobbies still open, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitesResponse {
    pub invites: Vec<PartyInvite>,
}

/// A message on the player socket (`GET /player/ws?token=…`). It opens
/// with `hello`, then one `party_invite` per invite still pending, then
/// each new invite as it is made; `quick_match_formed` when the player's
/// quick match put them in a lobby (again on reconnecting, while they are
/// in that lobby).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum PlayerMessage {
    Hello {
        protocol_version: u32,
    },
    PartyInvite(PartyInvite),
    /// The player's quick match formed: they are in this lobby now.
    QuickMatchFormed(crate::matchmaking::QuickMatchFormed),
    /// Reply to a client `ping` (the party socket's `ClientMessage`).
    Pong,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invite_message_is_flat_with_its_type() {
        let invite = PartyInvite {
            session_id: SessionId::from_uuid(uuid::Uuid::nil()),
            party_code: PartyCode::parse("ABCD2345").unwrap(),
            inviter_id: PlayerId::from_uuid(uuid::Uuid::nil()),
            inviter_username: "alice".into(),
            created_at: OffsetDateTime::UNIX_EPOCH,
        };
        let json = serde_json::to_value(PlayerMessage::PartyInvite(invite.clone())).unwrap();
        assert_eq!(json["type"], "party_invite");
        assert_eq!(json["party_code"], "ABCD2345");
        let back: PlayerMessage = serde_json::from_value(json).unwrap();
        assert_eq!(back, PlayerMessage::PartyInvite(invite));
    }

    #[test]
    fn presence_is_snake_case_and_a_code_only_when_given() {
        let friend = Friend {
            player_id: PlayerId::from_uuid(uuid::Uuid::nil()),
            username: "bob".into(),
            presence: FriendPresence::InLobby,
            party_code: None,
            since: OffsetDateTime::UNIX_EPOCH,
        };
        let json = serde_json::to_value(&friend).unwrap();
        assert_eq!(json["presence"], "in_lobby");
        assert!(json.get("party_code").is_none());
    }

    #[test]
    fn a_username_request_applies_the_username_rules() {
        assert!(serde_json::from_str::<UsernameRequest>(r#"{"username":"bob"}"#).is_ok());
        assert!(serde_json::from_str::<UsernameRequest>(r#"{"username":"b"}"#).is_err());
    }
}
