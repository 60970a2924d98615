//! Party sessions (the lobby and its phase machine), the party-creation
//! log, and the per-phase census the metrics read.

use party_protocol::PlayerId;
use party_protocol::party::{PartyCode, PartyPhase, SessionStatus};
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::store::{Backend, DbRow, FromRow, Tx, enum_column, parse_text};

#[derive(Debug, Clone)]
pub struct SessionRow {
    pub session_id: Uuid,
    pub party_code: PartyCode,
    pub host_player_id: Uuid,
    pub min_players: i32,
    pub max_players: i32,
    pub prompts_per_player: i32,
    pub copies_per_player: i32,
    pub votes_per_player: i32,
    pub phase_seconds: Option<i64>,
    pub current_phase: PartyPhase,
    pub phase_started_at: Option<i64>,
    pub phase_expires_at: Option<i64>,
    pub status: SessionStatus,
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

impl FromRow for SessionRow {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(SessionRow {
            session_id: row.try_get("session_id")?,
            party_code: enum_column(row, "party_sessions", "party_code", |c| {
                PartyCode::parse(c).ok()
            })?,
            host_player_id: row.try_get("host_player_id")?,
            min_players: row.try_get("min_players")?,
            max_players: row.try_get("max_players")?,
            prompts_per_player: row.try_get("prompts_per_player")?,
            copies_per_player: row.try_get("copies_per_player")?,
            votes_per_player: row.try_get("votes_per_player")?,
            phase_seconds: row.try_get("phase_seconds")?,
            current_phase: enum_column(row, "party_sessions", "current_phase", PartyPhase::parse)?,
            phase_started_at: row.try_get("phase_started_at")?,
            phase_expires_at: row.try_get("phase_expires_at")?,
            status: enum_column(row, "party_sessions", "status", SessionStatus::parse)?,
            participant_count: row.try_get("participant_count")?,
            locked_at: row.try_get("locked_at")?,
            created_at: row.try_get("created_at")?,
            started_at: row.try_get("started_at")?,
            completed_at: row.try_get("completed_at")?,
            last_activity_at: row.try_get("last_activity_at")?,
            version: row.try_get("version")?,
            event_seq: row.try_get("event_seq")?,
            next_session_id: row.try_get("next_session_id")?,
            standin_player_id: row.try_get("standin_player_id")?,
        })
    }
}

impl SessionRow {
    pub fn phase(&self) -> PartyPhase {
        self.current_phase
    }

    pub fn state(&self) -> SessionStatus {
        self.status
    }

    pub fn host(&self) -> PlayerId {
        PlayerId::from_uuid(self.host_player_id)
    }
}

