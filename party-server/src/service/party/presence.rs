//! Presence: a member is `CONNECTED` while any server instance holds a
//! socket for them. Each instance counts its sockets in the database and
//! keeps a heartbeat; the others clear the sockets of one whose heartbeat
//! stops. Heartbeats use the wall clock, not the game clock: liveness is
//! about processes, and a test moving game time must not kill instances.

use party_protocol::PlayerId;
use party_protocol::party::ConnectionStatus;
use party_protocol::party_ws::ServerEvent;
use uuid::Uuid;

use super::emit;
use crate::clock::{Clock as _, Millis, SystemClock};
use crate::error::Result;
use crate::service::Game;
use crate::store::Tx;

/// Sets the member's presence from the sockets counted for them, with a
/// `presence` event when it changes. The session row is locked first, so
/// presence changes of one party apply one at a time on every instance.
async fn sync_presence(tx: &mut Tx, session: Uuid, player: PlayerId, now: Millis) -> Result<()> {
    if tx.session_for_update(session).await?.is_none() {
        return Ok(());
    }
    let Some(me) = tx.participant(session, player).await? else {
        return Ok(());
    };
    let connected = tx.member_has_sockets(session, player).await?;
    if tx.set_connection(session, player, connected).await? {
        emit(
            tx,
            session,
            ServerEvent::Presence {
                player_id: player,
                username: me.username,
                connection_status: if connected {
                    ConnectionStatus::Connected
                } else {
                    ConnectionStatus::Disconnected
                },
            },
            now,
        )
        .await?;
    }
    Ok(())
}

impl Game {
    /// A socket of `player` opened on `instance`: counted in, unless the
    /// member already holds `cap` sockets of the party over every instance
    /// (then `false`, and nothing changes). The count and the check happen
    /// under the session row's lock, so two sockets racing for the last
    /// place cannot both get it.
    #[tracing::instrument(skip_all, fields(%instance, player = %player, party = %session))]
    pub async fn socket_opened(
        &self,
        instance: Uuid,
        session: Uuid,
        player: PlayerId,
        cap: u32,
    ) -> Result<bool> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if tx.session_for_update(session).await?.is_none() {
            return Ok(true);
        }
        if tx.member_sockets(session, player).await? >= i64::from(cap) {
            return Ok(false);
        }
        tx.add_sockets(instance, session, player, 1).await?;
        sync_presence(&mut tx, session, player, now).await?;
        tx.commit().await?;
        Ok(true)
    }

    /// A socket of `player` on `instance` closed.
    #[tracing::instrument(skip_all, fields(%instance, player = %player, party = %session))]
    pub async fn socket_closed(
        &self,
        instance: Uuid,
        session: Uuid,
        player: PlayerId,
    ) -> Result<()> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if tx.session_for_update(session).await?.is_none() {
            return Ok(());
        }
        tx.remove_socket(instance, session, player).await?;
        sync_presence(&mut tx, session, player, now).await?;
        tx.commit().await
    }

    /// Registers this instance at start-up.
    #[tracing::instrument(skip_all, fields(%instance))]
    pub async fn register_instance(&self, instance: Uuid) -> Result<()> {
        let mut tx = self.store.begin().await?;
        tx.register_instance(instance, SystemClock.now()).await?;
        tx.commit().await
    }

    /// The heartbeat. An instance that was taken for dead (a long pause)
    /// registers again and counts its open sockets back in.
    #[tracing::instrument(skip_all, fields(%instance, sockets = open.len()))]
    pub async fn instance_heartbeat(
        &self,
        instance: Uuid,
        open: &[((Uuid, PlayerId), usize)],
    ) -> Result<()> {
        let now = SystemClock.now();
        let mut tx = self.store.begin().await?;
        if tx.instance_seen(instance, now).await? {
            return tx.commit().await;
        }
        tracing::warn!(%instance, "this instance was taken for dead; registering again");
        tx.register_instance(instance, now).await?;
        // The player sockets went with the old registration too.
        for (player, n) in self.inbox.open_by_player() {
            tx.add_player_sockets(instance, player, n as i64).await?;
        }
        for &((session, player), n) in open {
            if tx.session(session).await?.is_some() {
                tx.add_sockets(instance, session, player, n as i64).await?;
                sync_presence(&mut tx, session, player, self.now()).await?;
            }
        }
        tx.commit().await
    }

    /// Removes the instances (other than `me`) whose heartbeat stopped more
    /// than the presence timeout ago, and updates the presence of every
    /// member they held sockets for. Returns how many were removed.
    #[tracing::instrument(skip_all, fields(instance = %me))]
    pub async fn reap_instances(&self, me: Uuid) -> Result<usize> {
        let cutoff = Millis(SystemClock.now().0 - self.rules.presence_timeout_ms);
        let stale = {
            let mut tx = self.store.read().await?;
            tx.stale_instances(cutoff, me).await?
        };
        let mut removed = 0;
        for instance in stale {
            if self.remove_instance(instance, Some(cutoff)).await? {
                tracing::warn!(%instance, "a server instance stopped; its sockets no longer count");
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// Removes this instance on a clean shutdown.
    #[tracing::instrument(skip_all, fields(instance = %me))]
    pub async fn retire_instance(&self, me: Uuid) -> Result<()> {
        self.remove_instance(me, None).await.map(|_| ())
    }

    async fn remove_instance(&self, instance: Uuid, stale_before: Option<Millis>) -> Result<bool> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let members = tx.instance_members(instance).await?;
        if !tx.remove_instance(instance, stale_before).await? {
            return Ok(false);
        }
        for (session, player) in members {
            sync_presence(&mut tx, session, player, now).await?;
        }
        tx.commit().await?;
        Ok(true)
    }
}
