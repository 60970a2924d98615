//! Golden JSON for every body and message of the wire contract.
//!
//! Each sample below is a realistic value built in Rust; `tests/golden/`
//! holds what it must serialize to, one file per REST body, per WebSocket
//! message variant (both directions) and per error body. The test checks
//! both ways: the sample serializes to the file (compared as JSON values,
//! with a per-path diff on mismatch) and the file deserializes back to the
//! sample. Any change to a field name, a tag, an enum spelling or a
//! timestamp format therefore shows up here as a failing, reviewable diff.
//!
//! After an intended change, rewrite the files and review the git diff:
//!
//! ```text
//! UPDATE_GOLDEN=1 cargo test -p party-protocol --test golden
//! ```
//!
//! Completeness is checked, not trusted:
//! - every type deriving `Serialize`/`Deserialize` in `src/` must be a golden
//!   sample's top-level type or be listed in [`COVERED_INSIDE`] (with where it
//!   appears) or [`SCALARS`] (plain values with their own unit tests);
//! - every variant serde knows for the tagged message enums must have a sample;
//! - every file under `tests/golden/` must belong to a sample (no stale files).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap};
use std::fmt::Debug;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use time::OffsetDateTime;
use time::macros::datetime;
use uuid::Uuid;

use party_protocol::account::{
    ActiveParty, AuthResponse, BalanceResponse, DailyBonusResponse, DashboardResponse,
    LoginRequest, RefreshRequest, RegisterRequest, SuccessResponse, TokenResponse, TokenType,
    WsTokenResponse,
};
use party_protocol::friends::{
    BlockedPlayer, BlocksResponse, Friend, FriendPresence, FriendRequestOutcome,
    FriendRequestResponse, FriendsResponse, InvitesResponse, PartyInvite, PendingFriendRequest,
    PlayerMessage, UsernameRequest,
};
use party_protocol::matchmaking::{
    PublicPartiesQuery, PublicPartiesResponse, PublicParty, QueuedStatus, QuickMatchFormed,
    QuickMatchRequest, QuickMatchStatus,
};
use party_protocol::ops::{DatabaseKind, HealthResponse, HealthStatus};
use party_protocol::party::{
    ActivePartyResponse, AddBotsRequest, AddBotsResponse, Award, Awards, Bonuses, ConnectionStatus,
    CreatePartyRequest, JoinPartyRequest, LobbyParticipant, MostVotes, OwnPhaseProgress,
    ParticipantStatus, PartyCode, PartyCopyRoundResponse, PartyPhase, PartyProgress,
    PartyPromptRoundResponse, PartyResultsResponse, PartySessionResponse, PartyStatusResponse,
    PartySubmitResponse, PartyVoteRoundResponse, PhaseTransitionInfo, PhrasesetSummary,
    PlayAgainResponse, RankingEntry, ReadyRequest, ReadyResponse, ReadySummary,
    RoundSessionProgress, SessionStatus, SkippedPlayer, StartPartyResponse, StatusParticipant,
    SubmitSessionProgress, SummaryPhrase,
};
use party_protocol::party_access::{
    PartyAccess, PartyAccessResponse, PartyListing, PartyPassword, SetPartyAccessRequest,
};
use party_protocol::party_chat::{
    ChatPage, ChatQuery, MuteRequest, MuteResponse, PartyChatMessage,
};
use party_protocol::party_history::{
    BestPhrase, HistoryEntry, HistoryPlayer, HistoryQuery, HistoryResponse, LeaderboardBoard,
    LeaderboardPeriod, LeaderboardQuery, LeaderboardResponse, LeaderboardRow, PartyStatsResponse,
};
use party_protocol::party_reactions::{
    FavouritePhrase, MyReaction, PartyReactionsResponse, PhraseReactions, PhraseRef, ReactRequest,
    Reaction,
};
use party_protocol::party_ws::{
    ClientMessage, PhaseProgress, PlayerCounters, ProgressAction, ServerEvent, ServerMessage,
    SessionSnapshot,
};
use party_protocol::round::{
    AbandonResponse, CopyRoundResponse, CurrentRoundResponse, PhraseResult, PhraseRole,
    PhrasesetResults, PromptRoundResponse, RoundAvailability, RoundDetails, RoundStatus, RoundType,
    SubmitRequest, SubmitResponse, VoteResponse, VoteRoundResponse, VoterResult,
};
use party_protocol::spectate::{
    ChatRequest, ChatResponse, ChatText, NextGameRequest, NextGameResponse, SpectateRequest,
    SpectatorList, SpectatorNotice, SpectatorSocketMessage, SpectatorStatusResponse,
};
use party_protocol::{
    ApiErrorBody, Coins, ErrorCode, PROTOCOL_VERSION, ParticipantId, PartyRoundId, PhrasesetId,
    PlayerId, RoundId, SessionId, Username,
};

/// Types that only travel inside a golden body, with the file that shows them.
const COVERED_INSIDE: &[(&str, &str)] = &[
    ("PhraseReactions", "party_reactions/reactions_response"),
    ("MyReaction", "party_reactions/reactions_response"),
    ("FavouritePhrase", "party_reactions/reactions_response"),
    ("Reaction", "party_reactions/reactions_response"),
    ("PublicParty", "matchmaking/public_parties_response"),
    ("QueuedStatus", "matchmaking/quick_match_status_queued"),
    ("QuickMatchFormed", "matchmaking/quick_match_status_matched"),
    ("HistoryEntry", "party/history_response"),
    ("HistoryPlayer", "party/history_response"),
    ("BestPhrase", "party/party_stats_response"),
    ("LeaderboardBoard", "party/leaderboard_query"),
    ("LeaderboardPeriod", "party/leaderboard_query"),
    ("LeaderboardRow", "party/leaderboard_response"),
    ("ActiveParty", "account/dashboard_response"),
    ("SpectatorList", "spectate/spectator_status_response"),
    ("SkippedPlayer", "party/play_again_response"),
    ("RoundType", "round/submit_response"),
    ("RoundStatus", "round/round_details_prompt"),
    ("PhraseRole", "round/phraseset_results"),
    ("PhraseResult", "round/phraseset_results"),
    ("VoterResult", "round/phraseset_results"),
    ("PartyPhase", "party/party_status_response"),
    ("SessionStatus", "party/party_status_response"),
    ("ParticipantStatus", "party/party_status_response"),
    ("ConnectionStatus", "party/party_status_response"),
    ("LobbyParticipant", "party/party_session_response"),
    ("ReadySummary", "party/ready_response"),
    ("StatusParticipant", "party/party_status_response"),
    ("PartyProgress", "party/party_status_response"),
    ("RoundSessionProgress", "party/party_prompt_round_response"),
    ("OwnPhaseProgress", "party/party_prompt_round_response"),
    ("SubmitSessionProgress", "party/party_submit_response"),
    ("PhaseTransitionInfo", "party/party_submit_response"),
    ("RankingEntry", "party/party_results_response"),
    ("Award", "party/party_results_response"),
    ("Awards", "party/party_results_response"),
    ("Bonuses", "party/party_results_response"),
    ("SummaryPhrase", "party/party_results_response"),
    ("PhrasesetSummary", "party/party_results_response"),
    ("ServerEvent", "party_ws/server/* (one file per variant)"),
    ("SessionSnapshot", "party_ws/server/session_update"),
    ("PlayerCounters", "party_ws/server/progress_update"),
    ("ProgressAction", "party_ws/server/progress_update"),
    ("MostVotes", "party/party_results_response"),
    ("TokenType", "account/token_response"),
    ("PhaseProgress", "party_ws/server/progress_update"),
    ("ErrorCode", "error/codes (every code with its HTTP status)"),
    ("HealthStatus", "ops/health_response"),
    ("DatabaseKind", "ops/health_response"),
    ("Friend", "friends/friends_response"),
    ("FriendPresence", "friends/friends_response"),
    ("PendingFriendRequest", "friends/friends_response"),
    ("FriendRequestOutcome", "friends/friend_request_response"),
    ("PartyAccess", "party_access/party_access_response"),
    ("PartyListing", "party/party_session_response"),
];

