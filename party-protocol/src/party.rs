//! Party Mode bodies (plan §4 and api.md "Party Mode beyond the plan").

use std::fmt;
use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::coins::Coins;
use crate::ids::{ParticipantId, PartyRoundId, PhrasesetId, PlayerId, RoundId, SessionId};
use crate::party_access::{PartyAccess, PartyListing, PartyPassword};
use crate::round::RoundDetails;

pub use crate::party_results::{
    Award, Awards, Bonuses, COMBO_BONUS_PER_VOTER, COMBO_MIN_FOOLED, MVP_POINTS_CORRECT_VOTE,
    MVP_POINTS_FOOLED, MVP_POINTS_ORIGINAL_VOTE, MostVotes, PartyResultsResponse, PhrasesetSummary,
    RankingEntry, STREAK_BONUS, STREAK_MIN, SummaryPhrase,
};

/// A party's phase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PartyPhase {
    Lobby,
    Prompt,
    Copy,
    Vote,
    Results,
    Completed,
}

impl PartyPhase {
    pub const fn as_str(self) -> &'static str {
        match self {
            PartyPhase::Lobby => "LOBBY",
            PartyPhase::Prompt => "PROMPT",
            PartyPhase::Copy => "COPY",
            PartyPhase::Vote => "VOTE",
            PartyPhase::Results => "RESULTS",
            PartyPhase::Completed => "COMPLETED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            PartyPhase::Lobby,
            PartyPhase::Prompt,
            PartyPhase::Copy,
            PartyPhase::Vote,
            PartyPhase::Results,
            PartyPhase::Completed,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

impl fmt::Display for PartyPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A party session's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SessionStatus {
    Open,
    InProgress,
    Completed,
    Abandoned,
}

impl SessionStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            SessionStatus::Open => "OPEN",
            SessionStatus::InProgress => "IN_PROGRESS",
            SessionStatus::Completed => "COMPLETED",
            SessionStatus::Abandoned => "ABANDONED",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            SessionStatus::Open,
            SessionStatus::InProgress,
            SessionStatus::Completed,
            SessionStatus::Abandoned,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// A participant's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ParticipantStatus {
    Joined,
    Ready,
    Active,
    Completed,
    /// Left after the start; remaining tasks are forfeited.
    Left,
}

impl ParticipantStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            ParticipantStatus::Joined => "JOINED",
            ParticipantStatus::Ready => "READY",
            ParticipantStatus::Active => "ACTIVE",
            ParticipantStatus::Completed => "COMPLETED",
            ParticipantStatus::Left => "LEFT",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            ParticipantStatus::Joined,
            ParticipantStatus::Ready,
            ParticipantStatus::Active,
            ParticipantStatus::Completed,
            ParticipantStatus::Left,
        ]
        .into_iter()
        .find(|p| p.as_str() == s)
    }
}

/// Whether a participant's client is connected (presence only).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ConnectionStatus {
    Connected,
    Disconnected,
}

/// A party code: 4 letters without O/I/L and 4 digits 2–9, matched
/// case-insensitively (stored upper-case).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartyCode(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("A party code is 4 letters and 4 digits, like ABCD2345.")]
pub struct PartyCodeError;

/// The plan's hard limits on a party's shape (§2.1). Servers may narrow
/// them by configuration, never widen them: the database enforces them too.
pub const PARTY_PLAYERS: RangeInclusive<i64> = 3..=8;
/// Prompts each player writes (copies are always twice this).
pub const PARTY_PROMPTS_PER_PLAYER: RangeInclusive<i64> = 1..=3;
/// Votes each player casts.
pub const PARTY_VOTES_PER_PLAYER: RangeInclusive<i64> = 1..=5;

/// Letters used in party codes: no O, I or L (they look like digits).
pub const PARTY_CODE_LETTERS: &str = "ABCDEFGHJKMNPQRSTUVWXYZ";
/// Digits used in party codes: no 0 or 1.
pub const PARTY_CODE_DIGITS: &str = "23456789";

