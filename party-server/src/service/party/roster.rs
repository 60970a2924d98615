//! Who is in a party: joining, leaving (in the lobby, or forfeiting once
//! it started), the host removing someone, bots added, and the host role
//! passed on when the host goes.

use party_protocol::account::SuccessResponse;
use party_protocol::party::{AddBotsResponse, PartyCode, PartySessionResponse, SessionStatus};
use party_protocol::party_access::PartyPassword;
use party_protocol::party_ws::ServerEvent;
use party_protocol::{ErrorCode, PlayerId};
use uuid::Uuid;

use super::access::{
    ensure_lobby_open, locked, locked_as_host, locked_by_code, member, not_participant,
};
use super::events::emit;
use super::players::create_bot_player;
use super::privacy::{Admission, PasswordCheck};
use super::{phases, view};
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::service::Game;
use crate::service::rounds::lookup::own_round;
use crate::service::rounds::settlement::settle_ended_round;
use crate::store::{Constraint, ParticipantRow, SessionRow, Tx, violates};

impl Game {
    /// Adds a participant to an open lobby: capacity is a compare-and-set on
    /// the session's count, and "one party at a time" a unique index.
    pub(super) async fn add_member(
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
        // A player is never also a spectator of their party, nor queued
        // for a quick match. The queue row goes first: on PostgreSQL this
        // waits for a quick-match formation holding it (then finds it
        // gone, and the insert below finds the player in that party).
        if !is_bot {
            tx.dequeue_quick_match(player).await?;
        }
        tx.delete_spectator(session, player).await?;
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

    /// `POST /party/join`: by code, case-insensitively; a participant of a
    /// running party comes back ([`Self::come_back`]). A new member passes
    /// the lobby's access mode ([`Self::admit_entry`]): `Ok(Err(check))`
    /// when a password must be verified first (see [`super::privacy`]).
    pub(super) async fn join_checked(
        &self,
        player: PlayerId,
        code: &PartyCode,
        password: Option<&PartyPassword>,
        verified: Option<String>,
    ) -> Result<std::result::Result<PartySessionResponse, PasswordCheck>> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        let s = locked_by_code(&mut tx, code).await?;
        if let Some(back) = self.come_back(&mut tx, &s, player, now).await? {
            tx.commit().await?;
            return Ok(Ok(back));
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
        let admission = match self
            .admit_entry(&mut tx, &s, player, password, verified.as_deref())
            .await?
        {
            Ok(admission) => admission,
            Err(check) => return Ok(Err(check)),
        };
        self.add_member(&mut tx, s.session_id, player, false, false, false, now)
            .await?;
        if admission == Admission::Invited {
            tx.delete_invite(s.session_id, player).await?;
        }
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
        view::lobby(&mut tx, s.session_id).await.map(Ok)
    }

    /// `POST /party/{id}/leave`: in the lobby, leave; after the start,
    /// forfeit the remaining tasks (an open round is abandoned with the
    /// normal refund).
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
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
    pub(super) async fn remove_from_lobby(
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
    pub(super) async fn pass_host(
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
    #[tracing::instrument(skip_all, fields(player = %host, party = %session, target = %target))]
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
    #[tracing::instrument(skip_all, fields(player = %host, party = %session, count = count))]
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
        let added_ids = self
            .seat_bots(&mut tx, session, i64::from(s.participant_count), count, now)
            .await?;
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

    /// Seats `count` new bots (ready, with the starting wallet) in a lobby
    /// holding `seated` participants, and says so to the lobby: the host's
    /// "add bots" and quick match's bot fill.
    pub(super) async fn seat_bots(
        &self,
        tx: &mut Tx,
        session: Uuid,
        seated: i64,
        count: i64,
        now: Millis,
    ) -> Result<Vec<PlayerId>> {
        let mut added = Vec::new();
        for i in 0..count {
            let (bot, username) = create_bot_player(tx, &self.rules, None, now).await?;
            self.add_member(tx, session, bot, false, true, true, now)
                .await?;
            emit(
                tx,
                session,
                ServerEvent::PlayerJoined {
                    player_id: bot,
                    username,
                    is_bot: true,
                    participant_count: seated + i + 1,
                },
                now,
            )
            .await?;
            added.push(bot);
        }
        Ok(added)
    }
}
