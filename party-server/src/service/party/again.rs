//! Play again together: bringing the participants of a finished party into
//! the lobby its host opened next.

use party_protocol::party::SkippedPlayer;
use party_protocol::party_ws::ServerEvent;
use party_protocol::{ErrorCode, PlayerId};
use uuid::Uuid;

use super::events::emit;
use crate::clock::Millis;
use crate::error::Result;
use crate::service::Game;
use crate::store::Tx;

impl Game {
    /// Adds every participant of `finished` who did not leave it (humans
    /// and bots; the host is in `next` already) to the lobby `next`, in
    /// their joining order. Humans come in not ready, bots ready as bots
    /// always are. Joining a lobby costs nothing, so no coins move; it all
    /// happens in the caller's transaction with the lobby's creation.
    ///
    /// A player who is in another party by now is left out: the answer
    /// lists them with the reason, so the host and they are told.
    pub(super) async fn bring_along(
        &self,
        tx: &mut Tx,
        finished: Uuid,
        next: Uuid,
        host: PlayerId,
        now: Millis,
    ) -> Result<Vec<SkippedPlayer>> {
        let mut skipped = Vec::new();
        let mut count = 1;
        for p in tx.participants(finished).await? {
            if p.has_left() || p.player() == host {
                continue;
            }
            // Checked first so that a unique-index violation, which would
            // abort the whole transaction on PostgreSQL, is not the test.
            if let Some(other) = tx.active_session_of(p.player()).await? {
                skipped.push(SkippedPlayer {
                    player_id: p.player(),
                    username: p.username.clone(),
                    reason: ErrorCode::AlreadyInParty,
                    message: format!(
                        "{} is already in party {} and was not brought along.",
                        p.username, other.party_code
                    ),
                });
                continue;
            }
            self.add_member(tx, next, p.player(), false, p.is_bot, p.is_bot, now)
                .await?;
            count += 1;
            emit(
                tx,
                next,
                ServerEvent::PlayerJoined {
                    player_id: p.player(),
                    username: p.username,
                    is_bot: p.is_bot,
                    participant_count: count,
                },
                now,
            )
            .await?;
        }
        Ok(skipped)
    }
}
