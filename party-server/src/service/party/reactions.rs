//! Reactions and the favourite phrase (issue 16; README "Reactions and the
//! favourite phrase"): once a party has results, its participants react
//! to its phrases and vote for their favourite one.
//!
//! Every change locks the party, writes its row and records one
//! `reactions_changed` event with the changed phrases' counts, read back
//! from the rows in the same transaction: counts are never kept, so they
//! cannot drift, and the event reaches every member's socket in `seq`
//! order like any other. Which phrase is the favourite is the pure rule in
//! [`crate::party::favourite`].

use std::collections::{BTreeMap, HashMap};

use party_protocol::party_reactions::{
    FavouritePhrase, MyReaction, PartyReactionsResponse, PhraseReactions, PhraseRef, Reaction,
};
use party_protocol::party_ws::ServerEvent;
use party_protocol::round::PhraseRole;
use party_protocol::{ErrorCode, PhrasesetId, PlayerId};
use uuid::Uuid;

use super::access::{locked, member, not_found, results_status};
use super::events::emit;
use crate::error::{Error, Result};
use crate::party::favourite::{Candidate, favourite};
use crate::service::Game;
use crate::store::{PhraseKey, PhrasesetRow, SessionRow, Tx};

/// One phrase of the party, as reactions need it.
#[derive(Debug, Clone)]
struct PartyPhrase {
    key: PhraseKey,
    text: String,
    prompt_text: String,
    author: Uuid,
    game_votes: i64,
}

/// The party's phrases in the results' order: phraseset by phraseset,
/// original, copy 1, copy 2.
fn phrases_of(sets: &[PhrasesetRow]) -> Vec<PartyPhrase> {
    sets.iter()
        .flat_map(|ps| {
            [
                (
                    PhraseRole::Original,
                    &ps.original_phrase,
                    ps.original_player_id,
                    ps.original_votes,
                ),
                (
                    PhraseRole::Copy1,
                    &ps.copy_phrase_1,
                    ps.copy_player_1,
                    ps.copy_votes_1,
                ),
                (
                    PhraseRole::Copy2,
                    &ps.copy_phrase_2,
                    ps.copy_player_2,
                    ps.copy_votes_2,
                ),
            ]
            .map(|(role, text, author, votes)| PartyPhrase {
                key: (ps.phraseset_id, role),
                text: text.clone(),
                prompt_text: ps.prompt_text.clone(),
                author,
                game_votes: i64::from(votes),
            })
        })
        .collect()
}

fn phrase_ref((set, role): PhraseKey) -> PhraseRef {
    PhraseRef {
        phraseset_id: PhrasesetId::from_uuid(set),
        role,
    }
}

/// The party's phrase `wanted` names, or `phrase_not_found`.
fn find(phrases: &[PartyPhrase], wanted: PhraseRef) -> Result<&PartyPhrase> {
    let key = (wanted.phraseset_id.as_uuid(), wanted.role);
    phrases.iter().find(|p| p.key == key).ok_or_else(|| {
        Error::api(
            ErrorCode::PhraseNotFound,
            "This party has no such phrase (phraseset_id and role name one of its results' phrases).",
        )
    })
}

/// The party's favourite phrase given its favourite votes, with its author's name.
async fn crowned(
    tx: &mut Tx,
    phrases: &[PartyPhrase],
    votes: &HashMap<PhraseKey, i64>,
) -> Result<Option<FavouritePhrase>> {
    let candidates: Vec<Candidate<usize>> = phrases
        .iter()
        .enumerate()
        .map(|(i, p)| Candidate {
            key: i,
            favourite_votes: votes.get(&p.key).copied().unwrap_or(0),
            game_votes: p.game_votes,
        })
        .collect();
    let Some(p) = favourite(&candidates).and_then(|i| phrases.get(i)) else {
        return Ok(None);
    };
    let author_username = tx.usernames(&[p.author]).await?.pop().unwrap_or_default();
    let key = phrase_ref(p.key);
    Ok(Some(FavouritePhrase {
        phraseset_id: key.phraseset_id,
        role: key.role,
        phrase: p.text.clone(),
        prompt_text: p.prompt_text.clone(),
        author_id: PlayerId::from_uuid(p.author),
        author_username,
        votes: votes.get(&p.key).copied().unwrap_or(0),
    }))
}

/// The favourite phrase of a party with results (shown with the awards).
pub(super) async fn favourite_phrase(
    tx: &mut Tx,
    session: Uuid,
    sets: &[PhrasesetRow],
) -> Result<Option<FavouritePhrase>> {
    let votes: HashMap<PhraseKey, i64> = tx.favourite_counts(session).await?.into_iter().collect();
    crowned(tx, &phrases_of(sets), &votes).await
}

/// Every phrase's counts, in the results' order, and the favourite phrase.
async fn tally(
    tx: &mut Tx,
    session: Uuid,
    phrases: &[PartyPhrase],
) -> Result<(Vec<PhraseReactions>, Option<FavouritePhrase>)> {
    let mut counts: HashMap<PhraseKey, BTreeMap<Reaction, i64>> = HashMap::new();
    for row in tx.reaction_counts(session).await? {
        counts
            .entry((row.phraseset_id, row.role))
            .or_default()
            .insert(row.reaction, row.count);
    }
    let votes: HashMap<PhraseKey, i64> = tx.favourite_counts(session).await?.into_iter().collect();
    let all = phrases
        .iter()
        .map(|p| {
            let key = phrase_ref(p.key);
            PhraseReactions {
                phraseset_id: key.phraseset_id,
                role: key.role,
                counts: counts.remove(&p.key).unwrap_or_default(),
                favourite_votes: votes.get(&p.key).copied().unwrap_or(0),
            }
        })
        .collect();
    let crowned = crowned(tx, phrases, &votes).await?;
    Ok((all, crowned))
}

