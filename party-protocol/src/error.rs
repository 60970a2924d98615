//! Stable error codes and the error body every failed request returns:
//! `{"error": "<code>", "message": "<human sentence>"}`.
//!
//! Codes are part of the contract: clients match on them, so a code is never
//! renamed. Each code carries its HTTP status here so the server and clients
//! cannot disagree about it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Every error a client can receive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorCode {
    // Requests and auth.
    /// The body or a path/query parameter is malformed; the message names the field.
    InvalidRequest,
    /// The body is larger than the server accepts.
    PayloadTooLarge,
    /// No route matches the path.
    NotFound,
    /// Missing, malformed, expired or revoked access token.
    Unauthorized,
    /// Username/email and password do not match.
    InvalidCredentials,
    /// The refresh token is unknown, expired or was already used.
    InvalidRefreshToken,
    /// The username is taken (compared case-insensitively).
    UsernameTaken,
    /// The email is registered to another player.
    EmailTaken,
    /// The username does not follow the rules.
    InvalidUsername,
    /// The password does not follow the rules.
    InvalidPassword,
    /// Only a guest account can be upgraded.
    NotAGuest,
    /// Too many requests; see `Retry-After`.
    RateLimited,
    /// The request body did not arrive within the server's body timeout.
    RequestTimeout,
    /// Too many connections open at once from the caller's address; see `Retry-After`.
    TooManyConnections,
    /// A request to a WebSocket route that is not a valid WebSocket upgrade
    /// (method, `Upgrade`, `Connection` or `Sec-WebSocket-*` headers); the message says which.
    InvalidUpgrade,

    // Money.
    /// The wallet cannot pay the entry cost.
    InsufficientBalance,
    /// The daily bonus was claimed today, the account is new today, or the player is a guest.
    DailyBonusUnavailable,

    // Rounds.
    /// The player already has an active round.
    AlreadyInRound,
    /// Too many prompts of this player are still waiting for copies and votes.
    MaxOutstandingPrompts,
    /// No prompt is available for this player.
    NoPromptsAvailable,
    /// No phraseset is available for this player to vote on.
    NoPhrasesetsAvailable,
    /// The round does not exist or belongs to someone else.
    RoundNotFound,
    /// The phraseset does not exist.
    PhrasesetNotFound,
    /// The round was already submitted, abandoned or expired.
    RoundNotActive,
    /// The submission arrived after the round's time and grace ran out.
    Expired,
    /// The phrase breaks a phrase rule; the message says which.
    InvalidPhrase,
    /// The copy equals the original or the other copy.
    DuplicatePhrase,
    /// A vote must name one of the three phrases shown.
    InvalidVote,
    /// Phraseset results are published only after finalization.
    ResultsNotAvailable,
    /// Only contributors and voters may see a phraseset's results.
    NotAContributor,

    // Party mode.
    SessionNotFound,
    SessionAlreadyStarted,
    SessionFull,
    AlreadyJoined,
    NotHost,
    NotEnoughPlayers,
    WrongPhase,
    AlreadySubmitted,
    CopiesComplete,
    VotesComplete,
    NotAParticipant,
    AlreadyInParty,
    InvalidPartyConfig,
    PartyModeDisabled,

    // Who plays with whom (issue 15).
    /// The party is password-protected and no password came.
    PartyPasswordRequired,
    /// The password is not the party's.
    PartyPasswordInvalid,
    /// Too many wrong passwords for this party; see `Retry-After`.
    TooManyPasswordAttempts,
    /// The party is invite-only and the caller has no invite (nor is the host's friend).
    PartyInviteRequired,
    /// No (human) player has that username.
    PlayerNotFound,
    /// The other player cannot be reached by the caller (says no more).
    PlayerUnavailable,
    /// The caller blocked that player; unblock first.
    PlayerBlocked,
    /// The two are friends already.
    AlreadyFriends,
    /// The caller asked that player already.
    FriendRequestExists,
    /// No such pending friend request.
    FriendRequestNotFound,
    /// The two are not friends.
    NotFriends,
    /// The caller named themselves.
    CannotTargetSelf,
    /// No such pending invite.
    InviteNotFound,
    // Spectators.
    /// The party has as many spectators as the server takes per party.
    SpectatorsFull,
    /// The caller is no spectator of this party.
    NotASpectator,
    /// The caller plays in this party and so cannot spectate it.
    AlreadyAPlayer,
    /// A spectator chat message over its length limit.
    ChatMessageTooLong,
    /// Something other than a ping sent on a (read-only) spectator socket.
    ReadOnlySocket,
    // Party chat.
    /// Party chat is closed while rounds are played (PROMPT, COPY, VOTE).
    ChatClosed,
    // Quick match.
    /// The quick-match wait (`bot_fill_after_seconds`) is out of its range.
    InvalidQuickMatchWait,
    /// The caller is not in the quick-match queue (never queued, left, or
    /// already matched: `GET /party/quick-match` says which).
    NotQueued,

    // Reactions and the favourite phrase (issue 16).
    /// A reaction name that is none of the fixed set.
    InvalidReaction,
    /// The party has no phrase with that phraseset and role.
    PhraseNotFound,
    /// A favourite vote for a phrase the caller wrote.
    OwnPhrase,

    // Server side.
    /// The server is shutting down or the database is unavailable.
    ServiceUnavailable,
    /// Something went wrong on the server; details are in its log, never here.
    InternalError,
}

