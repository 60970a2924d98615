//! Quick match and public lobbies (README "Quick match and public
//! parties"): queueing, leaving, the caller's status, forming parties from
//! the queue, and the list of public lobbies.
//!
//! Who goes with whom is the pure rule in [`crate::party::matchmaking`].
//! Formation is one transaction: it takes the formation lock (a
//! PostgreSQL advisory lock, so one instance forms at a time; SQLite's
//! single writer serializes anyway), reads the queue with its rows locked,
//! and creates each party — lobby, participants, bots — deleting the rows
//! of the players it seats. A player leaving the queue at the same moment
//! either deletes their row first (and is not read) or waits for the
//! formation and finds the row gone (`404 not_queued`, and the status says
//! `matched`): never both. Joining a party deletes the joiner's row first
//! (`roster::add_member`), so the same holds for a join racing a match.

use party_protocol::matchmaking::{
    BOT_FILL_SECONDS, PUBLIC_PAGE_DEFAULT, PUBLIC_PAGE_MAX, PublicPartiesQuery,
    PublicPartiesResponse, PublicParty, QueuedStatus, QuickMatchFormed, QuickMatchRequest,
    QuickMatchStatus,
};
use party_protocol::party::CreatePartyRequest;
use party_protocol::party_ws::ServerEvent;
use party_protocol::{ErrorCode, PlayerId};
use uuid::Uuid;

use super::access::member;
use super::config::party_config;
use super::events::emit;
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::party::matchmaking::{self, Group, Waiting};
use crate::service::Game;
use crate::store::{ListingRow, Tx};