/// What the caller is answered: every count, their own reactions and
/// favourite, the favourite phrase.
async fn answer(
    tx: &mut Tx,
    session: Uuid,
    player: PlayerId,
    phrases: &[PartyPhrase],
) -> Result<PartyReactionsResponse> {
    let (all, favourite_phrase) = tally(tx, session, phrases).await?;
    let mine = tx
        .reactions_of(session, player)
        .await?
        .into_iter()
        .map(|(key, reaction)| {
            let key = phrase_ref(key);
            MyReaction {
                phraseset_id: key.phraseset_id,
                role: key.role,
                reaction,
            }
        })
        .collect();
    Ok(PartyReactionsResponse {
        session_id: session.into(),
        phrases: all,
        mine,
        my_favourite: tx.favourite_of(session, player).await?.map(phrase_ref),
        favourite_phrase,
    })
}

/// The party, checked for reactions: it exists, the caller is (or was)
/// one of its participants, and it has results — it reached RESULTS, or
/// was abandoned after its start — which it keeps for good, so reactions
/// stay open as long as the party can be reopened from the history.
async fn open_party(
    tx: &mut Tx,
    session: Uuid,
    player: PlayerId,
    lock: bool,
) -> Result<SessionRow> {
    let s = if lock {
        locked(tx, session).await?
    } else {
        tx.session(session).await?.ok_or_else(not_found)?
    };
    member(tx, session, player).await?;
    results_status(&s).map_err(|_| {
        Error::api(
            ErrorCode::WrongPhase,
            "Reactions and favourites open once the party has its results.",
        )
    })?;
    Ok(s)
}

/// Records the changed phrases' counts and the favourite phrase as one
/// `reactions_changed` event.
async fn announce(
    tx: &mut Tx,
    session: Uuid,
    phrases: &[PartyPhrase],
    changed: &[PhraseKey],
    now: crate::clock::Millis,
) -> Result<()> {
    let (all, favourite_phrase) = tally(tx, session, phrases).await?;
    let changed: Vec<PhraseReactions> = all
        .into_iter()
        .filter(|p| changed.contains(&(p.phraseset_id.as_uuid(), p.role)))
        .collect();
    emit(
        tx,
        session,
        ServerEvent::ReactionsChanged {
            phrases: changed,
            favourite_phrase,
        },
        now,
    )
    .await?;
    Ok(())
}

impl Game {
    /// `GET /party/{id}/reactions`.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn party_reactions(
        &self,
        player: PlayerId,
        session: Uuid,
    ) -> Result<PartyReactionsResponse> {
        let mut tx = self.store.read().await?;
        open_party(&mut tx, session, player, false).await?;
        let phrases = phrases_of(&tx.party_phrasesets(session).await?);
        answer(&mut tx, session, player, &phrases).await
    }

    /// `POST /party/{id}/reactions` (`Some`) and
    /// `DELETE /party/{id}/reactions/{phraseset_id}/{role}` (`None`): the
    /// caller's one reaction to a phrase, given, replaced or removed. Any
    /// phrase of the party, the caller's own included. Giving the same
    /// reaction again, or removing none, changes nothing and records no
    /// event. The HTTP layer has applied the rate limit.
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn react(
        &self,
        player: PlayerId,
        session: Uuid,
        phrase: PhraseRef,
        reaction: Option<Reaction>,
    ) -> Result<PartyReactionsResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        open_party(&mut tx, session, player, true).await?;
        let phrases = phrases_of(&tx.party_phrasesets(session).await?);
        let key = find(&phrases, phrase)?.key;
        if tx.reaction_of(player, key).await? != reaction {
            match reaction {
                Some(r) => tx.put_reaction(session, player, key, r, now).await?,
                None => {
                    tx.delete_reaction(player, key).await?;
                }
            }
            announce(&mut tx, session, &phrases, &[key], now).await?;
        }
        let out = answer(&mut tx, session, player, &phrases).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// `POST /party/{id}/favourite` (`Some`) and
    /// `DELETE /party/{id}/favourite` (`None`): the caller's one favourite
    /// vote of the party, cast, moved or withdrawn. Never for a phrase the
    /// caller wrote (`own_phrase`).
    #[tracing::instrument(skip_all, fields(player = %player, party = %session))]
    pub async fn favourite(
        &self,
        player: PlayerId,
        session: Uuid,
        phrase: Option<PhraseRef>,
    ) -> Result<PartyReactionsResponse> {
        let now = self.now();
        let mut tx = self.store.begin().await?;
        open_party(&mut tx, session, player, true).await?;
        let phrases = phrases_of(&tx.party_phrasesets(session).await?);
        let wanted = match phrase {
            Some(phrase) => {
                let p = find(&phrases, phrase)?;
                if p.author == player.as_uuid() {
                    return Err(Error::api(
                        ErrorCode::OwnPhrase,
                        "Your favourite must be a phrase someone else wrote.",
                    ));
                }
                Some(p.key)
            }
            None => None,
        };
        let before = tx.favourite_of(session, player).await?;
        if before != wanted {
            match wanted {
                Some(key) => tx.put_favourite(session, player, key, now).await?,
                None => {
                    tx.delete_favourite(session, player).await?;
                }
            }
            let changed: Vec<PhraseKey> = before.into_iter().chain(wanted).collect();
            announce(&mut tx, session, &phrases, &changed, now).await?;
        }
        let out = answer(&mut tx, session, player, &phrases).await?;
        tx.commit().await?;
        Ok(out)
    }
}