impl ErrorCode {
    /// The HTTP status that accompanies this code.
    pub const fn http_status(self) -> u16 {
        use ErrorCode as E;
        match self {
            E::InvalidRequest
            | E::InvalidUsername
            | E::InvalidPassword
            | E::InsufficientBalance
            | E::NoPromptsAvailable
            | E::NoPhrasesetsAvailable
            | E::RoundNotActive
            | E::Expired
            | E::InvalidPhrase
            | E::DuplicatePhrase
            | E::InvalidVote
            | E::DailyBonusUnavailable
            | E::MaxOutstandingPrompts
            | E::NotAGuest
            | E::SessionAlreadyStarted
            | E::SessionFull
            | E::NotEnoughPlayers
            | E::WrongPhase
            | E::AlreadySubmitted
            | E::CopiesComplete
            | E::VotesComplete
            | E::InvalidPartyConfig
            | E::InvalidUpgrade
            | E::CannotTargetSelf
            | E::SpectatorsFull
            | E::ChatMessageTooLong
            | E::ReadOnlySocket
            | E::ChatClosed
            | E::InvalidQuickMatchWait
            | E::InvalidReaction
            | E::OwnPhrase => 400,
            E::Unauthorized | E::InvalidCredentials | E::InvalidRefreshToken => 401,
            E::NotHost
            | E::NotAParticipant
            | E::NotAContributor
            | E::ResultsNotAvailable
            | E::PartyPasswordRequired
            | E::PartyPasswordInvalid
            | E::PartyInviteRequired
            | E::PlayerUnavailable
            | E::NotASpectator => 403,
            E::NotFound
            | E::RoundNotFound
            | E::PhrasesetNotFound
            | E::SessionNotFound
            | E::PlayerNotFound
            | E::FriendRequestNotFound
            | E::NotFriends
            | E::InviteNotFound
            | E::NotQueued
            | E::PhraseNotFound => 404,
            E::UsernameTaken
            | E::EmailTaken
            | E::AlreadyInRound
            | E::AlreadyJoined
            | E::AlreadyInParty
            | E::PlayerBlocked
            | E::AlreadyFriends
            | E::FriendRequestExists
            | E::AlreadyAPlayer => 409,
            E::RequestTimeout => 408,
            E::PayloadTooLarge => 413,
            E::RateLimited | E::TooManyConnections | E::TooManyPasswordAttempts => 429,
            E::InternalError => 500,
            E::ServiceUnavailable | E::PartyModeDisabled => 503,
        }
    }

