//! The money at the end of rounds and phrasesets, shared by solo and party
//! play: refunds for rounds that ended without a submission (one round,
//! or all of a party's open rounds at once), a phraseset's
//! finalization with its prize split (game-rules §5), a party's settlement
//! of all its phrasesets at once, and the payee locking that keeps
//! concurrent finalizations from deadlocking.

use party_protocol::round::{RoundStatus, RoundType};
use party_protocol::{PhrasesetId, PlayerId, RoundId};
use uuid::Uuid;

use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::Result;
use crate::game::scoring::{VoteTally, split_payout, split_prize};
use crate::service::house::return_pool;
use crate::store::{Account, Backend, PhrasesetRow, RoundRow, SplitPayout, Transfer, Tx};

/// Expires one active round with its refund; false if it was no longer active.
pub(crate) async fn expire_round(
    tx: &mut Tx,
    rules: &GameRules,
    round: RoundId,
    now: Millis,
) -> Result<bool> {
    match tx.end_round(round, RoundStatus::Expired, now).await? {
        Some(ended) => {
            settle_ended_round(tx, rules, &ended, RoundStatus::Expired, now).await?;
            Ok(true)
        }
        None => Ok(false),
    }
}

/// The money side of a round that ended without a submission. Prompt and
/// copy rounds are refunded minus the penalty (a copy's slot goes back to
/// the queue); a vote's fee is forfeited; a cancelled round is refunded in
/// full. Returns (refund, kept by the house).
pub(crate) async fn settle_ended_round(
    tx: &mut Tx,
    rules: &GameRules,
    round: &RoundRow,
    status: RoundStatus,
    now: Millis,
) -> Result<(i64, i64)> {
    let kind = round.kind();
    let refund = refund_for(rules, round, status);
    if kind == RoundType::Copy
        && let Some(prompt) = round.prompt_round_id
    {
        tx.release_copy_slot(RoundId::from_uuid(prompt)).await?;
    }
    if round.party_session_id.is_some() {
        // The party's copy or vote work goes back to the player's list.
        tx.finish_assignment(round.id(), false).await?;
    }
    tx.transfer(&refund_of(round, refund), now).await?;
    Ok((refund, round.cost - refund))
}

/// What a round that ended with `status` and no submission gives back.
fn refund_for(rules: &GameRules, round: &RoundRow, status: RoundStatus) -> i64 {
    match (status, round.kind()) {
        (RoundStatus::Cancelled, _) => round.cost,
        (_, RoundType::Vote) => 0,
        (_, RoundType::Prompt | RoundType::Copy) => (round.cost - rules.abandon_penalty).max(0),
    }
}

/// The refund of `amount` for `round`, from the house to its player.
fn refund_of(round: &RoundRow, amount: i64) -> Transfer<'static> {
    Transfer {
        from: Account::House,
        to: Account::Wallet(round.player()),
        amount,
        kind: "refund",
        reference: Some(round.round_id),
        idempotency_key: Some(format!("refund:{}", round.round_id)),
    }
}

/// Ends every open round of a party with `status` (a phase's end, or an
/// abandoned party) with the money side of [`settle_ended_round`] for each
/// — slots released, work back to pending, refunds — in a fixed number of
/// statements however many rounds were open.
pub(crate) async fn end_party_rounds(
    tx: &mut Tx,
    rules: &GameRules,
    session: Uuid,
    status: RoundStatus,
    now: Millis,
) -> Result<()> {
    let ended = tx.end_party_rounds(session, status, now).await?;
    if ended.is_empty() {
        return Ok(());
    }
    let slots: Vec<RoundId> = ended
        .iter()
        .filter(|r| r.kind() == RoundType::Copy)
        .filter_map(|r| r.prompt_round_id.map(RoundId::from_uuid))
        .collect();
    tx.release_copy_slots(&slots).await?;
    let ids: Vec<RoundId> = ended.iter().map(RoundRow::id).collect();
    tx.reopen_assignments(&ids).await?;
    let refunds: Vec<Transfer<'_>> = ended
        .iter()
        .map(|r| refund_of(r, refund_for(rules, r, status)))
        .collect();
    tx.transfer_all(&refunds, now).await
}

