//! Friendships, friend requests, blocks, and the player sockets presence
//! counts (see `migrations/*/0007_access.sql`).

use party_protocol::PlayerId;
use uuid::Uuid;

use super::{DbRow, FromRow, Tx};
use crate::clock::Millis;
use crate::error::Result;

/// Another player as a friend list shows them, with what presence needs.
#[derive(Debug, Clone)]
pub struct FriendRow {
    pub player_id: Uuid,
    pub username: String,
    /// When the friendship (or the request, or the block) was made.
    pub created_at: i64,
    /// The code and status of the party they are in, if any.
    pub party_code: Option<String>,
    pub party_status: Option<String>,
    /// Sockets any instance holds for them (player and party sockets).
    pub sockets: i64,
}

impl FromRow for FriendRow {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(FriendRow {
            player_id: row.try_get("player_id")?,
            username: row.try_get("username")?,
            created_at: row.try_get("created_at")?,
            party_code: row.try_get("party_code")?,
            party_status: row.try_get("party_status")?,
            sockets: row.try_get("sockets")?,
        })
    }
}

/// The presence columns of the player `p.player_id`, for the lists below.
const PRESENCE_COLUMNS: &str = "\
    (SELECT s.party_code FROM party_participants pp JOIN party_sessions s ON s.session_id = pp.session_id \
     WHERE pp.player_id = p.player_id AND pp.active AND s.status IN ('OPEN', 'IN_PROGRESS') LIMIT 1) AS party_code, \
    (SELECT s.status FROM party_participants pp JOIN party_sessions s ON s.session_id = pp.session_id \
     WHERE pp.player_id = p.player_id AND pp.active AND s.status IN ('OPEN', 'IN_PROGRESS') LIMIT 1) AS party_status, \
    CAST((SELECT COUNT(*) FROM player_sockets ps WHERE ps.player_id = p.player_id) \
       + (SELECT COUNT(*) FROM party_sockets ks WHERE ks.player_id = p.player_id) AS BIGINT) AS sockets";

impl Tx {
    /// The player's friends with their presence, by username.
    pub async fn friends_of(&mut self, player: PlayerId) -> Result<Vec<FriendRow>> {
        let sql = format!(
            "SELECT p.player_id, p.username, f.created_at, {PRESENCE_COLUMNS} \
             FROM friendships f JOIN players p ON p.player_id = f.friend_id \
             WHERE f.player_id = $1 ORDER BY p.username_canonical"
        );
        self.query(&sql).bind(player.as_uuid()).fetch_all().await
    }

    /// Friend requests sent to (`incoming`) or by the player, newest first.
    pub async fn friend_requests_of(
        &mut self,
        player: PlayerId,
        incoming: bool,
    ) -> Result<Vec<FriendRow>> {
        let (mine, theirs) = if incoming {
            ("to_id", "from_id")
        } else {
            ("from_id", "to_id")
        };
        let sql = format!(
            "SELECT p.player_id, p.username, r.created_at, CAST(NULL AS TEXT) AS party_code, \
             CAST(NULL AS TEXT) AS party_status, CAST(0 AS BIGINT) AS sockets \
             FROM friend_requests r JOIN players p ON p.player_id = r.{theirs} \
             WHERE r.{mine} = $1 ORDER BY r.created_at DESC, p.username_canonical"
        );
        self.query(&sql).bind(player.as_uuid()).fetch_all().await
    }

    /// The players `player` blocked, newest first.
    pub async fn blocks_of(&mut self, player: PlayerId) -> Result<Vec<FriendRow>> {
        self.query(
            "SELECT p.player_id, p.username, b.created_at, CAST(NULL AS TEXT) AS party_code, \
             CAST(NULL AS TEXT) AS party_status, CAST(0 AS BIGINT) AS sockets \
             FROM player_blocks b JOIN players p ON p.player_id = b.blocked_id \
             WHERE b.blocker_id = $1 ORDER BY b.created_at DESC, p.username_canonical",
        )
        .bind(player.as_uuid())
        .fetch_all()
        .await
    }

    pub async fn are_friends(&mut self, a: PlayerId, b: PlayerId) -> Result<bool> {
        let n: i64 = self
            .query(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM friendships WHERE player_id = $1 AND friend_id = $2",
            )
            .bind(a.as_uuid())
            .bind(b.as_uuid())
            .fetch_one()
            .await?;
        Ok(n > 0)
    }

    /// Whether `by` blocked `whom`.
    pub async fn has_blocked(&mut self, by: PlayerId, whom: PlayerId) -> Result<bool> {
        let n: i64 = self
            .query(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM player_blocks WHERE blocker_id = $1 AND blocked_id = $2",
            )
            .bind(by.as_uuid())
            .bind(whom.as_uuid())
            .fetch_one()
            .await?;
        Ok(n > 0)
    }

