//! What the party sockets and the fan-out hub read: who may open a socket,
//! the event log to replay or broadcast, and where a party's log stands.
//! Each method is one read transaction; the socket code never opens one.

use party_protocol::PlayerId;
use uuid::Uuid;

use super::Game;
use crate::auth::tokens;
use crate::error::Result;

/// Whether a socket may open, and why not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SocketAdmission {
    /// The ws-token is live and its owner is a member of the party.
    Member(PlayerId),
    /// The token is unknown or expired.
    InvalidToken,
    /// The token is good but its owner is not in this party.
    NotParticipant,
}

impl Game {
    /// Uses up a socket's ws-token and checks the party membership of its
    /// owner. The token is spent whatever the answer: it opens at most one
    /// socket, and of two upgrades racing with it only one gets the owner.
    #[tracing::instrument(skip_all, fields(party = %session))]
    pub async fn admit_socket(&self, session: Uuid, token: &str) -> Result<SocketAdmission> {
        let mut tx = self.store.begin().await?;
        let Some(player) = tx
            .consume_ws_token(&tokens::hash(token), self.now())
            .await?
        else {
            return Ok(SocketAdmission::InvalidToken);
        };
        let member = tx.participant(session, player).await?.is_some();
        tx.commit().await?;
        Ok(if member {
            SocketAdmission::Member(player)
        } else {
            SocketAdmission::NotParticipant
        })
    }

    /// The events after `since` as (seq, payload), if the log still holds
    /// every one of them (within the replay limit); `None` when the caller
    /// needs a snapshot instead.
    #[tracing::instrument(skip_all, fields(party = %session, since = since))]
    pub async fn replay_events(
        &self,
        session: Uuid,
        since: i64,
    ) -> Result<Option<Vec<(i64, String)>>> {
        let mut tx = self.store.read().await?;
        let Some(s) = tx.session(session).await? else {
            return Ok(None);
        };
        let limit = self.rules.party_event_replay_limit;
        if since < 0 || since > s.event_seq || s.event_seq - since > limit {
            return Ok(None);
        }
        Ok(Some(tx.events_since(session, since, limit).await?))
    }

    /// The party's last event sequence number, or `None` when there is no
    /// such party (a lobby is deleted when its last human leaves or it
    /// grows too old).
    #[tracing::instrument(skip_all, fields(party = %session))]
    pub async fn party_event_seq(&self, session: Uuid) -> Result<Option<i64>> {
        let mut tx = self.store.read().await?;
        Ok(tx.session(session).await?.map(|s| s.event_seq))
    }

    /// Up to `limit` events after `after`, in order: (seq, payload).
    #[tracing::instrument(skip_all, fields(party = %session, after = after, limit = limit))]
    pub async fn party_events_after(
        &self,
        session: Uuid,
        after: i64,
        limit: i64,
    ) -> Result<Vec<(i64, String)>> {
        let mut tx = self.store.read().await?;
        tx.events_since(session, after, limit).await
    }
}