/// Plain values (a string or a number on the wire) with their own unit tests.
const SCALARS: &[&str] = &[
    "Coins",
    "Phrase",
    "Username",
    "PartyCode",
    "PartyPassword",
    "ChatText",
];

/// Reads a golden file's JSON back into the sample's type and compares.
type RoundTrip = Box<dyn Fn(&Value) -> Result<(), String>>;

/// One golden sample: where its file lives, what it serializes to, and how
/// to read a JSON value back into the sample's type and compare.
struct Golden {
    file: &'static str,
    type_name: &'static str,
    actual: Value,
    /// Deserializes the given JSON and compares it with the sample.
    round_trip: RoundTrip,
}

fn golden<T>(file: &'static str, sample: T) -> Golden
where
    T: Serialize + DeserializeOwned + PartialEq + Debug + 'static,
{
    let actual = serde_json::to_value(&sample).expect("a sample serializes");
    let full_name = std::any::type_name::<T>();
    let type_name = full_name.rsplit("::").next().unwrap_or(full_name);
    Golden {
        file,
        type_name,
        actual,
        round_trip: Box::new(move |json| {
            let back: T = serde_json::from_value(json.clone())
                .map_err(|e| format!("does not deserialize: {e}"))?;
            if back == sample {
                Ok(())
            } else {
                Err(format!(
                    "deserializes to a different value:\n  got    {back:?}\n  wanted {sample:?}"
                ))
            }
        }),
    }
}

// ---------------------------------------------------------------- sample data

fn quick_match_formed() -> QuickMatchFormed {
    QuickMatchFormed {
        session_id: session(),
        party_code: code(),
        matched_at: t0(),
    }
}

fn phrase_reactions() -> Vec<PhraseReactions> {
    vec![
        PhraseReactions {
            phraseset_id: phraseset(),
            role: PhraseRole::Original,
            counts: [(Reaction::Laugh, 2)].into_iter().collect(),
            favourite_votes: 0,
        },
        PhraseReactions {
            phraseset_id: phraseset(),
            role: PhraseRole::Copy1,
            counts: [(Reaction::Fire, 2), (Reaction::Wow, 1)]
                .into_iter()
                .collect(),
            favourite_votes: 2,
        },
    ]
}

fn favourite_phrase() -> FavouritePhrase {
    FavouritePhrase {
        phraseset_id: phraseset(),
        role: PhraseRole::Copy1,
        phrase: "FREE BAR".into(),
        prompt_text: PROMPT.into(),
        author_id: bot(),
        author_username: "Bot Sparkle".into(),
        votes: 2,
    }
}

fn id(n: u128) -> Uuid {
    // Version-4-shaped UUIDs that are easy to tell apart in the files.
    Uuid::from_u128(0x3f2a_9c1e_5b7d_4e80_a000_0000_0000_0000 | n)
}

/// A play-again that could not bring one player along.
fn skipped() -> Vec<SkippedPlayer> {
    vec![SkippedPlayer {
        player_id: carol(),
        username: "carol".into(),
        reason: ErrorCode::AlreadyInParty,
        message: "carol is already in another party.".into(),
    }]
}

fn alice() -> PlayerId {
    PlayerId::from_uuid(id(0xa11ce))
}
fn bob() -> PlayerId {
    PlayerId::from_uuid(id(0xb0b))
}
fn carol() -> PlayerId {
    PlayerId::from_uuid(id(0xca201))
}
fn bot() -> PlayerId {
    PlayerId::from_uuid(id(0xb07))
}
fn session() -> SessionId {
    SessionId::from_uuid(id(0x5e55_1001))
}
fn next_session() -> SessionId {
    SessionId::from_uuid(id(0x5e55_1002))
}
fn prompt_round() -> RoundId {
    RoundId::from_uuid(id(0x0001))
}
fn copy_round() -> RoundId {
    RoundId::from_uuid(id(0x0002))
}
fn vote_round() -> RoundId {
    RoundId::from_uuid(id(0x0003))
}
fn phraseset() -> PhrasesetId {
    PhrasesetId::from_uuid(id(0x9a5e))
}

fn code() -> PartyCode {
    PartyCode::parse("HJKM2345").unwrap()
}
const PROMPT: &str = "Something you should never say at a wedding";

fn t0() -> OffsetDateTime {
    datetime!(2026-12-06 20:15:00 UTC)
}
fn t1() -> OffsetDateTime {
    datetime!(2026-12-06 20:18:00 UTC)
}
fn t2() -> OffsetDateTime {
    datetime!(2026-12-06 20:21:30 UTC)
}

fn phrases() -> [String; 3] {
    ["FREE BAR".into(), "OPEN BAR".into(), "CASH BAR".into()]
}

fn prompt_details() -> RoundDetails {
    RoundDetails {
        round_id: prompt_round(),
        round_type: RoundType::Prompt,
        status: RoundStatus::Active,
        cost: Coins::new(100),
        created_at: t0(),
        expires_at: t1(),
        prompt_text: Some(PROMPT.into()),
        original_phrase: None,
        prompt_round_id: None,
        discount_active: None,
        phraseset_id: None,
        phrases: None,
        submitted_phrase: None,
        from_party: None,
    }
}

fn copy_details() -> RoundDetails {
    RoundDetails {
        round_id: copy_round(),
        round_type: RoundType::Copy,
        status: RoundStatus::Submitted,
        cost: Coins::new(45),
        created_at: t0(),
        expires_at: t1(),
        prompt_text: None,
        original_phrase: Some("OPEN BAR".into()),
        prompt_round_id: Some(prompt_round()),
        discount_active: Some(true),
        phraseset_id: None,
        phrases: None,
        submitted_phrase: Some("FREE BAR".into()),
        from_party: None,
    }
}

fn vote_details() -> RoundDetails {
    RoundDetails {
        round_id: vote_round(),
        round_type: RoundType::Vote,
        status: RoundStatus::Expired,
        cost: Coins::new(10),
        created_at: t0(),
        expires_at: t1(),
        prompt_text: Some(PROMPT.into()),
        original_phrase: None,
        prompt_round_id: None,
        discount_active: None,
        phraseset_id: Some(phraseset()),
        phrases: Some(phrases()),
        submitted_phrase: None,
        from_party: None,
    }
}

fn availability() -> RoundAvailability {
    RoundAvailability {
        can_prompt: true,
        can_copy: true,
        can_vote: false,
        prompts_waiting: 3,
        phrasesets_waiting: 0,
        copy_discount_active: true,
        copy_cost: Coins::new(45),
        prompt_cost: Coins::new(100),
        vote_cost: Coins::new(10),
    }
}

fn lobby_participants() -> Vec<LobbyParticipant> {
    vec![
        LobbyParticipant {
            player_id: alice(),
            username: "alice".into(),
            is_host: true,
            is_bot: false,
            status: ParticipantStatus::Ready,
            connection_status: ConnectionStatus::Connected,
            joined_at: t0(),
        },
        LobbyParticipant {
            player_id: bot(),
            username: "Bot Sparkle".into(),
            is_host: false,
            is_bot: true,
            status: ParticipantStatus::Joined,
            connection_status: ConnectionStatus::Disconnected,
            joined_at: t1(),
        },
    ]
}

fn status_participants() -> Vec<StatusParticipant> {
    vec![
        StatusParticipant {
            player_id: alice(),
            username: "alice".into(),
            is_host: true,
            is_bot: false,
            status: ParticipantStatus::Active,
            connection_status: ConnectionStatus::Connected,
            prompts_submitted: 1,
            copies_submitted: 1,
            votes_submitted: 0,
            prompts_required: 1,
            copies_required: 2,
            votes_required: 3,
            global_votes_required: 2,
            phase_complete: false,
        },
        StatusParticipant {
            player_id: bob(),
            username: "bob".into(),
            is_host: false,
            is_bot: false,
            status: ParticipantStatus::Left,
            connection_status: ConnectionStatus::Disconnected,
            prompts_submitted: 1,
            copies_submitted: 0,
            votes_submitted: 0,
            prompts_required: 1,
            copies_required: 2,
            votes_required: 2,
            global_votes_required: 0,
            phase_complete: true,
        },
    ]
}

fn party_progress() -> PartyProgress {
    PartyProgress {
        total_prompts: 3,
        total_copies: 4,
        total_votes: 0,
        required_prompts: 3,
        required_copies: 6,
        required_votes: 9,
        players_ready_for_next_phase: 1,
        total_players: 3,
    }
}

fn round_progress() -> RoundSessionProgress {
    RoundSessionProgress {
        own: OwnPhaseProgress {
            your_prompts_submitted: Some(0),
            prompts_required: Some(1),
            phase_complete: Some(false),
            ..OwnPhaseProgress::default()
        },
        players_done: 1,
        total_players: 3,
    }
}

fn status_response() -> PartyStatusResponse {
    PartyStatusResponse {
        session_id: session(),
        party_code: code(),
        host_player_id: alice(),
        status: SessionStatus::InProgress,
        current_phase: PartyPhase::Copy,
        phase_started_at: Some(t0()),
        phase_expires_at: Some(t2()),
        min_players: 3,
        max_players: 8,
        prompts_per_player: 1,
        copies_per_player: 2,
        votes_per_player: 3,
        seq: 17,
        participants: status_participants(),
        progress: party_progress(),
        active_round: Some(copy_details()),
        next_session_id: None,
        spectators: None,
        access: PartyAccess::Open,
        listing: PartyListing::Public,
    }
}

fn party_invite() -> PartyInvite {
    PartyInvite {
        session_id: session(),
        party_code: code(),
        inviter_id: alice(),
        inviter_username: "alice".into(),
        created_at: t0(),
    }
}

/// A party chat message, as sent, listed and delivered.
fn chat_message() -> PartyChatMessage {
    PartyChatMessage {
        message_id: 3,
        player_id: bob(),
        username: "bob".into(),
        text: ChatText::parse("good game everyone").expect("a valid chat text"),
        sent_at: t1(),
    }
}

fn envelope(seq: i64, event: ServerEvent) -> ServerMessage {
    ServerMessage {
        event,
        session_id: session(),
        seq,
        timestamp: t1(),
    }
}

// ------------------------------------------------------------------- samples

#[allow(clippy::too_many_lines)] // one entry per body: a list, not logic
fn samples() -> Vec<Golden> {
    vec![
        // ---- account
        golden(
            "account/register_request",
            RegisterRequest {
                username: Username::parse("alice").expect("a valid username"),
                password: "correct horse battery".into(),
                email: Some("alice@example.com".into()),
            },
        ),
        golden(
            "account/login_request",
            LoginRequest {
                username: Some("alice".into()),
                email: None,
                password: "correct horse battery".into(),
            },
        ),
        golden(
            "account/auth_response",
            AuthResponse {
                player_id: alice(),
                username: "alice".into(),
                access_token: "eyJhbGciOiJIUzI1NiJ9.access".into(),
                refresh_token: "r1.9f8e7d6c5b4a".into(),
                expires_in: 3600,
                wallet: Coins::new(5000),
                vault: Coins::new(0),
                balance: Coins::new(5000),
                is_guest: false,
            },
        ),
        golden(
            "account/refresh_request",
            RefreshRequest {
                refresh_token: "r1.9f8e7d6c5b4a".into(),
            },
        ),
        golden(
            "account/token_response",
            TokenResponse {
                access_token: "eyJhbGciOiJIUzI1NiJ9.access2".into(),
                refresh_token: "r2.0a1b2c3d4e5f".into(),
                expires_in: 3600,
                token_type: TokenType::Bearer,
            },
        ),
        golden(
            "account/ws_token_response",
            WsTokenResponse {
                token: "ws.5d4c3b2a".into(),
                expires_in: 60,
            },
        ),
        golden(
            "account/success_response",
            SuccessResponse {
                success: true,
                message: "Logged out.".into(),
            },
        ),
        golden(
            "account/balance_response",
            BalanceResponse {
                wallet: Coins::new(4870),
                vault: Coins::new(230),
                balance: Coins::new(4870),
                outstanding_prompts: 2,
                daily_bonus_available: true,
            },
        ),
        golden(
            "account/daily_bonus_response",
            DailyBonusResponse {
                amount: Coins::new(100),
                wallet: Coins::new(4970),
            },
        ),
        golden(
            "account/dashboard_response",
            DashboardResponse {
                player_id: alice(),
                username: "alice".into(),
                is_guest: false,
                created_at: t0(),
                wallet: Coins::new(4870),
                vault: Coins::new(230),
                balance: Coins::new(4870),
                outstanding_prompts: 2,
                daily_bonus_available: false,
                current_round: CurrentRoundResponse::Active(Box::new(prompt_details())),
                round_availability: availability(),
                active_party: Some(ActiveParty {
                    session_id: session(),
                    party_code: code(),
                    current_phase: PartyPhase::Copy,
                    status: SessionStatus::InProgress,
                    left: true,
                }),
                party_mode: true,
            },
        ),
        // ---- round
        golden("round/round_availability", availability()),
        golden(
            "round/prompt_round_response",
            PromptRoundResponse {
                round_id: prompt_round(),
                prompt_text: PROMPT.into(),
                expires_at: t1(),
                cost: Coins::new(100),
            },
        ),
        golden(
            "round/copy_round_response",
            CopyRoundResponse {
                round_id: copy_round(),
                original_phrase: "OPEN BAR".into(),
                prompt_round_id: prompt_round(),
                expires_at: t1(),
                cost: Coins::new(45),
                discount_active: true,
            },
        ),
        golden(
            "round/vote_round_response",
            VoteRoundResponse {
                round_id: vote_round(),
                phraseset_id: phraseset(),
                prompt_text: PROMPT.into(),
                phrases: phrases(),
                expires_at: t1(),
                cost: Coins::new(10),
            },
        ),
        golden(
            "round/submit_request",
            SubmitRequest {
                phrase: "open bar".into(),
            },
        ),
        golden(
            "round/submit_response",
            SubmitResponse {
                success: true,
                phrase: "OPEN BAR".into(),
                round_type: RoundType::Prompt,
            },
        ),
        golden(
            "round/vote_response",
            VoteResponse {
                correct: true,
                payout: Coins::new(20),
                original_phrase: "OPEN BAR".into(),
                your_choice: "OPEN BAR".into(),
            },
        ),
        golden(
            "round/abandon_response",
            AbandonResponse {
                round_id: copy_round(),
                refund_amount: Coins::new(40),
                penalty_kept: Coins::new(5),
            },
        ),
        golden("round/round_details_prompt", prompt_details()),
        golden("round/round_details_copy", copy_details()),
        golden("round/round_details_vote", vote_details()),
        golden(
            "round/current_round_response_active",
            CurrentRoundResponse::Active(Box::new(copy_details())),
        ),
        golden(
            "round/current_round_response_none",
            CurrentRoundResponse::none(),
        ),
        golden(
            "round/phraseset_results",
            PhrasesetResults {
                phraseset_id: phraseset(),
                prompt_text: PROMPT.into(),
                vote_count: 3,
                final_pool: Coins::new(200),
                pool_remainder: Coins::new(2),
                finalized_at: t2(),
                phrases: vec![
                    PhraseResult {
                        phrase: "OPEN BAR".into(),
                        role: PhraseRole::Original,
                        author_id: alice(),
                        author_username: "alice".into(),
                        votes: 2,
                        points: 2,
                        payout: Coins::new(99),
                    },
                    PhraseResult {
                        phrase: "FREE BAR".into(),
                        role: PhraseRole::Copy1,
                        author_id: bob(),
                        author_username: "bob".into(),
                        votes: 1,
                        points: 2,
                        payout: Coins::new(99),
                    },
                    PhraseResult {
                        phrase: "CASH BAR".into(),
                        role: PhraseRole::Copy2,
                        author_id: carol(),
                        author_username: "carol".into(),
                        votes: 0,
                        points: 0,
                        payout: Coins::new(0),
                    },
                ],
                votes: vec![VoterResult {
                    player_id: bot(),
                    username: "Bot Sparkle".into(),
                    voted_phrase: "OPEN BAR".into(),
                    correct: true,
                    payout: Coins::new(20),
                }],
                your_role: Some(PhraseRole::Copy1),
                your_payout: Coins::new(99),
            },
        ),
        // ---- party
        golden(
            "party/create_party_request",
            CreatePartyRequest {
                min_players: Some(3),
                max_players: Some(6),
                prompts_per_player: Some(1),
                copies_per_player: Some(2),
                votes_per_player: Some(3),
                phase_seconds: Some(180),
                access: None,
                password: None,
                public: None,
            },
        ),
        golden(
            "party/create_party_request_defaults",
            CreatePartyRequest::default(),
        ),
        golden(
            "party/join_party_request",
            JoinPartyRequest {
                party_code: code(),
                password: None,
            },
        ),
        golden("party/ready_request", ReadyRequest { ready: Some(false) }),
        golden("party/add_bots_request", AddBotsRequest { count: 2 }),
        // ---- who plays with whom (issue 15)
        golden(
            "party/create_party_request_private",
            CreatePartyRequest {
                access: Some(PartyAccess::Password),
                password: Some(PartyPassword::parse("open sesame").unwrap()),
                ..CreatePartyRequest::default()
            },
        ),
        golden(
            "party/join_party_request_password",
            JoinPartyRequest {
                party_code: code(),
                password: Some(PartyPassword::parse("open sesame").unwrap()),
            },
        ),
        golden(
            "party_access/set_party_access_request",
            SetPartyAccessRequest {
                access: PartyAccess::InviteOnly,
                password: None,
            },
        ),
        golden(
            "party_access/party_access_response",
            PartyAccessResponse {
                session_id: session(),
                access: PartyAccess::InviteOnly,
            },
        ),
        golden(
            "friends/username_request",
            UsernameRequest {
                username: Username::parse("bob").unwrap(),
            },
        ),
        golden(
            "friends/friends_response",
            FriendsResponse {
                friends: vec![
                    Friend {
                        player_id: bob(),
                        username: "bob".into(),
                        presence: FriendPresence::InLobby,
                        party_code: Some(code()),
                        since: t0(),
                    },
                    Friend {
                        player_id: alice(),
                        username: "alice".into(),
                        presence: FriendPresence::Offline,
                        party_code: None,
                        since: t0(),
                    },
                ],
                incoming: vec![PendingFriendRequest {
                    player_id: bob(),
                    username: "bob".into(),
                    created_at: t0(),
                }],
                outgoing: vec![],
            },
        ),
        golden(
            "friends/friend_request_response",
            FriendRequestResponse {
                outcome: FriendRequestOutcome::Requested,
                player_id: bob(),
                username: "bob".into(),
            },
        ),
        golden(
            "friends/blocked_player",
            BlockedPlayer {
                player_id: bob(),
                username: "bob".into(),
                created_at: t0(),
            },
        ),
        golden(
            "friends/blocks_response",
            BlocksResponse {
                blocked: vec![BlockedPlayer {
                    player_id: bob(),
                    username: "bob".into(),
                    created_at: t0(),
                }],
            },
        ),
        golden("friends/party_invite", party_invite()),
        golden(
            "friends/invites_response",
            InvitesResponse {
                invites: vec![party_invite()],
            },
        ),
        golden(
            "player_ws/hello",
            PlayerMessage::Hello {
                protocol_version: PROTOCOL_VERSION,
            },
        ),
        golden(
            "player_ws/party_invite",
            PlayerMessage::PartyInvite(party_invite()),
        ),
        golden("player_ws/pong", PlayerMessage::Pong),
        golden(
            "player_ws/quick_match_formed",
            PlayerMessage::QuickMatchFormed(quick_match_formed()),
        ),
        // ---- matchmaking (issue 15)
        golden(
            "matchmaking/quick_match_request",
            QuickMatchRequest {
                bot_fill_after_seconds: Some(30),
            },
        ),
        golden(
            "matchmaking/quick_match_status_idle",
            QuickMatchStatus::Idle,
        ),
        golden(
            "matchmaking/public_parties_query",
            PublicPartiesQuery {
                limit: Some(20),
                offset: Some(40),
            },
        ),
        golden(
            "matchmaking/quick_match_status_queued",
            QuickMatchStatus::Queued(QueuedStatus {
                queued_at: t0(),
                position: 2,
                queue_length: 3,
                party_size: 4,
                bot_fill_at: Some(t0() + time::Duration::seconds(30)),
            }),
        ),
        golden(
            "matchmaking/quick_match_status_matched",
            QuickMatchStatus::Matched(quick_match_formed()),
        ),
        golden(
            "matchmaking/public_parties_response",
            PublicPartiesResponse {
                parties: vec![PublicParty {
                    session_id: session(),
                    party_code: code(),
                    host_username: "alice".into(),
                    participant_count: 2,
                    max_players: 8,
                    access: PartyAccess::Password,
                    created_at: t0(),
                }],
                next_offset: Some(20),
            },
        ),
        golden(
            "party/create_party_request_public",
            CreatePartyRequest {
                public: Some(true),
                ..CreatePartyRequest::default()
            },
        ),
        golden(
            "party/party_session_response",
            PartySessionResponse {
                session_id: session(),
                party_code: code(),
                host_player_id: alice(),
                status: SessionStatus::Open,
                current_phase: PartyPhase::Lobby,
                created_at: t0(),
                participants: lobby_participants(),
                participant_count: 2,
                min_players: 3,
                max_players: 8,
                prompts_per_player: 1,
                copies_per_player: 2,
                votes_per_player: 3,
                phase_seconds: None,
                access: PartyAccess::Open,
                listing: PartyListing::QuickMatch,
            },
        ),
        golden(
            "party/ready_response",
            ReadyResponse {
                participant_id: ParticipantId::from_uuid(id(0xface)),
                status: ParticipantStatus::Ready,
                session: ReadySummary {
                    ready_count: 2,
                    total_count: 3,
                    can_start: false,
                },
            },
        ),
        golden(
            "party/start_party_response",
            StartPartyResponse {
                session_id: session(),
                status: SessionStatus::InProgress,
                current_phase: PartyPhase::Prompt,
                phase_started_at: t0(),
                phase_expires_at: t1(),
                locked_at: t0(),
                participants: status_participants(),
            },
        ),
        golden("party/party_status_response", status_response()),
        golden(
            "party/party_prompt_round_response",
            PartyPromptRoundResponse {
                round_id: prompt_round(),
                party_round_id: PartyRoundId::from_uuid(id(0xaa01)),
                prompt_text: PROMPT.into(),
                expires_at: t1(),
                cost: Coins::new(100),
                session_progress: round_progress(),
            },
        ),
        golden(
            "party/party_copy_round_response",
            PartyCopyRoundResponse {
                round_id: copy_round(),
                party_round_id: PartyRoundId::from_uuid(id(0xaa02)),
                original_phrase: "OPEN BAR".into(),
                prompt_round_id: prompt_round(),
                expires_at: t1(),
                cost: Coins::new(50),
                discount_active: false,
                is_second_copy: true,
                from_party: true,
                session_progress: RoundSessionProgress {
                    own: OwnPhaseProgress {
                        your_copies_submitted: Some(1),
                        copies_required: Some(2),
                        phase_complete: Some(false),
                        ..OwnPhaseProgress::default()
                    },
                    players_done: 0,
                    total_players: 3,
                },
            },
        ),
        golden(
            "party/party_vote_round_response",
            PartyVoteRoundResponse {
                round_id: vote_round(),
                party_round_id: PartyRoundId::from_uuid(id(0xaa03)),
                phraseset_id: phraseset(),
                prompt_text: PROMPT.into(),
                phrases: phrases(),
                expires_at: t1(),
                cost: Coins::new(10),
                from_party: true,
                session_progress: RoundSessionProgress {
                    own: OwnPhaseProgress {
                        your_votes_submitted: Some(2),
                        votes_required: Some(3),
                        ..OwnPhaseProgress::default()
                    },
                    players_done: 2,
                    total_players: 3,
                },
            },
        ),
        golden(
            "party/party_submit_response",
            PartySubmitResponse {
                success: true,
                phrase: "OPEN BAR".into(),
                round_type: RoundType::Vote,
                correct: Some(true),
                session_progress: SubmitSessionProgress {
                    own: OwnPhaseProgress {
                        your_votes_submitted: Some(3),
                        votes_required: Some(3),
                        phase_complete: Some(true),
                        ..OwnPhaseProgress::default()
                    },
                    players_ready: 3,
                    total_players: 3,
                },
                phase_transition: Some(PhaseTransitionInfo {
                    new_phase: PartyPhase::Results,
                    message: "All votes are in.".into(),
                    phase_started_at: t2(),
                    phase_expires_at: None,
                }),
            },
        ),
        golden(
            "party/party_results_abandoned",
            PartyResultsResponse {
                session_id: session(),
                party_code: code(),
                status: SessionStatus::Abandoned,
                completed_at: Some(t2()),
                rankings: vec![RankingEntry {
                    rank: 1,
                    player_id: alice(),
                    username: "alice".into(),
                    is_bot: false,
                    net_coins: Coins::new(-100),
                    coins_spent: Coins::new(150),
                    coins_earned: Coins::new(50),
                    coins_refunded: Coins::new(50),
                    prompts_submitted: 1,
                    copies_submitted: 0,
                    votes_submitted: 0,
                    correct_votes: 0,
                    vote_accuracy: 0.0,
                    votes_on_originals: 0,
                    votes_fooled: 0,
                    mvp_score: 0,
                    rank_after_copy: None,
                    bonuses: Bonuses::default(),
                }],
                awards: Awards::default(),
                phrasesets_summary: Vec::new(),
            },
        ),
        golden(
            "party/history_query",
            HistoryQuery {
                limit: Some(20),
                before: Some(next_session()),
            },
        ),
        golden(
            "party/history_response",
            HistoryResponse {
                parties: vec![HistoryEntry {
                    session_id: session(),
                    party_code: code(),
                    status: SessionStatus::Completed,
                    ended_at: t2(),
                    rank: 2,
                    net_coins: Coins::new(-15),
                    players: vec![
                        HistoryPlayer {
                            player_id: bob(),
                            username: "bob".into(),
                            is_bot: false,
                            rank: 1,
                            net_coins: Coins::new(64),
                        },
                        HistoryPlayer {
                            player_id: alice(),
                            username: "alice".into(),
                            is_bot: false,
                            rank: 2,
                            net_coins: Coins::new(-15),
                        },
                        HistoryPlayer {
                            player_id: bot(),
                            username: "BotSleepyOtter42".into(),
                            is_bot: true,
                            rank: 3,
                            net_coins: Coins::new(-49),
                        },
                    ],
                }],
                next_before: Some(session()),
            },
        ),
        golden(
            "party/party_stats_response",
            PartyStatsResponse {
                parties_played: 7,
                parties_won: 3,
                average_rank: Some(1.86),
                net_coins: Coins::new(212),
                votes_cast: 21,
                correct_votes: 14,
                vote_accuracy: 66.7,
                original_votes: 9,
                copy_votes_fooled: 5,
                best_phrase: Some(BestPhrase {
                    phrase: "A SOGGY TOASTER".into(),
                    prompt_text: "The worst kitchen gadget".into(),
                    is_original: true,
                    votes: 4,
                    session_id: session(),
                }),
                current_win_streak: 1,
                best_win_streak: 2,
            },
        ),
        golden(
            "party/leaderboard_query",
            LeaderboardQuery {
                board: LeaderboardBoard::VoteAccuracy,
                period: LeaderboardPeriod::Weekly,
                limit: Some(10),
            },
        ),
        golden(
            "party/leaderboard_response",
            LeaderboardResponse {
                board: LeaderboardBoard::Wins,
                period: LeaderboardPeriod::AllTime,
                since: None,
                min_votes: 10,
                rows: vec![LeaderboardRow {
                    rank: 1,
                    player_id: bob(),
                    username: "bob".into(),
                    value: 5.0,
                    parties_played: 9,
                    wins: 5,
                    net_coins: Coins::new(340),
                    votes_cast: 27,
                    correct_votes: 20,
                }],
                me: Some(LeaderboardRow {
                    rank: 4,
                    player_id: alice(),
                    username: "alice".into(),
                    value: 3.0,
                    parties_played: 7,
                    wins: 3,
                    net_coins: Coins::new(212),
                    votes_cast: 21,
                    correct_votes: 14,
                }),
            },
        ),
        golden(
            "party/party_results_response",
            PartyResultsResponse {
                session_id: session(),
                party_code: code(),
                status: SessionStatus::Completed,
                completed_at: Some(t2()),
                rankings: vec![
                    RankingEntry {
                        rank: 1,
                        player_id: alice(),
                        username: "alice".into(),
                        is_bot: false,
                        net_coins: Coins::new(64),
                        coins_spent: Coins::new(205),
                        coins_earned: Coins::new(269),
                        coins_refunded: Coins::new(0),
                        prompts_submitted: 1,
                        copies_submitted: 2,
                        votes_submitted: 3,
                        correct_votes: 3,
                        vote_accuracy: 100.0,
                        votes_on_originals: 2,
                        votes_fooled: 2,
                        mvp_score: 13,
                        rank_after_copy: Some(2),
                        bonuses: Bonuses {
                            streak_coins: Coins::new(5),
                            longest_streak: 3,
                            combo_coins: Coins::new(10),
                            combos: 1,
                        },
                    },
                    RankingEntry {
                        rank: 2,
                        player_id: bot(),
                        username: "Bot Sparkle".into(),
                        is_bot: true,
                        net_coins: Coins::new(-35),
                        coins_spent: Coins::new(205),
                        coins_earned: Coins::new(170),
                        coins_refunded: Coins::new(45),
                        prompts_submitted: 1,
                        copies_submitted: 2,
                        votes_submitted: 3,
                        correct_votes: 1,
                        vote_accuracy: 33.3,
                        votes_on_originals: 1,
                        votes_fooled: 0,
                        mvp_score: 3,
                        rank_after_copy: Some(1),
                        bonuses: Bonuses {
                            longest_streak: 1,
                            ..Bonuses::default()
                        },
                    },
                ],
                awards: Awards {
                    best_writer: Some(Award {
                        player_id: alice(),
                        username: "alice".into(),
                        votes_received: Some(4),
                        votes_fooled: None,
                        vote_accuracy: None,
                        score: None,
                        rank_after_copy: None,
                        rank_gain: None,
                        streak: None,
                        bonus_coins: None,
                        metric_value: 4.0,
                    }),
                    top_impostor: Some(Award {
                        player_id: alice(),
                        username: "alice".into(),
                        votes_received: None,
                        votes_fooled: Some(1),
                        vote_accuracy: None,
                        score: None,
                        rank_after_copy: None,
                        rank_gain: None,
                        streak: None,
                        bonus_coins: None,
                        metric_value: 1.0,
                    }),
                    sharpest_voter: None,
                    mvp: Some(Award {
                        player_id: alice(),
                        username: "alice".into(),
                        votes_received: None,
                        votes_fooled: None,
                        vote_accuracy: None,
                        score: Some(13),
                        rank_after_copy: None,
                        rank_gain: None,
                        streak: None,
                        bonus_coins: None,
                        metric_value: 13.0,
                    }),
                    comeback: Some(Award {
                        player_id: alice(),
                        username: "alice".into(),
                        votes_received: None,
                        votes_fooled: None,
                        vote_accuracy: None,
                        score: None,
                        rank_after_copy: Some(2),
                        rank_gain: Some(1),
                        streak: None,
                        bonus_coins: None,
                        metric_value: 1.0,
                    }),
                    hot_streak: Some(Award {
                        player_id: alice(),
                        username: "alice".into(),
                        votes_received: None,
                        votes_fooled: None,
                        vote_accuracy: None,
                        score: None,
                        rank_after_copy: None,
                        rank_gain: None,
                        streak: Some(3),
                        bonus_coins: Some(Coins::new(5)),
                        metric_value: 3.0,
                    }),
                    best_combo: Some(Award {
                        player_id: alice(),
                        username: "alice".into(),
                        votes_received: None,
                        votes_fooled: Some(2),
                        vote_accuracy: None,
                        score: None,
                        rank_after_copy: None,
                        rank_gain: None,
                        streak: None,
                        bonus_coins: Some(Coins::new(10)),
                        metric_value: 2.0,
                    }),
                    favourite_phrase: Some(favourite_phrase()),
                },
                phrasesets_summary: vec![PhrasesetSummary {
                    phraseset_id: phraseset(),
                    prompt_text: PROMPT.into(),
                    vote_count: 3,
                    original_player: "alice".into(),
                    most_votes: MostVotes::Original,
                    prize_pool: Coins::new(200),
                    phrases: vec![
                        SummaryPhrase {
                            phrase: "OPEN BAR".into(),
                            is_original: true,
                            role: PhraseRole::Original,
                            author_id: alice(),
                            author_username: "alice".into(),
                            votes: 2,
                        },
                        SummaryPhrase {
                            phrase: "FREE BAR".into(),
                            is_original: false,
                            role: PhraseRole::Copy1,
                            author_id: bot(),
                            author_username: "Bot Sparkle".into(),
                            votes: 1,
                        },
                    ],
                }],
            },
        ),
        golden(
            "party/active_party_response",
            ActivePartyResponse {
                session_id: Some(session()),
                party_code: Some(code()),
                current_phase: Some(PartyPhase::Vote),
                status: Some(SessionStatus::InProgress),
            },
        ),
        golden(
            "party/active_party_response_none",
            ActivePartyResponse {
                session_id: None,
                party_code: None,
                current_phase: None,
                status: None,
            },
        ),
        golden(
            "party/play_again_response",
            PlayAgainResponse {
                new_session_id: next_session(),
                party_code: PartyCode::parse("PQRS6789").unwrap(),
                skipped: skipped(),
            },
        ),
        golden(
            "party/add_bots_response",
            AddBotsResponse {
                added: lobby_participants().split_off(1),
                participant_count: 2,
            },
        ),
        // ---- party WebSocket, server → client: one file per event type
        golden(
            "party_ws/server/session_update",
            envelope(
                17,
                ServerEvent::SessionUpdate(Box::new(SessionSnapshot::from(status_response()))),
            ),
        ),
        golden(
            "party_ws/server/player_joined",
            envelope(
                2,
                ServerEvent::PlayerJoined {
                    player_id: bob(),
                    username: "bob".into(),
                    is_bot: false,
                    participant_count: 2,
                },
            ),
        ),
        golden(
            "party_ws/server/player_left",
            envelope(
                3,
                ServerEvent::PlayerLeft {
                    player_id: bob(),
                    username: "bob".into(),
                    participant_count: 1,
                },
            ),
        ),
        golden(
            "party_ws/server/player_ready",
            envelope(
                4,
                ServerEvent::PlayerReady {
                    player_id: carol(),
                    username: "carol".into(),
                    ready: true,
                    ready_count: 2,
                    total_count: 3,
                },
            ),
        ),
        golden(
            "party_ws/server/phase_transition",
            envelope(
                9,
                ServerEvent::PhaseTransition {
                    old_phase: PartyPhase::Prompt,
                    new_phase: PartyPhase::Copy,
                    phase_started_at: t1(),
                    phase_expires_at: Some(t2()),
                    message: "Copy phase: imitate the others' answers.".into(),
                },
            ),
        ),
        golden(
            "party_ws/server/progress_update",
            envelope(
                8,
                ServerEvent::ProgressUpdate {
                    player_id: carol(),
                    username: "carol".into(),
                    action: ProgressAction::SubmittedPrompt,
                    progress: PlayerCounters {
                        prompts_submitted: 1,
                        copies_submitted: 0,
                        votes_submitted: 0,
                    },
                    session_progress: PhaseProgress {
                        players_done_with_phase: 2,
                        total_players: 3,
                    },
                },
            ),
        ),
        golden(
            "party_ws/server/session_started",
            envelope(
                6,
                ServerEvent::SessionStarted {
                    current_phase: PartyPhase::Prompt,
                    locked_at: t0(),
                    phase_expires_at: Some(t1()),
                    participant_count: 3,
                    message: "The party has started: write your prompts.".into(),
                },
            ),
        ),
        golden(
            "party_ws/server/session_completed",
            envelope(
                31,
                ServerEvent::SessionCompleted {
                    status: SessionStatus::Completed,
                    completed_at: t2(),
                    message: "The party is over.".into(),
                },
            ),
        ),
        golden(
            "party_ws/server/host_changed",
            envelope(
                5,
                ServerEvent::HostChanged {
                    player_id: bob(),
                    username: "bob".into(),
                },
            ),
        ),
        golden(
            "party_ws/server/player_kicked",
            envelope(
                5,
                ServerEvent::PlayerKicked {
                    player_id: carol(),
                    username: "carol".into(),
                    participant_count: 2,
                },
            ),
        ),
        golden(
            "party_ws/server/presence",
            envelope(
                12,
                ServerEvent::Presence {
                    player_id: bob(),
                    username: "bob".into(),
                    connection_status: ConnectionStatus::Disconnected,
                },
            ),
        ),
        golden(
            "party_ws/server/play_again",
            envelope(
                32,
                ServerEvent::PlayAgain {
                    new_session_id: next_session(),
                    party_code: PartyCode::parse("PQRS6789").unwrap(),
                    skipped: skipped(),
                },
            ),
        ),
        golden("party_ws/server/pong", envelope(32, ServerEvent::Pong)),
        golden(
            "party_ws/server/party_chat",
            envelope(5, ServerEvent::PartyChat(chat_message())),
        ),
        golden(
            "party_ws/server/access_changed",
            envelope(
                4,
                ServerEvent::AccessChanged {
                    access: PartyAccess::Password,
                },
            ),
        ),
        golden(
            "party_ws/server/hello",
            envelope(
                0,
                ServerEvent::Hello {
                    protocol_version: PROTOCOL_VERSION,
                },
            ),
        ),
        // ---- party WebSocket, client → server
        golden("party_ws/client/ping", ClientMessage::Ping),
        // ---- spectators
        golden(
            "spectate/spectate_request",
            SpectateRequest {
                party_code: code(),
                password: None,
            },
        ),
        golden(
            "spectate/spectator_status_response",
            SpectatorStatusResponse {
                status: PartyStatusResponse {
                    active_round: None,
                    spectators: Some(SpectatorList {
                        count: 2,
                        names: vec!["carol".into(), "dave".into()],
                    }),
                    // A private party: no `listing` in the body, as before
                    // listings were reported.
                    listing: PartyListing::Private,
                    ..status_response()
                },
                join_next_game: true,
            },
        ),
        golden(
            "spectate/next_game_request",
            NextGameRequest { join: Some(false) },
        ),
        golden(
            "spectate/next_game_response",
            NextGameResponse {
                join_next_game: true,
            },
        ),
        golden(
            "spectate/chat_request",
            ChatRequest {
                text: "go bob".into(),
            },
        ),
        golden(
            "spectate/chat_response",
            ChatResponse {
                text: ChatText::parse("go bob").expect("a valid chat text"),
                sent_at: t1(),
            },
        ),
        golden(
            "spectate/server/spectator_chat",
            SpectatorNotice::SpectatorChat {
                session_id: session(),
                seq: 17,
                player_id: bob(),
                username: "bob".into(),
                text: ChatText::parse("go bob").expect("a valid chat text"),
                timestamp: t1(),
            },
        ),
        golden(
            "spectate/server/read_only",
            SpectatorNotice::ReadOnly {
                session_id: session(),
                seq: 17,
                error: ErrorCode::ReadOnlySocket,
                message: "A spectator socket only takes pings.".into(),
                timestamp: t1(),
            },
        ),
        golden(
            "spectate/server/any_message",
            SpectatorSocketMessage::Party(envelope(17, ServerEvent::Pong)),
        ),
        // ---- party chat
        golden("party_chat/chat_message", chat_message()),
        golden(
            "party_chat/chat_query",
            ChatQuery {
                limit: Some(20),
                before: Some(41),
            },
        ),
        golden(
            "party_chat/chat_page",
            ChatPage {
                messages: vec![chat_message()],
                next_before: Some(3),
                muted: vec![bob()],
            },
        ),
        golden("party_chat/mute_request", MuteRequest { player_id: bob() }),
        golden(
            "party_chat/mute_response",
            MuteResponse { muted: vec![bob()] },
        ),
        // ---- reactions and the favourite phrase
        golden(
            "party_reactions/react_request",
            ReactRequest {
                phraseset_id: phraseset(),
                role: PhraseRole::Copy1,
                reaction: "fire".into(),
            },
        ),
        golden(
            "party_reactions/favourite_request",
            PhraseRef {
                phraseset_id: phraseset(),
                role: PhraseRole::Copy1,
            },
        ),
        golden(
            "party_reactions/reactions_response",
            PartyReactionsResponse {
                session_id: session(),
                phrases: phrase_reactions(),
                mine: vec![MyReaction {
                    phraseset_id: phraseset(),
                    role: PhraseRole::Copy1,
                    reaction: Reaction::Fire,
                }],
                my_favourite: Some(PhraseRef {
                    phraseset_id: phraseset(),
                    role: PhraseRole::Copy1,
                }),
                favourite_phrase: Some(favourite_phrase()),
            },
        ),
        golden(
            "party_ws/server/reactions_changed",
            envelope(
                41,
                ServerEvent::ReactionsChanged {
                    phrases: phrase_reactions()[1..].to_vec(),
                    favourite_phrase: Some(favourite_phrase()),
                },
            ),
        ),
        // ---- operations
        golden(
            "ops/health_response",
            HealthResponse {
                status: HealthStatus::Ok,
                database: DatabaseKind::Postgres,
                protocol_version: PROTOCOL_VERSION,
            },
        ),
        // ---- errors
        golden(
            "error/api_error_body",
            ApiErrorBody {
                error: ErrorCode::WrongPhase,
                message: "This action is not allowed in the VOTE phase.".into(),
            },
        ),
        golden("error/codes", error_codes()),
    ]
}

/// Every error code with its HTTP status, so renaming a code or changing its
/// status is a golden diff too. The list comes from serde itself.
fn error_codes() -> HashMap<ErrorCode, u16> {
    serde_variants::<ErrorCode>(&Value::String("__no_such_code__".into()))
        .into_iter()
        .map(|name| {
            let code: ErrorCode =
                serde_json::from_value(Value::String(name)).expect("serde knows its own names");
            (code, code.http_status())
        })
        .collect()
}

// ------------------------------------------------------------------ machinery

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn updating() -> bool {
    std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| !v.is_empty() && v != "0")
}

