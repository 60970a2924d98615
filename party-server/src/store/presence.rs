//! Server instances and the party sockets each one holds (presence across
//! instances; see `migrations/*/0004_presence.sql`).

use party_protocol::PlayerId;
use uuid::Uuid;

use super::Tx;
use crate::clock::Millis;
use crate::error::Result;

impl Tx {
    /// Registers a running instance (again, if it was taken for dead).
    pub async fn register_instance(&mut self, instance: Uuid, now: Millis) -> Result<()> {
        self.query(
            "INSERT INTO server_instances (instance_id, started_at, seen_at) VALUES ($1, $2, $2) \
             ON CONFLICT (instance_id) DO UPDATE SET seen_at = excluded.seen_at",
        )
        .bind(instance)
        .bind(now.0)
        .execute()
        .await?;
        Ok(())
    }

    /// The heartbeat; false when the instance is no longer registered
    /// (another instance took it for dead and removed it).
    pub async fn instance_seen(&mut self, instance: Uuid, now: Millis) -> Result<bool> {
        let done = self
            .query("UPDATE server_instances SET seen_at = $2 WHERE instance_id = $1")
            .bind(instance)
            .bind(now.0)
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Instances other than `except` whose last heartbeat is before `before`.
    pub async fn stale_instances(&mut self, before: Millis, except: Uuid) -> Result<Vec<Uuid>> {
        self.query(
            "SELECT instance_id FROM server_instances WHERE seen_at < $1 AND instance_id <> $2",
        )
        .bind(before.0)
        .bind(except)
        .fetch_all()
        .await
    }

    /// The party members an instance holds sockets for.
    pub async fn instance_members(&mut self, instance: Uuid) -> Result<Vec<(Uuid, PlayerId)>> {
        let rows: Vec<(Uuid, Uuid)> = self
            .query("SELECT session_id, player_id FROM party_sockets WHERE instance_id = $1")
            .bind(instance)
            .fetch_all()
            .await?;
        Ok(rows
            .into_iter()
            .map(|(s, p)| (s, PlayerId::from_uuid(p)))
            .collect())
    }

    /// Removes an instance and its sockets — only if its heartbeat is still
    /// older than `stale_before` (when given): false when another instance
    /// removed it first, or it came back.
    pub async fn remove_instance(
        &mut self,
        instance: Uuid,
        stale_before: Option<Millis>,
    ) -> Result<bool> {
        let done = self.query(
            "DELETE FROM server_instances WHERE instance_id = $1 AND ($2 IS NULL OR seen_at < $2)")
            .bind(instance)
            .bind(stale_before.map(|m| m.0))
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Counts `n` more sockets of a member on an instance.
    pub async fn add_sockets(
        &mut self,
        instance: Uuid,
        session: Uuid,
        player: PlayerId,
        n: i64,
    ) -> Result<()> {
        self.query(
            "INSERT INTO party_sockets (instance_id, session_id, player_id, sockets) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (instance_id, session_id, player_id) \
             DO UPDATE SET sockets = party_sockets.sockets + excluded.sockets")
            .bind(instance)
            .bind(session)
            .bind(player.as_uuid())
            .bind(n)
            .execute()
            .await?;
        Ok(())
    }

    /// Counts one socket of a member on an instance out (the row goes with
    /// the last one).
    pub async fn remove_socket(
        &mut self,
        instance: Uuid,
        session: Uuid,
        player: PlayerId,
    ) -> Result<()> {
        let gone = self.query(
            "DELETE FROM party_sockets WHERE instance_id = $1 AND session_id = $2 AND player_id = $3 \
             AND sockets <= 1")
            .bind(instance)
            .bind(session)
            .bind(player.as_uuid())
            .execute()
            .await?;
        if gone == 0 {
            self.query(
                "UPDATE party_sockets SET sockets = sockets - 1 \
                 WHERE instance_id = $1 AND session_id = $2 AND player_id = $3",
            )
            .bind(instance)
            .bind(session)
            .bind(player.as_uuid())
            .execute()
            .await?;
        }
        Ok(())
    }

    /// Whether any instance holds a socket for the member.
    pub async fn member_has_sockets(&mut self, session: Uuid, player: PlayerId) -> Result<bool> {
        let n: i64 = self.query(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM party_sockets WHERE session_id = $1 AND player_id = $2")
            .bind(session)
            .bind(player.as_uuid())
            .fetch_one()
            .await?;
        Ok(n > 0)
    }

    /// The sockets counted for the member over every instance.
    pub async fn member_sockets(&mut self, session: Uuid, player: PlayerId) -> Result<i64> {
        self.query(
            "SELECT CAST(COALESCE(SUM(sockets), 0) AS BIGINT) FROM party_sockets \
             WHERE session_id = $1 AND player_id = $2",
        )
        .bind(session)
        .bind(player.as_uuid())
        .fetch_one()
        .await
    }
}
