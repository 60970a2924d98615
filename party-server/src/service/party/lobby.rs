//! The lobby's life (the plan's session service): creating a party, getting
//! ready, starting it, playing again, and which party a player is in.
//! Who joins and leaves is [`super::roster`].

use party_protocol::party::{
    ActivePartyResponse, CreatePartyRequest, PartyPhase, PartySessionResponse, PlayAgainResponse,
    ReadyResponse, ReadySummary, StartPartyResponse,
};
use party_protocol::party_access::PartyListing;
use party_protocol::party_ws::ServerEvent;
use party_protocol::{ErrorCode, PlayerId};
use uuid::Uuid;

use super::access::{ended, locked, locked_as_host, member, not_found};
use super::config::{PartyConfig, party_config};
use super::events::{emit, emit_activity};
use super::{phases, view};
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::party::code;
use crate::party::phase::{self, Trigger};
use crate::service::Game;
use crate::store::{NewSession, ParticipantRow, SessionRow, Tx};

impl Game {
    /// `POST /party/create`.
    #[tracing::instrument(skip_all, fields(player = %player, party = tracing::field::Empty))]
    pub async fn create_party(
        &self,
        player: PlayerId,
        req: &CreatePartyRequest,
    ) -> Result<PartySessionResponse> {
        let config = party_config(&self.rules, req)?;
        // Hashed before the transaction: SQLite's writer must not wait on argon2.
        let access = self.access_row(req.access, req.password.as_ref()).await?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        self.check_creation_limit(&mut tx, player, now).await?;
        let session = self.open_lobby(&mut tx, player, config, now).await?;
        tx.set_party_access(session, &access).await?;
        if req.public == Some(true) {
            tx.list_party(session, now).await?;
        }
        tracing::Span::current().record("party", tracing::field::display(session));
        tx.commit().await?;
        let mut tx = self.store.read().await?;
        view::lobby(&mut tx, session).await
    }

    /// At most `party_creations_per_hour` creations per player per hour.
    pub(super) async fn check_creation_limit(
        &self,
        tx: &mut Tx,
        player: PlayerId,
        now: Millis,
    ) -> Result<()> {
        let recent = tx
            .party_creations_since(player, now.minus_secs(3600))
            .await?;
        if recent.len() as i64 >= self.rules.party_creations_per_hour {
            let oldest = recent.first().copied().unwrap_or(now.0);
            let wait_ms = (oldest + 3_600_000 - now.0).max(1000);
            let mut err = Error::rate_limited((wait_ms as u64).div_ceil(1000));
            if let Error::Api { message, .. } = &mut err {
                *message = format!(
                    "You can start {} parties an hour. Try again in {} min.",
                    self.rules.party_creations_per_hour,
                    (wait_ms / 60_000).max(1)
                );
            }
            return Err(err);
        }
        Ok(())
    }

    /// Inserts a lobby with its host and counts it as the host's creation.
    pub(super) async fn open_lobby(
        &self,
        tx: &mut Tx,
        host: PlayerId,
        config: PartyConfig,
        now: Millis,
    ) -> Result<Uuid> {
        let session_id = self.insert_lobby(tx, host, config, now).await?;
        tx.record_party_creation(host, now).await?;
        Ok(session_id)
    }

    /// Inserts a lobby with its host, drawing party codes until one is
    /// free. Not counted against the host's creation limit: quick match
    /// opens lobbies the host did not ask to create.
    pub(super) async fn insert_lobby(
        &self,
        tx: &mut Tx,
        host: PlayerId,
        config: PartyConfig,
        now: Millis,
    ) -> Result<Uuid> {
        if let Some(active) = tx.active_session_of(host).await? {
            return Err(Error::api(
                ErrorCode::AlreadyInParty,
                format!(
                    "You are already in party {}; leave it first.",
                    active.party_code
                ),
            ));
        }
        let session_id = Uuid::new_v4();
        let mut inserted = false;
        for _ in 0..5 {
            let code = code::generate(&mut rand::rng());
            let lobby = NewSession {
                session_id,
                party_code: code.as_str().to_owned(),
                host,
                min_players: config.min_players,
                max_players: config.max_players,
                prompts_per_player: config.prompts,
                copies_per_player: config.copies,
                votes_per_player: config.votes,
                phase_seconds: config.phase_seconds,
            };
            if tx.insert_session(&lobby, now).await? {
                inserted = true;
                break;
            }
        }
        if !inserted {
            return Err(Error::api(
                ErrorCode::ServiceUnavailable,
                "Could not find a free party code; try again.",
            ));
        }
        self.add_member(tx, session_id, host, true, false, false, now)
            .await?;
        Ok(session_id)
    }

