//! The highlight reel (issue 16): a finished party told in a few lines of
//! plain text, made from its results alone — the podium, the awards, the
//! favourite phrase, the copies that fooled the most voters and the
//! closest call — for a player to copy or save (the results screen's `h`,
//! headless `highlights`).

use std::fmt::Write as _;

use party_protocol::party::{Award, PartyResultsResponse, PhrasesetSummary, SessionStatus};

/// Tells one award's measure.
type Detail<'a> = &'a dyn Fn(&Award) -> String;

/// How many fooling copies the reel retells.
const FOOLED_SHOWN: usize = 3;

/// One copy that drew votes away from its original.
struct Fooled<'a> {
    set: &'a PhrasesetSummary,
    phrase: &'a str,
    author: &'a str,
    votes: i64,
}

/// The copies that fooled voters, most voters first (ties: the order the
/// party played its prompts in, then the phrase).
fn fooled(results: &PartyResultsResponse) -> Vec<Fooled<'_>> {
    let mut found: Vec<(usize, Fooled<'_>)> = results
        .phrasesets_summary
        .iter()
        .enumerate()
        .flat_map(|(i, set)| {
            set.phrases
                .iter()
                .filter(|p| !p.is_original && p.votes > 0)
                .map(move |p| {
                    (
                        i,
                        Fooled {
                            set,
                            phrase: &p.phrase,
                            author: &p.author_username,
                            votes: p.votes,
                        },
                    )
                })
        })
        .collect();
    found.sort_by(|(i, a), (j, b)| {
        b.votes
            .cmp(&a.votes)
            .then(i.cmp(j))
            .then(a.phrase.cmp(b.phrase))
    });
    found.into_iter().map(|(_, f)| f).collect()
}

