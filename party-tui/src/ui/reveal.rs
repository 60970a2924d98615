//! One party phraseset on the results screen, as the reveal shows it: the
//! prompt, then the three phrases, then the original marked with every
//! phrase's author, voters and prize. The original is marked by a symbol and
//! a word as well as a color, so the reveal reads the same under `NO_COLOR`.

use party_protocol::party::{MostVotes, PartyResultsResponse, PhrasesetSummary, SummaryPhrase};
use party_protocol::round::PhrasesetResults;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::theme::Theme;
use crate::core::{App, Reveal, RevealMode, RevealStep, SetDetails};

/// One phrase as revealed: the summary's author and vote count, with the
/// voters' names and the author's prize once the set's details are in.
struct Revealed<'a> {
    phrase: &'a SummaryPhrase,
    voters: Option<Vec<&'a str>>,
    prize: Option<i64>,
}

/// The set's phrases in the order they are shown, alphabetical: the summary
/// lists the original first, and the position must not give it away before
/// the mark does.
fn revealed<'a>(
    set: &'a PhrasesetSummary,
    details: Option<&'a PhrasesetResults>,
) -> Vec<Revealed<'a>> {
    let mut phrases: Vec<Revealed<'a>> = set
        .phrases
        .iter()
        .map(|phrase| Revealed {
            phrase,
            voters: details.map(|d| {
                d.votes
                    .iter()
                    .filter(|v| v.voted_phrase == phrase.phrase)
                    .map(|v| v.username.as_str())
                    .collect()
            }),
            prize: details.and_then(|d| {
                d.phrases
                    .iter()
                    .find(|p| p.phrase == phrase.phrase)
                    .map(|p| p.payout.get())
            }),
        })
        .collect();
    phrases.sort_by(|a, b| a.phrase.phrase.cmp(&b.phrase.phrase));
    phrases
}

fn votes(n: i64) -> String {
    if n == 1 {
        "1 vote".to_owned()
    } else {
        format!("{n} votes")
    }
}

/// The two lines of a phrase with the original marked: the phrase, its
/// role, author and prize; then its votes and who cast them.
fn marked<'a>(
    i: usize,
    r: &Revealed<'_>,
    width: usize,
    theme: Theme,
    (picked, tally): (bool, String),
) -> [Line<'a>; 2] {
    let p = r.phrase;
    let (mark, role) = if p.is_original {
        ("★", "ORIGINAL")
    } else {
        (" ", "copy")
    };
    let prize = r
        .prize
        .map(|c| format!(" · won {c} FC"))
        .unwrap_or_default();
    // The cursor sits after the mark, so a marked line still starts `★`.
    let cursor = if picked { "▸" } else { " " };
    let head = format!(
        " {mark}{cursor}{}. {:<width$}  {role} by {}{prize}",
        i + 1,
        p.phrase,
        p.author_username
    );
    let cast = match &r.voters {
        Some(names) if names.is_empty() => "no votes".to_owned(),
        Some(names) => format!("{}: {}", votes(p.votes), names.join(", ")),
        None if p.votes == 0 => "no votes".to_owned(),
        None => votes(p.votes),
    };
    [
        if p.is_original {
            Line::styled(head, theme.good())
        } else {
            Line::raw(head)
        },
        Line::styled(format!("       {cast}{tally}"), theme.dim()),
    ]
}

/// The lines under the marked phrases: the pool and who won the vote, and
/// the player's own take or why the voters are missing.
fn footer<'a>(set: &PhrasesetSummary, details: Option<&SetDetails>, theme: Theme) -> Vec<Line<'a>> {
    let verdict = match set.most_votes {
        MostVotes::Original => "the original got the most votes",
        MostVotes::Copy => "a copy got the most votes",
        MostVotes::None => "nobody voted",
    };
    let mut lines = vec![
        Line::raw(""),
        Line::raw(format!(
            " Pool {} FC · {} · {verdict}",
            set.prize_pool.get(),
            votes(set.vote_count)
        )),
    ];
    lines.push(match details {
        Some(SetDetails::Loaded(d)) if d.your_payout.get() > 0 => Line::styled(
            format!(" You took {} FC from this set.", d.your_payout.get()),
            theme.accent(),
        ),
        Some(SetDetails::Loaded(_)) => Line::raw(""),
        Some(SetDetails::Withheld) => Line::styled(
            " Voters and prizes are shown to the set's writers and voters only.",
            theme.dim(),
        ),
        Some(SetDetails::Failed) => {
            Line::styled(" The voters and prizes could not be loaded.", theme.dim())
        }
        None => Line::styled(" Loading the voters and prizes…", theme.dim()),
    });
    lines
}

pub fn reveal(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    theme: Theme,
    results: &PartyResultsResponse,
    reveal: &Reveal,
) {
    let Some(set) = results.phrasesets_summary.get(reveal.set) else {
        return;
    };
    let count = results.phrasesets_summary.len();
    let details = app.set_details.get(&set.phraseset_id);
    let loaded = match details {
        Some(SetDetails::Loaded(d)) => Some(d.as_ref()),
        _ => None,
    };
    let phrases = revealed(set, loaded);
    let mut lines = vec![
        Line::raw(""),
        Line::styled(" The prompt", theme.dim()),
        Line::styled(format!(" “{}”", set.prompt_text), theme.title()),
        Line::raw(""),
    ];
    match reveal.step {
        RevealStep::Prompt => {
            lines.push(Line::styled(" What did the party write?", theme.dim()));
        }
        RevealStep::Phrases => {
            for (i, r) in phrases.iter().enumerate() {
                lines.push(Line::raw(format!("   {}. {}", i + 1, r.phrase.phrase)));
            }
            lines.push(Line::raw(""));
            lines.push(Line::styled(" Which one is the original?", theme.dim()));
        }
        RevealStep::Original => {
            let width = phrases
                .iter()
                .map(|r| r.phrase.phrase.chars().count())
                .max()
                .unwrap_or(0)
                .min(30);
            for (i, r) in phrases.iter().enumerate() {
                let marks = super::reactions::marks(app, set, r.phrase, i);
                lines.extend(marked(i, r, width, theme, marks));
            }
            lines.extend(footer(set, details, theme));
            lines.extend(super::reactions::hint(app, theme));
        }
    }
    let (title, bottom) = match reveal.mode {
        RevealMode::Playing => {
            let shown = (app.now - reveal.since).whole_seconds();
            let left = (reveal.step.seconds() - shown).max(0);
            (
                format!(" The reveal · phraseset {} of {count} ", reveal.set + 1),
                format!(" next in {left} s "),
            )
        }
        RevealMode::Browsing => (
            format!(
                " Party {} · phraseset {} of {count} ",
                results.party_code,
                reveal.set + 1
            ),
            " ←→ page · Esc scoreboard ".to_owned(),
        ),
    };
    frame.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::bordered()
                .title(Line::styled(title, theme.title()))
                .title_bottom(Line::styled(bottom, theme.dim())),
        ),
        area,
    );
}
