//! Accounts and authentication (api.md "Accounts", game-rules §1–§2).

use party_protocol::account::TokenType;
use party_protocol::account::{
    ActiveParty, AuthResponse, BalanceResponse, DailyBonusResponse, DashboardResponse,
    LoginRequest, MAX_EMAIL_CHARS, MAX_PASSWORD_CHARS, MIN_PASSWORD_CHARS, RegisterRequest,
    TokenResponse, WsTokenResponse,
};
use party_protocol::{Coins, ErrorCode, PlayerId};
use rand::Rng;

use super::Game;
use super::rounds::{availability_in, current_round_in};
use crate::auth::tokens;
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::store::{
    Account, Constraint, PlayerRow, RefreshUse, TokenKind, Transfer, Tx, violated, violates,
};

/// How long after a refresh token was spent presenting it again is only
/// refused, not taken for theft: a client that sent two refreshes at once
/// (two requests meeting an expired access token) must not sign itself out.
pub const REFRESH_REUSE_GRACE_SECS: i64 = 30;

/// The player behind a valid access token.
#[derive(Debug, Clone)]
pub struct AuthPlayer {
    pub player_id: PlayerId,
    pub username: String,
    pub is_guest: bool,
    /// Hash of the access token used, so logout can revoke exactly it.
    pub token_hash: String,
}

fn check_password(password: &str) -> Result<()> {
    let len = password.chars().count();
    if !(MIN_PASSWORD_CHARS..=MAX_PASSWORD_CHARS).contains(&len) {
        return Err(Error::api(
            ErrorCode::InvalidPassword,
            format!("A password needs {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_CHARS} characters."),
        ));
    }
    Ok(())
}

/// Emails are optional; when given they must look like one and are stored lower-case.
fn check_email(email: Option<&str>) -> Result<Option<String>> {
    let Some(email) = email.map(str::trim).filter(|e| !e.is_empty()) else {
        return Ok(None);
    };
    let plausible = email.len() <= MAX_EMAIL_CHARS
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(user, domain)| {
            !user.is_empty() && domain.contains('.') && !domain.starts_with('.')
        });
    if !plausible {
        return Err(Error::invalid_request(
            "email: this does not look like an email address.",
        ));
    }
    Ok(Some(email.to_ascii_lowercase()))
}

/// A clash with another player's username or email, as the player sees it.
fn taken(err: Error) -> Error {
    match violated(&err) {
        Some(Constraint::PlayerEmail) => {
            Error::api(ErrorCode::EmailTaken, "That email is already registered.")
        }
        Some(Constraint::PlayerUsername) => {
            Error::api(ErrorCode::UsernameTaken, "That username is taken.")
        }
        _ => err,
    }
}

impl Game {
    /// `POST /player`.
    #[tracing::instrument(skip_all)]
    pub async fn register(&self, req: RegisterRequest) -> Result<AuthResponse> {
        check_password(&req.password)?;
        let email = check_email(req.email.as_deref())?;
        let hash = self.hasher.hash(req.password).await?;
        let now = self.now();
        let id = PlayerId::new();
        let mut tx = self.store.begin().await?;
        tx.insert_player(
            id,
            req.username.as_str(),
            email.as_deref(),
            Some(&hash),
            false,
            false,
            now,
        )
        .await
        .map_err(taken)?;
        self.grant_starting_wallet(&mut tx, id, now).await?;
        let response = self.issue_tokens(&mut tx, id, None, now).await?;
        tx.commit().await?;
        Ok(response)
    }

    /// `POST /player/guest`: a playable account in one call, with a generated name.
    #[tracing::instrument(skip_all)]
    pub async fn create_guest(&self) -> Result<AuthResponse> {
        let now = self.now();
        let id = PlayerId::new();
        // Six random digits: a clash is rare, and a retry with new digits settles it.
        for _ in 0..5 {
            let name = format!("Guest{:06}", rand::rng().random_range(0..1_000_000));
            let mut tx = self.store.begin().await?;
            match tx
                .insert_player(id, &name, None, None, true, false, now)
                .await
            {
                Err(e) if violates(&e, &[Constraint::PlayerUsername]) => continue,
                other => other?,
            }
            self.grant_starting_wallet(&mut tx, id, now).await?;
            let response = self.issue_tokens(&mut tx, id, None, now).await?;
            tx.commit().await?;
            return Ok(response);
        }
        Err(Error::api(
            ErrorCode::ServiceUnavailable,
            "Could not find a free guest name; try again.",
        ))
    }

    /// `POST /player/upgrade`: the guest keeps its id, balance and history.
    #[tracing::instrument(skip_all, fields(player = %auth.player_id))]
    pub async fn upgrade_guest(
        &self,
        auth: &AuthPlayer,
        req: RegisterRequest,
    ) -> Result<AuthResponse> {
        if !auth.is_guest {
            return Err(Error::api(
                ErrorCode::NotAGuest,
                "This account is already registered.",
            ));
        }
        check_password(&req.password)?;
        let email = check_email(req.email.as_deref())?;
        let hash = self.hasher.hash(req.password).await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let upgraded = tx
            .upgrade_guest(
                auth.player_id,
                req.username.as_str(),
                email.as_deref(),
                &hash,
            )
            .await
            .map_err(taken)?;
        if !upgraded {
            return Err(Error::api(
                ErrorCode::NotAGuest,
                "This account is already registered.",
            ));
        }
        let response = self
            .issue_tokens(&mut tx, auth.player_id, None, now)
            .await?;
        tx.commit().await?;
        Ok(response)
    }

