//! The player socket's side of the service (`GET /player/ws`): who may
//! open one, its count for presence, and the in-process wake-up that
//! delivers a new invite at once.
//!
//! Invites and quick matches are rows; the socket reads them. [`Inbox`]
//! only tells this instance's sockets of a player "read again": a
//! transaction with news for a player names them (`Tx::tell_player`), and
//! once it commits every instance is told (PostgreSQL's NOTIFY on
//! `PLAYERS_CHANNEL`, the commit hook with SQLite's one process). Sockets
//! also read every minute, a safety net: a poke carries no data, so a
//! missed one costs only that delay.

use std::collections::HashMap;
use std::sync::Mutex;

use party_protocol::PlayerId;
use party_protocol::friends::{InvitesResponse, PartyInvite};
use party_protocol::party::PartyCode;
use tokio::sync::watch;
use uuid::Uuid;

use super::Game;
use crate::auth::tokens;
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::store::InviteRow;

/// Wake-ups for the player sockets of this instance.
#[derive(Debug, Default)]
pub struct Inbox {
    players: Mutex<HashMap<PlayerId, watch::Sender<u64>>>,
}

impl Inbox {
    /// A receiver that changes whenever `player` is poked.
    pub fn subscribe(&self, player: PlayerId) -> watch::Receiver<u64> {
        let mut players = self
            .players
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        players
            .entry(player)
            .or_insert_with(|| watch::channel(0).0)
            .subscribe()
    }

    /// Drops the player's entry once no socket listens (call after
    /// dropping the receiver).
    pub fn release(&self, player: PlayerId) {
        let mut players = self
            .players
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if players
            .get(&player)
            .is_some_and(|tx| tx.receiver_count() == 0)
        {
            players.remove(&player);
        }
    }

    /// Tells the player's sockets on this instance to read their invites.
    pub fn poke(&self, player: PlayerId) {
        let players = self
            .players
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(tx) = players.get(&player) {
            tx.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Tells every player socket here to read again.
    pub fn poke_all(&self) {
        let players = self
            .players
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for tx in players.values() {
            tx.send_modify(|n| *n = n.wrapping_add(1));
        }
    }

    /// Players with a socket listening here.
    pub fn listening(&self) -> usize {
        self.players.lock().map_or(0, |p| p.len())
    }

    /// The player sockets open here, per player (what to count back in
    /// when this instance was taken for dead and registers again).
    pub fn open_by_player(&self) -> Vec<(PlayerId, usize)> {
        let players = self
            .players
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        players
            .iter()
            .map(|(player, tx)| (*player, tx.receiver_count()))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

pub(crate) fn invite_of(row: InviteRow) -> Result<PartyInvite> {
    Ok(PartyInvite {
        session_id: row.session_id.into(),
        party_code: PartyCode::parse(&row.party_code)
            .map_err(|_| Error::internal("a stored party code does not parse"))?,
        inviter_id: PlayerId::from_uuid(row.inviter_id),
        inviter_username: row.inviter_username,
        created_at: Millis(row.created_at).to_datetime(),
    })
}

impl Game {
    /// Spends a ws-token for the player socket: its owner, or `None` when
    /// the token is unknown, used or expired.
    #[tracing::instrument(skip_all)]
    pub async fn admit_player_socket(&self, token: &str) -> Result<Option<PlayerId>> {
        let mut tx = self.store.begin().await?;
        let player = tx
            .consume_ws_token(&tokens::hash(token), self.now())
            .await?;
        tx.commit().await?;
        Ok(player)
    }

    /// A player socket opened (`true`) or closed on `instance`.
    #[tracing::instrument(skip_all, fields(%instance, player = %player, opened = opened))]
    pub async fn player_socket(
        &self,
        instance: Uuid,
        player: PlayerId,
        opened: bool,
    ) -> Result<()> {
        let mut tx = self.store.begin().await?;
        if opened {
            tx.add_player_sockets(instance, player, 1).await?;
        } else {
            tx.remove_player_socket(instance, player).await?;
        }
        tx.commit().await
    }

    /// `GET /party/invites`: the caller's invites to lobbies still open.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn party_invites(&self, player: PlayerId) -> Result<InvitesResponse> {
        let mut tx = self.store.read().await?;
        let invites = tx
            .invites_of(player)
            .await?
            .into_iter()
            .map(invite_of)
            .collect::<Result<_>>()?;
        Ok(InvitesResponse { invites })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_poke_wakes_only_that_players_receivers() {
        let inbox = Inbox::default();
        let (me, other) = (PlayerId::new(), PlayerId::new());
        let mut mine = inbox.subscribe(me);
        let mut theirs = inbox.subscribe(other);
        inbox.poke(me);
        assert!(mine.has_changed().unwrap());
        mine.mark_unchanged();
        assert!(!theirs.has_changed().unwrap());
        // A poke for nobody listening is dropped.
        inbox.poke(PlayerId::new());
        assert_eq!(inbox.listening(), 2);
        let _second = inbox.subscribe(me);
        let mut open = inbox.open_by_player();
        open.sort_by_key(|(_, n)| *n);
        assert_eq!(open, vec![(other, 1), (me, 2)]);
        drop(theirs);
        inbox.release(other);
        assert_eq!(inbox.listening(), 1);
        theirs = inbox.subscribe(other);
        assert!(!theirs.has_changed().unwrap());
    }
}