/// Finalizes an open phraseset: splits the pool between the three authors
/// (split rule applied to each), leaves the rounding remainder in the pool,
/// and closes any vote round still open on it with a full refund. Returns
/// false if the set was already final.
pub(crate) async fn finalize_phraseset(
    tx: &mut Tx,
    rules: &GameRules,
    id: PhrasesetId,
    now: Millis,
) -> Result<bool> {
    let Some(set) = tx.finalize(id, now).await? else {
        return Ok(false);
    };
    lock_payees(tx, &set, None).await?;
    if set.is_house_set() {
        return_pool(tx, &set, now).await?;
    } else {
        tx.pay_from_pools(&prize_payouts(rules, &set), now).await?;
    }
    for round in tx.active_vote_rounds_on(id).await? {
        if let Some(ended) = tx.end_round(round, RoundStatus::Cancelled, now).await? {
            settle_ended_round(tx, rules, &ended, RoundStatus::Cancelled, now).await?;
        }
    }
    Ok(true)
}

/// What a finalized set pays its three authors: each one's share of the
/// pool (game-rules §5), with the split rule applied against what they paid.
pub(crate) fn prize_payouts(rules: &GameRules, set: &PhrasesetRow) -> Vec<SplitPayout> {
    let id = set.id();
    let tally = VoteTally {
        original: i64::from(set.original_votes),
        copy1: i64::from(set.copy_votes_1),
        copy2: i64::from(set.copy_votes_2),
    };
    let prize = split_prize(rules, set.prize_pool, tally);
    let shares = [
        ("original", set.original_player_id, set.prompt_cost),
        ("copy1", set.copy_player_1, set.copy_cost_1),
        ("copy2", set.copy_player_2, set.copy_cost_2),
    ];
    shares
        .into_iter()
        .zip(prize.payouts)
        .map(|((role, player, cost), gross)| {
            let split = split_payout(rules, gross, cost);
            SplitPayout {
                pool: id,
                player: PlayerId::from_uuid(player),
                wallet: split.wallet,
                vault: split.vault,
                kind: "prize_payout",
                reference: id.as_uuid(),
                key: format!("prize:{id}:{role}"),
            }
        })
        .collect()
}

/// Locks, in one fixed order (see [`Tx::lock_players`]), the rows of every
/// player a finalization of `set` pays or refunds — its three authors and
/// anyone with a vote round still open on it — plus `voter`, whose vote
/// triggers it. Without this, two sets finalizing at once that share
/// authors (b copied a's prompt and a copied b's) paid them in opposite
/// orders and deadlocked on PostgreSQL. No new vote round can appear on
/// the set meanwhile: the caller holds the set's row lock, which blocks
/// the foreign-key check of an insert referencing it.
pub(crate) async fn lock_payees(
    tx: &mut Tx,
    set: &PhrasesetRow,
    voter: Option<PlayerId>,
) -> Result<()> {
    if tx.backend() != Backend::Postgres {
        return Ok(());
    }
    let mut players = vec![set.original_player_id, set.copy_player_1, set.copy_player_2];
    players.extend(voter.map(|p| p.as_uuid()));
    for round in tx.active_vote_rounds_on(set.id()).await? {
        if let Some(row) = tx.round(round).await? {
            players.push(row.player_id);
        }
    }
    tx.lock_players(&players).await
}

/// Pays every party phraseset's prize pool (RESULTS, or an abandoned
/// party): all of the party's sets finalized in one statement and all
/// their payouts in one batch. Both callers have ended the party's open
/// rounds first, so no vote round is left on a set to refund.
pub(crate) async fn settle_party(
    tx: &mut Tx,
    rules: &GameRules,
    session: Uuid,
    now: Millis,
) -> Result<()> {
    let sets = tx.finalize_party_phrasesets(session, now).await?;
    let payouts: Vec<SplitPayout> = sets
        .iter()
        .flat_map(|set| prize_payouts(rules, set))
        .collect();
    // The batch locks its payees in id order before paying anyone.
    tx.pay_from_pools(&payouts, now).await
}