    /// `POST /auth/login`, by username or email.
    #[tracing::instrument(skip_all)]
    pub async fn login(&self, req: LoginRequest) -> Result<AuthResponse> {
        let mut tx = self.store.read().await?;
        let player = match (req.username.as_deref(), req.email.as_deref()) {
            (Some(name), _) => tx.player_by_username(name).await?,
            (None, Some(email)) => tx.player_by_email(email).await?,
            (None, None) => {
                return Err(Error::invalid_request(
                    "username: give a username or an email.",
                ));
            }
        };
        drop(tx);
        let stored = player.as_ref().and_then(|p| p.password_hash.clone());
        if !self.hasher.verify(req.password, stored).await? {
            return Err(Error::api(
                ErrorCode::InvalidCredentials,
                "Wrong username or password.",
            ));
        }
        let player = player.ok_or_else(|| {
            Error::api(ErrorCode::InvalidCredentials, "Wrong username or password.")
        })?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let response = self.issue_tokens(&mut tx, player.id(), None, now).await?;
        tx.commit().await?;
        Ok(response)
    }

    /// `POST /auth/refresh`: the old refresh token is revoked as the new
    /// pair is issued, in the same token family. Presenting a refresh token
    /// that was spent more than [`REFRESH_REUSE_GRACE_SECS`] ago means a
    /// copy of it is in someone else's hands: the whole family is revoked
    /// (its refresh tokens and its access tokens), so the thief and the
    /// owner both have to sign in again.
    #[tracing::instrument(skip_all)]
    pub async fn refresh(&self, refresh_token: &str) -> Result<TokenResponse> {
        let now = self.now();
        let refused = || Error::api(ErrorCode::InvalidRefreshToken, "Please sign in again.");
        let mut tx = self.store.begin().await?;
        let (player, family) = match tx
            .consume_refresh_token(&tokens::hash(refresh_token), now)
            .await?
        {
            RefreshUse::Rotated { player, family } => (player, family),
            RefreshUse::Replayed { family, revoked_at } => {
                // A client racing itself (two requests with one token) lands
                // inside the grace and is only refused.
                if now.0 - revoked_at.0 >= REFRESH_REUSE_GRACE_SECS * 1000 {
                    tracing::warn!("a spent refresh token was replayed; revoking its family");
                    tx.revoke_token_family(&family, now).await?;
                    tx.commit().await?;
                }
                return Err(refused());
            }
            RefreshUse::Unknown => return Err(refused()),
        };
        let auth = self
            .issue_tokens(&mut tx, player, Some(family), now)
            .await?;
        tx.commit().await?;
        Ok(TokenResponse {
            access_token: auth.access_token,
            refresh_token: auth.refresh_token,
            expires_in: auth.expires_in,
            token_type: TokenType::Bearer,
        })
    }

    /// `POST /auth/logout`.
    #[tracing::instrument(skip_all, fields(player = %auth.player_id))]
    pub async fn logout(&self, auth: &AuthPlayer) -> Result<()> {
        let mut tx = self.store.begin().await?;
        tx.revoke_tokens(auth.player_id, &auth.token_hash, self.now())
            .await?;
        tx.commit().await
    }

    /// `GET /auth/ws-token`.
    #[tracing::instrument(skip_all, fields(player = %auth.player_id))]
    pub async fn ws_token(&self, auth: &AuthPlayer) -> Result<WsTokenResponse> {
        let now = self.now();
        let token = tokens::mint(TokenKind::WebSocket);
        let mut tx = self.store.begin().await?;
        tx.insert_token(
            TokenKind::WebSocket,
            &token.hash,
            auth.player_id,
            now.plus_secs(self.rules.ws_token_seconds),
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(WsTokenResponse {
            token: token.secret,
            expires_in: self.rules.ws_token_seconds,
        })
    }

    /// Resolves an access token to its player (the auth extractor's lookup).
    #[tracing::instrument(skip_all)]
    pub async fn authenticate(&self, token: &str) -> Result<Option<AuthPlayer>> {
        let hash = tokens::hash(token);
        let mut tx = self.store.read().await?;
        Ok(tx
            .token_owner(TokenKind::Access, &hash, self.now())
            .await?
            .map(|p| AuthPlayer {
                player_id: p.id(),
                username: p.username,
                is_guest: p.is_guest,
                token_hash: hash,
            }))
    }

    /// `GET /player/balance`.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn balance(&self, player: PlayerId) -> Result<BalanceResponse> {
        let mut tx = self.store.read().await?;
        let row = tx.player(player).await?.ok_or_else(gone)?;
        Ok(BalanceResponse {
            wallet: Coins::new(row.wallet),
            vault: Coins::new(row.vault),
            balance: Coins::new(row.wallet),
            outstanding_prompts: tx.outstanding_prompts(player).await?,
            daily_bonus_available: self.bonus_available(&row),
        })
    }