/// The variant names serde accepts for `T`, read from its "unknown variant"
/// error for `probe` (which must hold an unknown tag). Taking them from serde
/// rather than from a list here is what makes a forgotten variant fail.
fn serde_variants<T: DeserializeOwned + Debug>(probe: &Value) -> Vec<String> {
    let err = serde_json::from_value::<T>(probe.clone())
        .expect_err("the probe must not deserialize")
        .to_string();
    let list = err
        .split_once("expected one of ")
        .or_else(|| err.split_once("expected "))
        .map_or_else(
            || panic!("unexpected serde error shape: {err}"),
            |(_, rest)| rest,
        );
    list.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// A readable list of differences between two JSON values, one per path.
fn json_diff(path: &str, want: &Value, got: &Value, out: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (key, wv) in w {
                let sub = format!("{path}.{key}");
                match g.get(key) {
                    Some(gv) => json_diff(&sub, wv, gv, out),
                    None => out.push(format!("  {sub}: missing (file has {wv})")),
                }
            }
            for (key, gv) in g {
                if !w.contains_key(key) {
                    out.push(format!("  {path}.{key}: not in the file (sample has {gv})"));
                }
            }
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => {
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                json_diff(&format!("{path}[{i}]"), wv, gv, out);
            }
        }
        _ if want != got => out.push(format!("  {path}: file has {want}, sample has {got}")),
        _ => {}
    }
}