impl PartyCode {
    pub fn parse(raw: &str) -> Result<Self, PartyCodeError> {
        let code: String = raw
            .trim()
            .chars()
            .filter(|c| *c != '-' && *c != ' ')
            .collect::<String>()
            .to_ascii_uppercase();
        let bytes = code.as_bytes();
        let ok = bytes.len() == 8
            && bytes[..4]
                .iter()
                .all(|b| PARTY_CODE_LETTERS.as_bytes().contains(b))
            && bytes[4..]
                .iter()
                .all(|b| PARTY_CODE_DIGITS.as_bytes().contains(b));
        if ok {
            Ok(Self(code))
        } else {
            Err(PartyCodeError)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PartyCode {
    type Error = PartyCodeError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PartyCode> for String {
    fn from(code: PartyCode) -> String {
        code.0
    }
}

/// Read-only access to the code's text (`len`, `to_lowercase`, slicing, and
/// `&PartyCode` where a `&str` is expected); there is no `DerefMut`, so the
/// code stays valid.
impl std::ops::Deref for PartyCode {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PartyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `POST /party/create`. Every field is optional; omitted ones take the defaults.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreatePartyRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_players: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_players: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts_per_player: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies_per_player: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes_per_player: Option<i64>,
    /// Length of each phase in seconds; default: quota × the round timer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_seconds: Option<i64>,
    /// Who may join (default open; a `password` alone means password mode).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access: Option<PartyAccess>,
    /// The party password, with `access: "password"` only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PartyPassword>,
    /// Listed in `GET /party/public` while it has free seats (default false).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public: Option<bool>,
}

/// `POST /party/join`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinPartyRequest {
    pub party_code: PartyCode,
    /// A password party's password (not needed with an invite).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PartyPassword>,
}

/// `POST /party/{id}/ready`: omit the body (or `ready: true`) to mark ready,
/// `ready: false` to take it back.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadyRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ready: Option<bool>,
}

/// `POST /party/{id}/bots`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddBotsRequest {
    pub count: i64,
}

/// A participant as the lobby shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LobbyParticipant {
    pub player_id: PlayerId,
    pub username: String,
    pub is_host: bool,
    pub is_bot: bool,
    pub status: ParticipantStatus,
    pub connection_status: ConnectionStatus,
    #[serde(with = "crate::time_format::rfc3339")]
    pub joined_at: OffsetDateTime,
}

/// `POST /party/create` and `POST /party/join`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartySessionResponse {
    pub session_id: SessionId,
    pub party_code: PartyCode,
    pub host_player_id: PlayerId,
    pub status: SessionStatus,
    pub current_phase: PartyPhase,
    #[serde(with = "crate::time_format::rfc3339")]
    pub created_at: OffsetDateTime,
    pub participants: Vec<LobbyParticipant>,
    pub participant_count: i64,
    pub min_players: i64,
    pub max_players: i64,
    pub prompts_per_player: i64,
    pub copies_per_player: i64,
    pub votes_per_player: i64,
    pub phase_seconds: Option<i64>,
    /// Who may join; left out when open (never the password).
    #[serde(default, skip_serializing_if = "PartyAccess::is_open")]
    pub access: PartyAccess,
    /// How the party is listed: `public`, `quick_match`, or left out when
    /// private (see [`PartyListing`]).
    #[serde(default, skip_serializing_if = "PartyListing::is_private")]
    pub listing: PartyListing,
}

/// Lobby readiness summary.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadySummary {
    pub ready_count: i64,
    pub total_count: i64,
    pub can_start: bool,
}

/// `POST /party/{id}/ready`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadyResponse {
    pub participant_id: ParticipantId,
    pub status: ParticipantStatus,
    pub session: ReadySummary,
}

/// `POST /party/{id}/start`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartPartyResponse {
    pub session_id: SessionId,
    pub status: SessionStatus,
    pub current_phase: PartyPhase,
    #[serde(with = "crate::time_format::rfc3339")]
    pub phase_started_at: OffsetDateTime,
    #[serde(with = "crate::time_format::rfc3339")]
    pub phase_expires_at: OffsetDateTime,
    #[serde(with = "crate::time_format::rfc3339")]
    pub locked_at: OffsetDateTime,
    pub participants: Vec<StatusParticipant>,
}