    /// `GET /player/dashboard`. `party_mode` is this instance's switch,
    /// which the HTTP layer owns; the dashboard only reports it.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn dashboard(&self, player: PlayerId, party_mode: bool) -> Result<DashboardResponse> {
        let mut tx = self.store.read().await?;
        let row = tx.player(player).await?.ok_or_else(gone)?;
        Ok(DashboardResponse {
            player_id: player,
            username: row.username.clone(),
            is_guest: row.is_guest,
            created_at: Millis(row.created_at).to_datetime(),
            wallet: Coins::new(row.wallet),
            vault: Coins::new(row.vault),
            balance: Coins::new(row.wallet),
            outstanding_prompts: tx.outstanding_prompts(player).await?,
            daily_bonus_available: self.bonus_available(&row),
            current_round: current_round_in(&mut tx, player).await?,
            round_availability: availability_in(&mut tx, &self.rules, player, self.now()).await?,
            active_party: match tx.active_session_of(player).await? {
                Some(s) => Some((s, false)),
                // Otherwise a running party they left, to rejoin.
                None => tx.left_running_session_of(player).await?.map(|s| (s, true)),
            }
            .map(|(s, left)| ActiveParty {
                session_id: s.session_id.into(),
                party_code: s.party_code.clone(),
                current_phase: s.phase(),
                status: s.state(),
                left,
            }),
            party_mode,
        })
    }

    /// `POST /player/claim-daily-bonus`: registered players, once per UTC
    /// day, never on the day they signed up.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn claim_daily_bonus(&self, player: PlayerId) -> Result<DailyBonusResponse> {
        let now = self.now();
        let today = now.utc_day();
        let mut tx = self.store.begin().await?;
        let row = tx.player(player).await?.ok_or_else(gone)?;
        if !self.bonus_available(&row) || !tx.mark_daily_bonus(player, today).await? {
            return Err(Error::api(
                ErrorCode::DailyBonusUnavailable,
                if row.is_guest {
                    "Guests get no daily bonus; register to collect it."
                } else {
                    "Your daily bonus is not available yet. Come back tomorrow."
                },
            ));
        }
        let amount = self.rules.daily_bonus;
        let balances = tx
            .transfer(
                &Transfer {
                    from: Account::House,
                    to: Account::Wallet(player),
                    amount,
                    kind: "daily_bonus",
                    reference: None,
                    idempotency_key: Some(format!("daily:{player}:{today}")),
                },
                now,
            )
            .await?;
        tx.commit().await?;
        Ok(DailyBonusResponse {
            amount: Coins::new(amount),
            wallet: Coins::new(balances.map_or(row.wallet + amount, |b| b.0)),
        })
    }

    fn bonus_available(&self, row: &PlayerRow) -> bool {
        let today = self.now().utc_day();
        !row.is_guest
            && !row.is_bot
            && Millis(row.created_at).utc_day() < today
            && row.last_bonus_day.is_none_or(|day| day < today)
    }

    async fn grant_starting_wallet(
        &self,
        tx: &mut Tx,
        player: PlayerId,
        now: Millis,
    ) -> Result<()> {
        tx.transfer(
            &Transfer {
                from: Account::House,
                to: Account::Wallet(player),
                amount: self.rules.starting_wallet,
                kind: "signup_grant",
                reference: None,
                idempotency_key: Some(format!("grant:{player}")),
            },
            now,
        )
        .await?;
        Ok(())
    }

    /// A new access and refresh token; `family` is the family a refresh
    /// continues, `None` starts one (a sign-in).
    async fn issue_tokens(
        &self,
        tx: &mut Tx,
        player: PlayerId,
        family: Option<String>,
        now: Millis,
    ) -> Result<AuthResponse> {
        let access = tokens::mint(TokenKind::Access);
        let refresh = tokens::mint(TokenKind::Refresh);
        let family = family.unwrap_or_else(|| refresh.hash.clone());
        let access_secs = self.rules.access_token_minutes * 60;
        tx.insert_token(
            TokenKind::Access,
            &access.hash,
            player,
            now.plus_secs(access_secs),
            Some(&family),
        )
        .await?;
        tx.insert_token(
            TokenKind::Refresh,
            &refresh.hash,
            player,
            now.plus_secs(self.rules.refresh_token_days * 86_400),
            Some(&family),
        )
        .await?;
        let row = tx.player(player).await?.ok_or_else(gone)?;
        Ok(AuthResponse {
            player_id: player,
            username: row.username,
            access_token: access.secret,
            refresh_token: refresh.secret,
            expires_in: access_secs,
            wallet: Coins::new(row.wallet),
            vault: Coins::new(row.vault),
            balance: Coins::new(row.wallet),
            is_guest: row.is_guest,
        })
    }
}

fn gone() -> Error {
    Error::api(ErrorCode::Unauthorized, "This account no longer exists.")
}
