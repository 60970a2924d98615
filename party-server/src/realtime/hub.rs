//! Per-party fan-out within one server instance.
//!
//! Each party with connected sockets has a broadcast channel of frames
//! (events serialized once, shared by every socket). The hub remembers the
//! last sequence number it broadcast per party and, when poked, reads the
//! newer events from the events table: a poke can never invent, lose or
//! reorder an event, and duplicate pokes are harmless.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use party_protocol::PlayerId;
use tokio::sync::broadcast;
use uuid::Uuid;

use crate::error::Result;
use crate::service::{ChatNotice, Game};
use crate::store::CommitHook;

/// Frames buffered per party before a slow socket counts as lagging.
pub const CHANNEL_CAPACITY: usize = 64;
/// Party chat messages buffered per party before a slow socket skips some
/// (chat is no event: nothing is replayed; the history pages hold it).
const CHAT_CAPACITY: usize = 64;

/// One event, serialized once.
#[derive(Debug, Clone)]
pub struct Frame {
    pub seq: i64,
    pub text: Arc<str>,
    /// The member this event takes out of the party (`player_left`,
    /// `player_kicked`): read once here rather than by every socket.
    pub removes: Option<PlayerId>,
    /// The party no longer exists (a deleted lobby): every socket of it
    /// closes. Such a frame carries no event.
    pub gone: bool,
}

/// The member a stored event removes from the party, if it is a
/// `player_left` or `player_kicked`.
pub fn removed_player(text: &str) -> Option<PlayerId> {
    #[derive(serde::Deserialize)]
    struct Head {
        #[serde(rename = "type")]
        kind: String,
        player_id: Option<PlayerId>,
    }
    let head: Head = serde_json::from_str(text).ok()?;
    matches!(head.kind.as_str(), "player_left" | "player_kicked")
        .then_some(head.player_id)
        .flatten()
}

#[derive(Debug)]
struct PartyChannel {
    /// The players' sockets.
    sender: broadcast::Sender<Frame>,
    /// The spectators' sockets: the same frames, sent after the players'
    /// so that a party's players are never queued behind its thousands of
    /// spectators, and each spectator finds a whole burst waiting when it
    /// wakes (it writes the burst at once: see `spectator.rs`).
    watchers: broadcast::Sender<Frame>,
    /// The last sequence number broadcast; the async lock serializes
    /// pokes of one party so frames go out in order.
    last_seq: tokio::sync::Mutex<i64>,
    /// The last frames broadcast, oldest first: a socket that subscribed
    /// while events were in flight (or got a snapshot a moment old) fills
    /// its gap from here rather than from the database. When thousands of
    /// spectators open at once, that is thousands of reads saved on the
    /// next event.
    recent: Backlog,
    /// The party chat, to the players' sockets only: spectator sockets
    /// never subscribe to it.
    chat: broadcast::Sender<Arc<ChatNotice>>,
}

/// The last [`CHANNEL_CAPACITY`] frames of a party: (seq, text).
#[derive(Debug, Default)]
struct Backlog(Mutex<VecDeque<(i64, Arc<str>)>>);

impl Backlog {
    fn push(&self, seq: i64, text: Arc<str>) {
        if let Ok(mut frames) = self.0.lock() {
            if frames.len() == CHANNEL_CAPACITY {
                frames.pop_front();
            }
            frames.push_back((seq, text));
        }
    }

    /// The frames after `after` and before `until`, if every one of them
    /// is still here (`last` is the last seq broadcast).
    fn between(&self, after: i64, until: i64, last: i64) -> Option<Vec<(i64, Arc<str>)>> {
        let frames = self.0.lock().ok()?;
        let oldest = frames.front().map_or(last + 1, |(seq, _)| *seq);
        // Event seqs of a party are consecutive: the backlog holds the gap
        // when it starts at or before the gap's first event, and the gap
        // ends by what was broadcast.
        if oldest > after + 1 || until - 1 > last {
            return None;
        }
        Some(
            frames
                .iter()
                .filter(|(seq, _)| *seq > after && *seq < until)
                .cloned()
                .collect(),
        )
    }
}

