//! Players and their tokens.

use party_protocol::PlayerId;
use uuid::Uuid;

use super::{Tx, columns_row};
use crate::clock::Millis;
use crate::error::Result;

#[derive(Debug, Clone)]
pub struct PlayerRow {
    pub player_id: Uuid,
    pub username: String,
    pub email: Option<String>,
    pub password_hash: Option<String>,
    pub is_guest: bool,
    pub is_bot: bool,
    pub wallet: i64,
    pub vault: i64,
    pub created_at: i64,
    pub last_bonus_day: Option<i64>,
}

columns_row!(PlayerRow {
    player_id,
    username,
    email,
    password_hash,
    is_guest,
    is_bot,
    wallet,
    vault,
    created_at,
    last_bonus_day
});

impl PlayerRow {
    pub fn id(&self) -> PlayerId {
        PlayerId::from_uuid(self.player_id)
    }
}

/// The three kinds of opaque token; each has its own table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Refresh,
    WebSocket,
}

/// What presenting a refresh token found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RefreshUse {
    /// It was live and is now spent.
    Rotated { player: PlayerId, family: String },
    /// It was spent (rotated or logged out) at `revoked_at`.
    Replayed { family: String, revoked_at: Millis },
    /// Unknown or expired.
    Unknown,
}

const PLAYER_COLUMNS: &str = "player_id, username, email, password_hash, is_guest, is_bot, wallet, vault, created_at, last_bonus_day";

impl Tx {
    /// Inserts a player with empty balances (the starting grant is a ledger
    /// transfer made by the caller).
    pub async fn insert_player(
        &mut self,
        id: PlayerId,
        username: &str,
        email: Option<&str>,
        password_hash: Option<&str>,
        is_guest: bool,
        is_bot: bool,
        now: Millis,
    ) -> Result<()> {
        let sql = "INSERT INTO players (player_id, username, username_canonical, email, password_hash, \
                   is_guest, is_bot, wallet, vault, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, 0, $8)";
        self.query(sql)
            .bind(id.as_uuid())
            .bind(username)
            .bind(username.to_ascii_lowercase())
            .bind(email)
            .bind(password_hash)
            .bind(is_guest)
            .bind(is_bot)
            .bind(now.0)
            .execute()
            .await?;
        Ok(())
    }

    pub async fn player(&mut self, id: PlayerId) -> Result<Option<PlayerRow>> {
        let sql = format!("SELECT {PLAYER_COLUMNS} FROM players WHERE player_id = $1");
        self.query(&sql)
            .bind(id.as_uuid())
            .fetch_optional::<PlayerRow>()
            .await
    }

    pub async fn player_by_username(&mut self, username: &str) -> Result<Option<PlayerRow>> {
        let sql = format!("SELECT {PLAYER_COLUMNS} FROM players WHERE username_canonical = $1");
        self.query(&sql)
            .bind(username.trim().to_ascii_lowercase())
            .fetch_optional::<PlayerRow>()
            .await
    }

    pub async fn player_by_email(&mut self, email: &str) -> Result<Option<PlayerRow>> {
        let sql = format!("SELECT {PLAYER_COLUMNS} FROM players WHERE email = $1");
        self.query(&sql)
            .bind(email.trim().to_ascii_lowercase())
            .fetch_optional::<PlayerRow>()
            .await
    }

