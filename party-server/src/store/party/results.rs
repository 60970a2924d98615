//! Party results: money and votes per player, read from the ledger and the
//! votes of the party's rounds.

use uuid::Uuid;

use crate::error::Result;
use crate::store::{Tx, columns_row};

/// What the ledger says a player spent and earned in a session.
#[derive(Debug, Clone)]
pub struct MoneyRow {
    pub player_id: Uuid,
    pub spent: i64,
    pub earned: i64,
    /// The part of `earned` that refunded entry fees.
    pub refunded: i64,
    /// The parts of `earned` that paid the streak and combo bonuses.
    pub streak: i64,
    pub combo: i64,
    /// Net coins from the prompt and copy rounds alone: everything the
    /// ledger books for the party before VOTE begins (entry fees and their
    /// refunds; pools and votes pay only from VOTE on).
    pub net_after_copy: i64,
}

columns_row!(MoneyRow {
    player_id,
    spent,
    earned,
    refunded,
    streak,
    combo,
    net_after_copy
});

/// A player's votes in a session.
#[derive(Debug, Clone)]
pub struct VoteStatsRow {
    pub player_id: Uuid,
    pub votes: i64,
    pub correct: i64,
}

columns_row!(VoteStatsRow {
    player_id,
    votes,
    correct
});

impl Tx {
    /// Entry fees spent and payouts, prizes, bonuses and refunds earned
    /// per player for everything played in the session; of those the
    /// refunds and the bonuses; and the net of the prompt and copy rounds.
    pub async fn session_money(&mut self, session: Uuid) -> Result<Vec<MoneyRow>> {
        self.query(
            "SELECT l.player_id, \
               CAST(COALESCE(SUM(CASE WHEN l.kind IN ('prompt_entry', 'copy_entry', 'vote_entry') THEN l.amount ELSE 0 END), 0) AS BIGINT) AS spent, \
               CAST(COALESCE(SUM(CASE WHEN l.kind IN ('refund', 'vote_payout', 'prize_payout', 'vault_rake', 'streak_bonus', 'combo_bonus') THEN l.amount ELSE 0 END), 0) AS BIGINT) AS earned, \
               CAST(COALESCE(SUM(CASE WHEN l.kind = 'refund' THEN l.amount ELSE 0 END), 0) AS BIGINT) AS refunded, \
               CAST(COALESCE(SUM(CASE WHEN l.kind = 'streak_bonus' THEN l.amount ELSE 0 END), 0) AS BIGINT) AS streak, \
               CAST(COALESCE(SUM(CASE WHEN l.kind = 'combo_bonus' THEN l.amount ELSE 0 END), 0) AS BIGINT) AS combo, \
               CAST(COALESCE(SUM(CASE WHEN r.round_type IN ('prompt', 'copy') THEN \
                 CASE WHEN l.to_account = 'wallet' THEN l.amount WHEN l.from_account = 'wallet' THEN -l.amount ELSE 0 END \
                 ELSE 0 END), 0) AS BIGINT) AS net_after_copy \
             FROM ledger l LEFT JOIN rounds r ON r.round_id = l.reference_id \
             WHERE l.player_id IS NOT NULL AND ( \
               l.reference_id IN (SELECT round_id FROM rounds WHERE party_session_id = $1) \
               OR l.reference_id IN (SELECT v.vote_id FROM votes v JOIN rounds r ON r.round_id = v.round_id \
                                     WHERE r.party_session_id = $1) \
               OR l.reference_id IN (SELECT phraseset_id FROM phrasesets WHERE party_session_id = $1)) \
             GROUP BY l.player_id")
            .bind(session)
            .fetch_all::<MoneyRow>()
            .await
    }

    /// Every vote cast in the session's rounds, each voter's in the order
    /// they cast them: by time, then by when their rounds began (one
    /// player's rounds never overlap, and the entry fee's ledger row is
    /// written as the round begins), so equal clock readings keep order.
    pub async fn party_votes_in_order(&mut self, session: Uuid) -> Result<Vec<(Uuid, Uuid, bool)>> {
        self.query(
                "SELECT v.player_id, v.vote_id, v.correct FROM votes v \
                 JOIN rounds r ON r.round_id = v.round_id \
                 WHERE r.party_session_id = $1 \
                 ORDER BY v.player_id, v.created_at, r.created_at, \
                   (SELECT MIN(l.entry_id) FROM ledger l WHERE l.reference_id = r.round_id), v.vote_id",
            )
        .bind(session)
        .fetch_all()
        .await
    }

    /// Votes cast in the session's rounds, per voter.
    pub async fn session_votes(&mut self, session: Uuid) -> Result<Vec<VoteStatsRow>> {
        self.query(
            "SELECT v.player_id, CAST(COUNT(*) AS BIGINT) AS votes, \
               CAST(SUM(CASE WHEN v.correct THEN 1 ELSE 0 END) AS BIGINT) AS correct \
             FROM votes v JOIN rounds r ON r.round_id = v.round_id WHERE r.party_session_id = $1 \
             GROUP BY v.player_id",
        )
        .bind(session)
        .fetch_all::<VoteStatsRow>()
        .await
    }
}