/// The fan-out of one server instance.
pub struct Hub {
    /// Where the events are read from.
    game: Game,
    /// This server process, as the database knows it (presence).
    instance: Uuid,
    parties: Mutex<HashMap<Uuid, Arc<PartyChannel>>>,
    /// Open sockets per (party, player) on this instance (the metrics, and
    /// what to count back in if this instance was taken for dead).
    sockets: Mutex<HashMap<(Uuid, PlayerId), usize>>,
    /// What this instance keeps for spectators (chat, their sockets).
    pub spectators: super::spectators::Spectators,
}

impl std::fmt::Debug for Hub {
    /// Leaves out the game: its store's commit hook points back at this
    /// hub, so printing it would never end.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Hub")
            .field("instance", &self.instance)
            .field("open_sockets", &self.open_sockets())
            .finish_non_exhaustive()
    }
}

impl Hub {
    pub fn new(game: Game) -> Arc<Self> {
        Arc::new(Self {
            game,
            instance: Uuid::new_v4(),
            parties: Mutex::new(HashMap::new()),
            sockets: Mutex::new(HashMap::new()),
            spectators: super::spectators::Spectators::default(),
        })
    }

    fn channel(&self, party: Uuid) -> Option<Arc<PartyChannel>> {
        self.parties.lock().ok()?.get(&party).cloned()
    }

    /// Subscribes to a party's frames. A new channel starts from the
    /// party's current sequence number, so the subscriber gets every event
    /// committed after this call.
    pub async fn subscribe(&self, party: Uuid) -> Result<broadcast::Receiver<Frame>> {
        Ok(self.open(party).await?.sender.subscribe())
    }

    /// Subscribes a spectator to a party's frames, as [`Hub::subscribe`].
    pub async fn watch(&self, party: Uuid) -> Result<broadcast::Receiver<Frame>> {
        Ok(self.open(party).await?.watchers.subscribe())
    }

    /// The party's channel, made if it has none.
    async fn open(&self, party: Uuid) -> Result<Arc<PartyChannel>> {
        if let Some(channel) = self.channel(party) {
            return Ok(channel);
        }
        let current = self.game.party_event_seq(party).await?.unwrap_or(0);
        let mut parties = self
            .parties
            .lock()
            .map_err(|_| crate::error::Error::internal("hub lock poisoned"))?;
        let channel = parties.entry(party).or_insert_with(|| {
            Arc::new(PartyChannel {
                sender: broadcast::channel(CHANNEL_CAPACITY).0,
                watchers: broadcast::channel(CHANNEL_CAPACITY).0,
                last_seq: tokio::sync::Mutex::new(current),
                recent: Backlog::default(),
                chat: broadcast::channel(CHAT_CAPACITY).0,
            })
        });
        Ok(channel.clone())
    }

    /// Subscribes a player's socket to the party chat; call after
    /// [`Hub::subscribe`] (its channel holds the chat), `None` otherwise.
    pub fn subscribe_chat(&self, party: Uuid) -> Option<broadcast::Receiver<Arc<ChatNotice>>> {
        self.channel(party).map(|channel| channel.chat.subscribe())
    }

    /// Hands a committed party chat message (a [`ChatNotice`] as JSON) to
    /// the party's player sockets here; parsed once for all of them.
    pub fn party_chat(&self, party: Uuid, notice: &str) {
        let Some(channel) = self.channel(party) else {
            return;
        };
        match serde_json::from_str::<ChatNotice>(notice) {
            Ok(notice) => {
                let _ = channel.chat.send(Arc::new(notice));
            }
            Err(err) => tracing::warn!(error = %err, %party, "unreadable party chat notice"),
        }
    }

    /// Drops the party's channel once no socket listens.
    pub fn release(&self, party: Uuid) {
        if let Ok(mut parties) = self.parties.lock()
            && parties
                .get(&party)
                .is_some_and(|c| c.sender.receiver_count() + c.watchers.receiver_count() == 0)
        {
            parties.remove(&party);
        }
    }

