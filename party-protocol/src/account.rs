//! Accounts, authentication and the player's money overview.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::coins::Coins;
use crate::ids::{PlayerId, SessionId};
use crate::party::{PartyCode, PartyPhase, SessionStatus};
use crate::round::{CurrentRoundResponse, RoundAvailability};
use crate::username::Username;

pub const MIN_PASSWORD_CHARS: usize = 8;
pub const MAX_PASSWORD_CHARS: usize = 128;
pub const MAX_EMAIL_CHARS: usize = 254;

/// `POST /player` and `POST /player/upgrade`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterRequest {
    pub username: Username,
    pub password: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// `POST /auth/login`: by username or by email.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginRequest {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    pub password: String,
}

/// What registration, guest creation, upgrade and login return.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthResponse {
    pub player_id: PlayerId,
    pub username: String,
    pub access_token: String,
    pub refresh_token: String,
    /// Seconds until the access token expires.
    pub expires_in: i64,
    pub wallet: Coins,
    pub vault: Coins,
    /// Same as `wallet`: the spendable balance.
    pub balance: Coins,
    pub is_guest: bool,
}

/// `POST /auth/refresh`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// A rotated token pair.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    pub access_token: String,
    pub refresh_token: String,
    pub expires_in: i64,
    pub token_type: TokenType,
}

/// The kind of access token: always a bearer token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenType {
    Bearer,
}

/// `GET /auth/ws-token`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WsTokenResponse {
    pub token: String,
    pub expires_in: i64,
}

/// A plain acknowledgement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SuccessResponse {
    pub success: bool,
    pub message: String,
}

/// `GET /player/balance`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BalanceResponse {
    pub wallet: Coins,
    pub vault: Coins,
    pub balance: Coins,
    pub outstanding_prompts: i64,
    pub daily_bonus_available: bool,
}

/// `POST /player/claim-daily-bonus`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyBonusResponse {
    pub amount: Coins,
    pub wallet: Coins,
}

/// The caller's open or running party, for the dashboard's rejoin banner.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveParty {
    pub session_id: SessionId,
    pub party_code: PartyCode,
    pub current_phase: PartyPhase,
    pub status: SessionStatus,
    /// The caller left this running party and may rejoin it by its code
    /// until RESULTS (absent when they are still in it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub left: bool,
}

/// `GET /player/dashboard`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardResponse {
    pub player_id: PlayerId,
    pub username: String,
    pub is_guest: bool,
    #[serde(with = "crate::time_format::rfc3339")]
    pub created_at: OffsetDateTime,
    pub wallet: Coins,
    pub vault: Coins,
    pub balance: Coins,
    pub outstanding_prompts: i64,
    pub daily_bonus_available: bool,
    pub current_round: CurrentRoundResponse,
    pub round_availability: RoundAvailability,
    pub active_party: Option<ActiveParty>,
    /// Whether this server has Party Mode switched on (`--party-mode`): when
    /// off, every party endpoint answers `503 party_mode_disabled`, so a
    /// client need not offer to create or join a party at all.
    pub party_mode: bool,
}
