//! The quick-match queue, the lobbies it formed and the public lobby list
//! (see `migrations/*/0010_matchmaking.sql`), and how each lobby is listed
//! (`migrations/*/0015_quick_match_parties.sql`).

use party_protocol::PlayerId;
use party_protocol::party::PartyCode;
use party_protocol::party_access::{PartyAccess, PartyListing};
use uuid::Uuid;

use super::{Backend, DbRow, FromRow, Tx, enum_column};
use crate::clock::Millis;
use crate::error::Result;

/// A queued player, in queue order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueRow {
    pub player_id: Uuid,
    pub queued_at: i64,
    pub bot_fill_at: Option<i64>,
}

impl FromRow for QueueRow {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(QueueRow {
            player_id: row.try_get("player_id")?,
            queued_at: row.try_get("queued_at")?,
            bot_fill_at: row.try_get("bot_fill_at")?,
        })
    }
}

/// A queued player's place: their row, 1-based position and the length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueuePlace {
    pub entry: QueueRow,
    pub position: i64,
    pub length: i64,
}

/// The lobby a player's last quick match put them in.
#[derive(Debug, Clone)]
pub struct MatchRow {
    pub session_id: Uuid,
    pub party_code: PartyCode,
    pub matched_at: i64,
}

impl FromRow for MatchRow {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(MatchRow {
            session_id: row.try_get("session_id")?,
            party_code: enum_column(row, "party_sessions", "party_code", |c| {
                PartyCode::parse(c).ok()
            })?,
            matched_at: row.try_get("matched_at")?,
        })
    }
}

/// A listed lobby with a free seat.
#[derive(Debug, Clone)]
pub struct ListingRow {
    pub session_id: Uuid,
    pub party_code: PartyCode,
    pub host_username: String,
    pub participant_count: i32,
    pub max_players: i32,
    pub access: PartyAccess,
    pub created_at: i64,
}

