//! Party Mode results (plan §4.1 `GET /party/{id}/results`): rankings,
//! awards and the phraseset summary, for a completed party or what an
//! abandoned one had come to. Re-exported from [`crate::party`], where the
//! other Party Mode bodies live.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::coins::Coins;
use crate::ids::{PhrasesetId, PlayerId, SessionId};
use crate::party::{PartyCode, SessionStatus};

/// The streak bonus: a correct vote that is at least the `STREAK_MIN`th
/// correct vote in a row of its voter (in the order they cast their votes
/// in the party; a wrong vote ends the run) pays `STREAK_BONUS` FC.
pub const STREAK_MIN: i64 = 3;
/// FC per vote of a streak, from the `STREAK_MIN`th on.
pub const STREAK_BONUS: i64 = 5;
/// The combo: a copy in one of the party's own sets that fooled at least
/// `COMBO_MIN_FOOLED` voters pays its author `COMBO_BONUS_PER_VOTER` FC per
/// voter it fooled.
pub const COMBO_MIN_FOOLED: i64 = 2;
/// FC per voter fooled, for a copy that made a combo.
pub const COMBO_BONUS_PER_VOTER: i64 = 5;
/// MVP points per vote a player's originals drew.
pub const MVP_POINTS_ORIGINAL_VOTE: i64 = 2;
/// MVP points per voter a player's copies fooled.
pub const MVP_POINTS_FOOLED: i64 = 3;
/// MVP points per correct vote of the player's.
pub const MVP_POINTS_CORRECT_VOTE: i64 = 1;

/// The bonuses a player earned in the party: paid from the house at
/// settlement, already part of their `coins_earned` and `net_coins`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Bonuses {
    /// Streak bonus coins received.
    pub streak_coins: Coins,
    /// Their longest run of correct votes in the party.
    pub longest_streak: i64,
    /// Combo bonus coins received.
    pub combo_coins: Coins,
    /// Their copies that fooled at least `COMBO_MIN_FOOLED` voters.
    pub combos: i64,
}

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
    /// Their MVP score (see the MVP award).
    #[serde(default)]
    pub mvp_score: i64,
    /// Their rank when COPY ended, by net coins then (equal players share
    /// the better rank); absent for a party abandoned before VOTE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank_after_copy: Option<i64>,
    /// The streak and combo bonuses in their `coins_earned`.
    #[serde(default)]
    pub bonuses: Bonuses,
}

/// An award; absent when nobody qualifies. Besides `metric_value` it
/// carries the detail of its kind.
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
    /// MVP: the winner's score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<i64>,
    /// Comeback Player: their rank when COPY ended…
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank_after_copy: Option<i64>,
    /// …and the places they climbed from it to their final rank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank_gain: Option<i64>,
    /// Hot Streak: the longest run of correct votes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub streak: Option<i64>,
    /// Hot Streak and Best Combo: the bonus coins that earned them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bonus_coins: Option<Coins>,
    pub metric_value: f64,
}

/// The awards (README "Settlement and results" gives each one's rule).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Awards {
    pub best_writer: Option<Award>,
    pub top_impostor: Option<Award>,
    pub sharpest_voter: Option<Award>,
    /// The highest MVP score.
    #[serde(default)]
    pub mvp: Option<Award>,
    /// The biggest climb from the rank after COPY to the final rank.
    #[serde(default)]
    pub comeback: Option<Award>,
    /// The longest run of correct votes that earned a streak bonus.
    #[serde(default)]
    pub hot_streak: Option<Award>,
    /// The copy that fooled the most voters, with a combo.
    #[serde(default)]
    pub best_combo: Option<Award>,
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
