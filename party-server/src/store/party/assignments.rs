//! Party assignments: the copy and vote work handed out at each phase's start.

use party_protocol::{PlayerId, RoundId};
use uuid::Uuid;

use crate::error::Result;
use crate::store::{Arg, DbRow, FromRow, Tx, enum_column, placeholders, values_list};

/// What an assignment asks for (`party_assignments.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentKind {
    Copy,
    Vote,
}

impl AssignmentKind {
    pub const fn as_str(self) -> &'static str {
        match self {
            AssignmentKind::Copy => "copy",
            AssignmentKind::Vote => "vote",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [AssignmentKind::Copy, AssignmentKind::Vote]
            .into_iter()
            .find(|k| k.as_str() == text)
    }
}

/// Where an assignment stands (`party_assignments.status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssignmentStatus {
    Pending,
    /// A round was started for it.
    Started,
    Done,
    /// Its phase ended, or its player left, before it was done.
    Forfeited,
}

impl AssignmentStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            AssignmentStatus::Pending => "pending",
            AssignmentStatus::Started => "started",
            AssignmentStatus::Done => "done",
            AssignmentStatus::Forfeited => "forfeited",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            AssignmentStatus::Pending,
            AssignmentStatus::Started,
            AssignmentStatus::Done,
            AssignmentStatus::Forfeited,
        ]
        .into_iter()
        .find(|k| k.as_str() == text)
    }
}

#[derive(Debug, Clone)]
pub struct AssignmentRow {
    pub assignment_id: Uuid,
    pub player_id: Uuid,
    pub kind: AssignmentKind,
    pub target_id: Uuid,
    pub position: i32,
    pub round_id: Option<Uuid>,
    pub status: AssignmentStatus,
}

impl FromRow for AssignmentRow {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(AssignmentRow {
            assignment_id: row.try_get("assignment_id")?,
            player_id: row.try_get("player_id")?,
            kind: enum_column(row, "party_assignments", "kind", AssignmentKind::parse)?,
            target_id: row.try_get("target_id")?,
            position: row.try_get("position")?,
            round_id: row.try_get("round_id")?,
            status: enum_column(row, "party_assignments", "status", AssignmentStatus::parse)?,
        })
    }
}

