//! The party bonuses' money and facts (README "Settlement and results"):
//! at settlement the streak and combo bonuses are paid from the house in
//! one batch of the settling transaction; the results read back what the
//! votes and phrasesets say (longest runs, best copies). The rules are in
//! `party::bonuses`.

use std::collections::{HashMap, HashSet};

use party_protocol::PlayerId;
use uuid::Uuid;

use crate::clock::Millis;
use crate::error::Result;
use crate::party::bonuses::{self, CastVote};
use crate::store::{Account, PhrasesetRow, Transfer, Tx};

/// The party's votes, each voter's in the order they cast them.
pub(super) async fn votes_in_order(tx: &mut Tx, session: Uuid) -> Result<Vec<CastVote>> {
    Ok(tx
        .party_votes_in_order(session)
        .await?
        .into_iter()
        .map(|(player, vote, correct)| CastVote {
            player,
            vote,
            correct,
        })
        .collect())
}

/// A set's two copies: (role, author, voters fooled).
fn copies(set: &PhrasesetRow) -> [(&'static str, Uuid, i64); 2] {
    [
        ("copy1", set.copy_player_1, i64::from(set.copy_votes_1)),
        ("copy2", set.copy_player_2, i64::from(set.copy_votes_2)),
    ]
}

/// Pays the party's streak and combo bonuses from the house, to its
/// participants only (never the stand-in), in the transaction that settles
/// the party: behind the phase's compare-and-set, so once; each payment
/// also carries an idempotency key (`streak:{vote}`, `combo:{set}:{copy}`)
/// that the database refuses to see twice.
pub(super) async fn pay_bonuses(tx: &mut Tx, session: Uuid, now: Millis) -> Result<()> {
    let members: HashSet<Uuid> = tx
        .participants(session)
        .await?
        .iter()
        .map(|p| p.player_id)
        .collect();
    let votes = votes_in_order(tx, session).await?;
    let sets = tx.party_phrasesets(session).await?;
    let streaks = bonuses::streak_payments(&votes)
        .into_iter()
        .map(|(v, amount)| {
            (
                v.player,
                amount,
                "streak_bonus",
                v.vote,
                format!("streak:{}", v.vote),
            )
        });
    let combos = sets.iter().flat_map(|set| {
        copies(set).into_iter().map(|(role, author, fooled)| {
            let id = set.phraseset_id;
            (
                author,
                bonuses::combo_bonus(fooled),
                "combo_bonus",
                id,
                format!("combo:{id}:{role}"),
            )
        })
    });
    let transfers: Vec<Transfer<'_>> = streaks
        .chain(combos)
        .filter(|(player, amount, ..)| *amount > 0 && members.contains(player))
        .map(|(player, amount, kind, reference, key)| Transfer {
            from: Account::House,
            to: Account::Wallet(PlayerId::from_uuid(player)),
            amount,
            kind,
            reference: Some(reference),
            idempotency_key: Some(key),
        })
        .collect();
    tx.transfer_all(&transfers, now).await
}

/// What the results show of the bonuses besides their coins (which the
/// ledger gives): each voter's longest run of correct votes, and per
/// author the most voters one copy fooled and how many copies made a combo.
#[derive(Debug, Default)]
pub(super) struct BonusFacts {
    pub longest_streak: HashMap<Uuid, i64>,
    pub best_copy: HashMap<Uuid, i64>,
    pub combos: HashMap<Uuid, i64>,
}

pub(super) fn bonus_facts(votes: &[CastVote], sets: &[PhrasesetRow]) -> BonusFacts {
    let mut facts = BonusFacts {
        longest_streak: bonuses::longest_streaks(votes),
        ..BonusFacts::default()
    };
    for (_, author, fooled) in sets.iter().flat_map(copies) {
        let best = facts.best_copy.entry(author).or_default();
        *best = (*best).max(fooled);
        if bonuses::combo_bonus(fooled) > 0 {
            *facts.combos.entry(author).or_default() += 1;
        }
    }
    facts
}