    /// `POST /party/{id}/ready`.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session, ready = ready))]
    pub async fn set_party_ready(
        &self,
        player: PlayerId,
        session: Uuid,
        ready: bool,
    ) -> Result<ReadyResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let s = locked(&mut tx, session).await?;
        let me = member(&mut tx, session, player).await?;
        // An abandoned lobby is still in the LOBBY phase: it must not take
        // readiness (and then a start) that would bring it back.
        if ended(&s) {
            return Err(Error::api(ErrorCode::WrongPhase, "This party is over."));
        }
        if s.phase() != PartyPhase::Lobby {
            return Err(Error::api(
                ErrorCode::WrongPhase,
                "Readiness only matters in the lobby.",
            ));
        }
        tx.set_ready(session, player, ready, now).await?;
        let everyone = tx.participants(session).await?;
        let summary = ready_summary(&s, &everyone);
        emit_activity(
            &mut tx,
            session,
            ServerEvent::PlayerReady {
                player_id: player,
                username: me.username.clone(),
                ready,
                ready_count: summary.ready_count,
                total_count: summary.total_count,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(ReadyResponse {
            participant_id: me.participant_id.into(),
            status: if ready {
                party_protocol::party::ParticipantStatus::Ready
            } else {
                party_protocol::party::ParticipantStatus::Joined
            },
            session: summary,
        })
    }

    /// `POST /party/{id}/start`: the host, with enough ready players.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn start_party(&self, player: PlayerId, session: Uuid) -> Result<StartPartyResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let s = locked_as_host(&mut tx, session, player).await?;
        let (started, statements) = (std::time::Instant::now(), tx.statements());
        // An abandoned lobby keeps its LOBBY phase; starting it would bring
        // an ended party (whose players may be in other parties) back.
        if ended(&s) {
            return Err(Error::api(
                ErrorCode::SessionAlreadyStarted,
                "This party is over.",
            ));
        }
        let everyone = tx.participants(session).await?;
        let summary = ready_summary(&s, &everyone);
        let t = phase::transition(
            s.phase(),
            Trigger::Start {
                participants: summary.ready_count,
                min_players: i64::from(s.min_players),
            },
        )
        .map_err(|e| Error::api(e.code(), e.message()))?;
        let expires = now.plus_secs(phases::phase_length(&self.rules, &s, t.to));
        if !tx
            .move_phase(session, t.from, t.to, now, Some(expires))
            .await?
        {
            return Err(Error::api(
                ErrorCode::SessionAlreadyStarted,
                "This party has already started.",
            ));
        }
        tx.set_participants_status(session, "ACTIVE", true).await?;
        emit(
            &mut tx,
            session,
            ServerEvent::SessionStarted {
                current_phase: t.to,
                locked_at: now.to_datetime(),
                phase_expires_at: Some(expires.to_datetime()),
                participant_count: everyone.len() as i64,
                message: t
                    .message(Trigger::Start {
                        participants: 0,
                        min_players: 0,
                    })
                    .to_owned(),
            },
            now,
        )
        .await?;
        tx.schedule_bots(
            session,
            Some(now.plus_secs(self.rules.party_bot_delay_seconds)),
        )
        .await?;
        phases::record_phase_change(t.to, started, tx.statements() - statements);
        tx.commit().await?;
        let mut tx = self.store.read().await?;
        let status = view::status(&mut tx, &self.rules, session, player).await?;
        Ok(StartPartyResponse {
            session_id: session.into(),
            status: status.status,
            current_phase: status.current_phase,
            phase_started_at: now.to_datetime(),
            phase_expires_at: expires.to_datetime(),
            locked_at: now.to_datetime(),
            participants: status.participants,
        })
    }

