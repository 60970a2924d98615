//! Vote work for everyone (game-rules §6): party phrasesets first, fewest
//! votes first; what they cannot fill comes from global content — open solo
//! phrasesets the voter never touched, then sets the house prints from its
//! library — so every voter gets the party's full quota and no party waits.
//! A global set can close before its voter gets to it (it finalized under
//! the solo rules, or the voter met it in solo play): the vote then goes to
//! another global set when the round starts.

use party_protocol::{ErrorCode, PhrasesetId, PlayerId};
use uuid::Uuid;

use crate::clock::Millis;
use crate::config::GameRules;
use crate::error::{Error, Result};
use crate::party::assign::{assign_votes, vote_shortfall};
use crate::service::house::print_house_sets;
use crate::store::{AssignmentRow, ParticipantRow, PhrasesetRow, SessionRow, Tx};

/// The VOTE phase's work, `(voter, phraseset)` in each voter's order:
/// their party sets, then global ones.
pub(super) async fn vote_work(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    playing: &[&ParticipantRow],
    now: Millis,
) -> Result<Vec<(Uuid, Uuid)>> {
    let sets = tx.party_phrasesets(s.session_id).await?;
    let slots: Vec<(Uuid, [Uuid; 3])> = sets
        .iter()
        .map(|ps| {
            (
                ps.phraseset_id,
                [ps.original_player_id, ps.copy_player_1, ps.copy_player_2],
            )
        })
        .collect();
    let voters: Vec<Uuid> = playing.iter().map(|p| p.player_id).collect();
    let quota = usize::try_from(s.votes_per_player).unwrap_or(0);
    let mut work = assign_votes(&slots, &voters, quota);
    let mut short = vote_shortfall(&work, &voters, quota);
    for (voter, missing) in &mut short {
        let limit = i64::try_from(*missing).unwrap_or(i64::MAX);
        for set in tx
            .global_sets_for(PlayerId::from_uuid(*voter), limit)
            .await?
        {
            work.push((*voter, set.phraseset_id));
            *missing -= 1;
        }
    }
    short.retain(|(_, missing)| *missing > 0);
    // One printing serves every voter still short, so print as many as the
    // shortest-served voter lacks.
    let most = short.iter().map(|(_, missing)| *missing).max().unwrap_or(0);
    if most > 0 {
        let needy: Vec<PlayerId> = short.iter().map(|(v, _)| PlayerId::from_uuid(*v)).collect();
        let printed = print_house_sets(tx, rules, &needy, most, now).await?;
        for (voter, missing) in short {
            for set in printed.iter().take(missing) {
                work.push((voter, set.phraseset_id));
            }
        }
    }
    Ok(work)
}

/// The set a vote assignment's round is started on: the assigned one if
/// it is the party's own or a global set the voter may still vote on,
/// otherwise another global set (printed by the house if need be), which
/// then becomes the assignment's target.
pub(super) async fn vote_target(
    tx: &mut Tx,
    rules: &GameRules,
    s: &SessionRow,
    voter: PlayerId,
    assignment: &AssignmentRow,
    now: Millis,
) -> Result<PhrasesetRow> {
    let assigned = tx
        .phraseset(PhrasesetId::from_uuid(assignment.target_id))
        .await?
        .ok_or_else(|| Error::internal("assigned phraseset vanished"))?;
    if assigned.party_session_id == Some(s.session_id)
        || tx.may_vote_on(voter, assigned.id()).await?
    {
        return Ok(assigned);
    }
    let replacement = match tx.global_sets_for(voter, 1).await?.pop() {
        Some(set) => set,
        None => print_house_sets(tx, rules, &[voter], 1, now)
            .await?
            .pop()
            .ok_or_else(|| {
                Error::api(
                    ErrorCode::NoPhrasesetsAvailable,
                    "No phraseset is left for you to vote on.",
                )
            })?,
    };
    tx.retarget_assignment(assignment.assignment_id, replacement.phraseset_id)
        .await?;
    Ok(replacement)
}