fn plural(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

fn original(set: &PhrasesetSummary) -> Option<&str> {
    set.phrases
        .iter()
        .find(|p| p.is_original)
        .map(|p| p.phrase.as_str())
}

/// The set the original won by the fewest votes over its best copy, when
/// it won at all and someone voted.
fn closest_call(results: &PartyResultsResponse) -> Option<(&PhrasesetSummary, i64)> {
    results
        .phrasesets_summary
        .iter()
        .filter_map(|set| {
            let original = set.phrases.iter().find(|p| p.is_original)?.votes;
            let best_copy = set
                .phrases
                .iter()
                .filter(|p| !p.is_original)
                .map(|p| p.votes)
                .max()?;
            (original > best_copy && best_copy > 0).then_some((set, original - best_copy))
        })
        .min_by_key(|(_, margin)| *margin)
}

/// 1st, 2nd, 3rd, 4th…
pub fn ordinal(n: i64) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// The reel for `results`.
pub fn reel(results: &PartyResultsResponse) -> String {
    let mut out = String::new();
    let when = results
        .completed_at
        .map(|at| format!(", {} {} {}", at.day(), at.month(), at.year()))
        .unwrap_or_default();
    let ended = match results.status {
        SessionStatus::Abandoned => " (abandoned)",
        _ => "",
    };
    let _ = writeln!(
        out,
        "Quipflip Party {}{when}{ended}: {}",
        results.party_code,
        plural(results.rankings.len() as i64, "player", "players")
    );

    out.push_str("\nPodium\n");
    for r in results.rankings.iter().take(3) {
        let bot = if r.is_bot { " (bot)" } else { "" };
        let _ = writeln!(
            out,
            "  {}. {}{bot}  {:+} FC",
            r.rank,
            r.username,
            r.net_coins.get()
        );
    }

    let awards = &results.awards;
    let count = |a: &Award, one: &str, many: &str| plural(a.metric_value as i64, one, many);
    let coins = |a: &Award| a.bonus_coins.map_or(0, party_protocol::Coins::get);
    let kinds: [(&str, &Option<Award>, Detail<'_>); 7] = [
        ("MVP", &awards.mvp, &|a| {
            plural(a.score.unwrap_or_default(), "point", "points")
        }),
        ("Best Writer", &awards.best_writer, &|a| {
            count(a, "vote", "votes")
        }),
        ("Top Impostor", &awards.top_impostor, &|a| {
            format!("fooled {}", count(a, "voter", "voters"))
        }),
        ("Sharpest Voter", &awards.sharpest_voter, &|a| {
            format!("{}% right", a.metric_value)
        }),
        ("Comeback", &awards.comeback, &|a| {
            let from = a.rank_after_copy.unwrap_or_default();
            let to = from - a.rank_gain.unwrap_or_default();
            format!("from {} after the copies to {}", ordinal(from), ordinal(to))
        }),
        ("Hot Streak", &awards.hot_streak, &|a| {
            format!(
                "{} in a row, +{} FC",
                a.streak.unwrap_or_default(),
                coins(a)
            )
        }),
        ("Best Combo", &awards.best_combo, &|a| {
            format!(
                "one copy fooled {}, +{} FC",
                plural(a.votes_fooled.unwrap_or_default(), "voter", "voters"),
                coins(a)
            )
        }),
    ];
    if kinds.iter().any(|(_, award, _)| award.is_some()) {
        out.push_str("\nAwards\n");
        for (title, award, detail) in kinds {
            if let Some(a) = award {
                let _ = writeln!(out, "  {title:<16} {} ({})", a.username, detail(a));
            }
        }
    }

    if let Some(f) = &awards.favourite_phrase {
        let _ = writeln!(
            out,
            "\nFavourite phrase\n  \"{}\" by {}, for \"{}\" ({})",
            f.phrase,
            f.author_username,
            f.prompt_text,
            plural(f.votes, "vote", "votes")
        );
    }

    let fooled = fooled(results);
    if !fooled.is_empty() {
        out.push_str("\nBest fakes\n");
        for f in fooled.iter().take(FOOLED_SHOWN) {
            let _ = writeln!(
                out,
                "  \"{}\": {}'s \"{}\" fooled {}",
                f.set.prompt_text,
                f.author,
                f.phrase,
                plural(f.votes, "voter", "voters")
            );
            if let Some(original) = original(f.set) {
                let _ = writeln!(
                    out,
                    "      (the original, by {}: \"{original}\")",
                    f.set.original_player
                );
            }
        }
    }

    if let Some((set, margin)) = closest_call(results) {
        let _ = writeln!(
            out,
            "\nClosest call\n  \"{}\": {}'s original \"{}\" won by {}",
            set.prompt_text,
            set.original_player,
            original(set).unwrap_or_default(),
            plural(margin, "vote", "votes")
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures;

    #[test]
    fn the_reel_tells_the_podium_awards_fakes_and_closest_call() {
        let results = fixtures::results();
        let text = reel(&results);
        insta::assert_snapshot!(text);
        // Every fooling copy shown drew votes, most first.
        let fakes = fooled(&results);
        assert!(fakes.windows(2).all(|w| w[0].votes >= w[1].votes));
        assert!(fakes.iter().all(|f| f.votes > 0));
    }

    #[test]
    fn the_favourite_phrase_is_told_with_its_votes() {
        let mut results = fixtures::results();
        let set = &results.phrasesets_summary[0];
        let copy = &set.phrases[1];
        results.awards.favourite_phrase = Some(party_protocol::party_reactions::FavouritePhrase {
            phraseset_id: set.phraseset_id,
            role: copy.role,
            phrase: copy.phrase.clone(),
            author_id: copy.author_id,
            author_username: copy.author_username.clone(),
            prompt_text: set.prompt_text.clone(),
            votes: 2,
        });
        let text = reel(&results);
        let line = format!(
            "\"{}\" by {}, for \"{}\" (2 votes)",
            copy.phrase, copy.author_username, set.prompt_text
        );
        assert!(text.contains(&line), "{text}");
    }

    #[test]
    fn a_party_without_votes_has_only_its_podium() {
        let mut results = fixtures::results();
        for set in &mut results.phrasesets_summary {
            for p in &mut set.phrases {
                p.votes = 0;
            }
        }
        results.awards = party_protocol::party::Awards::default();
        let text = reel(&results);
        assert!(text.contains("Podium"));
        assert!(!text.contains("Best fakes"));
        assert!(!text.contains("Closest call"));
        assert!(!text.contains("Awards"));
    }
}
