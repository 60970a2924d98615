//! Finding a player's round and describing it: shared by the solo
//! endpoints and the party views.

use party_protocol::round::{RoundDetails, RoundType};
use party_protocol::{Coins, ErrorCode, PhrasesetId, PlayerId, RoundId};

use crate::clock::Millis;
use crate::error::{Error, Result};
use crate::store::{RoundRow, Tx};

pub(crate) fn unknown_player() -> Error {
    Error::api(ErrorCode::Unauthorized, "This account no longer exists.")
}

/// The caller's round, or `round_not_found` — also for someone else's
/// round, so ids of other players' rounds reveal nothing.
pub(crate) async fn own_round(
    tx: &mut Tx,
    player: PlayerId,
    round_id: RoundId,
) -> Result<RoundRow> {
    tx.round(round_id)
        .await?
        .filter(|r| r.player() == player)
        .ok_or_else(|| Error::api(ErrorCode::RoundNotFound, "No such round of yours."))
}

pub(crate) fn details(round: &RoundRow) -> RoundDetails {
    let kind = round.kind();
    RoundDetails {
        round_id: round.id(),
        round_type: kind,
        status: round.state(),
        cost: Coins::new(round.cost),
        created_at: Millis(round.created_at).to_datetime(),
        expires_at: Millis(round.expires_at).to_datetime(),
        // A copier never learns the prompt text.
        prompt_text: if kind == RoundType::Copy {
            None
        } else {
            round.prompt_text.clone()
        },
        original_phrase: round.original_phrase.clone(),
        prompt_round_id: round.prompt_round_id.map(RoundId::from_uuid),
        discount_active: round.discount,
        phraseset_id: round.phraseset_id.map(PhrasesetId::from_uuid),
        phrases: round.phrases(),
        submitted_phrase: round.submitted_phrase.clone(),
        // Only a party's status knows whose set a vote is on; it fills this in.
        from_party: None,
    }
}
