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
}

columns_row!(MoneyRow {
    player_id,
    spent,
    earned,
    refunded
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
    /// Entry fees spent and payouts, prizes and refunds earned per player
    /// for everything played in the session, and of those the refunds.
    pub async fn session_money(&mut self, session: Uuid) -> Result<Vec<MoneyRow>> {
        self.query(
            "SELECT l.player_id, \
               CAST(COALESCE(SUM(CASE WHEN l.kind IN ('prompt_entry', 'copy_entry', 'vote_entry') THEN l.amount ELSE 0 END), 0) AS BIGINT) AS spent, \
               CAST(COALESCE(SUM(CASE WHEN l.kind IN ('refund', 'vote_payout', 'prize_payout', 'vault_rake') THEN l.amount ELSE 0 END), 0) AS BIGINT) AS earned, \
               CAST(COALESCE(SUM(CASE WHEN l.kind = 'refund' THEN l.amount ELSE 0 END), 0) AS BIGINT) AS refunded \
             FROM ledger l WHERE l.player_id IS NOT NULL AND ( \
               l.reference_id IN (SELECT round_id FROM rounds WHERE party_session_id = $1) \
               OR l.reference_id IN (SELECT v.vote_id FROM votes v JOIN rounds r ON r.round_id = v.round_id \
                                     WHERE r.party_session_id = $1) \
               OR l.reference_id IN (SELECT phraseset_id FROM phrasesets WHERE party_session_id = $1)) \
             GROUP BY l.player_id")
            .bind(session)
            .fetch_all::<MoneyRow>()
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
