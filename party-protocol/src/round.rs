//! Prompt, copy and vote rounds, and phraseset results.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::coins::Coins;
use crate::ids::{PhrasesetId, PlayerId, RoundId};

/// The three kinds of round.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundType {
    Prompt,
    Copy,
    Vote,
}

impl RoundType {
    pub const fn as_str(self) -> &'static str {
        match self {
            RoundType::Prompt => "prompt",
            RoundType::Copy => "copy",
            RoundType::Vote => "vote",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "prompt" => Some(RoundType::Prompt),
            "copy" => Some(RoundType::Copy),
            "vote" => Some(RoundType::Vote),
            _ => None,
        }
    }
}

/// Where a round is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RoundStatus {
    Active,
    Submitted,
    Abandoned,
    Expired,
    /// Closed by the server with a full refund (its phraseset finalized first).
    Cancelled,
}

impl RoundStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            RoundStatus::Active => "active",
            RoundStatus::Submitted => "submitted",
            RoundStatus::Abandoned => "abandoned",
            RoundStatus::Expired => "expired",
            RoundStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(RoundStatus::Active),
            "submitted" => Some(RoundStatus::Submitted),
            "abandoned" => Some(RoundStatus::Abandoned),
            "expired" => Some(RoundStatus::Expired),
            "cancelled" => Some(RoundStatus::Cancelled),
            _ => None,
        }
    }
}

/// `GET /rounds/available` (also inside the dashboard). The three costs
/// are the entry prices right now, the same for solo and party rounds, so a
/// client can tell what a match will cost without knowing the server's
/// rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundAvailability {
    pub can_prompt: bool,
    pub can_copy: bool,
    pub can_vote: bool,
    pub prompts_waiting: i64,
    pub phrasesets_waiting: i64,
    pub copy_discount_active: bool,
    /// With the discount applied when `copy_discount_active`.
    pub copy_cost: Coins,
    pub prompt_cost: Coins,
    pub vote_cost: Coins,
}

/// `POST /rounds/prompt`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PromptRoundResponse {
    pub round_id: RoundId,
    pub prompt_text: String,
    #[serde(with = "crate::time_format::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub cost: Coins,
}

/// `POST /rounds/copy`. The prompt text is deliberately absent: a copier
/// imitates the original without seeing what it answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CopyRoundResponse {
    pub round_id: RoundId,
    pub original_phrase: String,
    pub prompt_round_id: RoundId,
    #[serde(with = "crate::time_format::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub cost: Coins,
    pub discount_active: bool,
}

/// `POST /rounds/vote`. The phrases come in the order stored for this round,
/// which reveals nothing about which one is the original.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteRoundResponse {
    pub round_id: RoundId,
    pub phraseset_id: PhrasesetId,
    pub prompt_text: String,
    pub phrases: [String; 3],
    #[serde(with = "crate::time_format::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub cost: Coins,
}

/// `POST /rounds/{round_id}/submit` and `POST /phrasesets/{id}/vote`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitRequest {
    pub phrase: String,
}

/// `POST /rounds/{round_id}/submit`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitResponse {
    pub success: bool,
    pub phrase: String,
    pub round_type: RoundType,
}

/// `POST /phrasesets/{phraseset_id}/vote`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoteResponse {
    pub correct: bool,
    /// Gross payout of this vote (0 for a wrong vote).
    pub payout: Coins,
    pub original_phrase: String,
    pub your_choice: String,
}

/// `POST /rounds/{round_id}/abandon`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AbandonResponse {
    pub round_id: RoundId,
    pub refund_amount: Coins,
    pub penalty_kept: Coins,
}

/// `GET /rounds/{round_id}` and the active round in `GET /player/current-round`.
/// Fields that do not apply to the round's type are absent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundDetails {
    pub round_id: RoundId,
    pub round_type: RoundType,
    pub status: RoundStatus,
    pub cost: Coins,
    #[serde(with = "crate::time_format::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "crate::time_format::rfc3339")]
    pub expires_at: OffsetDateTime,
    /// Prompt and vote rounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_text: Option<String>,
    /// Copy rounds: the phrase to imitate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub original_phrase: Option<String>,
    /// Copy rounds: the prompt round being copied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt_round_id: Option<RoundId>,
    /// Copy rounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discount_active: Option<bool>,
    /// Vote rounds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phraseset_id: Option<PhrasesetId>,
    /// Vote rounds, in the stored order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phrases: Option<[String; 3]>,
    /// Party vote rounds (in `GET /party/{id}/status`): whether the set is
    /// the party's own (false: a global set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_party: Option<bool>,
    /// What the player submitted, once submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_phrase: Option<String>,
}

