//! Party Mode results (plan §4.1 `GET /party/{id}/results`): rankings,
//! awards and the phraseset summary, for a completed party or what an
//! abandoned one had come to. Re-exported from [`crate::party`], where the
//! other Party Mode bodies live.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::coins::Coins;
use crate::ids::{PhrasesetId, PlayerId, SessionId};
use crate::party::{PartyCode, SessionStatus};

/// One row of the rankings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RankingEntry {
    pub rank: i64,
    pub player_id: PlayerId,
    pub username: String,
    pub is_bot: bool,
    pub net_coins: Coins,
    pub coins_spent: Coins,
    /// Payouts, prizes, the vault share and refunds received.
    pub coins_earned: Coins,
    /// The part of `coins_earned` that gave back entry fees of rounds that
    /// ended without a submission: expired ones (less the penalty), and every
    /// round still open when the party was abandoned (in full).
    pub coins_refunded: Coins,
    pub prompts_submitted: i64,
    pub copies_submitted: i64,
    pub votes_submitted: i64,
    pub correct_votes: i64,
    pub vote_accuracy: f64,
    pub votes_on_originals: i64,
    pub votes_fooled: i64,
}

/// An award; absent when its metric is zero for everyone.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Award {
    pub player_id: PlayerId,
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes_received: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes_fooled: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vote_accuracy: Option<f64>,
    pub metric_value: f64,
}

/// The three awards.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Awards {
    pub best_writer: Option<Award>,
    pub top_impostor: Option<Award>,
    pub sharpest_voter: Option<Award>,
    /// The participants' favourite phrase (README "Reactions and the
    /// favourite phrase"); absent until someone votes for one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favourite_phrase: Option<crate::party_reactions::FavouritePhrase>,
}

/// One phrase of a party phraseset, revealed at RESULTS.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryPhrase {
    pub phrase: String,
    pub is_original: bool,
    /// Its role in the set: with `phraseset_id`, how reactions name it.
    pub role: crate::round::PhraseRole,
    pub author_id: PlayerId,
    pub author_username: String,
    pub votes: i64,
}

/// Which kind of phrase of a phraseset drew the most votes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MostVotes {
    /// The original (also on a tie with a copy).
    Original,
    Copy,
    /// Nobody voted.
    None,
}

/// A party phraseset's summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhrasesetSummary {
    pub phraseset_id: PhrasesetId,
    pub prompt_text: String,
    pub vote_count: i64,
    pub original_player: String,
    pub most_votes: MostVotes,
    pub prize_pool: Coins,
    pub phrases: Vec<SummaryPhrase>,
}

/// `GET /party/{id}/results`: the final results of a completed party, or
/// what an abandoned one had come to (its open rounds refunded, its
/// phrasesets settled as they stood).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PartyResultsResponse {
    pub session_id: SessionId,
    pub party_code: PartyCode,
    /// `COMPLETED`, or `ABANDONED` for a party that ended idle.
    pub status: SessionStatus,
    #[serde(default, with = "crate::time_format::option")]
    pub completed_at: Option<OffsetDateTime>,
    pub rankings: Vec<RankingEntry>,
    pub awards: Awards,
    pub phrasesets_summary: Vec<PhrasesetSummary>,
}