    /// Turns a guest into a registered player. Returns false if the player
    /// was not a guest (so nothing changed).
    pub async fn upgrade_guest(
        &mut self,
        id: PlayerId,
        username: &str,
        email: Option<&str>,
        password_hash: &str,
    ) -> Result<bool> {
        let sql = "UPDATE players SET username = $2, username_canonical = $3, email = $4, \
                   password_hash = $5, is_guest = FALSE WHERE player_id = $1 AND is_guest";
        let done = self
            .query(sql)
            .bind(id.as_uuid())
            .bind(username)
            .bind(username.to_ascii_lowercase())
            .bind(email)
            .bind(password_hash)
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Records today's daily bonus, unless it was already claimed today
    /// (compare-and-set: two concurrent claims cannot both succeed).
    pub async fn mark_daily_bonus(&mut self, id: PlayerId, day: i64) -> Result<bool> {
        let sql = "UPDATE players SET last_bonus_day = $2 WHERE player_id = $1 \
                   AND (last_bonus_day IS NULL OR last_bonus_day < $2)";
        let done = self
            .query(sql)
            .bind(id.as_uuid())
            .bind(day)
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// Stores a token's hash. `family` ties access and refresh tokens to
    /// their sign-in (reuse detection); ws-tokens have none.
    pub async fn insert_token(
        &mut self,
        kind: TokenKind,
        token_hash: &str,
        player: PlayerId,
        expires_at: Millis,
        family: Option<&str>,
    ) -> Result<()> {
        let sql = match kind {
            TokenKind::Access => {
                "INSERT INTO access_tokens (token_hash, player_id, expires_at, family_id) \
                 VALUES ($1, $2, $3, $4)"
            }
            TokenKind::Refresh => {
                "INSERT INTO refresh_tokens (token_hash, player_id, expires_at, family_id) \
                 VALUES ($1, $2, $3, $4)"
            }
            TokenKind::WebSocket => {
                "INSERT INTO ws_tokens (token_hash, player_id, expires_at) VALUES ($1, $2, $3)"
            }
        };
        // Bound only where the statement has a fourth parameter.
        let family = (kind != TokenKind::WebSocket).then_some(family);
        let query = self
            .query(sql)
            .bind(token_hash)
            .bind(player.as_uuid())
            .bind(expires_at.0);
        match family {
            Some(family) => query.bind(family),
            None => query,
        }
        .execute()
        .await?;
        Ok(())
    }

    /// The player owning an unexpired access or WebSocket token.
    pub async fn token_owner(
        &mut self,
        kind: TokenKind,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<PlayerRow>> {
        let table = match kind {
            TokenKind::Access => "access_tokens",
            TokenKind::WebSocket => "ws_tokens",
            TokenKind::Refresh => "refresh_tokens",
        };
        let sql = format!(
            "SELECT p.player_id, p.username, p.email, p.password_hash, p.is_guest, p.is_bot, p.wallet, p.vault, \
             p.created_at, p.last_bonus_day FROM {table} t JOIN players p ON p.player_id = t.player_id \
             WHERE t.token_hash = $1 AND t.expires_at > $2"
        );
        self.query(&sql)
            .bind(token_hash)
            .bind(now.0)
            .fetch_optional::<PlayerRow>()
            .await
    }

    /// Revokes a live refresh token and returns its owner and family: the
    /// token can be used exactly once, even by two concurrent requests. A
    /// token that was revoked already comes back as a replay.
    pub async fn consume_refresh_token(
        &mut self,
        token_hash: &str,
        now: Millis,
    ) -> Result<RefreshUse> {
        let sql = "UPDATE refresh_tokens SET revoked_at = $2 WHERE token_hash = $1 \
                   AND revoked_at IS NULL AND expires_at > $2 \
                   RETURNING player_id, COALESCE(family_id, token_hash)";
        let live: Option<(Uuid, String)> = self
            .query(sql)
            .bind(token_hash)
            .bind(now.0)
            .fetch_optional()
            .await?;
        if let Some((player, family)) = live {
            return Ok(RefreshUse::Rotated {
                player: PlayerId::from_uuid(player),
                family,
            });
        }
        let spent: Option<(String, i64)> = self
            .query(
                "SELECT COALESCE(family_id, token_hash), revoked_at FROM refresh_tokens \
             WHERE token_hash = $1 AND revoked_at IS NOT NULL",
            )
            .bind(token_hash)
            .fetch_optional()
            .await?;
        Ok(match spent {
            Some((family, revoked_at)) => RefreshUse::Replayed {
                family,
                revoked_at: Millis(revoked_at),
            },
            None => RefreshUse::Unknown,
        })
    }

    /// Reuse detection: revokes every refresh token of a family and deletes
    /// its access tokens.
    pub async fn revoke_token_family(&mut self, family: &str, now: Millis) -> Result<()> {
        self.query(
            "UPDATE refresh_tokens SET revoked_at = $2 \
             WHERE (family_id = $1 OR token_hash = $1) AND revoked_at IS NULL",
        )
        .bind(family)
        .bind(now.0)
        .execute()
        .await?;
        self.query("DELETE FROM access_tokens WHERE family_id = $1")
            .bind(family)
            .execute()
            .await?;
        Ok(())
    }

    /// Deletes a live ws-token and returns its owner: one compare-and-delete
    /// statement, so a token opens one socket even when two upgrades race.
    pub async fn consume_ws_token(
        &mut self,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<PlayerId>> {
        let sql = "DELETE FROM ws_tokens WHERE token_hash = $1 AND expires_at > $2 \
                   RETURNING player_id";
        let owner: Option<Uuid> = self
            .query(sql)
            .bind(token_hash)
            .bind(now.0)
            .fetch_optional()
            .await?;
        Ok(owner.map(PlayerId::from_uuid))
    }

    /// Logout: revokes every refresh token of the player, deletes every
    /// ws-token they hold (a socket cannot be opened after logout), and
    /// deletes the access token used.
    pub async fn revoke_tokens(
        &mut self,
        player: PlayerId,
        access_hash: &str,
        now: Millis,
    ) -> Result<()> {
        self.query(
            "UPDATE refresh_tokens SET revoked_at = $2 WHERE player_id = $1 AND revoked_at IS NULL",
        )
        .bind(player.as_uuid())
        .bind(now.0)
        .execute()
        .await?;
        self.query("DELETE FROM ws_tokens WHERE player_id = $1")
            .bind(player.as_uuid())
            .execute()
            .await?;
        self.query("DELETE FROM access_tokens WHERE token_hash = $1")
            .bind(access_hash)
            .execute()
            .await?;
        Ok(())
    }

    /// Locks these players' rows until the transaction ends (PostgreSQL),
    /// one at a time in id order, so transactions that update several
    /// players' balances take their locks in one global order and cannot
    /// deadlock. `NO KEY UPDATE` is the lock the balance updates take
    /// anyway. SQLite needs nothing: its single writer serializes
    /// transactions.
    pub async fn lock_players(&mut self, players: &[Uuid]) -> Result<()> {
        if self.backend() == super::Backend::Postgres {
            let mut ids = players.to_vec();
            ids.sort_unstable();
            ids.dedup();
            // PostgreSQL locks the rows as the sorted rows come out (the
            // lock sits above the sort), so one statement keeps the order.
            self.query(
                "SELECT 1 FROM players WHERE player_id = ANY($1) ORDER BY player_id FOR NO KEY UPDATE",
            )
            .bind(ids)
            .execute()
            .await?;
        }
        Ok(())
    }

    /// Deletes tokens that expired before `now` (housekeeping).
    pub async fn purge_expired_tokens(&mut self, now: Millis) -> Result<u64> {
        let mut purged = 0;
        for table in ["access_tokens", "ws_tokens", "refresh_tokens"] {
            let sql = format!("DELETE FROM {table} WHERE expires_at <= $1");
            let done = self.query(&sql).bind(now.0).execute().await?;
            purged += done;
        }
        Ok(purged)
    }
}
