//! Party Mode tables: sessions, participants, party rounds and phrasesets,
//! assignments, the event log and the creation log.

use party_protocol::party::{PartyPhase, SessionStatus};
use party_protocol::{PhrasesetId, PlayerId, RoundId};
use uuid::Uuid;

use super::{PhrasesetRow, Tx, exec_on, on_conn};
use crate::clock::Millis;
use crate::error::Result;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct SessionRow {
    pub session_id: Uuid,
    pub party_code: String,
    pub host_player_id: Uuid,
    pub min_players: i32,
    pub max_players: i32,
    pub prompts_per_player: i32,
    pub copies_per_player: i32,
    pub votes_per_player: i32,
    pub phase_seconds: Option<i64>,
    pub current_phase: String,
    pub phase_started_at: Option<i64>,
    pub phase_expires_at: Option<i64>,
    pub status: String,
    pub participant_count: i32,
    pub locked_at: Option<i64>,
    pub created_at: i64,
    pub started_at: Option<i64>,
    pub completed_at: Option<i64>,
    pub last_activity_at: i64,
    pub version: i64,
    pub event_seq: i64,
    pub next_session_id: Option<Uuid>,
    pub standin_player_id: Option<Uuid>,
}

impl SessionRow {
    pub fn phase(&self) -> PartyPhase {
        PartyPhase::parse(&self.current_phase).unwrap_or(PartyPhase::Completed)
    }

    pub fn state(&self) -> SessionStatus {
        SessionStatus::parse(&self.status).unwrap_or(SessionStatus::Abandoned)
    }

    pub fn host(&self) -> PlayerId {
        PlayerId::from_uuid(self.host_player_id)
    }
}

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

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct AssignmentRow {
    pub assignment_id: Uuid,
    pub player_id: Uuid,
    pub kind: String,
    pub target_id: Uuid,
    pub position: i32,
    pub round_id: Option<Uuid>,
    pub status: String,
}

/// What the ledger says a player spent and earned in a session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct MoneyRow {
    pub player_id: Uuid,
    pub spent: i64,
    pub earned: i64,
}

/// A player's votes in a session.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct VoteStatsRow {
    pub player_id: Uuid,
    pub votes: i64,
    pub correct: i64,
}

const SESSION_COLUMNS: &str = "session_id, party_code, host_player_id, min_players, max_players, \
    prompts_per_player, copies_per_player, votes_per_player, phase_seconds, current_phase, phase_started_at, \
    phase_expires_at, status, participant_count, locked_at, created_at, started_at, completed_at, last_activity_at, \
    version, event_seq, next_session_id, standin_player_id";

const PARTICIPANT_COLUMNS: &str = "pp.participant_id, pp.session_id, pp.player_id, p.username, pp.status, \
    pp.is_host, pp.is_bot, pp.active, pp.connection_status, pp.prompts_submitted, pp.copies_submitted, \
    pp.votes_submitted, pp.copies_required, pp.votes_required, pp.joined_at, pp.ready_at, pp.left_at, \
    pp.bot_next_action_at";

/// A session to insert.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub session_id: Uuid,
    pub party_code: String,
    pub host: PlayerId,
    pub min_players: i64,
    pub max_players: i64,
    pub prompts_per_player: i64,
    pub copies_per_player: i64,
    pub votes_per_player: i64,
    pub phase_seconds: Option<i64>,
}

impl Tx {
    /// Inserts a lobby; `false` when its party code is already taken.
    ///
    /// The unique constraint is the arbiter, not a look-up before the
    /// insert: two creations drawing the same code at the same instant
    /// cannot both pass, and the loser draws again instead of failing.
    pub async fn insert_session(&mut self, s: &NewSession, now: Millis) -> Result<bool> {
        let done = exec_on!(self, conn => sqlx::query(
            "INSERT INTO party_sessions (session_id, party_code, host_player_id, min_players, max_players, \
             prompts_per_player, copies_per_player, votes_per_player, phase_seconds, current_phase, status, \
             participant_count, created_at, last_activity_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'LOBBY', 'OPEN', 0, $10, $10) \
             ON CONFLICT (party_code) DO NOTHING")
            .bind(s.session_id)
            .bind(&s.party_code)
            .bind(s.host.as_uuid())
            .bind(s.min_players as i32)
            .bind(s.max_players as i32)
            .bind(s.prompts_per_player as i32)
            .bind(s.copies_per_player as i32)
            .bind(s.votes_per_player as i32)
            .bind(s.phase_seconds)
            .bind(now.0)
            .execute(conn)
            .await)?;
        Ok(done == 1)
    }

