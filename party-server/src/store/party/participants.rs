//! Party participants: who is in a party, their readiness, progress
//! counters, connection and bot schedule.

use party_protocol::PlayerId;
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::{Tx, exec_on, on_conn};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ParticipantRow {
    pub participant_id: Uuid,
    pub session_id: Uuid,
    pub player_id: Uuid,
    pub username: String,
    pub status: String,
    pub is_host: bool,
    pub is_bot: bool,
    pub active: bool,
    pub connection_status: String,
    pub prompts_submitted: i32,
    pub copies_submitted: i32,
    pub votes_submitted: i32,
    pub copies_required: i32,
    pub votes_required: i32,
    pub joined_at: i64,
    pub ready_at: Option<i64>,
    pub left_at: Option<i64>,
    pub bot_next_action_at: Option<i64>,
}

impl ParticipantRow {
    pub fn player(&self) -> PlayerId {
        PlayerId::from_uuid(self.player_id)
    }

    pub fn has_left(&self) -> bool {
        self.status == "LEFT"
    }
}

const PARTICIPANT_COLUMNS: &str = "pp.participant_id, pp.session_id, pp.player_id, p.username, pp.status, \
    pp.is_host, pp.is_bot, pp.active, pp.connection_status, pp.prompts_submitted, pp.copies_submitted, \
    pp.votes_submitted, pp.copies_required, pp.votes_required, pp.joined_at, pp.ready_at, pp.left_at, \
    pp.bot_next_action_at";

impl Tx {
    pub async fn insert_participant(
        &mut self,
        session: Uuid,
        player: PlayerId,
        is_host: bool,
        is_bot: bool,
        ready: bool,
        now: Millis,
    ) -> Result<Uuid> {
        let id = Uuid::new_v4();
        exec_on!(self, conn => sqlx::query(
            // The session row is locked (or the one SQLite writer holds
            // the file), so no two joins of a party read the same maximum.
            "INSERT INTO party_participants (participant_id, session_id, player_id, status, is_host, is_bot, \
             active, connection_status, joined_at, ready_at, last_activity_at, join_seq) \
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8, $9, $8, \
             (SELECT COALESCE(MAX(j.join_seq), 0) + 1 FROM party_participants j WHERE j.session_id = $2))")
            .bind(id)
            .bind(session)
            .bind(player.as_uuid())
            .bind(if ready { "READY" } else { "JOINED" })
            .bind(is_host)
            .bind(is_bot)
            // Bots live in the server: always connected.
            .bind(if is_bot { "CONNECTED" } else { "DISCONNECTED" })
            .bind(now.0)
            .bind(ready.then_some(now.0))
            .execute(conn)
            .await)?;
        Ok(id)
    }

    /// Participants of a session in joining order (including those who left after the start).
    pub async fn participants(&mut self, session: Uuid) -> Result<Vec<ParticipantRow>> {
        let sql = format!(
            "SELECT {PARTICIPANT_COLUMNS} FROM party_participants pp JOIN players p ON p.player_id = pp.player_id \
             WHERE pp.session_id = $1 ORDER BY pp.join_seq, pp.joined_at, pp.participant_id"
        );
        Ok(
            on_conn!(self, conn => sqlx::query_as::<_, ParticipantRow>(&sql).bind(session).fetch_all(conn).await)?,
        )
    }

    pub async fn participant(
        &mut self,
        session: Uuid,
        player: PlayerId,
    ) -> Result<Option<ParticipantRow>> {
        let sql = format!(
            "SELECT {PARTICIPANT_COLUMNS} FROM party_participants pp JOIN players p ON p.player_id = pp.player_id \
             WHERE pp.session_id = $1 AND pp.player_id = $2"
        );
        Ok(
            on_conn!(self, conn => sqlx::query_as::<_, ParticipantRow>(&sql)
            .bind(session)
            .bind(player.as_uuid())
            .fetch_optional(conn)
            .await)?,
        )
    }

    pub async fn set_ready(
        &mut self,
        session: Uuid,
        player: PlayerId,
        ready: bool,
        now: Millis,
    ) -> Result<()> {
        exec_on!(self, conn => sqlx::query(
            "UPDATE party_participants SET status = $3, ready_at = $4, last_activity_at = $5 \
             WHERE session_id = $1 AND player_id = $2")
            .bind(session)
            .bind(player.as_uuid())
            .bind(if ready { "READY" } else { "JOINED" })
            .bind(ready.then_some(now.0))
            .bind(now.0)
            .execute(conn)
            .await)?;
        Ok(())
    }

