//! Reactions and the favourite phrase as the results screen shows them:
//! a phrase's counts under it in the reveal (the player's own reaction and
//! favourite vote in brackets), the picked phrase's cursor, the keys, and
//! the favourite phrase with the awards.

use std::fmt::Write as _;

use party_protocol::party::{PartyResultsResponse, PhrasesetSummary, SummaryPhrase};
use party_protocol::party_reactions::{PhraseRef, Reaction};
use ratatui::text::Line;

use super::theme::Theme;
use crate::core::{App, Screen};

/// Whether phrase `i` (in the reveal's order) of `set` is the one picked,
/// and its counts, e.g. ` · 😂2 [🔥1] · ♥1`; nothing while the player
/// cannot react (a spectator, or the counts not loaded yet).
pub fn marks(
    app: &App,
    set: &PhrasesetSummary,
    phrase: &SummaryPhrase,
    i: usize,
) -> (bool, String) {
    let Some(reactions) = app
        .reactions
        .as_ref()
        .filter(|_| app.screen == Screen::Results)
    else {
        return (false, String::new());
    };
    let key = PhraseRef {
        phraseset_id: set.phraseset_id,
        role: phrase.role,
    };
    let mut tally = String::new();
    let bracket = |mine: bool, text: String| if mine { format!("[{text}]") } else { text };
    if let Some(counts) = reactions.of(key) {
        let mine = reactions.my_reaction(key);
        let given: Vec<String> = Reaction::ALL
            .into_iter()
            .filter_map(|r| {
                let n = counts.counts.get(&r).copied().unwrap_or(0);
                (n > 0).then(|| bracket(mine == Some(r), format!("{}{n}", r.emoji())))
            })
            .collect();
        if !given.is_empty() {
            let _ = write!(tally, " · {}", given.join(" "));
        }
        if counts.favourite_votes > 0 {
            let text = format!("♥{}", counts.favourite_votes);
            let _ = write!(
                tally,
                " · {}",
                bracket(reactions.my_favourite == Some(key), text)
            );
        }
    }
    (i == app.phrase_pick.min(2), tally)
}

/// The reaction keys, under a set whose phrases can be reacted to.
pub fn hint<'a>(app: &App, theme: Theme) -> Option<Line<'a>> {
    if app.screen != Screen::Results || app.reactions.is_none() {
        return None;
    }
    let keys: Vec<String> = Reaction::ALL
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{}{}", i + 1, r.emoji()))
        .collect();
    Some(Line::styled(
        format!(" ↑↓ pick · {} react · f ♥ favourite", keys.join(" ")),
        theme.accent(),
    ))
}

/// The favourite phrase's line with the awards, when there is one.
pub fn favourite_line<'a>(results: &PartyResultsResponse) -> Option<Line<'a>> {
    let f = results.awards.favourite_phrase.as_ref()?;
    let votes = if f.votes == 1 {
        "1 vote".to_owned()
    } else {
        format!("{} votes", f.votes)
    };
    Some(Line::raw(format!(
        "Favourite phrase: {} by {} (♥ {votes})",
        f.phrase, f.author_username
    )))
}