    /// Whether `from` has a pending request to `to`.
    pub async fn has_friend_request(&mut self, from: PlayerId, to: PlayerId) -> Result<bool> {
        let n: i64 = self
            .query(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM friend_requests WHERE from_id = $1 AND to_id = $2",
            )
            .bind(from.as_uuid())
            .bind(to.as_uuid())
            .fetch_one()
            .await?;
        Ok(n > 0)
    }

    /// Records a request; false when `from` had already asked `to`.
    pub async fn insert_friend_request(
        &mut self,
        from: PlayerId,
        to: PlayerId,
        now: Millis,
    ) -> Result<bool> {
        let done = self
            .query(
                "INSERT INTO friend_requests (from_id, to_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (from_id, to_id) DO NOTHING",
            )
            .bind(from.as_uuid())
            .bind(to.as_uuid())
            .bind(now.0)
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Removes `from`'s request to `to`; false when there was none.
    pub async fn delete_friend_request(&mut self, from: PlayerId, to: PlayerId) -> Result<bool> {
        let done = self
            .query("DELETE FROM friend_requests WHERE from_id = $1 AND to_id = $2")
            .bind(from.as_uuid())
            .bind(to.as_uuid())
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Makes `a` and `b` friends (both directions) and drops the requests
    /// between them.
    pub async fn befriend(&mut self, a: PlayerId, b: PlayerId, now: Millis) -> Result<()> {
        for (x, y) in [(a, b), (b, a)] {
            self.query(
                "INSERT INTO friendships (player_id, friend_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (player_id, friend_id) DO NOTHING",
            )
            .bind(x.as_uuid())
            .bind(y.as_uuid())
            .bind(now.0)
            .execute()
            .await?;
            self.delete_friend_request(x, y).await?;
        }
        Ok(())
    }

    /// Ends a friendship; false when they were not friends.
    pub async fn unfriend(&mut self, a: PlayerId, b: PlayerId) -> Result<bool> {
        let done = self
            .query(
                "DELETE FROM friendships WHERE (player_id = $1 AND friend_id = $2) \
                 OR (player_id = $2 AND friend_id = $1)",
            )
            .bind(a.as_uuid())
            .bind(b.as_uuid())
            .execute()
            .await?;
        Ok(done > 0)
    }

    /// `by` blocks `whom`: every tie between the two goes (friendship,
    /// requests and party invites either way).
    pub async fn block(&mut self, by: PlayerId, whom: PlayerId, now: Millis) -> Result<()> {
        self.query(
            "INSERT INTO player_blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) \
             ON CONFLICT (blocker_id, blocked_id) DO NOTHING",
        )
        .bind(by.as_uuid())
        .bind(whom.as_uuid())
        .bind(now.0)
        .execute()
        .await?;
        self.unfriend(by, whom).await?;
        self.delete_friend_request(by, whom).await?;
        self.delete_friend_request(whom, by).await?;
        self.query(
            "DELETE FROM party_invites WHERE (invitee_id = $1 AND inviter_id = $2) \
             OR (invitee_id = $2 AND inviter_id = $1)",
        )
        .bind(by.as_uuid())
        .bind(whom.as_uuid())
        .execute()
        .await?;
        Ok(())
    }

    /// Lifts `by`'s block of `whom`; false when there was none.
    pub async fn unblock(&mut self, by: PlayerId, whom: PlayerId) -> Result<bool> {
        let done = self
            .query("DELETE FROM player_blocks WHERE blocker_id = $1 AND blocked_id = $2")
            .bind(by.as_uuid())
            .bind(whom.as_uuid())
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Counts `n` more player sockets of `player` on `instance`.
    pub async fn add_player_sockets(
        &mut self,
        instance: Uuid,
        player: PlayerId,
        n: i64,
    ) -> Result<()> {
        self.query(
            "INSERT INTO player_sockets (instance_id, player_id, sockets) VALUES ($1, $2, $3) \
             ON CONFLICT (instance_id, player_id) DO UPDATE SET sockets = player_sockets.sockets + excluded.sockets",
        )
        .bind(instance)
        .bind(player.as_uuid())
        .bind(n)
        .execute()
        .await?;
        Ok(())
    }

    /// Counts one player socket out (the row goes with the last one).
    pub async fn remove_player_socket(&mut self, instance: Uuid, player: PlayerId) -> Result<()> {
        let gone = self
            .query(
                "DELETE FROM player_sockets WHERE instance_id = $1 AND player_id = $2 AND sockets <= 1",
            )
            .bind(instance)
            .bind(player.as_uuid())
            .execute()
            .await?;
        if gone == 0 {
            self.query(
                "UPDATE player_sockets SET sockets = sockets - 1 WHERE instance_id = $1 AND player_id = $2",
            )
            .bind(instance)
            .bind(player.as_uuid())
            .execute()
            .await?;
        }
        Ok(())
    }
}