    /// Removes a participant from a lobby.
    pub async fn delete_participant(&mut self, session: Uuid, player: PlayerId) -> Result<bool> {
        let done = exec_on!(self, conn => sqlx::query(
            "DELETE FROM party_participants WHERE session_id = $1 AND player_id = $2")
            .bind(session)
            .bind(player.as_uuid())
            .execute(conn)
            .await)?;
        Ok(done == 1)
    }

    /// Marks a participant as gone after the start (remaining tasks forfeited).
    pub async fn mark_left(
        &mut self,
        session: Uuid,
        player: PlayerId,
        now: Millis,
    ) -> Result<bool> {
        let done = exec_on!(self, conn => sqlx::query(
            "UPDATE party_participants SET status = 'LEFT', active = FALSE, left_at = $3, bot_next_action_at = NULL \
             WHERE session_id = $1 AND player_id = $2 AND status <> 'LEFT'")
            .bind(session)
            .bind(player.as_uuid())
            .bind(now.0)
            .execute(conn)
            .await)?;
        Ok(done == 1)
    }

    /// Sets every participant who has not left to `status` (ACTIVE at the
    /// start, COMPLETED at the end), and whether the party still holds them.
    pub async fn set_participants_status(
        &mut self,
        session: Uuid,
        status: &str,
        active: bool,
    ) -> Result<()> {
        exec_on!(self, conn => sqlx::query(
            "UPDATE party_participants SET status = $2, active = $3 WHERE session_id = $1 AND status <> 'LEFT'")
            .bind(session)
            .bind(status)
            .bind(active)
            .execute(conn)
            .await)?;
        Ok(())
    }

    /// Counts a submission on the participant.
    pub async fn count_submission(
        &mut self,
        session: Uuid,
        player: PlayerId,
        column: SubmissionKind,
        now: Millis,
    ) -> Result<()> {
        let column = match column {
            SubmissionKind::Prompt => "prompts_submitted",
            SubmissionKind::Copy => "copies_submitted",
            SubmissionKind::Vote => "votes_submitted",
        };
        let sql = format!(
            "UPDATE party_participants SET {column} = {column} + 1, last_activity_at = $3 \
             WHERE session_id = $1 AND player_id = $2"
        );
        exec_on!(self, conn => sqlx::query(&sql)
            .bind(session)
            .bind(player.as_uuid())
            .bind(now.0)
            .execute(conn)
            .await)?;
        Ok(())
    }

    pub async fn set_connection(
        &mut self,
        session: Uuid,
        player: PlayerId,
        connected: bool,
    ) -> Result<bool> {
        let done = exec_on!(self, conn => sqlx::query(
            "UPDATE party_participants SET connection_status = $3 WHERE session_id = $1 AND player_id = $2 \
             AND connection_status <> $3")
            .bind(session)
            .bind(player.as_uuid())
            .bind(if connected { "CONNECTED" } else { "DISCONNECTED" })
            .execute(conn)
            .await)?;
        Ok(done == 1)
    }

    /// Schedules every active bot of a session to act at `at` (or never).
    pub async fn schedule_bots(&mut self, session: Uuid, at: Option<Millis>) -> Result<()> {
        exec_on!(self, conn => sqlx::query(
            "UPDATE party_participants SET bot_next_action_at = $2 WHERE session_id = $1 AND is_bot AND active")
            .bind(session)
            .bind(at.map(|m| m.0))
            .execute(conn)
            .await)?;
        Ok(())
    }

    /// Sessions with a bot due to act.
    pub async fn sessions_with_due_bots(&mut self, now: Millis, limit: i64) -> Result<Vec<Uuid>> {
        Ok(on_conn!(self, conn => sqlx::query_scalar(
            "SELECT DISTINCT session_id FROM party_participants WHERE is_bot AND active \
             AND bot_next_action_at <= $1 LIMIT $2")
            .bind(now.0)
            .bind(limit)
            .fetch_all(conn)
            .await)?)
    }
}

/// Which counter a submission bumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionKind {
    Prompt,
    Copy,
    Vote,
}