/// `GET /player/current-round`: the active round, or `{"round_id": null}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum CurrentRoundResponse {
    Active(Box<RoundDetails>),
    None { round_id: Option<RoundId> },
}

impl CurrentRoundResponse {
    pub fn none() -> Self {
        CurrentRoundResponse::None { round_id: None }
    }

    pub fn round(&self) -> Option<&RoundDetails> {
        match self {
            CurrentRoundResponse::Active(round) => Some(round),
            CurrentRoundResponse::None { .. } => None,
        }
    }
}

/// The role a phrase played in a phraseset.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PhraseRole {
    Original,
    Copy1,
    Copy2,
}

impl PhraseRole {
    /// The wire name (as serde writes it), also stored by the server.
    pub const fn as_str(self) -> &'static str {
        match self {
            PhraseRole::Original => "original",
            PhraseRole::Copy1 => "copy1",
            PhraseRole::Copy2 => "copy2",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [PhraseRole::Original, PhraseRole::Copy1, PhraseRole::Copy2]
            .into_iter()
            .find(|r| r.as_str() == s)
    }
}

/// One phrase of a finalized phraseset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhraseResult {
    pub phrase: String,
    pub role: PhraseRole,
    pub author_id: PlayerId,
    pub author_username: String,
    pub votes: i64,
    pub points: i64,
    /// Gross prize paid to the author for this role.
    pub payout: Coins,
}

/// One vote of a finalized phraseset.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VoterResult {
    pub player_id: PlayerId,
    pub username: String,
    pub voted_phrase: String,
    pub correct: bool,
    pub payout: Coins,
}

/// `GET /phrasesets/{phraseset_id}/results`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhrasesetResults {
    pub phraseset_id: PhrasesetId,
    pub prompt_text: String,
    pub vote_count: i64,
    /// The pool when it was distributed.
    pub final_pool: Coins,
    /// What stayed in the pool after the prize split (rounding remainder).
    pub pool_remainder: Coins,
    #[serde(with = "crate::time_format::rfc3339")]
    pub finalized_at: OffsetDateTime,
    pub phrases: Vec<PhraseResult>,
    pub votes: Vec<VoterResult>,
    /// The caller's own role, if they wrote one of the phrases.
    pub your_role: Option<PhraseRole>,
    /// Everything the caller received from this phraseset (prize or vote payout).
    pub your_payout: Coins,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_current_round_serializes_as_null_round_id() {
        let json = serde_json::to_value(CurrentRoundResponse::none()).unwrap();
        assert_eq!(json, serde_json::json!({"round_id": null}));
        let back: CurrentRoundResponse = serde_json::from_value(json).unwrap();
        assert_eq!(back, CurrentRoundResponse::none());
    }

    #[test]
    fn round_type_names_round_trip() {
        for t in [RoundType::Prompt, RoundType::Copy, RoundType::Vote] {
            assert_eq!(RoundType::parse(t.as_str()), Some(t));
            assert_eq!(
                serde_json::to_string(&t).unwrap(),
                format!("\"{}\"", t.as_str())
            );
        }
        assert_eq!(RoundType::parse("other"), None);
    }

    #[test]
    fn copy_round_body_never_carries_the_prompt_text() {
        let body = CopyRoundResponse {
            round_id: RoundId::new(),
            original_phrase: "FAMOUS".into(),
            prompt_round_id: RoundId::new(),
            expires_at: OffsetDateTime::UNIX_EPOCH,
            cost: Coins::new(50),
            discount_active: false,
        };
        let json = serde_json::to_value(body).unwrap();
        assert!(json.get("prompt_text").is_none());
        assert_eq!(json["expires_at"], "1970-01-01T00:00:00Z");
    }
}
