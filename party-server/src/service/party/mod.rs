//! Party Mode use cases (plan §3–§6, game-rules §6).
//!
//! The plan's three services map onto these modules:
//! - session (lobby life: create, join, ready, start, leave, kick, bots,
//!   play-again) — this file;
//! - coordination (party rounds and submissions) — [`play`], with phase
//!   changes, deadlines and settlement in [`phases`] and the server-side
//!   bots in [`autoplay`];
//! - scoring (status, rankings, awards) — [`view`].
//!
//! Every method locks the party's session row first (PostgreSQL; SQLite
//! serializes writers anyway), so changes to one party happen one at a time:
//! its event sequence stays gapless and a phase advances exactly once.

mod autoplay;
mod phases;
mod play;
mod presence;
mod view;

use party_protocol::account::SuccessResponse;
use party_protocol::party::{
    ActivePartyResponse, AddBotsResponse, CreatePartyRequest, PartyCode, PartyPhase,
    PartySessionResponse, PlayAgainResponse, ReadyResponse, ReadySummary, SessionStatus,
    StartPartyResponse,
};
use party_protocol::party_ws::{ServerEvent, ServerMessage};
use party_protocol::{ErrorCode, PlayerId};
use uuid::Uuid;

use super::Game;
use super::rounds::{own_round, settle_ended_round};
use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::party::phase::{self, Trigger};
use crate::party::{bots, code};
use crate::store::{
    Account, Constraint, NewSession, ParticipantRow, SessionRow, Transfer, Tx, violates,
};

pub use autoplay::PartySweep;

/// A validated party configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PartyConfig {
    min_players: i64,
    max_players: i64,
    prompts: i64,
    copies: i64,
    votes: i64,
    phase_seconds: Option<i64>,
}

fn invalid_config(message: impl Into<String>) -> Error {
    Error::api(ErrorCode::InvalidPartyConfig, message)
}

/// Checks the requested configuration against the plan's ranges and the
/// game rules: copies must be twice the prompts (each prompt needs exactly
/// two copies), and with the maximum number of players there must be at
/// least one phraseset each player may vote on.
fn party_config(rules: &GameRules, req: &CreatePartyRequest) -> Result<PartyConfig> {
    let (lo, hi) = (rules.party_min_players, rules.party_max_players);
    let min_players = req.min_players.unwrap_or(lo);
    let max_players = req.max_players.unwrap_or(hi);
    if !(lo..=hi).contains(&min_players) || !(lo..=hi).contains(&max_players) {
        return Err(invalid_config(format!(
            "Players must be between {lo} and {hi}."
        )));
    }
    if min_players > max_players {
        return Err(invalid_config("min_players cannot exceed max_players."));
    }
    let prompts = req.prompts_per_player.unwrap_or(1);
    if !(1..=rules.party_max_prompts_per_player).contains(&prompts) {
        return Err(invalid_config(format!(
            "prompts_per_player must be between 1 and {}.",
            rules.party_max_prompts_per_player
        )));
    }
    let copies = req.copies_per_player.unwrap_or(2 * prompts);
    if copies != 2 * prompts {
        return Err(invalid_config(
            "copies_per_player must be twice prompts_per_player: every prompt gets exactly two copies.",
        ));
    }
    let votes = req
        .votes_per_player
        .unwrap_or(rules.party_default_votes_per_player);
    if !(1..=rules.party_max_votes_per_player).contains(&votes) {
        return Err(invalid_config(format!(
            "votes_per_player must be between 1 and {}.",
            rules.party_max_votes_per_player
        )));
    }
    if let Some(secs) = req.phase_seconds
        && !(rules.party_min_phase_seconds..=rules.party_max_phase_seconds).contains(&secs)
    {
        return Err(invalid_config(format!(
            "phase_seconds must be between {} and {}.",
            rules.party_min_phase_seconds, rules.party_max_phase_seconds
        )));
    }
    Ok(PartyConfig {
        min_players,
        max_players,
        prompts,
        copies,
        votes,
        phase_seconds: req.phase_seconds,
    })
}

/// The vote quota a player can actually meet: a voter may vote only on
/// party phrasesets they did not write or copy, N×P − 3P of them.
pub(crate) fn effective_votes(players: i64, prompts: i64, votes: i64) -> i64 {
    votes.min((players * prompts - 3 * prompts).max(0))
}