const SESSION_COLUMNS: &str = "session_id, party_code, host_player_id, min_players, max_players, \
    prompts_per_player, copies_per_player, votes_per_player, phase_seconds, current_phase, phase_started_at, \
    phase_expires_at, status, participant_count, locked_at, created_at, started_at, completed_at, last_activity_at, \
    version, event_seq, next_session_id, standin_player_id";

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
        let done = self.query(
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
            .execute()
            .await?;
        Ok(done == 1)
    }

    pub async fn session(&mut self, id: Uuid) -> Result<Option<SessionRow>> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM party_sessions WHERE session_id = $1");
        self.query(&sql)
            .bind(id)
            .fetch_optional::<SessionRow>()
            .await
    }

    /// Loads a session and, on PostgreSQL, locks it until the transaction
    /// ends: every change to a party runs one at a time, which keeps its
    /// event sequence gapless and its phase transitions single.
    pub async fn session_for_update(&mut self, id: Uuid) -> Result<Option<SessionRow>> {
        let lock = if self.backend() == Backend::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let sql =
            format!("SELECT {SESSION_COLUMNS} FROM party_sessions WHERE session_id = $1{lock}");
        self.query(&sql)
            .bind(id)
            .fetch_optional::<SessionRow>()
            .await
    }

    pub async fn session_by_code(&mut self, code: &str) -> Result<Option<SessionRow>> {
        let sql = format!("SELECT {SESSION_COLUMNS} FROM party_sessions WHERE party_code = $1");
        self.query(&sql)
            .bind(code)
            .fetch_optional::<SessionRow>()
            .await
    }

    /// The open or running party this player is in.
    pub async fn active_session_of(&mut self, player: PlayerId) -> Result<Option<SessionRow>> {
        self.session_of_player(player, "pp.active").await
    }

    /// The running party (before RESULTS) that the player most recently
    /// left, which they may rejoin: the dashboard offers it.
    pub async fn left_running_session_of(
        &mut self,
        player: PlayerId,
    ) -> Result<Option<SessionRow>> {
        self.session_of_player(
            player,
            "pp.status = 'LEFT' AND s.status = 'IN_PROGRESS' \
             AND s.current_phase NOT IN ('RESULTS', 'COMPLETED') ORDER BY pp.left_at DESC LIMIT 1",
        )
        .await
    }

    /// The session of one of `player`'s participations (`pp`) matching
    /// `condition`, a fixed SQL fragment (never user input).
    async fn session_of_player(
        &mut self,
        player: PlayerId,
        condition: &'static str,
    ) -> Result<Option<SessionRow>> {
        let columns = SESSION_COLUMNS
            .split(", ")
            .map(|c| format!("s.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT {columns} FROM party_sessions s JOIN party_participants pp ON pp.session_id = s.session_id \
             WHERE pp.player_id = $1 AND {condition}"
        );
        self.query(&sql)
            .bind(player.as_uuid())
            .fetch_optional::<SessionRow>()
            .await
    }

    /// Changes the participant count of an open session by `delta`; false
    /// when the session is not open or the change would pass `max_players`.
    pub async fn change_participant_count(
        &mut self,
        id: Uuid,
        delta: i32,
        now: Millis,
    ) -> Result<bool> {
        let done = self.query(
            "UPDATE party_sessions SET participant_count = participant_count + $2, version = version + 1, \
             last_activity_at = $3 WHERE session_id = $1 AND status = 'OPEN' \
             AND participant_count + $2 <= max_players AND participant_count + $2 >= 0")
            .bind(id)
            .bind(delta)
            .bind(now.0)
            .execute()
            .await?;
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
        let done = self
            .query(
                "UPDATE party_sessions SET current_phase = $3, status = $4, phase_started_at = $5, \
             phase_expires_at = $6, version = version + 1, last_activity_at = $5, \
             locked_at = COALESCE(locked_at, $5), started_at = COALESCE(started_at, $5), \
             completed_at = COALESCE($7, completed_at) \
             WHERE session_id = $1 AND current_phase = $2",
            )
            .bind(id)
            .bind(from.as_str())
            .bind(to.as_str())
            .bind(status)
            .bind(now.0)
            .bind(expires_at.map(|m| m.0))
            .bind(completed)
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Ends a session as ABANDONED (compare-and-set on its status).
    pub async fn abandon_session(&mut self, id: Uuid, now: Millis) -> Result<bool> {
        let done = self.query(
            "UPDATE party_sessions SET status = 'ABANDONED', completed_at = $2, phase_expires_at = NULL, \
             version = version + 1 WHERE session_id = $1 AND status IN ('OPEN', 'IN_PROGRESS')")
            .bind(id)
            .bind(now.0)
            .execute()
            .await?;
        Ok(done == 1)
    }

    pub async fn set_host(&mut self, id: Uuid, host: PlayerId) -> Result<()> {
        self.query(
            "UPDATE party_sessions SET host_player_id = $2, version = version + 1 WHERE session_id = $1")
            .bind(id)
            .bind(host.as_uuid())
            .execute()
            .await?;
        self.query(
            "UPDATE party_participants SET is_host = (player_id = $2) WHERE session_id = $1",
        )
        .bind(id)
        .bind(host.as_uuid())
        .execute()
        .await?;
        Ok(())
    }

    pub async fn touch_session(&mut self, id: Uuid, now: Millis) -> Result<()> {
        self.query(
            "UPDATE party_sessions SET last_activity_at = $2, version = version + 1 WHERE session_id = $1")
            .bind(id)
            .bind(now.0)
            .execute()
            .await?;
        Ok(())
    }

    pub async fn set_next_session(&mut self, id: Uuid, next: Uuid) -> Result<()> {
        self.query("UPDATE party_sessions SET next_session_id = $2 WHERE session_id = $1")
            .bind(id)
            .bind(next)
            .execute()
            .await?;
        Ok(())
    }

    pub async fn set_standin(&mut self, id: Uuid, player: PlayerId) -> Result<()> {
        self.query("UPDATE party_sessions SET standin_player_id = $2 WHERE session_id = $1")
            .bind(id)
            .bind(player.as_uuid())
            .execute()
            .await?;
        Ok(())
    }

    /// Running sessions whose phase deadline has passed.
    pub async fn sessions_past_deadline(&mut self, now: Millis, limit: i64) -> Result<Vec<Uuid>> {
        self.query(
            "SELECT session_id FROM party_sessions WHERE status = 'IN_PROGRESS' AND phase_expires_at <= $1 \
             ORDER BY phase_expires_at LIMIT $2")
            .bind(now.0)
            .bind(limit)
            .fetch_all()
            .await
    }

    /// Open or running sessions without activity since `before`.
    pub async fn idle_sessions(&mut self, before: Millis, limit: i64) -> Result<Vec<Uuid>> {
        self.query(
            "SELECT session_id FROM party_sessions WHERE status IN ('OPEN', 'IN_PROGRESS') \
             AND last_activity_at < $1 ORDER BY last_activity_at LIMIT $2",
        )
        .bind(before.0)
        .bind(limit)
        .fetch_all()
        .await
    }

    /// Open (lobby) sessions created before `before`.
    pub async fn stale_open_sessions(&mut self, before: Millis, limit: i64) -> Result<Vec<Uuid>> {
        self.query(
            "SELECT session_id FROM party_sessions WHERE status = 'OPEN' AND created_at < $1 LIMIT $2")
            .bind(before.0)
            .bind(limit)
            .fetch_all()
            .await
    }

    /// Removes a lobby that never started (its rows cascade).
    pub async fn delete_open_session(&mut self, id: Uuid) -> Result<bool> {
        let done = self
            .query("DELETE FROM party_sessions WHERE session_id = $1 AND status = 'OPEN'")
            .bind(id)
            .execute()
            .await?;
        if done == 1 {
            // No event can say so (the log goes with the row), but the
            // sockets still open on the lobby must hear of it: the hub finds
            // the party gone when poked and closes them.
            self.touch_party(id);
        }
        Ok(done == 1)
    }

    pub async fn record_party_creation(&mut self, player: PlayerId, now: Millis) -> Result<()> {
        self.query("INSERT INTO party_creations (player_id, created_at) VALUES ($1, $2)")
            .bind(player.as_uuid())
            .bind(now.0)
            .execute()
            .await?;
        Ok(())
    }

    /// Times of this player's party creations since `since`, oldest first.
    pub async fn party_creations_since(
        &mut self,
        player: PlayerId,
        since: Millis,
    ) -> Result<Vec<i64>> {
        self.query(
            "SELECT created_at FROM party_creations WHERE player_id = $1 AND created_at > $2 ORDER BY created_at")
            .bind(player.as_uuid())
            .bind(since.0)
            .fetch_all()
            .await
    }
}

impl Tx {
    /// Open or running parties per phase (for the metrics).
    pub async fn parties_by_phase(&mut self) -> Result<Vec<(PartyPhase, i64)>> {
        let rows: Vec<(String, i64)> = self
            .query(
                "SELECT current_phase, CAST(COUNT(*) AS BIGINT) FROM party_sessions \
             WHERE status IN ('OPEN', 'IN_PROGRESS') GROUP BY current_phase",
            )
            .fetch_all()
            .await?;
        rows.into_iter()
            .map(|(phase, n)| {
                Ok((
                    parse_text("party_sessions", "current_phase", &phase, PartyPhase::parse)?,
                    n,
                ))
            })
            .collect()
    }
}