fn check(golden: &Golden) -> Result<(), String> {
    let path = golden_dir().join(format!("{}.json", golden.file));
    if updating() {
        std::fs::create_dir_all(path.parent().expect("golden files live in a directory"))
            .map_err(|e| format!("cannot create the directory: {e}"))?;
        let text = serde_json::to_string_pretty(&golden.actual).expect("a value serializes");
        std::fs::write(&path, text + "\n").map_err(|e| format!("cannot write: {e}"))?;
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        format!(
            "cannot read {} ({e}); run with UPDATE_GOLDEN=1 to create it",
            path.display()
        )
    })?;
    let expected: Value =
        serde_json::from_str(&text).map_err(|e| format!("is not valid JSON: {e}"))?;
    let mut diffs = Vec::new();
    json_diff("$", &expected, &golden.actual, &mut diffs);
    if !diffs.is_empty() {
        return Err(format!(
            "serializes differently from the file:\n{}",
            diffs.join("\n")
        ));
    }
    (golden.round_trip)(&expected)
}

#[test]
fn every_sample_matches_its_golden_file_both_ways() {
    let failures: Vec<String> = samples()
        .iter()
        .filter_map(|g| check(g).err().map(|e| format!("{}.json: {e}", g.file)))
        .collect();
    assert!(
        failures.is_empty(),
        "{} golden file(s) disagree (if the change is intended: UPDATE_GOLDEN=1 cargo test -p party-protocol --test golden, then review the diff)\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[test]
fn sample_files_are_unique_and_no_golden_file_is_stale() {
    let samples = samples();
    let mut names = BTreeSet::new();
    for g in &samples {
        assert!(names.insert(g.file), "{} is used twice", g.file);
    }
    let mut on_disk = BTreeSet::new();
    collect_json(&golden_dir(), &golden_dir(), &mut on_disk);
    let stale: Vec<_> = on_disk
        .iter()
        .filter(|f| !names.contains(f.as_str()))
        .collect();
    assert!(
        stale.is_empty(),
        "golden files without a sample (delete them or add a sample): {stale:?}"
    );
}

fn collect_json(root: &Path, dir: &Path, out: &mut BTreeSet<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect_json(root, &path, out);
        } else if path.extension().is_some_and(|e| e == "json") {
            let rel = path
                .strip_prefix(root)
                .expect("under the root")
                .with_extension("");
            out.insert(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

/// Every type that derives `Serialize` or `Deserialize` in `src/`, by name.
fn wire_types_in_source() -> BTreeSet<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir(&src).expect("src/ is readable").flatten() {
        let text = std::fs::read_to_string(entry.path()).expect("a source file is readable");
        let mut derives_serde = false;
        // A derive may span several lines: read it until its closing `)]`.
        let mut in_derive = false;
        for line in text.lines().map(str::trim) {
            if line.starts_with("#[derive(") || in_derive {
                if !in_derive {
                    derives_serde = false;
                }
                derives_serde |= line.contains("Serialize") || line.contains("Deserialize");
                in_derive = !line.ends_with(")]");
            } else if derives_serde {
                let decl = line
                    .strip_prefix("pub struct ")
                    .or_else(|| line.strip_prefix("pub enum "));
                if let Some(rest) = decl {
                    let name: String = rest
                        .chars()
                        .take_while(|c| c.is_alphanumeric() || *c == '_')
                        .collect();
                    // `id_type!` declares `pub struct $name`: ids are scalars.
                    if !name.is_empty() {
                        names.insert(name);
                    }
                    derives_serde = false;
                }
            }
        }
    }
    names
}

#[test]
fn every_wire_type_in_the_crate_has_a_golden_file_or_is_listed() {
    let samples = samples();
    let top_level: BTreeSet<&str> = samples.iter().map(|g| g.type_name).collect();
    let inside: BTreeSet<&str> = COVERED_INSIDE.iter().map(|(t, _)| *t).collect();
    let scalars: BTreeSet<&str> = SCALARS.iter().copied().collect();
    let in_source = wire_types_in_source();
    assert!(
        in_source.len() > 40,
        "the source scan found only {in_source:?}"
    );

    let missing: Vec<&String> = in_source
        .iter()
        .filter(|t| {
            !top_level.contains(t.as_str())
                && !inside.contains(t.as_str())
                && !scalars.contains(t.as_str())
        })
        .collect();
    assert!(
        missing.is_empty(),
        "wire types without a golden sample: {missing:?} — add a sample to samples() \
         (or, for a type that only appears inside another body, an entry to COVERED_INSIDE)"
    );

    let listed_but_gone: Vec<&str> = inside
        .iter()
        .chain(&scalars)
        .filter(|t| !in_source.contains(**t))
        .copied()
        .collect();
    assert!(
        listed_but_gone.is_empty(),
        "listed types that no longer exist: {listed_but_gone:?}"
    );
    let both: Vec<&str> = inside.intersection(&top_level).copied().collect();
    assert!(
        both.is_empty(),
        "listed as inside but also top-level: {both:?}"
    );
}

/// The `type` values of the samples whose file is under `prefix`.
fn sample_tags(prefix: &str) -> BTreeSet<String> {
    samples()
        .iter()
        .filter(|g| g.file.starts_with(prefix))
        .map(|g| {
            g.actual["type"]
                .as_str()
                .unwrap_or_else(|| panic!("{} has no type tag", g.file))
                .to_owned()
        })
        .collect()
}

#[test]
fn every_message_variant_has_a_golden_file() {
    let probe = serde_json::json!({"type": "__no_such_type__"});
    let server: BTreeSet<String> = serde_variants::<ServerEvent>(&probe).into_iter().collect();
    assert_eq!(
        sample_tags("party_ws/server/"),
        server,
        "server → client messages"
    );
    let client: BTreeSet<String> = serde_variants::<ClientMessage>(&probe)
        .into_iter()
        .collect();
    assert_eq!(
        sample_tags("party_ws/client/"),
        client,
        "client → server messages"
    );
    for g in samples().iter().filter(|g| g.file.starts_with("party_ws/")) {
        assert_eq!(
            g.file.rsplit('/').next(),
            g.actual["type"].as_str(),
            "a message's file is named after its type"
        );
    }
}

/// `ServerEvent::kind()` must name the same tag serde writes, for every
/// variant: each variant has a sample (checked above), so checking the samples
/// checks them all.
#[test]
fn kind_is_the_serde_type_tag_of_every_event() {
    let samples = samples();
    let events: Vec<&Golden> = samples
        .iter()
        .filter(|g| g.file.starts_with("party_ws/server/"))
        .collect();
    assert!(!events.is_empty());
    for g in events {
        let msg: ServerMessage = serde_json::from_value(g.actual.clone()).unwrap();
        assert_eq!(
            Some(msg.event.kind()),
            g.actual["type"].as_str(),
            "{}: kind() disagrees with the serde tag",
            g.file
        );
    }
}

#[test]
fn the_diff_names_the_changed_paths() {
    let want = serde_json::json!({"a": {"b": 1, "c": [1, 2]}, "d": "x"});
    let got = serde_json::json!({"a": {"b": 2, "c": [1, 3]}, "e": "x"});
    let mut out = Vec::new();
    json_diff("$", &want, &got, &mut out);
    assert_eq!(
        out,
        [
            "  $.a.b: file has 1, sample has 2",
            "  $.a.c[1]: file has 2, sample has 3",
            "  $.d: missing (file has \"x\")",
            "  $.e: not in the file (sample has \"x\")",
        ]
    );
}
