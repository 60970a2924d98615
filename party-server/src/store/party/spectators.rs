//! Party spectators (`migrations/*/0008_spectators.sql`): who watches a
//! party, and who asked to be seated in its next game.

use party_protocol::PlayerId;
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::Tx;

/// A spectator waiting for a seat in the next game.
#[derive(Debug, Clone)]
pub struct QueuedSpectator {
    pub player: PlayerId,
    pub username: String,
}

impl Tx {
    /// How many spectators a party has.
    pub async fn spectator_count(&mut self, session: Uuid) -> Result<i64> {
        self.query("SELECT COUNT(*) FROM party_spectators WHERE session_id = $1")
            .bind(session)
            .fetch_one::<i64>()
            .await
    }

    /// The usernames of a party's first `limit` spectators, oldest first.
    pub async fn spectator_names(&mut self, session: Uuid, limit: i64) -> Result<Vec<String>> {
        self.query(
            "SELECT p.username FROM party_spectators s JOIN players p ON p.player_id = s.player_id \
             WHERE s.session_id = $1 ORDER BY s.joined_at, s.player_id LIMIT $2",
        )
        .bind(session)
        .bind(limit)
        .fetch_all::<String>()
        .await
    }

    /// Whether `player` spectates `session`, and if so whether they asked
    /// to join the next game (`Some(asked)`).
    pub async fn spectator(&mut self, session: Uuid, player: PlayerId) -> Result<Option<bool>> {
        let row: Option<Option<i64>> = self
            .query(
                "SELECT next_game_rank FROM party_spectators WHERE session_id = $1 AND player_id = $2",
            )
            .bind(session)
            .bind(player.as_uuid())
            .fetch_optional::<Option<i64>>()
            .await?;
        Ok(row.map(|asked| asked.is_some()))
    }

    /// Adds a spectator; false when they were one already.
    pub async fn insert_spectator(
        &mut self,
        session: Uuid,
        player: PlayerId,
        now: Millis,
    ) -> Result<bool> {
        let added = self
            .query(
                "INSERT INTO party_spectators (session_id, player_id, joined_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (session_id, player_id) DO NOTHING",
            )
            .bind(session)
            .bind(player.as_uuid())
            .bind(now.0)
            .execute()
            .await?;
        Ok(added == 1)
    }

    /// Removes a spectator; false when they were none.
    pub async fn delete_spectator(&mut self, session: Uuid, player: PlayerId) -> Result<bool> {
        let gone = self
            .query("DELETE FROM party_spectators WHERE session_id = $1 AND player_id = $2")
            .bind(session)
            .bind(player.as_uuid())
            .execute()
            .await?;
        Ok(gone == 1)
    }

    /// Asks (`true`) or stops asking (`false`) for a seat in the next
    /// game; false when `player` is no spectator of `session`. Asking puts
    /// the spectator last in the queue; asking again keeps their place.
    /// The caller holds the session's lock, so ranks are not handed twice.
    pub async fn set_next_game(
        &mut self,
        session: Uuid,
        player: PlayerId,
        join: bool,
    ) -> Result<bool> {
        let done = self
            .query(
                "UPDATE party_spectators SET next_game_rank = CASE WHEN $3 THEN \
                 COALESCE(next_game_rank, (SELECT COALESCE(MAX(q.next_game_rank), 0) + 1 \
                 FROM party_spectators q WHERE q.session_id = $1)) ELSE NULL END \
                 WHERE session_id = $1 AND player_id = $2",
            )
            .bind(session)
            .bind(player.as_uuid())
            .bind(join)
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// The spectators who asked to join the next game, in asking order.
    pub async fn next_game_queue(&mut self, session: Uuid) -> Result<Vec<QueuedSpectator>> {
        let rows: Vec<(Uuid, String)> = self
            .query(
                "SELECT s.player_id, p.username FROM party_spectators s \
                 JOIN players p ON p.player_id = s.player_id \
                 WHERE s.session_id = $1 AND s.next_game_rank IS NOT NULL \
                 ORDER BY s.next_game_rank",
            )
            .bind(session)
            .fetch_all()
            .await?;
        Ok(rows
            .into_iter()
            .map(|(player, username)| QueuedSpectator {
                player: PlayerId::from_uuid(player),
                username,
            })
            .collect())
    }

    /// Moves every spectator of `from` to `to` (play-again), keeping their
    /// place and their request for a seat.
    pub async fn move_spectators(&mut self, from: Uuid, to: Uuid) -> Result<u64> {
        self.query("UPDATE party_spectators SET session_id = $2 WHERE session_id = $1")
            .bind(from)
            .bind(to)
            .execute()
            .await
    }
}