impl Game {
    /// `POST /party/quick-match`: queues the caller (again: their first
    /// entry stays, with its place and wait), then forms what can be formed.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn quick_match(
        &self,
        player: PlayerId,
        req: &QuickMatchRequest,
    ) -> Result<QuickMatchStatus> {
        if let Some(secs) = req.bot_fill_after_seconds
            && !BOT_FILL_SECONDS.contains(&secs)
        {
            return Err(Error::api(
                ErrorCode::InvalidQuickMatchWait,
                format!(
                    "bot_fill_after_seconds must be between {} and {}.",
                    BOT_FILL_SECONDS.start(),
                    BOT_FILL_SECONDS.end()
                ),
            ));
        }
        let now = self.now();
        let mut tx = self.store.begin().await?;
        if let Some(active) = tx.active_session_of(player).await? {
            return Err(Error::api(
                ErrorCode::AlreadyInParty,
                format!(
                    "You are already in party {}; leave it first.",
                    active.party_code
                ),
            ));
        }
        let bot_fill_at = req.bot_fill_after_seconds.map(|secs| now.plus_secs(secs));
        if tx.enqueue_quick_match(player, now, bot_fill_at).await? {
            tx.forget_quick_match(player).await?;
        }
        tx.commit().await?;
        // The caller is queued whatever happens next: a formation that
        // fails here (a queued player joining a party at this instant) is
        // tried again by the sweeper.
        if let Err(err) = self.form_quick_matches().await {
            tracing::warn!(error = %err, "quick-match formation failed; the sweeper retries");
        }
        self.quick_match_status(player).await
    }

    /// `DELETE /party/quick-match`: leaves the queue.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn leave_quick_match(&self, player: PlayerId) -> Result<QuickMatchStatus> {
        let mut tx = self.store.begin().await?;
        if !tx.dequeue_quick_match(player).await? {
            return Err(Error::api(
                ErrorCode::NotQueued,
                "You are not in the quick-match queue (GET /party/quick-match says whether you were matched).",
            ));
        }
        tx.commit().await?;
        Ok(QuickMatchStatus::Idle)
    }

    /// `GET /party/quick-match`: queued (and where), matched (into which
    /// lobby) or idle.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn quick_match_status(&self, player: PlayerId) -> Result<QuickMatchStatus> {
        let mut tx = self.store.read().await?;
        if let Some(place) = tx.quick_match_place(player).await? {
            return Ok(QuickMatchStatus::Queued(QueuedStatus {
                queued_at: Millis(place.entry.queued_at).to_datetime(),
                position: place.position,
                queue_length: place.length,
                party_size: self.quick_match_players,
                bot_fill_at: place.entry.bot_fill_at.map(|at| Millis(at).to_datetime()),
            }));
        }
        Ok(match tx.quick_match_lobby(player).await? {
            Some(m) => QuickMatchStatus::Matched(QuickMatchFormed {
                session_id: m.session_id.into(),
                party_code: m.party_code,
                matched_at: Millis(m.matched_at).to_datetime(),
            }),
            None => QuickMatchStatus::Idle,
        })
    }

    /// Whether the queue holds work for [`Self::form_quick_matches`]: a
    /// full party's worth of players, or a bot fill that is due.
    pub(crate) async fn quick_match_due(&self) -> Result<bool> {
        let mut tx = self.store.read().await?;
        let (queued, earliest_fill) = tx.quick_match_backlog().await?;
        Ok(
            queued >= self.quick_match_players
                || earliest_fill.is_some_and(|at| at <= self.now().0),
        )
    }

    /// Forms every party the queue allows now (see the module docs), in
    /// one transaction, and tells the matched players' sockets on this
    /// instance. The number of parties formed.
    #[tracing::instrument(skip_all)]
    pub async fn form_quick_matches(&self) -> Result<u64> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        tx.lock_quick_match_formation().await?;
        let queue = tx.quick_match_queue_for_update().await?;
        if queue.is_empty() {
            return Ok(0);
        }
        // Players who got into a party some other way since they queued
        // (queueing and joining at the same instant) leave the queue.
        let busy = tx.queued_in_a_party().await?;
        for player in &busy {
            tx.dequeue_quick_match(PlayerId::from_uuid(*player)).await?;
        }
        let waiting: Vec<Waiting> = queue
            .iter()
            .filter(|row| !busy.contains(&row.player_id))
            .map(|row| Waiting {
                player: PlayerId::from_uuid(row.player_id),
                bot_fill_at: row.bot_fill_at.map(Millis),
            })
            .collect();
        let size = usize::try_from(self.quick_match_players).unwrap_or(0);
        let groups = matchmaking::form(&waiting, size, now);
        for group in &groups {
            self.open_quick_match_lobby(&mut tx, group, now).await?;
        }
        for player in groups.iter().flat_map(|g| &g.players) {
            tx.tell_player(player.as_uuid());
        }
        tx.commit().await?;
        if !groups.is_empty() {
            tracing::info!(parties = groups.len(), "quick matches formed");
        }
        Ok(groups.len() as u64)
    }

    /// One formed party: a normal lobby hosted by its earliest queued
    /// player, with the others joined (not ready) and the bots seated.
    async fn open_quick_match_lobby(
        &self,
        tx: &mut Tx,
        group: &Group,
        now: Millis,
    ) -> Result<Uuid> {
        let (Some(&host), size) = (group.players.first(), group.players.len() + group.bots) else {
            return Err(Error::internal("a quick-match party without a player"));
        };
        let config = party_config(
            &self.rules,
            &CreatePartyRequest {
                max_players: Some(size as i64),
                min_players: Some(self.rules.party_min_players.min(size as i64)),
                ..CreatePartyRequest::default()
            },
        )?;
        let session = self.insert_lobby(tx, host, config, now).await?;
        tx.mark_quick_match_party(session, now).await?;
        tx.record_quick_match(host, session, now).await?;
        for (seated, &player) in group.players.iter().enumerate().skip(1) {
            self.add_member(tx, session, player, false, false, false, now)
                .await?;
            let me = member(tx, session, player).await?;
            emit(
                tx,
                session,
                ServerEvent::PlayerJoined {
                    player_id: player,
                    username: me.username,
                    is_bot: false,
                    participant_count: seated as i64 + 1,
                },
                now,
            )
            .await?;
            tx.record_quick_match(player, session, now).await?;
        }
        self.seat_bots(
            tx,
            session,
            group.players.len() as i64,
            group.bots as i64,
            now,
        )
        .await?;
        Ok(session)
    }

    /// `GET /party/public`: listed lobbies with a free seat, newest first.
    #[tracing::instrument(skip_all)]
    pub async fn public_parties(
        &self,
        query: &PublicPartiesQuery,
    ) -> Result<PublicPartiesResponse> {
        let limit = query.limit.unwrap_or(PUBLIC_PAGE_DEFAULT);
        if !(1..=PUBLIC_PAGE_MAX).contains(&limit) {
            return Err(Error::invalid_request(format!(
                "limit must be between 1 and {PUBLIC_PAGE_MAX}."
            )));
        }
        let offset = query.offset.unwrap_or(0);
        if !(0..=MAX_OFFSET).contains(&offset) {
            return Err(Error::invalid_request(format!(
                "offset must be between 0 and {MAX_OFFSET}."
            )));
        }
        let mut tx = self.store.read().await?;
        // One more than the page: whether a next page exists.
        let mut rows = tx.public_lobbies(limit + 1, offset).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        Ok(PublicPartiesResponse {
            parties: rows.into_iter().map(public_party).collect(),
            next_offset: more.then_some(offset + limit),
        })
    }
}

/// The deepest page offset accepted: the list is for browsing, and a
/// deeper offset would only make the database skip more rows.
const MAX_OFFSET: i64 = 10_000;

fn public_party(row: ListingRow) -> PublicParty {
    PublicParty {
        session_id: row.session_id.into(),
        party_code: row.party_code,
        host_username: row.host_username,
        participant_count: i64::from(row.participant_count),
        max_players: i64::from(row.max_players),
        access: row.access,
        created_at: Millis(row.created_at).to_datetime(),
    }
}
