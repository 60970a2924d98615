//! A lobby's access mode and its invites (see
//! `migrations/*/0007_access.sql`). No `party_access` row means open.

use party_protocol::PlayerId;
use party_protocol::party_access::PartyAccess;
use uuid::Uuid;

use super::{DbRow, FromRow, Tx, enum_column};
use crate::clock::Millis;
use crate::error::Result;

/// A lobby's mode, with the password hash in password mode.
#[derive(Clone, PartialEq, Eq)]
pub struct AccessRow {
    pub mode: PartyAccess,
    pub password_hash: Option<String>,
}

/// The hash stays out of logs, like every password.
impl std::fmt::Debug for AccessRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccessRow")
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

impl AccessRow {
    pub const OPEN: AccessRow = AccessRow {
        mode: PartyAccess::Open,
        password_hash: None,
    };
}

impl FromRow for AccessRow {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(AccessRow {
            mode: enum_column(row, "party_access", "mode", PartyAccess::parse)?,
            password_hash: row.try_get("password_hash")?,
        })
    }
}

/// A pending invite, as its invitee sees it.
#[derive(Debug, Clone)]
pub struct InviteRow {
    pub session_id: Uuid,
    pub party_code: String,
    pub inviter_id: Uuid,
    pub inviter_username: String,
    pub created_at: i64,
}

impl FromRow for InviteRow {
    fn from_row(row: &DbRow<'_>) -> Result<Self> {
        Ok(InviteRow {
            session_id: row.try_get("session_id")?,
            party_code: row.try_get("party_code")?,
            inviter_id: row.try_get("inviter_id")?,
            inviter_username: row.try_get("inviter_username")?,
            created_at: row.try_get("created_at")?,
        })
    }
}

/// Invites count only while their lobby is in LOBBY: once it starts or
/// ends they are expired without a write.
const INVITE_SELECT: &str = "SELECT i.session_id, s.party_code, i.inviter_id, \
    p.username AS inviter_username, i.created_at \
    FROM party_invites i JOIN party_sessions s ON s.session_id = i.session_id \
    JOIN players p ON p.player_id = i.inviter_id \
    WHERE s.status = 'OPEN' AND s.current_phase = 'LOBBY'";

impl Tx {
    /// The lobby's access mode (open when it has no row).
    pub async fn party_access(&mut self, session: Uuid) -> Result<AccessRow> {
        Ok(self
            .query("SELECT mode, password_hash FROM party_access WHERE session_id = $1")
            .bind(session)
            .fetch_optional::<AccessRow>()
            .await?
            .unwrap_or(AccessRow::OPEN))
    }

    /// Sets the lobby's mode (open removes its row).
    pub async fn set_party_access(&mut self, session: Uuid, access: &AccessRow) -> Result<()> {
        if access.mode == PartyAccess::Open {
            self.query("DELETE FROM party_access WHERE session_id = $1")
                .bind(session)
                .execute()
                .await?;
            return Ok(());
        }
        self.query(
            "INSERT INTO party_access (session_id, mode, password_hash) VALUES ($1, $2, $3) \
             ON CONFLICT (session_id) DO UPDATE SET mode = excluded.mode, password_hash = excluded.password_hash",
        )
        .bind(session)
        .bind(access.mode.as_str())
        .bind(access.password_hash.clone())
        .execute()
        .await?;
        Ok(())
    }

    /// `host` invites `guest` (again: a repeated invite is renewed).
    pub async fn upsert_invite(
        &mut self,
        session: Uuid,
        guest: PlayerId,
        host: PlayerId,
        now: Millis,
    ) -> Result<()> {
        self.query(
            "INSERT INTO party_invites (session_id, invitee_id, inviter_id, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (session_id, invitee_id) DO UPDATE SET inviter_id = excluded.inviter_id, \
             created_at = excluded.created_at",
        )
        .bind(session)
        .bind(guest.as_uuid())
        .bind(host.as_uuid())
        .bind(now.0)
        .execute()
        .await?;
        Ok(())
    }

    /// Whether `invitee` holds an invite to the lobby.
    pub async fn is_invited(&mut self, session: Uuid, invitee: PlayerId) -> Result<bool> {
        let n: i64 = self
            .query(
                "SELECT CAST(COUNT(*) AS BIGINT) FROM party_invites WHERE session_id = $1 AND invitee_id = $2",
            )
            .bind(session)
            .bind(invitee.as_uuid())
            .fetch_one()
            .await?;
        Ok(n > 0)
    }

    /// Removes an invite (used, or declined); false when there was none.
    pub async fn delete_invite(&mut self, session: Uuid, invitee: PlayerId) -> Result<bool> {
        let done = self
            .query("DELETE FROM party_invites WHERE session_id = $1 AND invitee_id = $2")
            .bind(session)
            .bind(invitee.as_uuid())
            .execute()
            .await?;
        Ok(done == 1)
    }

    /// One pending invite of `invitee`.
    pub async fn invite(&mut self, session: Uuid, invitee: PlayerId) -> Result<Option<InviteRow>> {
        let sql = format!("{INVITE_SELECT} AND i.session_id = $1 AND i.invitee_id = $2");
        self.query(&sql)
            .bind(session)
            .bind(invitee.as_uuid())
            .fetch_optional()
            .await
    }

    /// The invitee's pending invites, newest first.
    pub async fn invites_of(&mut self, invitee: PlayerId) -> Result<Vec<InviteRow>> {
        let sql = format!("{INVITE_SELECT} AND i.invitee_id = $1 ORDER BY i.created_at DESC");
        self.query(&sql).bind(invitee.as_uuid()).fetch_all().await
    }
}
