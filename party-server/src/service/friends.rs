//! Friends and blocks (issue 15): requests by username, accepting,
//! declining, cancelling, removing, blocking — and the friend list with
//! each friend's presence.
//!
//! Both players' rows are locked first (PostgreSQL; SQLite serializes
//! writers anyway), so two players asking each other at the same instant
//! become friends once instead of leaving two crossed requests.

use party_protocol::account::SuccessResponse;
use party_protocol::friends::{
    BlockedPlayer, BlocksResponse, Friend, FriendPresence, FriendRequestOutcome,
    FriendRequestResponse, FriendsResponse, PendingFriendRequest,
};
use party_protocol::party::{PartyCode, SessionStatus};
use party_protocol::{ErrorCode, PlayerId, Username};

use super::Game;
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::store::{FriendRow, Tx};

pub(crate) fn player_not_found() -> Error {
    Error::api(ErrorCode::PlayerNotFound, "No player with that username.")
}

fn not_yourself() -> Error {
    Error::api(ErrorCode::CannotTargetSelf, "That is you.")
}

/// The caller blocked the other player.
pub(crate) fn you_blocked() -> Error {
    Error::api(
        ErrorCode::PlayerBlocked,
        "You blocked that player; unblock them first.",
    )
}

/// The other player blocked the caller. The message says no more than
/// that the request cannot go through: not why.
pub(crate) fn unavailable() -> Error {
    Error::api(
        ErrorCode::PlayerUnavailable,
        "That player cannot be reached by you.",
    )
}

/// A human player by username (bots and the house have no friends).
pub(crate) async fn find_player(tx: &mut Tx, username: &Username) -> Result<PlayerId> {
    match tx.player_by_username(username.as_str()).await? {
        Some(p) if !p.is_bot => Ok(p.id()),
        _ => Err(player_not_found()),
    }
}

/// Where a friend is, from their party (if any) and their open sockets.
pub(crate) fn presence_of(
    party_status: Option<&str>,
    party_code: Option<&str>,
    sockets: i64,
) -> (FriendPresence, Option<PartyCode>) {
    match party_status.and_then(SessionStatus::parse) {
        Some(SessionStatus::Open) => (
            FriendPresence::InLobby,
            party_code.and_then(|c| PartyCode::parse(c).ok()),
        ),
        Some(SessionStatus::InProgress) => (FriendPresence::Playing, None),
        _ if sockets > 0 => (FriendPresence::Online, None),
        _ => (FriendPresence::Offline, None),
    }
}

fn pending(row: FriendRow) -> PendingFriendRequest {
    PendingFriendRequest {
        player_id: PlayerId::from_uuid(row.player_id),
        username: row.username,
        created_at: Millis(row.created_at).to_datetime(),
    }
}

fn done(message: &str) -> SuccessResponse {
    SuccessResponse {
        success: true,
        message: message.to_owned(),
    }
}

impl Game {
    /// `GET /friends`.
    #[tracing::instrument(skip_all, fields(player = %me))]
    pub async fn friends(&self, me: PlayerId) -> Result<FriendsResponse> {
        let mut tx = self.store.read().await?;
        let friends = tx
            .friends_of(me)
            .await?
            .into_iter()
            .map(|row| {
                let (presence, party_code) = presence_of(
                    row.party_status.as_deref(),
                    row.party_code.as_deref(),
                    row.sockets,
                );
                Friend {
                    player_id: PlayerId::from_uuid(row.player_id),
                    username: row.username,
                    presence,
                    party_code,
                    since: Millis(row.created_at).to_datetime(),
                }
            })
            .collect();
        let incoming = tx.friend_requests_of(me, true).await?;
        let outgoing = tx.friend_requests_of(me, false).await?;
        Ok(FriendsResponse {
            friends,
            incoming: incoming.into_iter().map(pending).collect(),
            outgoing: outgoing.into_iter().map(pending).collect(),
        })
    }

    /// Opens a write transaction with both players' rows locked, and the
    /// other player found by name.
    async fn between(&self, me: PlayerId, username: &Username) -> Result<(Tx, PlayerId)> {
        let mut tx = self.store.begin().await?;
        let other = find_player(&mut tx, username).await?;
        if other == me {
            return Err(not_yourself());
        }
        tx.lock_players(&[me.as_uuid(), other.as_uuid()]).await?;
        Ok((tx, other))
    }

    /// `POST /friends/requests`: asks `username` to be friends; when they
    /// had asked the caller already, the two become friends at once.
    #[tracing::instrument(skip_all, fields(player = %me))]
    pub async fn send_friend_request(
        &self,
        me: PlayerId,
        username: &Username,
    ) -> Result<FriendRequestResponse> {
        let now = self.now();
        let (mut tx, other) = self.between(me, username).await?;
        if tx.has_blocked(me, other).await? {
            return Err(you_blocked());
        }
        if tx.has_blocked(other, me).await? {
            return Err(unavailable());
        }
        if tx.are_friends(me, other).await? {
            return Err(Error::api(
                ErrorCode::AlreadyFriends,
                "You are friends already.",
            ));
        }
        let outcome = if tx.has_friend_request(other, me).await? {
            tx.befriend(me, other, now).await?;
            FriendRequestOutcome::Accepted
        } else if tx.insert_friend_request(me, other, now).await? {
            FriendRequestOutcome::Requested
        } else {
            return Err(Error::api(
                ErrorCode::FriendRequestExists,
                "You asked that player already; wait for their answer.",
            ));
        };
        let name = tx.player(other).await?.map(|p| p.username);
        tx.commit().await?;
        Ok(FriendRequestResponse {
            outcome,
            player_id: other,
            username: name.unwrap_or_else(|| username.to_string()),
        })
    }