fn not_found() -> Error {
    Error::api(ErrorCode::SessionNotFound, "No party with that code or id.")
}

fn not_host() -> Error {
    Error::api(ErrorCode::NotHost, "Only the host can do that.")
}

fn not_participant() -> Error {
    Error::api(ErrorCode::NotAParticipant, "You are not in this party.")
}

/// Loads and locks a session.
async fn locked(tx: &mut Tx, session: Uuid) -> Result<SessionRow> {
    tx.session_for_update(session).await?.ok_or_else(not_found)
}

/// The caller's participant row, or `not_a_participant`.
async fn member(tx: &mut Tx, session: Uuid, player: PlayerId) -> Result<ParticipantRow> {
    tx.participant(session, player)
        .await?
        .ok_or_else(not_participant)
}

/// Loads and locks a session for something only its host may do: the
/// caller must be in it and be its host.
async fn locked_as_host(tx: &mut Tx, session: Uuid, host: PlayerId) -> Result<SessionRow> {
    let s = locked(tx, session).await?;
    member(tx, session, host).await?;
    if s.host() != host {
        return Err(not_host());
    }
    Ok(s)
}

/// The host changes who is in a party only while it is an open lobby.
fn ensure_lobby_open(s: &SessionRow, message: &str) -> Result<()> {
    if s.state() != SessionStatus::Open {
        return Err(Error::api(ErrorCode::SessionAlreadyStarted, message));
    }
    Ok(())
}

/// Records an event in the caller's transaction (plan §5.2): the message is
/// stored exactly as it will be sent, with its sequence number.
pub(crate) async fn emit(
    tx: &mut Tx,
    session: Uuid,
    event: ServerEvent,
    now: Millis,
) -> Result<i64> {
    record(tx, session, event, now, false).await
}

/// [`emit`] for an event a player's own action caused: the session also
/// counts as active (the idle timeout starts again), in the same statement.
pub(crate) async fn emit_activity(
    tx: &mut Tx,
    session: Uuid,
    event: ServerEvent,
    now: Millis,
) -> Result<i64> {
    record(tx, session, event, now, true).await
}

async fn record(
    tx: &mut Tx,
    session: Uuid,
    event: ServerEvent,
    now: Millis,
    activity: bool,
) -> Result<i64> {
    let kind = event.kind();
    let timestamp = now.to_datetime();
    tx.append_event(
        session,
        kind,
        move |seq| {
            serde_json::to_string(&ServerMessage {
                event,
                session_id: session,
                seq,
                timestamp,
            })
            .unwrap_or_default()
        },
        now,
        activity,
    )
    .await
}

/// Creates a server-side player (a bot or a stand-in) with the starting wallet.
async fn create_bot_player(
    tx: &mut Tx,
    rules: &GameRules,
    name: Option<String>,
    now: Millis,
) -> Result<(PlayerId, String)> {
    let id = PlayerId::new();
    for attempt in 0..10 {
        let username = match (&name, attempt) {
            (Some(n), 0) => n.clone(),
            _ => bots::name(&mut rand::rng()),
        };
        match tx
            .insert_player(id, &username, None, None, false, true, now)
            .await
        {
            Err(e) if violates(&e, &[Constraint::PlayerUsername]) => {}
            Err(e) => return Err(e),
            Ok(()) => {
                tx.transfer(
                    &Transfer {
                        from: Account::House,
                        to: Account::Wallet(id),
                        amount: rules.starting_wallet,
                        kind: "signup_grant",
                        reference: None,
                        idempotency_key: Some(format!("grant:{id}")),
                    },
                    now,
                )
                .await?;
                return Ok((id, username));
            }
        }
    }
    Err(Error::internal("could not name a bot"))
}

impl Game {
    /// `POST /party/create`.
    pub async fn create_party(
        &self,
        player: PlayerId,
        req: &CreatePartyRequest,
    ) -> Result<PartySessionResponse> {
        let config = party_config(&self.rules, req)?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        self.check_creation_limit(&mut tx, player, now).await?;
        let session = self.open_lobby(&mut tx, player, config, now).await?;
        tx.commit().await?;
        let mut tx = self.store.read().await?;
        view::lobby(&mut tx, session).await
    }

