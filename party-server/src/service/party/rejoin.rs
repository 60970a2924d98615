//! Coming back to a running party: a participant who left (or whose client
//! quit) returns by the party's code until RESULTS.

use party_protocol::party::{PartyPhase, PartySessionResponse, SessionStatus};
use party_protocol::party_ws::ServerEvent;
use party_protocol::{ErrorCode, PlayerId};

use super::access::ended;
use super::events::emit;
use super::view;
use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::service::Game;
use crate::store::{AssignmentKind, ParticipantRow, SessionRow, Tx};

impl Game {
    /// `POST /party/join` by someone who is (or was) a participant of the
    /// party behind the code: `Ok(None)` when the normal join applies (the
    /// caller was never in it), otherwise the answer for coming back.
    ///
    /// In a lobby a participant is already there (`already_joined`). In a
    /// running party one still playing simply gets the party back, and one
    /// who left rejoins: their membership returns and the current phase's
    /// copy or vote assignments they forfeited by leaving are pending again.
    /// Nothing is charged: joining costs nothing, and every round they
    /// started before leaving was paid and settled then. Once the party is
    /// over there is nothing to come back to (`wrong_phase`).
    pub(super) async fn come_back(
        &self,
        tx: &mut Tx,
        s: &SessionRow,
        player: PlayerId,
        now: Millis,
    ) -> Result<Option<PartySessionResponse>> {
        let Some(me) = tx.participant(s.session_id, player).await? else {
            return Ok(None);
        };
        if ended(s) || s.phase() >= PartyPhase::Results {
            return Err(Error::api(
                ErrorCode::WrongPhase,
                "This party is over: rejoining is possible only until the results.",
            ));
        }
        if s.state() == SessionStatus::Open {
            return Err(Error::api(
                ErrorCode::AlreadyJoined,
                "You are already in this party.",
            ));
        }
        if me.has_left() {
            self.rejoin(tx, s, &me, now).await?;
        }
        Ok(Some(view::lobby(tx, s.session_id).await?))
    }

    /// Gives a participant who left a running party their place back.
    async fn rejoin(
        &self,
        tx: &mut Tx,
        s: &SessionRow,
        me: &ParticipantRow,
        now: Millis,
    ) -> Result<()> {
        let session = s.session_id;
        if let Some(other) = tx.active_session_of(me.player()).await? {
            return Err(Error::api(
                ErrorCode::AlreadyInParty,
                format!(
                    "You are already in party {}; leave it first.",
                    other.party_code
                ),
            ));
        }
        tx.rejoin_participant(session, me.player(), now).await?;
        // Only the current phase's work comes back: what a phase that
        // ended meanwhile asked of them was forfeited for good (its
        // missing copies written by stand-ins), and PROMPT has no
        // assignments, only the per-player quota.
        let kind = match s.phase() {
            PartyPhase::Copy => Some(AssignmentKind::Copy),
            PartyPhase::Vote => Some(AssignmentKind::Vote),
            _ => None,
        };
        if let Some(kind) = kind {
            tx.restore_forfeited_assignments(session, me.player(), kind)
                .await?;
        }
        let playing = tx
            .participants(session)
            .await?
            .iter()
            .filter(|p| !p.has_left())
            .count() as i64;
        emit(
            tx,
            session,
            ServerEvent::PlayerJoined {
                player_id: me.player(),
                username: me.username.clone(),
                is_bot: false,
                participant_count: playing,
            },
            now,
        )
        .await?;
        Ok(())
    }
}