    /// `POST /friends/requests/{username}/accept`.
    #[tracing::instrument(skip_all, fields(player = %me))]
    pub async fn accept_friend_request(
        &self,
        me: PlayerId,
        username: &Username,
    ) -> Result<FriendRequestResponse> {
        let now = self.now();
        let (mut tx, other) = self
            .between(me, username)
            .await
            .map_err(request_not_found)?;
        if !tx.has_friend_request(other, me).await? {
            return Err(no_request());
        }
        tx.befriend(me, other, now).await?;
        let name = tx.player(other).await?.map(|p| p.username);
        tx.commit().await?;
        Ok(FriendRequestResponse {
            outcome: FriendRequestOutcome::Accepted,
            player_id: other,
            username: name.unwrap_or_else(|| username.to_string()),
        })
    }

    /// `POST /friends/requests/{username}/decline` (`incoming`) and
    /// `DELETE /friends/requests/{username}` (the caller's own request).
    #[tracing::instrument(skip_all, fields(player = %me, incoming = incoming))]
    pub async fn drop_friend_request(
        &self,
        me: PlayerId,
        username: &Username,
        incoming: bool,
    ) -> Result<SuccessResponse> {
        let (mut tx, other) = self
            .between(me, username)
            .await
            .map_err(request_not_found)?;
        let (from, to) = if incoming { (other, me) } else { (me, other) };
        if !tx.delete_friend_request(from, to).await? {
            return Err(no_request());
        }
        tx.commit().await?;
        Ok(done(if incoming {
            "Friend request declined"
        } else {
            "Friend request cancelled"
        }))
    }

    /// `DELETE /friends/{username}`.
    #[tracing::instrument(skip_all, fields(player = %me))]
    pub async fn remove_friend(
        &self,
        me: PlayerId,
        username: &Username,
    ) -> Result<SuccessResponse> {
        let not_friends = || {
            Error::api(
                ErrorCode::NotFriends,
                "You are not friends with that player.",
            )
        };
        let (mut tx, other) = self.between(me, username).await.map_err(|e| {
            if e.code() == ErrorCode::PlayerNotFound {
                not_friends()
            } else {
                e
            }
        })?;
        if !tx.unfriend(me, other).await? {
            return Err(not_friends());
        }
        tx.commit().await?;
        Ok(done("Friend removed"))
    }

    /// `POST /blocks`: ends every tie with the player and refuses their
    /// requests and invites from now on.
    #[tracing::instrument(skip_all, fields(player = %me))]
    pub async fn block_player(&self, me: PlayerId, username: &Username) -> Result<BlockedPlayer> {
        let now = self.now();
        let (mut tx, other) = self.between(me, username).await?;
        tx.block(me, other, now).await?;
        let blocked = tx
            .blocks_of(me)
            .await?
            .into_iter()
            .find(|b| b.player_id == other.as_uuid())
            .ok_or_else(|| Error::internal("a block just written is missing"))?;
        tx.commit().await?;
        Ok(BlockedPlayer {
            player_id: other,
            username: blocked.username,
            created_at: Millis(blocked.created_at).to_datetime(),
        })
    }

    /// `DELETE /blocks/{username}`: lifts a block (nothing to lift is fine).
    #[tracing::instrument(skip_all, fields(player = %me))]
    pub async fn unblock_player(
        &self,
        me: PlayerId,
        username: &Username,
    ) -> Result<SuccessResponse> {
        let (mut tx, other) = self.between(me, username).await?;
        let lifted = tx.unblock(me, other).await?;
        tx.commit().await?;
        Ok(done(if lifted {
            "Player unblocked"
        } else {
            "That player was not blocked"
        }))
    }

    /// `GET /blocks`.
    #[tracing::instrument(skip_all, fields(player = %me))]
    pub async fn blocks(&self, me: PlayerId) -> Result<BlocksResponse> {
        let mut tx = self.store.read().await?;
        let blocked = tx
            .blocks_of(me)
            .await?
            .into_iter()
            .map(|b| BlockedPlayer {
                player_id: PlayerId::from_uuid(b.player_id),
                username: b.username,
                created_at: Millis(b.created_at).to_datetime(),
            })
            .collect();
        Ok(BlocksResponse { blocked })
    }
}

fn no_request() -> Error {
    Error::api(
        ErrorCode::FriendRequestNotFound,
        "No pending friend request between you and that player.",
    )
}

/// An unknown name answers like a missing request: the caller asked about
/// a request, not whether a player exists.
fn request_not_found(e: Error) -> Error {
    if e.code() == ErrorCode::PlayerNotFound {
        no_request()
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presence_follows_party_then_sockets() {
        assert_eq!(presence_of(None, None, 0), (FriendPresence::Offline, None));
        assert_eq!(presence_of(None, None, 2), (FriendPresence::Online, None));
        let (p, code) = presence_of(Some("OPEN"), Some("ABCD2345"), 0);
        assert_eq!(p, FriendPresence::InLobby);
        assert_eq!(code.unwrap().as_str(), "ABCD2345");
        // A running party hides its code: friends see only "playing".
        assert_eq!(
            presence_of(Some("IN_PROGRESS"), Some("ABCD2345"), 1),
            (FriendPresence::Playing, None)
        );
        // An ended party does not count.
        assert_eq!(
            presence_of(Some("COMPLETED"), Some("ABCD2345"), 1),
            (FriendPresence::Online, None)
        );
    }
}