    pub async fn session(&mut self, id: Uuid) -> Result<Option<SessionRow>> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM party_sessions WHERE session_id = $1");
        Ok(
            on_conn!(self, conn => sqlx::query_as::<_, SessionRow>(&sql).bind(id).fetch_optional(conn).await)?,
        )
    }

    /// Loads a session and, on PostgreSQL, locks it until the transaction
    /// ends: every change to a party runs one at a time, which keeps its
    /// event sequence gapless and its phase transitions single.
    pub async fn session_for_update(&mut self, id: Uuid) -> Result<Option<SessionRow>> {
        let lock = if self.backend() == super::Backend::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let sql =
            format!("SELECT {SESSION_COLUMNS} FROM party_sessions WHERE session_id = $1{lock}");
        Ok(
            on_conn!(self, conn => sqlx::query_as::<_, SessionRow>(&sql).bind(id).fetch_optional(conn).await)?,
        )
    }

    pub async fn session_by_code(&mut self, code: &str) -> Result<Option<SessionRow>> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM party_sessions WHERE party_code = $1");
        Ok(
            on_conn!(self, conn => sqlx::query_as::<_, SessionRow>(&sql).bind(code).fetch_optional(conn).await)?,
        )
    }

    /// The open or running party this player is in.
    pub async fn active_session_of(&mut self, player: PlayerId) -> Result<Option<SessionRow>> {
        let sql = format!(
            "SELECT {} FROM party_sessions s JOIN party_participants pp ON pp.session_id = s.session_id \
             WHERE pp.player_id = $1 AND pp.active",
            SESSION_COLUMNS
                .split(", ")
                .map(|c| format!("s.{c}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(on_conn!(self, conn => sqlx::query_as::<_, SessionRow>(&sql)
            .bind(player.as_uuid())
            .fetch_optional(conn)
            .await)?)
    }

    /// Changes the participant count of an open session by `delta`; false
    /// when the session is not open or the change would pass `max_players`.
    pub async fn change_participant_count(
        &mut self,
        id: Uuid,
        delta: i32,
        now: Millis,
    ) -> Result<bool> {
        let done = exec_on!(self, conn => sqlx::query(
            "UPDATE party_sessions SET participant_count = participant_count + $2, version = version + 1, \
             last_activity_at = $3 WHERE session_id = $1 AND status = 'OPEN' \
             AND participant_count + $2 <= max_players AND participant_count + $2 >= 0")
            .bind(id)
            .bind(delta)
            .bind(now.0)
            .execute(conn)
            .await)?;
        Ok(done == 1)
    }

    /// Moves a session from `from` to `to` (compare-and-set on the phase):
    /// exactly one of two racing callers gets true.
    pub async fn move_phase(
        &mut self,
        id: Uuid,
        from: PartyPhase,
        to: PartyPhase,
        now: Millis,
        expires_at: Option<Millis>,
    ) -> Result<bool> {
        let (status, completed) = match to {
            PartyPhase::Results | PartyPhase::Completed => ("COMPLETED", Some(now.0)),
            _ => ("IN_PROGRESS", None),
        };
        let done = exec_on!(self, conn => sqlx::query(
            "UPDATE party_sessions SET current_phase = $3, status = $4, phase_started_at = $5, \
             phase_expires_at = $6, version = version + 1, last_activity_at = $5, \
             locked_at = COALESCE(locked_at, $5), started_at = COALESCE(started_at, $5), \
             completed_at = COALESCE($7, completed_at) \
             WHERE session_id = $1 AND current_phase = $2")
            .bind(id)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(status)
            .bind(now.0)
            .bind(expires_at.map(|m| m.0))
            .bind(completed)
            .execute(conn)
            .await)?;
        Ok(done == 1)
    }

    /// Ends a session as ABANDONED (compare-and-set on its status).
    pub async fn abandon_session(&mut self, id: Uuid, now: Millis) -> Result<bool> {
        let done = exec_on!(self, conn => sqlx::query(
            "UPDATE party_sessions SET status = 'ABANDONED', completed_at = $2, phase_expires_at = NULL, \
             version = version + 1 WHERE session_id = $1 AND status IN ('OPEN', 'IN_PROGRESS')")
            .bind(id)
            .bind(now.0)
            .execute(conn)
            .await)?;
        Ok(done == 1)
    }

    pub async fn set_host(&mut self, id: Uuid, host: PlayerId) -> Result<()> {
        exec_on!(self, conn => sqlx::query(
            "UPDATE party_sessions SET host_player_id = $2, version = version + 1 WHERE session_id = $1")
            .bind(id)
            .bind(host.as_uuid())
            .execute(&mut *conn)
            .await)?;
        exec_on!(self, conn => sqlx::query(
            "UPDATE party_participants SET is_host = (player_id = $2) WHERE session_id = $1")
            .bind(id)
            .bind(host.as_uuid())
            .execute(conn)
            .await)?;
        Ok(())
    }

    pub async fn touch_session(&mut self, id: Uuid, now: Millis) -> Result<()> {
        exec_on!(self, conn => sqlx::query(
            "UPDATE party_sessions SET last_activity_at = $2, version = version + 1 WHERE session_id = $1")
            .bind(id)
            .bind(now.0)
            .execute(conn)
            .await)?;
        Ok(())
    }

    pub async fn set_next_session(&mut self, id: Uuid, next: Uuid) -> Result<()> {
        exec_on!(self, conn => sqlx::query("UPDATE party_sessions SET next_session_id = $2 WHERE session_id = $1")
            .bind(id)
            .bind(next)
            .execute(conn)
            .await)?;
        Ok(())
    }

    pub async fn set_standin(&mut self, id: Uuid, player: PlayerId) -> Result<()> {
        exec_on!(self, conn => sqlx::query("UPDATE party_sessions SET standin_player_id = $2 WHERE session_id = $1")
            .bind(id)
            .bind(player.as_uuid())
            .execute(conn)
            .await)?;
        Ok(())
    }

    /// Running sessions whose phase deadline has passed.
    pub async fn sessions_past_deadline(&mut self, now: Millis, limit: i64) -> Result<Vec<Uuid>> {
        Ok(on_conn!(self, conn => sqlx::query_scalar(
            "SELECT session_id FROM party_sessions WHERE status = 'IN_PROGRESS' AND phase_expires_at <= $1 \
             ORDER BY phase_expires_at LIMIT $2")
            .bind(now.0)
            .bind(limit)
            .fetch_all(conn)
            .await)?)
    }

    /// Open or running sessions without activity since `before`.
    pub async fn idle_sessions(&mut self, before: Millis, limit: i64) -> Result<Vec<Uuid>> {
        Ok(on_conn!(self, conn => sqlx::query_scalar(
            "SELECT session_id FROM party_sessions WHERE status IN ('OPEN', 'IN_PROGRESS') \
             AND last_activity_at < $1 ORDER BY last_activity_at LIMIT $2")
            .bind(before.0)
            .bind(limit)
            .fetch_all(conn)
            .await)?)
    }

    /// Open (lobby) sessions created before `before`.
    pub async fn stale_open_sessions(&mut self, before: Millis, limit: i64) -> Result<Vec<Uuid>> {
        Ok(on_conn!(self, conn => sqlx::query_scalar(
            "SELECT session_id FROM party_sessions WHERE status = 'OPEN' AND created_at < $1 LIMIT $2")
            .bind(before.0)
            .bind(limit)
            .fetch_all(conn)
            .await)?)
    }

    /// Removes a lobby that never started (its rows cascade).
    pub async fn delete_open_session(&mut self, id: Uuid) -> Result<bool> {
        let done = exec_on!(self, conn => sqlx::query(
            "DELETE FROM party_sessions WHERE session_id = $1 AND status = 'OPEN'")
            .bind(id)
            .execute(conn)
            .await)?;
        Ok(done == 1)
    }

    pub async fn record_party_creation(&mut self, player: PlayerId, now: Millis) -> Result<()> {
        exec_on!(self, conn => sqlx::query("INSERT INTO party_creations (player_id, created_at) VALUES ($1, $2)")
            .bind(player.as_uuid())
            .bind(now.0)
            .execute(conn)
            .await)?;
        Ok(())
    }

    /// Times of this player's party creations since `since`, oldest first.
    pub async fn party_creations_since(
        &mut self,
        player: PlayerId,
        since: Millis,
    ) -> Result<Vec<i64>> {
        Ok(on_conn!(self, conn => sqlx::query_scalar(
            "SELECT created_at FROM party_creations WHERE player_id = $1 AND created_at > $2 ORDER BY created_at")
            .bind(player.as_uuid())
            .bind(since.0)
            .fetch_all(conn)
            .await)?)
    }

    // ---- participants ----

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

    // ---- party rounds and phrasesets ----

    pub async fn insert_party_round(
        &mut self,
        session: Uuid,
        round: RoundId,
        participant: Option<Uuid>,
        round_type: &str,
        phase: PartyPhase,
        now: Millis,
    ) -> Result<Uuid> {
        let id = Uuid::new_v4();
        exec_on!(self, conn => sqlx::query(
            "INSERT INTO party_rounds (party_round_id, session_id, round_id, participant_id, round_type, phase, \
             created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(session)
            .bind(round.as_uuid())
            .bind(participant)
            .bind(round_type)
            .bind(phase.as_str())
            .bind(now.0)
            .execute(conn)
            .await)?;
        Ok(id)
    }

    pub async fn insert_party_phraseset(
        &mut self,
        session: Uuid,
        phraseset: PhrasesetId,
        now: Millis,
    ) -> Result<()> {
        exec_on!(self, conn => sqlx::query(
            "INSERT INTO party_phrasesets (party_phraseset_id, session_id, phraseset_id, created_in_phase, \
             available_for_voting, created_at) VALUES ($1, $2, $3, 'COPY', FALSE, $4)")
            .bind(Uuid::new_v4())
            .bind(session)
            .bind(phraseset.as_uuid())
            .bind(now.0)
            .execute(conn)
            .await)?;
        Ok(())
    }

    pub async fn open_party_phrasesets_for_voting(&mut self, session: Uuid) -> Result<()> {
        exec_on!(self, conn => sqlx::query(
            "UPDATE party_phrasesets SET available_for_voting = TRUE WHERE session_id = $1")
            .bind(session)
            .execute(conn)
            .await)?;
        Ok(())
    }

    /// The party's phrasesets, oldest first.
    pub async fn party_phrasesets(&mut self, session: Uuid) -> Result<Vec<PhrasesetRow>> {
        let sql = format!(
            "SELECT {} FROM phrasesets WHERE party_session_id = $1 ORDER BY created_at, phraseset_id",
            super::phrasesets::PHRASESET_COLUMNS
        );
        Ok(
            on_conn!(self, conn => sqlx::query_as::<_, PhrasesetRow>(&sql).bind(session).fetch_all(conn).await)?,
        )
    }

    /// The party's submitted prompt rounds, in submission order: (round, author, phrase, prompt text).
    pub async fn party_prompts(&mut self, session: Uuid) -> Result<Vec<super::RoundRow>> {
        let sql = format!(
            "SELECT {} FROM rounds WHERE party_session_id = $1 AND round_type = 'prompt' AND status = 'submitted' \
             ORDER BY queued_at, round_id",
            super::rounds::ROUND_COLUMNS
        );
        Ok(
            on_conn!(self, conn => sqlx::query_as::<_, super::RoundRow>(&sql).bind(session).fetch_all(conn).await)?,
        )
    }

    /// Active rounds of a party (to expire at a deadline).
    pub async fn active_party_rounds(&mut self, session: Uuid) -> Result<Vec<RoundId>> {
        let ids: Vec<Uuid> = on_conn!(self, conn => sqlx::query_scalar(
            "SELECT round_id FROM rounds WHERE party_session_id = $1 AND status = 'active'")
            .bind(session)
            .fetch_all(conn)
            .await)?;
        Ok(ids.into_iter().map(RoundId::from_uuid).collect())
    }

    // ---- assignments ----

    /// Hands out a phase's work in one statement: `(player, target,
    /// position)` rows of `kind`, all pending.
    pub async fn insert_assignments(
        &mut self,
        session: Uuid,
        kind: &str,
        rows: &[(PlayerId, Uuid, i64)],
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        exec_on!(self, conn => {
            let mut insert = sqlx::QueryBuilder::new(
                "INSERT INTO party_assignments (assignment_id, session_id, player_id, kind, target_id, position, status) ");
            insert.push_values(rows, |mut row, (player, target, position)| {
                row.push_bind(Uuid::new_v4())
                    .push_bind(session)
                    .push_bind(player.as_uuid())
                    .push_bind(kind)
                    .push_bind(*target)
                    .push_bind(*position as i32)
                    .push("'pending'");
            });
            insert.build().execute(conn).await
        })?;
        Ok(())
    }

    /// Sets every playing participant's copy and vote quotas to the number
    /// of assignments of each kind they were handed, in one statement.
    pub async fn set_required_from_assignments(&mut self, session: Uuid) -> Result<()> {
        exec_on!(self, conn => sqlx::query(
            "UPDATE party_participants SET \
               copies_required = (SELECT COUNT(*) FROM party_assignments a WHERE a.session_id = $1 \
                 AND a.player_id = party_participants.player_id AND a.kind = 'copy'), \
               votes_required = (SELECT COUNT(*) FROM party_assignments a WHERE a.session_id = $1 \
                 AND a.player_id = party_participants.player_id AND a.kind = 'vote') \
             WHERE session_id = $1 AND status <> 'LEFT'")
            .bind(session)
            .execute(conn)
            .await)?;
        Ok(())
    }

    /// The player's next pending assignment of `kind`.
    pub async fn next_assignment(
        &mut self,
        session: Uuid,
        player: PlayerId,
        kind: &str,
    ) -> Result<Option<AssignmentRow>> {
        Ok(on_conn!(self, conn => sqlx::query_as::<_, AssignmentRow>(
            "SELECT assignment_id, player_id, kind, target_id, position, round_id, status FROM party_assignments \
             WHERE session_id = $1 AND player_id = $2 AND kind = $3 AND status = 'pending' \
             ORDER BY position LIMIT 1")
            .bind(session)
            .bind(player.as_uuid())
            .bind(kind)
            .fetch_optional(conn)
            .await)?)
    }

    pub async fn assignments(&mut self, session: Uuid, kind: &str) -> Result<Vec<AssignmentRow>> {
        Ok(on_conn!(self, conn => sqlx::query_as::<_, AssignmentRow>(
            "SELECT assignment_id, player_id, kind, target_id, position, round_id, status FROM party_assignments \
             WHERE session_id = $1 AND kind = $2 ORDER BY player_id, position")
            .bind(session)
            .bind(kind)
            .fetch_all(conn)
            .await)?)
    }

    /// Marks a pending assignment started by `round` (compare-and-set).
    pub async fn start_assignment(&mut self, assignment: Uuid, round: RoundId) -> Result<bool> {
        let done = exec_on!(self, conn => sqlx::query(
            "UPDATE party_assignments SET status = 'started', round_id = $2 \
             WHERE assignment_id = $1 AND status = 'pending'")
            .bind(assignment)
            .bind(round.as_uuid())
            .execute(conn)
            .await)?;
        Ok(done == 1)
    }

    /// The round's assignment is done (submitted) or back to pending (the
    /// round ended without a submission, so the work can be tried again).
    pub async fn finish_assignment(&mut self, round: RoundId, submitted: bool) -> Result<()> {
        let sql = if submitted {
            "UPDATE party_assignments SET status = 'done' WHERE round_id = $1 AND status = 'started'"
        } else {
            "UPDATE party_assignments SET status = 'pending', round_id = NULL WHERE round_id = $1 AND status = 'started'"
        };
        exec_on!(self, conn => sqlx::query(sql).bind(round.as_uuid()).execute(conn).await)?;
        Ok(())
    }

    /// Forfeits every open assignment of a session (at a phase's end) or of one player (leaving).
    pub async fn forfeit_assignments(
        &mut self,
        session: Uuid,
        player: Option<PlayerId>,
    ) -> Result<()> {
        exec_on!(self, conn => sqlx::query(
            "UPDATE party_assignments SET status = 'forfeited' WHERE session_id = $1 \
             AND ($2 IS NULL OR player_id = $2) AND status IN ('pending', 'started')")
            .bind(session)
            .bind(player.map(|p| p.as_uuid()))
            .execute(conn)
            .await)?;
        Ok(())
    }

    // ---- events ----

    /// Appends an event: takes the session's next sequence number and
    /// stores the payload built for it, in the caller's transaction. With
    /// `activity`, the same statement also marks the session active (what
    /// [`Tx::touch_session`] does), saving a statement on the busiest paths.
    pub async fn append_event(
        &mut self,
        session: Uuid,
        kind: &str,
        payload: impl FnOnce(i64) -> String,
        now: Millis,
        activity: bool,
    ) -> Result<i64> {
        let seq: i64 = on_conn!(self, conn => if activity {
            sqlx::query_scalar(
                "UPDATE party_sessions SET event_seq = event_seq + 1, last_activity_at = $2, \
                 version = version + 1 WHERE session_id = $1 RETURNING event_seq")
                .bind(session)
                .bind(now.0)
                .fetch_one(conn)
                .await
        } else {
            sqlx::query_scalar(
                "UPDATE party_sessions SET event_seq = event_seq + 1 WHERE session_id = $1 RETURNING event_seq")
                .bind(session)
                .fetch_one(conn)
                .await
        })?;
        let body = payload(seq);
        self.touch_party(session);
        exec_on!(self, conn => sqlx::query(
            "INSERT INTO party_events (session_id, seq, event_type, payload, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(session)
            .bind(seq)
            .bind(kind)
            .bind(body)
            .bind(now.0)
            .execute(conn)
            .await)?;
        Ok(seq)
    }

    /// Events after `since`, in order: (seq, payload).
    pub async fn events_since(
        &mut self,
        session: Uuid,
        since: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String)>> {
        Ok(on_conn!(self, conn => sqlx::query_as(
            "SELECT seq, payload FROM party_events WHERE session_id = $1 AND seq > $2 ORDER BY seq LIMIT $3")
            .bind(session)
            .bind(since)
            .bind(limit)
            .fetch_all(conn)
            .await)?)
    }

    // ---- results ----

    /// Entry fees spent and payouts, prizes and refunds earned per player
    /// for everything played in the session.
    pub async fn session_money(&mut self, session: Uuid) -> Result<Vec<MoneyRow>> {
        Ok(on_conn!(self, conn => sqlx::query_as::<_, MoneyRow>(
            "SELECT l.player_id, \
               CAST(COALESCE(SUM(CASE WHEN l.kind IN ('prompt_entry', 'copy_entry', 'vote_entry') THEN l.amount ELSE 0 END), 0) AS BIGINT) AS spent, \
               CAST(COALESCE(SUM(CASE WHEN l.kind IN ('refund', 'vote_payout', 'prize_payout', 'vault_rake') THEN l.amount ELSE 0 END), 0) AS BIGINT) AS earned \
             FROM ledger l WHERE l.player_id IS NOT NULL AND ( \
               l.reference_id IN (SELECT round_id FROM rounds WHERE party_session_id = $1) \
               OR l.reference_id IN (SELECT v.vote_id FROM votes v JOIN rounds r ON r.round_id = v.round_id \
                                     WHERE r.party_session_id = $1) \
               OR l.reference_id IN (SELECT phraseset_id FROM phrasesets WHERE party_session_id = $1)) \
             GROUP BY l.player_id")
            .bind(session)
            .fetch_all(conn)
            .await)?)
    }

    /// Votes cast in the session's rounds, per voter.
    pub async fn session_votes(&mut self, session: Uuid) -> Result<Vec<VoteStatsRow>> {
        Ok(on_conn!(self, conn => sqlx::query_as::<_, VoteStatsRow>(
            "SELECT v.player_id, CAST(COUNT(*) AS BIGINT) AS votes, \
               CAST(SUM(CASE WHEN v.correct THEN 1 ELSE 0 END) AS BIGINT) AS correct \
             FROM votes v JOIN rounds r ON r.round_id = v.round_id WHERE r.party_session_id = $1 \
             GROUP BY v.player_id")
            .bind(session)
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

impl Tx {
    /// Open or running parties per phase (for the metrics).
    pub async fn parties_by_phase(&mut self) -> Result<Vec<(String, i64)>> {
        Ok(on_conn!(self, conn => sqlx::query_as(
            "SELECT current_phase, CAST(COUNT(*) AS BIGINT) FROM party_sessions \
             WHERE status IN ('OPEN', 'IN_PROGRESS') GROUP BY current_phase")
            .fetch_all(conn)
            .await)?)
    }
}