    /// The code as it appears on the wire.
    pub fn as_str(self) -> &'static str {
        // Serializing a unit variant to a string cannot fail; the match keeps
        // this allocation-free and in step with the serde names (a test checks).
        use ErrorCode as E;
        match self {
            E::InvalidRequest => "invalid_request",
            E::PayloadTooLarge => "payload_too_large",
            E::NotFound => "not_found",
            E::Unauthorized => "unauthorized",
            E::InvalidCredentials => "invalid_credentials",
            E::InvalidRefreshToken => "invalid_refresh_token",
            E::UsernameTaken => "username_taken",
            E::EmailTaken => "email_taken",
            E::InvalidUsername => "invalid_username",
            E::InvalidPassword => "invalid_password",
            E::NotAGuest => "not_a_guest",
            E::RateLimited => "rate_limited",
            E::RequestTimeout => "request_timeout",
            E::TooManyConnections => "too_many_connections",
            E::InvalidUpgrade => "invalid_upgrade",
            E::InsufficientBalance => "insufficient_balance",
            E::DailyBonusUnavailable => "daily_bonus_unavailable",
            E::AlreadyInRound => "already_in_round",
            E::MaxOutstandingPrompts => "max_outstanding_prompts",
            E::NoPromptsAvailable => "no_prompts_available",
            E::NoPhrasesetsAvailable => "no_phrasesets_available",
            E::RoundNotFound => "round_not_found",
            E::PhrasesetNotFound => "phraseset_not_found",
            E::RoundNotActive => "round_not_active",
            E::Expired => "expired",
            E::InvalidPhrase => "invalid_phrase",
            E::DuplicatePhrase => "duplicate_phrase",
            E::InvalidVote => "invalid_vote",
            E::ResultsNotAvailable => "results_not_available",
            E::NotAContributor => "not_a_contributor",
            E::SessionNotFound => "session_not_found",
            E::SessionAlreadyStarted => "session_already_started",
            E::SessionFull => "session_full",
            E::AlreadyJoined => "already_joined",
            E::NotHost => "not_host",
            E::NotEnoughPlayers => "not_enough_players",
            E::WrongPhase => "wrong_phase",
            E::AlreadySubmitted => "already_submitted",
            E::CopiesComplete => "copies_complete",
            E::VotesComplete => "votes_complete",
            E::NotAParticipant => "not_a_participant",
            E::AlreadyInParty => "already_in_party",
            E::InvalidPartyConfig => "invalid_party_config",
            E::PartyModeDisabled => "party_mode_disabled",
            E::PartyPasswordRequired => "party_password_required",
            E::PartyPasswordInvalid => "party_password_invalid",
            E::TooManyPasswordAttempts => "too_many_password_attempts",
            E::PartyInviteRequired => "party_invite_required",
            E::PlayerNotFound => "player_not_found",
            E::PlayerUnavailable => "player_unavailable",
            E::PlayerBlocked => "player_blocked",
            E::AlreadyFriends => "already_friends",
            E::FriendRequestExists => "friend_request_exists",
            E::FriendRequestNotFound => "friend_request_not_found",
            E::NotFriends => "not_friends",
            E::CannotTargetSelf => "cannot_target_self",
            E::InviteNotFound => "invite_not_found",
            E::SpectatorsFull => "spectators_full",
            E::NotASpectator => "not_a_spectator",
            E::AlreadyAPlayer => "already_a_player",
            E::ChatMessageTooLong => "chat_message_too_long",
            E::ReadOnlySocket => "read_only_socket",
            E::ChatClosed => "chat_closed",
            E::InvalidQuickMatchWait => "invalid_quick_match_wait",
            E::NotQueued => "not_queued",
            E::InvalidReaction => "invalid_reaction",
            E::PhraseNotFound => "phrase_not_found",
            E::OwnPhrase => "own_phrase",
            E::ServiceUnavailable => "service_unavailable",
            E::InternalError => "internal_error",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The body of every error response.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiErrorBody {
    pub error: ErrorCode,
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[ErrorCode] = &[
        ErrorCode::InvalidRequest,
        ErrorCode::PayloadTooLarge,
        ErrorCode::NotFound,
        ErrorCode::Unauthorized,
        ErrorCode::InvalidCredentials,
        ErrorCode::InvalidRefreshToken,
        ErrorCode::UsernameTaken,
        ErrorCode::EmailTaken,
        ErrorCode::InvalidUsername,
        ErrorCode::InvalidPassword,
        ErrorCode::NotAGuest,
        ErrorCode::RateLimited,
        ErrorCode::RequestTimeout,
        ErrorCode::TooManyConnections,
        ErrorCode::InvalidUpgrade,
        ErrorCode::InsufficientBalance,
        ErrorCode::DailyBonusUnavailable,
        ErrorCode::AlreadyInRound,
        ErrorCode::MaxOutstandingPrompts,
        ErrorCode::NoPromptsAvailable,
        ErrorCode::NoPhrasesetsAvailable,
        ErrorCode::RoundNotFound,
        ErrorCode::PhrasesetNotFound,
        ErrorCode::RoundNotActive,
        ErrorCode::Expired,
        ErrorCode::InvalidPhrase,
        ErrorCode::DuplicatePhrase,
        ErrorCode::InvalidVote,
        ErrorCode::ResultsNotAvailable,
        ErrorCode::NotAContributor,
        ErrorCode::SessionNotFound,
        ErrorCode::SessionAlreadyStarted,
        ErrorCode::SessionFull,
        ErrorCode::AlreadyJoined,
        ErrorCode::NotHost,
        ErrorCode::NotEnoughPlayers,
        ErrorCode::WrongPhase,
        ErrorCode::AlreadySubmitted,
        ErrorCode::CopiesComplete,
        ErrorCode::VotesComplete,
        ErrorCode::NotAParticipant,
        ErrorCode::AlreadyInParty,
        ErrorCode::InvalidPartyConfig,
        ErrorCode::PartyModeDisabled,
        ErrorCode::PartyPasswordRequired,
        ErrorCode::PartyPasswordInvalid,
        ErrorCode::TooManyPasswordAttempts,
        ErrorCode::PartyInviteRequired,
        ErrorCode::PlayerNotFound,
        ErrorCode::PlayerUnavailable,
        ErrorCode::PlayerBlocked,
        ErrorCode::AlreadyFriends,
        ErrorCode::FriendRequestExists,
        ErrorCode::FriendRequestNotFound,
        ErrorCode::NotFriends,
        ErrorCode::CannotTargetSelf,
        ErrorCode::InviteNotFound,
        ErrorCode::SpectatorsFull,
        ErrorCode::NotASpectator,
        ErrorCode::AlreadyAPlayer,
        ErrorCode::ChatMessageTooLong,
        ErrorCode::ReadOnlySocket,
        ErrorCode::ChatClosed,
        ErrorCode::InvalidQuickMatchWait,
        ErrorCode::NotQueued,
        ErrorCode::InvalidReaction,
        ErrorCode::PhraseNotFound,
        ErrorCode::OwnPhrase,
        ErrorCode::ServiceUnavailable,
        ErrorCode::InternalError,
    ];

    #[test]
    fn as_str_matches_the_serde_name_for_every_code() {
        for code in ALL {
            let json = serde_json::to_string(code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            let back: ErrorCode = serde_json::from_str(&json).unwrap();
            assert_eq!(back, *code);
        }
    }

    #[test]
    fn only_internal_error_is_a_500() {
        for code in ALL {
            let status = code.http_status();
            assert!((400..600).contains(&status), "{code} has status {status}");
            assert_eq!(status == 500, *code == ErrorCode::InternalError, "{code}");
        }
    }

    #[test]
    fn plan_codes_keep_the_plan_statuses() {
        assert_eq!(ErrorCode::SessionNotFound.http_status(), 404);
        assert_eq!(ErrorCode::SessionAlreadyStarted.http_status(), 400);
        assert_eq!(ErrorCode::SessionFull.http_status(), 400);
        assert_eq!(ErrorCode::AlreadyJoined.http_status(), 409);
        assert_eq!(ErrorCode::NotHost.http_status(), 403);
        assert_eq!(ErrorCode::NotEnoughPlayers.http_status(), 400);
        assert_eq!(ErrorCode::WrongPhase.http_status(), 400);
        assert_eq!(ErrorCode::InsufficientBalance.http_status(), 400);
        assert_eq!(ErrorCode::RateLimited.http_status(), 429);
        assert_eq!(ErrorCode::Unauthorized.http_status(), 401);
    }

    #[test]
    fn error_body_round_trips() {
        let body = ApiErrorBody {
            error: ErrorCode::WrongPhase,
            message: "Not now.".into(),
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"error": "wrong_phase", "message": "Not now."})
        );
    }
}