/// A participant with its counters (`GET /party/{id}/status`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusParticipant {
    pub player_id: PlayerId,
    pub username: String,
    pub is_host: bool,
    pub is_bot: bool,
    pub status: ParticipantStatus,
    pub connection_status: ConnectionStatus,
    pub prompts_submitted: i64,
    pub copies_submitted: i64,
    pub votes_submitted: i64,
    pub prompts_required: i64,
    pub copies_required: i64,
    /// The vote quota: the party's `votes_per_player`, filled with global
    /// phrasesets where the party's own cannot; fewer only when the server
    /// has no more sets this player may vote on.
    pub votes_required: i64,
    /// How many of `votes_required` are on global phrasesets (solo sets of
    /// this server or the house library) rather than the party's own: 0
    /// before VOTE. Votes on them cost and pay like solo votes.
    #[serde(default)]
    pub global_votes_required: i64,
    /// Whether this participant has met the current phase's quota.
    pub phase_complete: bool,
}

/// Session-wide totals.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyProgress {
    pub total_prompts: i64,
    pub total_copies: i64,
    pub total_votes: i64,
    pub required_prompts: i64,
    pub required_copies: i64,
    pub required_votes: i64,
    pub players_ready_for_next_phase: i64,
    pub total_players: i64,
}

/// `GET /party/{id}/status`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyStatusResponse {
    pub session_id: SessionId,
    pub party_code: PartyCode,
    pub host_player_id: PlayerId,
    pub status: SessionStatus,
    pub current_phase: PartyPhase,
    #[serde(default, with = "crate::time_format::option")]
    pub phase_started_at: Option<OffsetDateTime>,
    #[serde(default, with = "crate::time_format::option")]
    pub phase_expires_at: Option<OffsetDateTime>,
    pub min_players: i64,
    pub max_players: i64,
    pub prompts_per_player: i64,
    pub copies_per_player: i64,
    pub votes_per_player: i64,
    /// The last event's sequence number: a client resumes its socket from here.
    pub seq: i64,
    pub participants: Vec<StatusParticipant>,
    pub progress: PartyProgress,
    /// The caller's own active party round, so a reconnecting client resumes it.
    pub active_round: Option<RoundDetails>,
    /// Set after play-again: the new lobby.
    pub next_session_id: Option<SessionId>,
    /// Who may join; left out when open (never the password).
    #[serde(default, skip_serializing_if = "PartyAccess::is_open")]
    pub access: PartyAccess,
    /// How the party is listed: `public`, `quick_match`, or left out when
    /// private (see [`PartyListing`]).
    #[serde(default, skip_serializing_if = "PartyListing::is_private")]
    pub listing: PartyListing,
    /// The party's spectators, apart from its players (servers without
    /// spectators leave it out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spectators: Option<SpectatorList>,
}

/// The most spectator names a status lists; `count` is always exact.
pub const SPECTATOR_NAMES_SHOWN: usize = 50;

/// The spectators of a party as a status lists them, apart from its
/// players (see [`crate::spectate`]).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpectatorList {
    /// How many spectators the party has (exact).
    pub count: i64,
    /// Their usernames, oldest first, at most [`SPECTATOR_NAMES_SHOWN`].
    pub names: Vec<String>,
}

/// The caller's own counters in the party's current phase, as the round
/// answers report them: only the phase's pair is present (none outside the
/// round phases).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnPhaseProgress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub your_prompts_submitted: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompts_required: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub your_copies_submitted: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies_required: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub your_votes_submitted: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes_required: Option<i64>,
    /// Whether the caller has met the phase's quota.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phase_complete: Option<bool>,
}

/// A round start's view of the caller's progress (`rounds/prompt`,
/// `rounds/copy`, `rounds/vote`; plan §4.2 names the count `players_done`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundSessionProgress {
    #[serde(flatten)]
    pub own: OwnPhaseProgress,
    /// Players (still in the party) who have met the phase's quota.
    pub players_done: i64,
    pub total_players: i64,
}

/// A submission's view of the caller's progress. The same numbers as a
/// round start's, under the name plan §4.2 gives the count in the submit
/// answer: `players_ready` (ready for the next phase).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitSessionProgress {
    #[serde(flatten)]
    pub own: OwnPhaseProgress,
    /// Players (still in the party) who have met the phase's quota.
    pub players_ready: i64,
    pub total_players: i64,
}

impl From<RoundSessionProgress> for SubmitSessionProgress {
    fn from(p: RoundSessionProgress) -> Self {
        SubmitSessionProgress {
            own: p.own,
            players_ready: p.players_done,
            total_players: p.total_players,
        }
    }
}

