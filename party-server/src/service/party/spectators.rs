//! Spectators (plan §11.2, README "Spectators"): watching a party without
//! playing in it, asking for a seat in its next game, and chatting with the
//! other spectators.
//!
//! What a spectator sees is the players' own view with the private parts
//! taken out ([`view::public_status`], the same builder as a player's
//! status, without anyone's own round), so there is one place that decides
//! what a party shows. Spectators live in `party_spectators`, never among
//! the participants: they count toward no player limit or quota.

use party_protocol::party::{PartyCode, PartyResultsResponse, PartyStatusResponse, SessionStatus};
use party_protocol::party_access::PartyPassword;
use party_protocol::party_ws::ServerEvent;
use party_protocol::spectate::{
    ChatResponse, ChatText, NextGameResponse, SpectatorNotice, SpectatorStatusResponse,
};
use party_protocol::{ErrorCode, PlayerId};
use uuid::Uuid;

use super::access::{locked, locked_by_code, not_found};
use super::events::emit;
use super::privacy::PasswordCheck;
use super::view;
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::service::Game;
use crate::store::{SessionRow, Tx};

pub(super) fn not_spectator() -> Error {
    Error::api(
        ErrorCode::NotASpectator,
        "You are not a spectator of this party.",
    )
}

/// Whether `player` may watch party `s` (locked by the caller): the one
/// place that decides it. An open lobby or a running party, by anyone but
/// its own players, past its access mode as a join would be (a password,
/// an invite — not used up by watching — or, invite-only, the host's
/// friendship): `Ok(Err(check))` when a password must be verified first.
async fn check_spectator_access(
    game: &Game,
    tx: &mut Tx,
    s: &SessionRow,
    player: PlayerId,
    password: Option<&PartyPassword>,
    verified: Option<&str>,
) -> Result<std::result::Result<(), PasswordCheck>> {
    if !matches!(s.state(), SessionStatus::Open | SessionStatus::InProgress) {
        return Err(Error::api(
            ErrorCode::WrongPhase,
            "This party is over; there is nothing left to watch.",
        ));
    }
    if tx.participant(s.session_id, player).await?.is_some() {
        return Err(Error::api(
            ErrorCode::AlreadyAPlayer,
            "You play in this party, so you cannot also watch it as a spectator.",
        ));
    }
    Ok(game
        .admit_entry(tx, s, player, password, verified)
        .await?
        .map(|_admission| ()))
}

/// The spectator's view of the status: the public status, with the list of
/// spectators.
async fn spectator_view(
    tx: &mut Tx,
    session: Uuid,
    join_next_game: bool,
) -> Result<SpectatorStatusResponse> {
    let s = tx.session(session).await?.ok_or_else(not_found)?;
    let mut status = view::public_status(tx, &s).await?;
    status.spectators = Some(view::spectator_list(tx, session).await?);
    Ok(SpectatorStatusResponse {
        status,
        join_next_game,
    })
}

/// Whether `player` spectates `session`: `Ok(asked for the next game)`.
async fn spectating(tx: &mut Tx, session: Uuid, player: PlayerId) -> Result<bool> {
    tx.spectator(session, player)
        .await?
        .ok_or_else(not_spectator)
}

impl Game {
    /// `POST /party/spectate`: watch the party with this code, in its
    /// lobby or while it runs, with its password if it has one (verified
    /// between two passes, as a join's). At most `cap` spectators per
    /// party. Spectating again is harmless (the same answer).
    #[tracing::instrument(skip_all, fields(player = %player))]
    pub async fn spectate(
        &self,
        player: PlayerId,
        code: &PartyCode,
        password: Option<&PartyPassword>,
        cap: u32,
    ) -> Result<SpectatorStatusResponse> {
        self.with_password(player, password, |verified| {
            self.spectate_checked(player, code, password, verified, cap)
        })
        .await
    }

