//! Party participants: who is in a party, their readiness, progress
//! counters, connection and bot schedule.

use party_protocol::PlayerId;
use party_protocol::party::{ConnectionStatus, ParticipantStatus};
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::{DbRow, FromRow, Tx, enum_column};

#[derive(Debug, Clone)]
pub struct ParticipantRow {
    pub participant_id: Uuid,
    pub session_id: Uuid,
    pub player_id: Uuid,
    pub username: String,
    pub status: ParticipantStatus,
    pub is_host: bool,
    pub is_bot: bool,
    pub active: bool,
    pub connection_status: ConnectionStatus,
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

impl FromRow for ParticipantRow {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(ParticipantRow {
            participant_id: row.try_get("participant_id")?,
            session_id: row.try_get("session_id")?,
            player_id: row.try_get("player_id")?,
            username: row.try_get("username")?,
            status: enum_column(
                row,
                "party_participants",
                "status",
                ParticipantStatus::parse,
            )?,
            is_host: row.try_get("is_host")?,
            is_bot: row.try_get("is_bot")?,
            active: row.try_get("active")?,
            connection_status: enum_column(
                row,
                "party_participants",
                "connection_status",
                parse_connection,
            )?,
            prompts_submitted: row.try_get("prompts_submitted")?,
            copies_submitted: row.try_get("copies_submitted")?,
            votes_submitted: row.try_get("votes_submitted")?,
            copies_required: row.try_get("copies_required")?,
            votes_required: row.try_get("votes_required")?,
            joined_at: row.try_get("joined_at")?,
            ready_at: row.try_get("ready_at")?,
            left_at: row.try_get("left_at")?,
            bot_next_action_at: row.try_get("bot_next_action_at")?,
        })
    }
}

impl ParticipantRow {
    pub fn player(&self) -> PlayerId {
        PlayerId::from_uuid(self.player_id)
    }

    pub fn has_left(&self) -> bool {
        self.status == ParticipantStatus::Left
    }
}

/// How `party_participants.connection_status` spells a connection status
/// (the protocol type has no text form of its own).
const fn connection_text(status: ConnectionStatus) -> &'static str {
    match status {
        ConnectionStatus::Connected => "CONNECTED",
        ConnectionStatus::Disconnected => "DISCONNECTED",
    }
}

