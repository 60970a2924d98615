//! Reactions and the favourite phrase on the results screen (README
//! "Reactions and the favourite phrase"): while a phraseset shows with its
//! original marked (in the reveal or browsed from the scoreboard), ↑↓ pick
//! one of its phrases, 1–5 give it a reaction (the same key again takes it
//! back) and `f` makes it the player's favourite (again: withdraws the
//! vote). The counts come from `GET /party/{id}/reactions` when the
//! results arrive and then live from `reactions_changed` events.

use crossterm::event::KeyCode;
use party_protocol::party::{PhrasesetSummary, SummaryPhrase};
use party_protocol::party_reactions::{
    FavouritePhrase, PartyReactionsResponse, PhraseReactions, PhraseRef, Reaction,
};

use super::common::{call, show};
use super::msg::{ApiCall, Effect};
use super::state::{App, RevealStep, Screen};
use crate::api::ApiResult;

/// A set's phrases in the order the reveal lists them: alphabetical, so
/// the position gives nothing away (the summary lists the original first).
pub fn shown(set: &PhrasesetSummary) -> Vec<&SummaryPhrase> {
    let mut phrases: Vec<&SummaryPhrase> = set.phrases.iter().collect();
    phrases.sort_by(|a, b| a.phrase.cmp(&b.phrase));
    phrases
}

/// Asks for the party's reactions, for the results just received.
pub(super) fn load(app: &App) -> Vec<Effect> {
    app.results
        .as_ref()
        .map(|r| call(ApiCall::Reactions(r.session_id)))
        .into_iter()
        .collect()
}

/// Keeps the counts an answer brings (answers about another party dropped).
pub(super) fn on_reply(app: &mut App, result: ApiResult<PartyReactionsResponse>) {
    match result {
        Ok(reactions) => {
            if app
                .results
                .as_ref()
                .is_some_and(|r| r.session_id == reactions.session_id)
            {
                if let Some(results) = app.results.as_mut() {
                    results
                        .awards
                        .favourite_phrase
                        .clone_from(&reactions.favourite_phrase);
                }
                app.reactions = Some(reactions);
            }
        }
        Err(err) => show(app, &err),
    }
}

/// A `reactions_changed` event: the phrases it names get its counts, and
/// the favourite phrase (shown with the awards) is the event's.
pub(super) fn on_event(
    app: &mut App,
    phrases: &[PhraseReactions],
    favourite: Option<&FavouritePhrase>,
) {
    if let Some(reactions) = app.reactions.as_mut() {
        reactions.apply(phrases, favourite);
    }
    if let Some(results) = app.results.as_mut() {
        results.awards.favourite_phrase = favourite.cloned();
    }
}

/// The phrase picked on the set on screen, if the player can react there.
pub fn picked(app: &App) -> Option<(PhraseRef, &SummaryPhrase)> {
    let reveal = app.reveal.filter(|r| r.step == RevealStep::Original)?;
    app.reactions.as_ref()?;
    let set = app.results.as_ref()?.phrasesets_summary.get(reveal.set)?;
    let phrases = shown(set);
    let phrase = *phrases.get(app.phrase_pick.min(phrases.len().saturating_sub(1)))?;
    Some((
        PhraseRef {
            phraseset_id: set.phraseset_id,
            role: phrase.role,
        },
        phrase,
    ))
}

/// The reaction keys while a set shows with its original marked. `None`:
/// not one of them (the reveal's and the scoreboard's keys apply).
pub(super) fn on_key(app: &mut App, code: KeyCode) -> Option<Vec<Effect>> {
    if app.screen != Screen::Results {
        return None;
    }
    let (phrase, author) = picked(app).map(|(p, s)| (p, s.author_id))?;
    let session = app.results.as_ref()?.session_id;
    let (mine, my_favourite) = app
        .reactions
        .as_ref()
        .map(|r| (r.my_reaction(phrase), r.my_favourite))?;
    let effects = match code {
        KeyCode::Up => {
            app.phrase_pick = app.phrase_pick.saturating_sub(1);
            vec![]
        }
        KeyCode::Down => {
            app.phrase_pick = (app.phrase_pick + 1).min(2);
            vec![]
        }
        KeyCode::Char(c @ '1'..='5') => {
            let index = c as usize - '1' as usize;
            let chosen = Reaction::ALL.get(index).copied()?;
            let again = mine == Some(chosen);
            vec![call(ApiCall::React(
                session,
                phrase,
                (!again).then_some(chosen),
            ))]
        }
        KeyCode::Char('f') if Some(author) == app.my_id() => {
            app.error = Some("Your favourite must be a phrase someone else wrote.".into());
            vec![]
        }
        KeyCode::Char('f') => {
            let again = my_favourite == Some(phrase);
            vec![call(ApiCall::Favourite(
                session,
                (!again).then_some(phrase),
            ))]
        }
        _ => return None,
    };
    // A player busy reacting keeps the set on screen a while longer.
    let now = app.now;
    if let Some(r) = app.reveal.as_mut() {
        r.since = now;
    }
    Some(effects)
}