/// `POST /party/{id}/rounds/prompt`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyPromptRoundResponse {
    pub round_id: RoundId,
    pub party_round_id: PartyRoundId,
    pub prompt_text: String,
    #[serde(with = "crate::time_format::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub cost: Coins,
    pub session_progress: RoundSessionProgress,
}

/// `POST /party/{id}/rounds/copy`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyCopyRoundResponse {
    pub round_id: RoundId,
    pub party_round_id: PartyRoundId,
    pub original_phrase: String,
    pub prompt_round_id: RoundId,
    #[serde(with = "crate::time_format::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub cost: Coins,
    pub discount_active: bool,
    pub is_second_copy: bool,
    pub from_party: bool,
    pub session_progress: RoundSessionProgress,
}

/// `POST /party/{id}/rounds/vote`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyVoteRoundResponse {
    pub round_id: RoundId,
    pub party_round_id: PartyRoundId,
    pub phraseset_id: PhrasesetId,
    pub prompt_text: String,
    pub phrases: [String; 3],
    #[serde(with = "crate::time_format::rfc3339")]
    pub expires_at: OffsetDateTime,
    pub cost: Coins,
    pub from_party: bool,
    pub session_progress: RoundSessionProgress,
}

/// The phase change a submission caused, if any.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhaseTransitionInfo {
    pub new_phase: PartyPhase,
    pub message: String,
    #[serde(with = "crate::time_format::rfc3339")]
    pub phase_started_at: OffsetDateTime,
    #[serde(default, with = "crate::time_format::option")]
    pub phase_expires_at: Option<OffsetDateTime>,
}

/// `POST /party/{id}/rounds/{round_id}/submit`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartySubmitResponse {
    pub success: bool,
    pub phrase: String,
    pub round_type: crate::round::RoundType,
    /// Vote rounds: whether the choice was the original.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub correct: Option<bool>,
    pub session_progress: SubmitSessionProgress,
    pub phase_transition: Option<PhaseTransitionInfo>,
}

/// `GET /party/active`: the caller's open or running party, or null.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivePartyResponse {
    pub session_id: Option<SessionId>,
    pub party_code: Option<PartyCode>,
    pub current_phase: Option<PartyPhase>,
    pub status: Option<SessionStatus>,
}

/// `POST /party/{id}/play-again`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlayAgainResponse {
    pub new_session_id: SessionId,
    pub party_code: PartyCode,
    /// Participants of the finished party who could not be brought into
    /// the new lobby (absent when everyone came along).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedPlayer>,
}

/// A participant that play-again left out, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedPlayer {
    pub player_id: PlayerId,
    pub username: String,
    /// `already_in_party`: they joined another party meanwhile.
    pub reason: crate::ErrorCode,
    pub message: String,
}

/// `POST /party/{id}/bots`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddBotsResponse {
    pub added: Vec<LobbyParticipant>,
    pub participant_count: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_codes_parse_case_insensitively_and_reject_ambiguous_characters() {
        assert_eq!(PartyCode::parse("abcd2345").unwrap().as_str(), "ABCD2345");
        assert_eq!(
            PartyCode::parse(" ABCD-2345 ").unwrap().as_str(),
            "ABCD2345"
        );
        assert!(PartyCode::parse("ABCO2345").is_err(), "O is excluded");
        assert!(PartyCode::parse("ABCD2341").is_err(), "1 is excluded");
        assert!(PartyCode::parse("ABCD234").is_err());
        assert!(PartyCode::parse("ABC12345").is_err());
        assert!(PartyCode::parse("").is_err());
    }

    #[test]
    fn phases_serialize_upper_case() {
        assert_eq!(
            serde_json::to_string(&PartyPhase::Vote).unwrap(),
            "\"VOTE\""
        );
        assert_eq!(
            serde_json::to_string(&SessionStatus::InProgress).unwrap(),
            "\"IN_PROGRESS\""
        );
        for p in ["LOBBY", "PROMPT", "COPY", "VOTE", "RESULTS", "COMPLETED"] {
            assert_eq!(PartyPhase::parse(p).unwrap().as_str(), p);
        }
    }

    #[test]
    fn create_request_rejects_unknown_fields() {
        assert!(serde_json::from_str::<CreatePartyRequest>(r#"{"min_players": 3}"#).is_ok());
        assert!(serde_json::from_str::<CreatePartyRequest>(r#"{"min_player": 3}"#).is_err());
    }
}