    /// `POST /party/{id}/play-again`: from RESULTS the host opens a new lobby
    /// with everyone still in the party (see [`Self::bring_along`]), and
    /// tells them (`play_again`).
    #[tracing::instrument(skip_all, fields(player = %host, party = %session))]
    pub async fn play_again(&self, host: PlayerId, session: Uuid) -> Result<PlayAgainResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let s = locked_as_host(&mut tx, session, host).await?;
        if s.phase() != PartyPhase::Results {
            return Err(Error::api(
                ErrorCode::WrongPhase,
                "Play again is offered once the results are in.",
            ));
        }
        if let Some(next) = s.next_session_id
            && let Some(existing) = tx.session(next).await?
        {
            return Ok(PlayAgainResponse {
                new_session_id: next.into(),
                party_code: existing.party_code,
                skipped: Vec::new(),
            });
        }
        self.check_creation_limit(&mut tx, host, now).await?;
        let config = PartyConfig {
            min_players: i64::from(s.min_players),
            max_players: i64::from(s.max_players),
            prompts: i64::from(s.prompts_per_player),
            copies: i64::from(s.copies_per_player),
            votes: i64::from(s.votes_per_player),
            phase_seconds: s.phase_seconds,
        };
        let next = self.open_lobby(&mut tx, host, config, now).await?;
        let code = tx.session(next).await?.ok_or_else(not_found)?.party_code;
        tx.set_next_session(session, next).await?;
        // The next lobby is as private as this one was.
        let access = tx.party_access(session).await?;
        tx.set_party_access(next, &access).await?;
        // And listed as it was: a public party's next lobby is public, and
        // a quick-match party's says quick_match (the players the queue
        // matched, playing on; still not listed).
        match tx.party_listing(session).await? {
            PartyListing::Public => tx.list_party(next, now).await?,
            PartyListing::QuickMatch => tx.mark_quick_match_party(next, now).await?,
            PartyListing::Private => {}
        }
        let skipped = self.bring_along(&mut tx, session, next, host, now).await?;
        self.seat_spectators(&mut tx, session, next, now).await?;
        emit(
            &mut tx,
            session,
            ServerEvent::PlayAgain {
                new_session_id: next.into(),
                party_code: code.clone(),
                skipped: skipped.clone(),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(PlayAgainResponse {
            new_session_id: next.into(),
            party_code: code,
            skipped,
        })
    }

    /// `GET /party/active`.
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn active_party(&self, player: PlayerId) -> Result<ActivePartyResponse> {
        let mut tx = self.store.read().await?;
        Ok(match tx.active_session_of(player).await? {
            Some(s) => ActivePartyResponse {
                session_id: Some(s.session_id.into()),
                party_code: Some(s.party_code.clone()),
                current_phase: Some(s.phase()),
                status: Some(s.state()),
            },
            None => ActivePartyResponse {
                session_id: None,
                party_code: None,
                current_phase: None,
                status: None,
            },
        })
    }
}

/// Readiness in a lobby: bots are always ready; the host can start once
/// at least `min_players` participants are ready.
fn ready_summary(s: &SessionRow, everyone: &[ParticipantRow]) -> ReadySummary {
    let ready_count = everyone
        .iter()
        .filter(|p| p.status == party_protocol::party::ParticipantStatus::Ready)
        .count() as i64;
    ReadySummary {
        ready_count,
        total_count: everyone.len() as i64,
        can_start: s.phase() == PartyPhase::Lobby && ready_count >= i64::from(s.min_players),
    }
}