    async fn spectate_checked(
        &self,
        player: PlayerId,
        code: &PartyCode,
        password: Option<&PartyPassword>,
        verified: Option<String>,
        cap: u32,
    ) -> Result<std::result::Result<SpectatorStatusResponse, PasswordCheck>> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        // Locked so that the cap holds when many ask at once, on any instance.
        let s = locked_by_code(&mut tx, code).await?;
        if let Err(check) =
            check_spectator_access(self, &mut tx, &s, player, password, verified.as_deref()).await?
        {
            return Ok(Err(check));
        }
        let asked = if let Some(asked) = tx.spectator(s.session_id, player).await? {
            asked
        } else {
            if tx.spectator_count(s.session_id).await? >= i64::from(cap) {
                return Err(Error::api(
                    ErrorCode::SpectatorsFull,
                    "This party has as many spectators as it takes.",
                ));
            }
            tx.insert_spectator(s.session_id, player, now).await?;
            false
        };
        tx.commit().await?;
        let mut tx = self.store.read().await?;
        spectator_view(&mut tx, s.session_id, asked).await.map(Ok)
    }

    /// `DELETE /party/{id}/spectate`: stop watching.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn stop_spectating(&self, player: PlayerId, session: Uuid) -> Result<()> {
        let mut tx = self.store.begin().await?;
        if !tx.delete_spectator(session, player).await? {
            return Err(not_spectator());
        }
        tx.commit().await
    }

    /// `GET /party/{id}/spectate/status`: spectators only.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn spectator_status(
        &self,
        player: PlayerId,
        session: Uuid,
    ) -> Result<SpectatorStatusResponse> {
        let mut tx = self.store.read().await?;
        tx.session(session).await?.ok_or_else(not_found)?;
        let asked = spectating(&mut tx, session, player).await?;
        spectator_view(&mut tx, session, asked).await
    }

    /// `GET /party/{id}/spectate/results`: the results players see, once
    /// they are public (RESULTS, or a party abandoned after its start).
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn spectator_results(
        &self,
        player: PlayerId,
        session: Uuid,
    ) -> Result<PartyResultsResponse> {
        let mut tx = self.store.read().await?;
        let s = tx.session(session).await?.ok_or_else(not_found)?;
        spectating(&mut tx, session, player).await?;
        view::public_results(&mut tx, &s).await
    }

    /// `POST /party/{id}/spectate/next-game`: ask (or stop asking) for a
    /// seat when the host plays again.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn join_next_game(
        &self,
        player: PlayerId,
        session: Uuid,
        join: bool,
    ) -> Result<NextGameResponse> {
        let mut tx = self.store.begin().await?;
        locked(&mut tx, session).await?;
        if !tx.set_next_game(session, player, join).await? {
            return Err(not_spectator());
        }
        tx.commit().await?;
        Ok(NextGameResponse {
            join_next_game: join,
        })
    }

    /// `POST /party/{id}/spectate/chat`: one message to the party's
    /// spectators (never to its players). The HTTP layer has applied the
    /// per-spectator rate limit. Nothing is stored: the message is handed
    /// to the store's fan-out, which reaches every instance.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn spectator_chat(
        &self,
        player: PlayerId,
        session: Uuid,
        text: ChatText,
    ) -> Result<ChatResponse> {
        let now = self.now();
        let (seq, username) = {
            let mut tx = self.store.read().await?;
            let s = tx.session(session).await?.ok_or_else(not_found)?;
            spectating(&mut tx, session, player).await?;
            let username = tx
                .usernames(&[player.as_uuid()])
                .await?
                .pop()
                .unwrap_or_default();
            (s.event_seq, username)
        };
        let notice = SpectatorNotice::SpectatorChat {
            session_id: session.into(),
            seq,
            player_id: player,
            username,
            text: text.clone(),
            timestamp: now.to_datetime(),
        };
        let frame = serde_json::to_string(&notice)
            .map_err(|e| Error::internal(format!("chat message: {e}")))?;
        self.store.publish_chat(session, &frame).await?;
        Ok(ChatResponse {
            text,
            sent_at: now.to_datetime(),
        })
    }

    /// The spectator a socket's ws-token belongs to, if they watch
    /// `session`: the token is spent whatever the answer (as for players).
    #[tracing::instrument(skip_all, fields(party = %session))]
    pub async fn admit_spectator(
        &self,
        session: Uuid,
        token: &str,
    ) -> Result<crate::service::SocketAdmission> {
        use crate::service::SocketAdmission;
        let mut tx = self.store.begin().await?;
        let Some(player) = tx
            .consume_ws_token(&crate::auth::tokens::hash(token), self.now())
            .await?
        else {
            return Ok(SocketAdmission::InvalidToken);
        };
        let watching = tx.spectator(session, player).await?.is_some();
        tx.commit().await?;
        Ok(if watching {
            SocketAdmission::Member(player)
        } else {
            SocketAdmission::NotParticipant
        })
    }

    /// The `session_update` a spectator socket opens with (and resyncs
    /// with): the spectator's status, without the caller's own part.
    pub async fn spectator_snapshot(&self, session: Uuid) -> Result<PartyStatusResponse> {
        let mut tx = self.store.read().await?;
        Ok(spectator_view(&mut tx, session, false).await?.status)
    }

    /// At play-again: seats the spectators of `finished` who asked for the
    /// next game in the new lobby `next`, in asking order, while it has
    /// room (`max_players`) and they are in no other party; then makes
    /// every other spectator a spectator of `next`. Runs in the caller's
    /// transaction, after the players were brought along.
    pub(super) async fn seat_spectators(
        &self,
        tx: &mut Tx,
        finished: Uuid,
        next: Uuid,
        now: Millis,
    ) -> Result<()> {
        let lobby = tx.session(next).await?.ok_or_else(not_found)?;
        let mut count = i64::from(lobby.participant_count);
        for waiting in tx.next_game_queue(finished).await? {
            if count >= i64::from(lobby.max_players) {
                break;
            }
            if tx.active_session_of(waiting.player).await?.is_some() {
                continue;
            }
            self.add_member(tx, next, waiting.player, false, false, false, now)
                .await?;
            tx.delete_spectator(finished, waiting.player).await?;
            count += 1;
            emit(
                tx,
                next,
                ServerEvent::PlayerJoined {
                    player_id: waiting.player,
                    username: waiting.username,
                    is_bot: false,
                    participant_count: count,
                },
                now,
            )
            .await?;
        }
        tx.move_spectators(finished, next).await?;
        Ok(())
    }
}