    /// Broadcasts the party's events newer than the last broadcast.
    pub async fn poke(&self, party: Uuid) -> Result<()> {
        let Some(channel) = self.channel(party) else {
            return Ok(());
        };
        let mut last = channel.last_seq.lock().await;
        let mut first = true;
        loop {
            let events = self.game.party_events_after(party, *last, 256).await?;
            // A poke with nothing new is rare; it is how a deleted lobby
            // shows itself (see `delete_open_session`).
            if first && events.is_empty() && self.game.party_event_seq(party).await?.is_none() {
                let gone = Frame {
                    seq: *last,
                    text: Arc::from(""),
                    removes: None,
                    gone: true,
                };
                let _ = channel.sender.send(gone.clone());
                let _ = channel.watchers.send(gone);
                return Ok(());
            }
            first = false;
            let done = events.len() < 256;
            let mut frames = Vec::with_capacity(events.len());
            for (seq, payload) in events {
                let removes = removed_player(&payload);
                let text: Arc<str> = payload.into();
                channel.recent.push(seq, text.clone());
                let frame = Frame {
                    seq,
                    text,
                    removes,
                    gone: false,
                };
                // No receivers is fine: the next subscriber starts later.
                let _ = channel.sender.send(frame.clone());
                frames.push(frame);
                *last = seq;
            }
            for frame in frames {
                let _ = channel.watchers.send(frame);
            }
            if done {
                return Ok(());
            }
        }
    }

    /// The last event broadcast to the party's sockets here; `None` when
    /// it has none, or a broadcast is under way (it is about to change).
    pub fn last_broadcast(&self, party: Uuid) -> Option<i64> {
        let channel = self.channel(party)?;
        let last = channel.last_seq.try_lock().ok()?;
        Some(*last)
    }

    /// The party's events after `after` and before `until`, in order: from
    /// the frames kept in memory when they hold them all, else from the
    /// event log. `None` when the log no longer holds them either (the
    /// socket sends a snapshot instead).
    pub async fn gap(
        &self,
        party: Uuid,
        after: i64,
        until: i64,
    ) -> Result<Option<Vec<(i64, Arc<str>)>>> {
        if let Some(channel) = self.channel(party) {
            // `try_lock`: a poke in progress is broadcasting newer frames;
            // the log answers then rather than waiting for it.
            let last = channel.last_seq.try_lock().ok().map(|last| *last);
            if let Some(frames) = last.and_then(|last| channel.recent.between(after, until, last)) {
                metrics::counter!("ws_gaps_filled_from_memory_total").increment(1);
                return Ok(Some(frames));
            }
        }
        Ok(self.game.replay_events(party, after).await?.map(|events| {
            events
                .into_iter()
                .filter(|(seq, _)| *seq < until)
                .map(|(seq, text)| (seq, Arc::from(text)))
                .collect()
        }))
    }

    /// Wakes the player's own sockets on this instance to read their news.
    pub fn tell_player(&self, player: Uuid) {
        self.game.inbox.poke(PlayerId::from_uuid(player));
    }

    /// Another instance stored standings (or may have, while its notices
    /// could not arrive): this instance's leaderboards recount.
    pub fn standings_changed(&self) {
        self.game.standings_changed();
    }

    /// Wakes every player socket on this instance (news may have been
    /// missed while the LISTEN connection was down).
    pub fn tell_all_players(&self) {
        self.game.inbox.poke_all();
    }

    /// Pokes every party with listeners (after a lost LISTEN connection).
    pub async fn poke_all(&self) {
        let parties: Vec<Uuid> = self
            .parties
            .lock()
            .map(|p| p.keys().copied().collect())
            .unwrap_or_default();
        for party in parties {
            if let Err(err) = self.poke(party).await {
                tracing::warn!(error = %err, %party, "resync failed");
            }
        }
    }

    /// Counts a socket in (locally; the database counts it for presence).
    pub fn socket_opened(&self, party: Uuid, player: PlayerId) {
        if let Ok(mut sockets) = self.sockets.lock() {
            *sockets.entry((party, player)).or_default() += 1;
        }
    }

    /// Counts a socket out (locally).
    pub fn socket_closed(&self, party: Uuid, player: PlayerId) {
        let Ok(mut sockets) = self.sockets.lock() else {
            return;
        };
        if let Some(n) = sockets.get_mut(&(party, player)) {
            *n -= 1;
            if *n == 0 {
                sockets.remove(&(party, player));
            }
        }
    }