impl Tx {
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
        let sql = format!(
            "INSERT INTO party_assignments \
             (assignment_id, session_id, player_id, kind, target_id, position, status) VALUES {}",
            values_list(rows.len(), 7, 1)
        );
        let args = rows.iter().flat_map(|(player, target, position)| {
            [
                Arg::from(Uuid::new_v4()),
                Arg::from(session),
                Arg::from(player.as_uuid()),
                Arg::from(kind),
                Arg::from(*target),
                Arg::from(*position as i32),
                Arg::from("pending"),
            ]
        });
        self.query(&sql).bind_all(args).execute().await?;
        Ok(())
    }

    /// Sets every playing participant's copy and vote quotas to the number
    /// of assignments of each kind they were handed, in one statement.
    pub async fn set_required_from_assignments(&mut self, session: Uuid) -> Result<()> {
        self.query(
            "UPDATE party_participants SET \
               copies_required = (SELECT COUNT(*) FROM party_assignments a WHERE a.session_id = $1 \
                 AND a.player_id = party_participants.player_id AND a.kind = 'copy'), \
               votes_required = (SELECT COUNT(*) FROM party_assignments a WHERE a.session_id = $1 \
                 AND a.player_id = party_participants.player_id AND a.kind = 'vote') \
             WHERE session_id = $1 AND status <> 'LEFT'",
        )
        .bind(session)
        .execute()
        .await?;
        Ok(())
    }

    /// The player's next pending assignment of `kind`.
    pub async fn next_assignment(
        &mut self,
        session: Uuid,
        player: PlayerId,
        kind: &str,
    ) -> Result<Option<AssignmentRow>> {
        self.query(
            "SELECT assignment_id, player_id, kind, target_id, position, round_id, status FROM party_assignments \
             WHERE session_id = $1 AND player_id = $2 AND kind = $3 AND status = 'pending' \
             ORDER BY position LIMIT 1")
            .bind(session)
            .bind(player.as_uuid())
            .bind(kind)
            .fetch_optional::<AssignmentRow>()
            .await
    }

    pub async fn assignments(&mut self, session: Uuid, kind: &str) -> Result<Vec<AssignmentRow>> {
        self.query(
            "SELECT assignment_id, player_id, kind, target_id, position, round_id, status FROM party_assignments \
             WHERE session_id = $1 AND kind = $2 ORDER BY player_id, position")
            .bind(session)
            .bind(kind)
            .fetch_all::<AssignmentRow>()
            .await
    }

    /// Points a pending assignment at another target (a global vote whose
    /// set closed before the voter got to it).
    pub async fn retarget_assignment(&mut self, assignment: Uuid, target: Uuid) -> Result<()> {
        self.query(
            "UPDATE party_assignments SET target_id = $2 WHERE assignment_id = $1 AND status = 'pending'")
            .bind(assignment)
            .bind(target)
            .execute()
            .await?;
        Ok(())
    }

    /// Per player, how many of their vote assignments are on global sets
    /// (any set that is not this party's own).
    pub async fn global_votes_assigned(&mut self, session: Uuid) -> Result<Vec<(Uuid, i64)>> {
        self.query(
            "SELECT a.player_id, CAST(COUNT(*) AS BIGINT) FROM party_assignments a \
             JOIN phrasesets ps ON ps.phraseset_id = a.target_id \
             WHERE a.session_id = $1 AND a.kind = 'vote' AND ps.party_session_id IS NULL \
             GROUP BY a.player_id",
        )
        .bind(session)
        .fetch_all()
        .await
    }

    /// Marks a pending assignment started by `round` (compare-and-set).
    pub async fn start_assignment(&mut self, assignment: Uuid, round: RoundId) -> Result<bool> {
        let done = self
            .query(
                "UPDATE party_assignments SET status = 'started', round_id = $2 \
             WHERE assignment_id = $1 AND status = 'pending'",
            )
            .bind(assignment)
            .bind(round.as_uuid())
            .execute()
            .await?;
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
        self.query(sql).bind(round.as_uuid()).execute().await?;
        Ok(())
    }

    /// [`Tx::finish_assignment`] for rounds that ended without a
    /// submission, all in one statement: their work is pending again.
    pub async fn reopen_assignments(&mut self, rounds: &[RoundId]) -> Result<()> {
        if rounds.is_empty() {
            return Ok(());
        }
        let sql = format!(
            "UPDATE party_assignments SET status = 'pending', round_id = NULL \
             WHERE round_id IN ({}) AND status = 'started'",
            placeholders(1, rounds.len())
        );
        self.query(&sql)
            .bind_all(rounds.iter().map(|r| Arg::from(r.as_uuid())))
            .execute()
            .await?;
        Ok(())
    }

    /// A rejoining player's forfeited assignments of `kind` are theirs
    /// again (pending, with no round).
    pub async fn restore_forfeited_assignments(
        &mut self,
        session: Uuid,
        player: PlayerId,
        kind: AssignmentKind,
    ) -> Result<()> {
        self.query(
            "UPDATE party_assignments SET status = 'pending', round_id = NULL WHERE session_id = $1 \
             AND player_id = $2 AND kind = $3 AND status = 'forfeited'")
            .bind(session)
            .bind(player.as_uuid())
            .bind(kind.as_str())
            .execute()
            .await?;
        Ok(())
    }

    /// Forfeits every open assignment of a session (at a phase's end) or of one player (leaving).
    pub async fn forfeit_assignments(
        &mut self,
        session: Uuid,
        player: Option<PlayerId>,
    ) -> Result<()> {
        self.query(
            "UPDATE party_assignments SET status = 'forfeited' WHERE session_id = $1 \
             AND ($2 IS NULL OR player_id = $2) AND status IN ('pending', 'started')",
        )
        .bind(session)
        .bind(player.map(|p| p.as_uuid()))
        .execute()
        .await?;
        Ok(())
    }
}