impl FromRow for ListingRow {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(ListingRow {
            session_id: row.try_get("session_id")?,
            party_code: enum_column(row, "party_sessions", "party_code", |c| {
                PartyCode::parse(c).ok()
            })?,
            host_username: row.try_get("host_username")?,
            participant_count: row.try_get("participant_count")?,
            max_players: row.try_get("max_players")?,
            access: enum_column(row, "party_access", "mode", PartyAccess::parse)?,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// The key of the PostgreSQL advisory lock that makes quick-match
/// formation run one at a time over every instance (any fixed number no
/// other code uses; "QFQM" in ASCII).
const FORMATION_LOCK: i64 = 0x5146_514D;

impl Tx {
    /// Queues `player` unless already queued (then the first entry, its
    /// place and its wait, stay); true when a row was added.
    pub async fn enqueue_quick_match(
        &mut self,
        player: PlayerId,
        now: Millis,
        bot_fill_at: Option<Millis>,
    ) -> Result<bool> {
        let added = self
            .query(
                "INSERT INTO quick_match_queue (player_id, queued_at, bot_fill_at) VALUES ($1, $2, $3) \
                 ON CONFLICT (player_id) DO NOTHING",
            )
            .bind(player.as_uuid())
            .bind(now.0)
            .bind(bot_fill_at.map(|at| at.0))
            .execute()
            .await?;
        Ok(added == 1)
    }

    /// Takes `player` out of the queue; false when they were not in it.
    pub async fn dequeue_quick_match(&mut self, player: PlayerId) -> Result<bool> {
        let done = self
            .query("DELETE FROM quick_match_queue WHERE player_id = $1")
            .bind(player.as_uuid())
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// The player's place in the queue, if queued.
    pub async fn quick_match_place(&mut self, player: PlayerId) -> Result<Option<QueuePlace>> {
        let Some((entry, seq)) = self
            .query(
                "SELECT player_id, queued_at, bot_fill_at, queue_seq FROM quick_match_queue WHERE player_id = $1",
            )
            .bind(player.as_uuid())
            .fetch_optional::<QueueWithSeq>()
            .await?
            .map(|q| (q.row, q.seq))
        else {
            return Ok(None);
        };
        let (position, length): (i64, i64) = self
            .query(
                "SELECT CAST(COALESCE(SUM(CASE WHEN queue_seq <= $1 THEN 1 ELSE 0 END), 0) AS BIGINT), \
                 CAST(COUNT(*) AS BIGINT) FROM quick_match_queue",
            )
            .bind(seq)
            .fetch_one()
            .await?;
        Ok(Some(QueuePlace {
            entry,
            position,
            length,
        }))
    }

    /// How many are queued and the earliest bot-fill time: what the
    /// sweeper reads to tell whether formation has work.
    pub async fn quick_match_backlog(&mut self) -> Result<(i64, Option<i64>)> {
        self.query("SELECT CAST(COUNT(*) AS BIGINT), MIN(bot_fill_at) FROM quick_match_queue")
            .fetch_one()
            .await
    }

    /// Makes formation exclusive until the transaction ends: an advisory
    /// lock on PostgreSQL (every instance), nothing on SQLite, whose one
    /// writer already runs write transactions one at a time.
    pub async fn lock_quick_match_formation(&mut self) -> Result<()> {
        if self.backend() == Backend::Postgres {
            self.query("SELECT pg_advisory_xact_lock($1)")
                .bind(FORMATION_LOCK)
                .execute()
                .await?;
        }
        Ok(())
    }

    /// The whole queue, oldest first, each row locked on PostgreSQL: a
    /// player leaving meanwhile waits for this transaction (and then finds
    /// their row gone), or left before it (and their row is not read).
    pub async fn quick_match_queue_for_update(&mut self) -> Result<Vec<QueueRow>> {
        let lock = if self.backend() == Backend::Postgres {
            " FOR UPDATE"
        } else {
            ""
        };
        let sql = format!(
            "SELECT player_id, queued_at, bot_fill_at FROM quick_match_queue ORDER BY queue_seq{lock}"
        );
        self.query(&sql).fetch_all().await
    }

    /// Queued players who are in a party already (they joined one
    /// elsewhere): they are taken out of the queue, not matched.
    pub async fn queued_in_a_party(&mut self) -> Result<Vec<Uuid>> {
        self.query(
            "SELECT q.player_id FROM quick_match_queue q \
             JOIN party_participants pp ON pp.player_id = q.player_id WHERE pp.active",
        )
        .fetch_all()
        .await
    }

    /// Notes that `player`'s quick match put them in `session`.
    pub async fn record_quick_match(
        &mut self,
        player: PlayerId,
        session: Uuid,
        now: Millis,
    ) -> Result<()> {
        self.query(
            "INSERT INTO quick_matches (player_id, session_id, matched_at) VALUES ($1, $2, $3) \
             ON CONFLICT (player_id) DO UPDATE SET session_id = excluded.session_id, \
             matched_at = excluded.matched_at",
        )
        .bind(player.as_uuid())
        .bind(session)
        .bind(now.0)
        .execute()
        .await?;
        Ok(())
    }

    /// Forgets the player's last quick match.
    pub async fn forget_quick_match(&mut self, player: PlayerId) -> Result<()> {
        self.query("DELETE FROM quick_matches WHERE player_id = $1")
            .bind(player.as_uuid())
            .execute()
            .await?;
        Ok(())
    }

    /// The lobby the player's last quick match formed, while it is still a
    /// lobby and the player is in it.
    pub async fn quick_match_lobby(&mut self, player: PlayerId) -> Result<Option<MatchRow>> {
        self.query(
            "SELECT m.session_id, s.party_code, m.matched_at FROM quick_matches m \
             JOIN party_sessions s ON s.session_id = m.session_id \
             JOIN party_participants pp ON pp.session_id = m.session_id AND pp.player_id = m.player_id \
             WHERE m.player_id = $1 AND s.status = 'OPEN' AND s.current_phase = 'LOBBY'",
        )
        .bind(player.as_uuid())
        .fetch_optional()
        .await
    }

    /// Lists the lobby publicly.
    pub async fn list_party(&mut self, session: Uuid, now: Millis) -> Result<()> {
        self.query(
            "INSERT INTO party_listings (session_id, listed_at) VALUES ($1, $2) \
             ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(session)
        .bind(now.0)
        .execute()
        .await?;
        Ok(())
    }

    /// Notes that quick match formed `session` (or that it is the
    /// play-again lobby of one that was).
    pub async fn mark_quick_match_party(&mut self, session: Uuid, now: Millis) -> Result<()> {
        self.query(
            "INSERT INTO quick_match_parties (session_id, formed_at) VALUES ($1, $2) \
             ON CONFLICT (session_id) DO NOTHING",
        )
        .bind(session)
        .bind(now.0)
        .execute()
        .await?;
        Ok(())
    }

    /// How the lobby is listed, in one read of two primary keys. Quick
    /// match never lists its lobbies, so at most one of the two rows
    /// exists; were both there, quick match would say more about how the
    /// players met.
    pub async fn party_listing(&mut self, session: Uuid) -> Result<PartyListing> {
        let (quick, public): (i64, i64) = self
            .query(
                "SELECT \
                 CAST((SELECT COUNT(*) FROM quick_match_parties WHERE session_id = $1) AS BIGINT), \
                 CAST((SELECT COUNT(*) FROM party_listings WHERE session_id = $1) AS BIGINT)",
            )
            .bind(session)
            .fetch_one()
            .await?;
        Ok(if quick > 0 {
            PartyListing::QuickMatch
        } else if public > 0 {
            PartyListing::Public
        } else {
            PartyListing::Private
        })
    }

    /// Listed lobbies with a free seat, newest first: `limit` of them
    /// after skipping `offset`.
    pub async fn public_lobbies(&mut self, limit: i64, offset: i64) -> Result<Vec<ListingRow>> {
        self.query(
            "SELECT s.session_id, s.party_code, p.username AS host_username, s.participant_count, \
             s.max_players, COALESCE(a.mode, 'open') AS mode, s.created_at \
             FROM party_listings l JOIN party_sessions s ON s.session_id = l.session_id \
             JOIN players p ON p.player_id = s.host_player_id \
             LEFT JOIN party_access a ON a.session_id = s.session_id \
             WHERE s.status = 'OPEN' AND s.current_phase = 'LOBBY' \
             AND s.participant_count < s.max_players \
             ORDER BY l.listing_seq DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all()
        .await
    }
}

/// A queue row with its order number.
struct QueueWithSeq {
    row: QueueRow,
    seq: i64,
}

impl FromRow for QueueWithSeq {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(QueueWithSeq {
            row: QueueRow::from_row(row)?,
            seq: row.try_get("queue_seq")?,
        })
    }
}