    /// Sockets open on this instance.
    pub fn open_sockets(&self) -> usize {
        self.sockets.lock().map_or(0, |s| s.values().sum())
    }

    /// This instance's id in the database.
    pub fn instance(&self) -> Uuid {
        self.instance
    }

    /// The sockets open here, per party member (to count them back in
    /// after this instance was taken for dead).
    pub fn open_by_member(&self) -> Vec<((Uuid, PlayerId), usize)> {
        self.sockets
            .lock()
            .map(|s| s.iter().map(|(k, n)| (*k, *n)).collect())
            .unwrap_or_default()
    }
}

/// The store's commit hook: pokes the hub for every party a transaction
/// changed. The fan-out runs on the runtime the hook was made on (the
/// server's main one), not on the committing thread: on SQLite that is the
/// writer thread, which should do nothing but writes.
#[derive(Debug, Clone)]
pub struct HubHook {
    hub: Arc<Hub>,
    runtime: tokio::runtime::Handle,
}

impl HubHook {
    /// A hook fanning out on the current runtime.
    pub fn new(hub: Arc<Hub>) -> Self {
        HubHook {
            hub,
            runtime: tokio::runtime::Handle::current(),
        }
    }
}

impl CommitHook for HubHook {
    fn committed(&self, parties: &[Uuid]) {
        for party in parties {
            let hub = self.hub.clone();
            let party = *party;
            self.runtime.spawn(async move {
                if let Err(err) = hub.poke(party).await {
                    tracing::warn!(error = %err, %party, "fan-out failed");
                }
            });
        }
    }

    fn chat(&self, party: Uuid, frame: &str) {
        self.hub.spectators.chat(party, frame);
    }

    fn party_chat(&self, party: Uuid, notice: &str) {
        self.hub.party_chat(party, notice);
    }

    fn players(&self, players: &[Uuid]) {
        for player in players {
            self.hub.tell_player(*player);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::{Backlog, CHANNEL_CAPACITY, removed_player};
    use party_protocol::PlayerId;

    #[test]
    fn the_backlog_fills_a_gap_only_when_it_holds_all_of_it() {
        let backlog = Backlog::default();
        let last = 10 + CHANNEL_CAPACITY as i64;
        for seq in 1..=last {
            backlog.push(seq, Arc::from(format!("event {seq}")));
        }
        // It keeps the last CHANNEL_CAPACITY frames: 11 onwards.
        let seqs = |v: Option<Vec<(i64, Arc<str>)>>| {
            v.map(|v| v.iter().map(|(s, _)| *s).collect::<Vec<_>>())
        };
        assert_eq!(seqs(backlog.between(10, 14, last)), Some(vec![11, 12, 13]));
        assert_eq!(
            seqs(backlog.between(last - 1, last + 1, last)),
            Some(vec![last])
        );
        // Nothing missing between a socket's last event and the next frame.
        assert_eq!(seqs(backlog.between(last, last + 1, last)), Some(vec![]));
        // Event 10 is gone: the log must answer.
        assert_eq!(seqs(backlog.between(9, 14, last)), None);
        // Events not broadcast yet are not invented.
        assert_eq!(seqs(backlog.between(last - 1, last + 3, last)), None);
        // An empty backlog holds only the empty gap after the last broadcast.
        let empty = Backlog::default();
        assert_eq!(seqs(empty.between(5, 6, 5)), Some(vec![]));
        assert_eq!(seqs(empty.between(4, 6, 5)), None);
    }

    #[test]
    fn only_leave_and_kick_events_remove_their_player() {
        let id = PlayerId::from_uuid(uuid::Uuid::new_v4());
        for kind in ["player_left", "player_kicked"] {
            let text = format!(r#"{{"type":"{kind}","player_id":"{id}","username":"a","seq":3}}"#);
            assert_eq!(removed_player(&text), Some(id));
        }
        let joined = format!(r#"{{"type":"player_joined","player_id":"{id}"}}"#);
        assert_eq!(removed_player(&joined), None);
        assert_eq!(removed_player("not json"), None);
    }
}