    /// At most `party_creations_per_hour` creations per player per hour.
    async fn check_creation_limit(&self, tx: &mut Tx, player: PlayerId, now: Millis) -> Result<()> {
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

    /// Inserts a lobby with its host, drawing party codes until one is free.
    async fn open_lobby(
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
        tx.record_party_creation(host, now).await?;
        Ok(session_id)
    }

    /// Adds a participant to an open lobby: capacity is a compare-and-set on
    /// the session's count, and "one party at a time" a unique index.
    async fn add_member(
        &self,
        tx: &mut Tx,
        session: Uuid,
        player: PlayerId,
        is_host: bool,
        is_bot: bool,
        ready: bool,
        now: Millis,
    ) -> Result<()> {
        if !tx.change_participant_count(session, 1, now).await? {
            return Err(Error::api(ErrorCode::SessionFull, "This party is full."));
        }
        tx.insert_participant(session, player, is_host, is_bot, ready, now)
            .await
            .map_err(|e| {
                if violates(
                    &e,
                    &[Constraint::OneActiveParty, Constraint::ParticipantOnce],
                ) {
                    Error::api(
                        ErrorCode::AlreadyInParty,
                        "You are already in another party; leave it first.",
                    )
                } else {
                    e
                }
            })?;
        Ok(())
    }

    /// `POST /party/join`: by code, case-insensitively.
    pub async fn join_party(
        &self,
        player: PlayerId,
        raw_code: &str,
    ) -> Result<PartySessionResponse> {
        let code = PartyCode::parse(raw_code).map_err(|_| not_found())?;
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let found = tx
            .session_by_code(code.as_str())
            .await?
            .ok_or_else(not_found)?;
        let s = locked(&mut tx, found.session_id).await?;
        if tx.participant(s.session_id, player).await?.is_some() {
            return Err(Error::api(
                ErrorCode::AlreadyJoined,
                "You are already in this party.",
            ));
        }
        if s.state() != SessionStatus::Open {
            return Err(Error::api(
                ErrorCode::SessionAlreadyStarted,
                "This party has already started.",
            ));
        }
        if let Some(other) = tx.active_session_of(player).await? {
            return Err(Error::api(
                ErrorCode::AlreadyInParty,
                format!(
                    "You are already in party {}; leave it first.",
                    other.party_code
                ),
            ));
        }
        self.add_member(&mut tx, s.session_id, player, false, false, false, now)
            .await?;
        let me = member(&mut tx, s.session_id, player).await?;
        emit(
            &mut tx,
            s.session_id,
            ServerEvent::PlayerJoined {
                player_id: player,
                username: me.username,
                is_bot: false,
                participant_count: i64::from(s.participant_count) + 1,
            },
            now,
        )
        .await?;
        tx.commit().await?;
        let mut tx = self.store.read().await?;
        view::lobby(&mut tx, s.session_id).await
    }

    /// `POST /party/{id}/ready`.
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
        if play::ended(&s) {
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
            participant_id: me.participant_id,
            status: if ready {
                party_protocol::party::ParticipantStatus::Ready
            } else {
                party_protocol::party::ParticipantStatus::Joined
            },
            session: summary,
        })
    }

    /// `POST /party/{id}/start`: the host, with enough ready players.
    pub async fn start_party(&self, player: PlayerId, session: Uuid) -> Result<StartPartyResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let s = locked_as_host(&mut tx, session, player).await?;
        // An abandoned lobby keeps its LOBBY phase; starting it would bring
        // an ended party (whose players may be in other parties) back.
        if play::ended(&s) {
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
        let expires = now.plus_secs(phases::phase_length(&self.rules, &s, t.to, &everyone));
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
        tx.commit().await?;
        let mut tx = self.store.read().await?;
        let status = view::status(&mut tx, &self.rules, session, player).await?;
        Ok(StartPartyResponse {
            session_id: session,
            status: status.status,
            current_phase: status.current_phase,
            phase_started_at: now.to_datetime(),
            phase_expires_at: expires.to_datetime(),
            locked_at: now.to_datetime(),
            participants: status.participants,
        })
    }

    /// `POST /party/{id}/leave`: in the lobby, leave; after the start,
    /// forfeit the remaining tasks (an open round is abandoned with the
    /// normal refund).
    pub async fn leave_party(&self, player: PlayerId, session: Uuid) -> Result<SuccessResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let s = locked(&mut tx, session).await?;
        let me = member(&mut tx, session, player).await?;
        match s.state() {
            SessionStatus::Open => {
                self.remove_from_lobby(&mut tx, &s, &me, false, now).await?;
            }
            SessionStatus::InProgress => {
                if me.has_left() {
                    return Err(not_participant());
                }
                if let Some(round) = tx.active_round(player).await?
                    && round.party_session_id == Some(session)
                {
                    own_round(&mut tx, player, round.id()).await?;
                    if let Some(ended) = tx
                        .end_round(
                            round.id(),
                            party_protocol::round::RoundStatus::Abandoned,
                            now,
                        )
                        .await?
                    {
                        settle_ended_round(
                            &mut tx,
                            &self.rules,
                            &ended,
                            party_protocol::round::RoundStatus::Abandoned,
                            now,
                        )
                        .await?;
                    }
                }
                tx.mark_left(session, player, now).await?;
                tx.forfeit_assignments(session, Some(player)).await?;
                let remaining = tx.participants(session).await?;
                let playing = remaining.iter().filter(|p| !p.has_left()).count() as i64;
                emit(
                    &mut tx,
                    session,
                    ServerEvent::PlayerLeft {
                        player_id: player,
                        username: me.username.clone(),
                        participant_count: playing,
                    },
                    now,
                )
                .await?;
                if s.host() == player {
                    self.pass_host(&mut tx, session, &remaining, now).await?;
                }
                // Those left may now all be done with the phase.
                let fresh = locked(&mut tx, session).await?;
                phases::advance_if_done(&mut tx, &self.rules, &fresh, &remaining, now).await?;
            }
            SessionStatus::Completed | SessionStatus::Abandoned => {
                return Err(Error::api(ErrorCode::WrongPhase, "This party is over."));
            }
        }
        tx.commit().await?;
        Ok(SuccessResponse {
            success: true,
            message: "Left party session".into(),
        })
    }

    /// Removes a participant from a lobby (leaving or kicked); passes the
    /// host role on, or removes the lobby when no human is left.
    async fn remove_from_lobby(
        &self,
        tx: &mut Tx,
        s: &SessionRow,
        who: &ParticipantRow,
        kicked: bool,
        now: Millis,
    ) -> Result<()> {
        let session = s.session_id;
        tx.delete_participant(session, who.player()).await?;
        tx.change_participant_count(session, -1, now).await?;
        let remaining = tx.participants(session).await?;
        if !remaining.iter().any(|p| !p.is_bot) {
            // Nobody human left to play: the lobby goes away.
            tx.delete_open_session(session).await?;
            return Ok(());
        }
        let count = remaining.len() as i64;
        let event = if kicked {
            ServerEvent::PlayerKicked {
                player_id: who.player(),
                username: who.username.clone(),
                participant_count: count,
            }
        } else {
            ServerEvent::PlayerLeft {
                player_id: who.player(),
                username: who.username.clone(),
                participant_count: count,
            }
        };
        emit(tx, session, event, now).await?;
        if s.host() == who.player() {
            self.pass_host(tx, session, &remaining, now).await?;
        }
        Ok(())
    }

    /// Makes the earliest-joined remaining human the host, and says so.
    async fn pass_host(
        &self,
        tx: &mut Tx,
        session: Uuid,
        remaining: &[ParticipantRow],
        now: Millis,
    ) -> Result<()> {
        if let Some(next) = remaining.iter().find(|p| !p.is_bot && !p.has_left()) {
            tx.set_host(session, next.player()).await?;
            emit(
                tx,
                session,
                ServerEvent::HostChanged {
                    player_id: next.player(),
                    username: next.username.clone(),
                },
                now,
            )
            .await?;
        }
        Ok(())
    }

    /// `DELETE /party/{id}/participants/{player_id}`: the host removes someone from the lobby.
    pub async fn kick(
        &self,
        host: PlayerId,
        session: Uuid,
        target: PlayerId,
    ) -> Result<SuccessResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let s = locked_as_host(&mut tx, session, host).await?;
        ensure_lobby_open(&s, "Players can only be removed in the lobby.")?;
        if target == host {
            return Err(Error::invalid_request(
                "player_id: use leave to leave your own party.",
            ));
        }
        let who = tx
            .participant(session, target)
            .await?
            .ok_or_else(not_participant)?;
        self.remove_from_lobby(&mut tx, &s, &who, true, now).await?;
        tx.commit().await?;
        Ok(SuccessResponse {
            success: true,
            message: format!("Removed {} from the party", who.username),
        })
    }

    /// `POST /party/{id}/bots`: the host adds bot players to the lobby.
    pub async fn add_bots(
        &self,
        host: PlayerId,
        session: Uuid,
        count: i64,
    ) -> Result<AddBotsResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let s = locked_as_host(&mut tx, session, host).await?;
        ensure_lobby_open(&s, "Bots can only join in the lobby.")?;
        let room = i64::from(s.max_players - s.participant_count);
        if count < 1 {
            return Err(Error::invalid_request("count: add at least one bot."));
        }
        if count > room {
            return Err(Error::api(
                ErrorCode::SessionFull,
                format!("Only {room} more player(s) fit in this party."),
            ));
        }
        let mut added_ids = Vec::new();
        for i in 0..count {
            let (bot, username) = create_bot_player(&mut tx, &self.rules, None, now).await?;
            self.add_member(&mut tx, session, bot, false, true, true, now)
                .await?;
            emit(
                &mut tx,
                session,
                ServerEvent::PlayerJoined {
                    player_id: bot,
                    username,
                    is_bot: true,
                    participant_count: i64::from(s.participant_count) + i + 1,
                },
                now,
            )
            .await?;
            added_ids.push(bot);
        }
        tx.commit().await?;
        let mut tx = self.store.read().await?;
        let lobby = view::lobby(&mut tx, session).await?;
        Ok(AddBotsResponse {
            added: lobby
                .participants
                .iter()
                .filter(|p| added_ids.contains(&p.player_id))
                .cloned()
                .collect(),
            participant_count: lobby.participant_count,
        })
    }

    /// `POST /party/{id}/play-again`: from RESULTS the host opens a new lobby
    /// for the same players; everyone is told (`play_again`) and can join it.
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
                new_session_id: next,
                party_code: existing.party_code,
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
        emit(
            &mut tx,
            session,
            ServerEvent::PlayAgain {
                new_session_id: next,
                party_code: code.clone(),
            },
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(PlayAgainResponse {
            new_session_id: next,
            party_code: code,
        })
    }

    /// `GET /party/active`.
    pub async fn active_party(&self, player: PlayerId) -> Result<ActivePartyResponse> {
        let mut tx = self.store.read().await?;
        Ok(match tx.active_session_of(player).await? {
            Some(s) => ActivePartyResponse {
                session_id: Some(s.session_id),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_config_is_the_plans() {
        let c = party_config(&GameRules::default(), &CreatePartyRequest::default()).unwrap();
        assert_eq!(
            (c.min_players, c.max_players, c.prompts, c.copies, c.votes),
            (3, 8, 1, 2, 3)
        );
    }

    #[test]
    fn config_rules_are_enforced() {
        let rules = GameRules::default();
        let bad = [
            CreatePartyRequest {
                min_players: Some(2),
                ..Default::default()
            },
            CreatePartyRequest {
                max_players: Some(9),
                ..Default::default()
            },
            CreatePartyRequest {
                min_players: Some(6),
                max_players: Some(5),
                ..Default::default()
            },
            CreatePartyRequest {
                prompts_per_player: Some(2),
                copies_per_player: Some(3),
                ..Default::default()
            },
            CreatePartyRequest {
                prompts_per_player: Some(4),
                ..Default::default()
            },
            CreatePartyRequest {
                votes_per_player: Some(0),
                ..Default::default()
            },
            CreatePartyRequest {
                phase_seconds: Some(5),
                ..Default::default()
            },
        ];
        for req in bad {
            let err = party_config(&rules, &req).unwrap_err();
            assert_eq!(err.code(), ErrorCode::InvalidPartyConfig, "{req:?}");
        }
        let ok = party_config(
            &rules,
            &CreatePartyRequest {
                prompts_per_player: Some(2),
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(ok.copies, 4, "copies default to twice the prompts");
    }

    #[test]
    fn effective_votes_respect_the_bound() {
        assert_eq!(effective_votes(3, 1, 3), 0);
        assert_eq!(effective_votes(4, 1, 3), 1);
        assert_eq!(effective_votes(6, 1, 3), 3);
        assert_eq!(effective_votes(8, 1, 3), 3);
        assert_eq!(effective_votes(4, 2, 3), 2);
    }
}