fn parse_connection(text: &str) -> Option<ConnectionStatus> {
    [ConnectionStatus::Connected, ConnectionStatus::Disconnected]
        .into_iter()
        .find(|c| connection_text(*c) == text)
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
        self.query(
            // The session row is locked (or the one SQLite writer holds
            // the file), so no two joins of a party read the same maximum.
            "INSERT INTO party_participants (participant_id, session_id, player_id, status, is_host, is_bot, \
             active, connection_status, joined_at, ready_at, last_activity_at, join_seq) \
             VALUES ($1, $2, $3, $4, $5, $6, TRUE, $7, $8, $9, $8, \
             (SELECT COALESCE(MAX(j.join_seq), 0) + 1 FROM party_participants j WHERE j.session_id = $2))")
            .bind(id)
            .bind(session)
            .bind(player.as_uuid())
            .bind(if ready { ParticipantStatus::Ready } else { ParticipantStatus::Joined }.as_str())
            .bind(is_host)
            .bind(is_bot)
            // Bots live in the server: always connected.
            .bind(connection_text(if is_bot {
                ConnectionStatus::Connected
            } else {
                ConnectionStatus::Disconnected
            }))
            .bind(now.0)
            .bind(ready.then_some(now.0))
            .execute()
            .await?;
        Ok(id)
    }

    /// Participants of a session in joining order (including those who left after the start).
    pub async fn participants(&mut self, session: Uuid) -> Result<Vec<ParticipantRow>> {
        let sql = format!(
            "SELECT {PARTICIPANT_COLUMNS} FROM party_participants pp JOIN players p ON p.player_id = pp.player_id \
             WHERE pp.session_id = $1 ORDER BY pp.join_seq, pp.joined_at, pp.participant_id"
        );
        self.query(&sql)
            .bind(session)
            .fetch_all::<ParticipantRow>()
            .await
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
        self.query(&sql)
            .bind(session)
            .bind(player.as_uuid())
            .fetch_optional::<ParticipantRow>()
            .await
    }

    pub async fn set_ready(
        &mut self,
        session: Uuid,
        player: PlayerId,
        ready: bool,
        now: Millis,
    ) -> Result<()> {
        self.query(
            "UPDATE party_participants SET status = $3, ready_at = $4, last_activity_at = $5 \
             WHERE session_id = $1 AND player_id = $2",
        )
        .bind(session)
        .bind(player.as_uuid())
        .bind(
            if ready {
                ParticipantStatus::Ready
            } else {
                ParticipantStatus::Joined
            }
            .as_str(),
        )
        .bind(ready.then_some(now.0))
        .bind(now.0)
        .execute()
        .await?;
        Ok(())
    }

    /// Removes a participant from a lobby.
    pub async fn delete_participant(&mut self, session: Uuid, player: PlayerId) -> Result<bool> {
        let done = self
            .query("DELETE FROM party_participants WHERE session_id = $1 AND player_id = $2")
            .bind(session)
            .bind(player.as_uuid())
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Marks a participant as gone after the start (remaining tasks forfeited).
    pub async fn mark_left(
        &mut self,
        session: Uuid,
        player: PlayerId,
        now: Millis,
    ) -> Result<bool> {
        let done = self.query(
            "UPDATE party_participants SET status = 'LEFT', active = FALSE, left_at = $3, bot_next_action_at = NULL \
             WHERE session_id = $1 AND player_id = $2 AND status <> 'LEFT'")
            .bind(session)
            .bind(player.as_uuid())
            .bind(now.0)
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Brings a participant who left a running party back in. The
    /// one-active-party index refuses it when they are in another party.
    pub async fn rejoin_participant(
        &mut self,
        session: Uuid,
        player: PlayerId,
        now: Millis,
    ) -> Result<bool> {
        let done = self
            .query(
                "UPDATE party_participants SET status = 'ACTIVE', active = TRUE, left_at = NULL, \
             last_activity_at = $3 WHERE session_id = $1 AND player_id = $2 AND status = 'LEFT'",
            )
            .bind(session)
            .bind(player.as_uuid())
            .bind(now.0)
            .execute()
            .await?;
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
        self.query(
            "UPDATE party_participants SET status = $2, active = $3 WHERE session_id = $1 AND status <> 'LEFT'")
            .bind(session)
            .bind(status)
            .bind(active)
            .execute()
            .await?;
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
        self.query(&sql)
            .bind(session)
            .bind(player.as_uuid())
            .bind(now.0)
            .execute()
            .await?;
        Ok(())
    }

    pub async fn set_connection(
        &mut self,
        session: Uuid,
        player: PlayerId,
        connected: bool,
    ) -> Result<bool> {
        let done = self.query(
            "UPDATE party_participants SET connection_status = $3 WHERE session_id = $1 AND player_id = $2 \
             AND connection_status <> $3")
            .bind(session)
            .bind(player.as_uuid())
            .bind(connection_text(if connected {
                ConnectionStatus::Connected
            } else {
                ConnectionStatus::Disconnected
            }))
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Schedules every active bot of a session to act at `at` (or never).
    pub async fn schedule_bots(&mut self, session: Uuid, at: Option<Millis>) -> Result<()> {
        self.query(
            "UPDATE party_participants SET bot_next_action_at = $2 WHERE session_id = $1 AND is_bot AND active")
            .bind(session)
            .bind(at.map(|m| m.0))
            .execute()
            .await?;
        Ok(())
    }

    /// Sessions with a bot due to act.
    pub async fn sessions_with_due_bots(&mut self, now: Millis, limit: i64) -> Result<Vec<Uuid>> {
        self.query(
            "SELECT DISTINCT session_id FROM party_participants WHERE is_bot AND active \
             AND bot_next_action_at <= $1 LIMIT $2",
        )
        .bind(now.0)
        .bind(limit)
        .fetch_all()
        .await
    }
}

/// Which counter a submission bumps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmissionKind {
    Prompt,
    Copy,
    Vote,
}
