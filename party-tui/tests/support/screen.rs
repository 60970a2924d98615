//! Reading the client's screen in the terminal end-to-end tests: the
//! header, the lobby's code, the round forms, the reveal and the results.

// Each test file compiles its own copy; not every helper is used by each.
#![allow(dead_code)]

// ------------------------------------------------------------ the screen

/// The header's fields: `Quipflip Party · NAME · 5000 FC (vault 0) · ● live`.
pub fn header(screen: &str) -> Vec<&str> {
    screen
        .lines()
        .next()
        .unwrap_or_default()
        .trim_end()
        .split(" · ")
        .collect()
}

/// The signed-in player's name, from the header.
pub fn name_in_header(screen: &str) -> Option<String> {
    header(screen)
        .get(1)
        .filter(|n| !n.contains(" FC ") && !n.is_empty())
        .map(|n| (*n).to_owned())
}

/// The wallet, from the header (`5000 FC (vault 0)`).
pub fn wallet_in_header(screen: &str) -> Option<i64> {
    header(screen).iter().find_map(|f| {
        f.strip_suffix(")")?
            .split_once(" FC (vault ")?
            .0
            .parse()
            .ok()
    })
}

/// The party code under "Party code — share it" (or the "Share" box of a
/// client that hosts), e.g. `H E J Y  -  4 8 8 3`.
pub fn code_on_screen(screen: &str) -> Option<String> {
    let mut lines = screen.lines();
    lines.find(|l| l.contains("┌ Party code — share it ") || l.contains("┌ Share — "))?;
    let code: String = lines
        .next()?
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect();
    (code.len() == 8).then_some(code)
}

/// The lines of the lobby's "Share" box after the code (`With the client:
/// …`, `Over SSH: …`), trimmed; empty when the box is not there.
pub fn share_on_screen(screen: &str) -> Vec<String> {
    screen
        .lines()
        .skip_while(|l| !l.contains("┌ Share — "))
        .skip(2)
        .take_while(|l| !l.starts_with('└'))
        .map(|l| l.trim_matches('│').trim().to_owned())
        .collect()
}

/// The port of the `ssh -p PORT HOST` line in the lobby's "Share" box.
pub fn ssh_port_on_screen(screen: &str) -> Option<u16> {
    share_on_screen(screen).iter().find_map(|l| {
        let rest = l.split_once("ssh -p ")?.1;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// The line after `label` in the round form (left column), trimmed.
pub fn line_after(screen: &str, label: &str) -> Option<String> {
    let mut lines = screen.lines();
    lines.find(|l| l.contains(label))?;
    let line = lines.next()?;
    let left = line.split('│').nth(1)?;
    Some(left.trim().to_owned())
}

/// The status line's error, if any (`✗ …`).
pub fn error_on_screen(screen: &str) -> Option<&str> {
    screen.lines().find(|l| l.starts_with('✗')).map(str::trim)
}

/// The lobby's player count: `Players 4/8 (min 3)` gives 4.
pub fn lobby_count(screen: &str) -> Option<usize> {
    let rest = screen.split_once("┌ Players ")?.1;
    rest.split_once('/')?.0.parse().ok()
}

/// A step of the reveal, as its text tells them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RevealStep {
    /// The prompt alone.
    Prompt,
    /// The three phrases, unmarked.
    Phrases,
    /// The original marked, with every phrase's author.
    Original,
}

/// Which phraseset and step of the reveal the screen shows: the title
/// (`The reveal · phraseset 1 of 4`) and the step.
pub fn reveal_step(screen: &str) -> Option<(String, RevealStep)> {
    let title = screen
        .lines()
        .find_map(|l| l.split_once("┌ The reveal · ")?.1.split_once(" ─"))?
        .0
        .to_owned();
    let step = if screen.contains(" ORIGINAL by ") {
        RevealStep::Original
    } else if screen.contains("Which one is the original?") {
        RevealStep::Phrases
    } else if screen.contains("What did the party write?") {
        RevealStep::Prompt
    } else {
        return None;
    };
    Some((title, step))
}

/// The prompt the reveal shows, without its quotes (its first line, should
/// it wrap).
pub fn revealed_prompt(screen: &str) -> Option<String> {
    let line = line_after(screen, " The prompt")?;
    Some(line.trim_matches(['“', '”']).to_owned())
}

/// The phrase marked `★ … ORIGINAL by AUTHOR` on the reveal, and its author.
pub fn revealed_original(screen: &str) -> Option<(String, String)> {
    let row = screen.lines().find(|l| l.contains(" ORIGINAL by "))?;
    let row = row.trim_matches('│').trim().strip_prefix('★')?;
    // `3. VELVET HARBOR       ORIGINAL by Guest359721 · won 0 FC`
    let (_, rest) = row.split_once(". ")?;
    let (phrase, by) = rest.split_once(" ORIGINAL by ")?;
    let author = by.split(" · ").next()?.trim();
    Some((phrase.trim().to_owned(), author.to_owned()))
}

/// What a player's screen asks of them.
#[derive(Debug, PartialEq, Eq)]
pub enum Seen {
    /// The round form (prompt or copy) with what is typed so far.
    Form {
        round: String,
        input: String,
    },
    Vote {
        round: String,
    },
    /// The reveal of the party's phrasesets, before the scoreboard.
    Reveal,
    Results,
    /// Lobby, waiting, getting the next round, tallying: nothing to do.
    Other,
}

/// The round on screen, as text: the form's left column without the
/// input line and the countdown. Tells one round from the next.
pub fn round_text(screen: &str) -> String {
    screen
        .lines()
        .skip(5)
        .filter_map(|l| l.split('│').nth(1).map(str::trim))
        .filter(|l| !l.is_empty() && !l.starts_with("> ") && !l.contains("round ends in"))
        .collect::<Vec<_>>()
        .join(" / ")
}

pub fn classify(screen: &str) -> Seen {
    if screen.contains("┌ Party ") && screen.contains(" results ─") {
        return Seen::Results;
    }
    // Before the vote: the reveal's phrases step asks the same question.
    if screen.contains("┌ The reveal · phraseset ") {
        return Seen::Reveal;
    }
    if screen.contains("Which one is the original?") {
        return Seen::Vote {
            round: round_text(screen),
        };
    }
    if screen.contains("Your prompt:") || screen.contains("Someone wrote:") {
        let input = screen
            .lines()
            .find_map(|l| {
                let rest = l.split_once("│> ")?.1;
                Some(rest.split_once('▏')?.0.trim().to_owned())
            })
            .unwrap_or_default();
        return Seen::Form {
            round: round_text(screen),
            input,
        };
    }
    Seen::Other
}

/// The player names in the results table.
pub fn ranked_names(results: &str) -> Vec<String> {
    results
        .lines()
        .skip_while(|l| !l.contains("#   Player"))
        .skip(1)
        .take_while(|l| !l.starts_with('└'))
        .filter_map(|l| {
            let row = l.trim_matches('│').trim();
            let (rank, rest) = row.split_once(char::is_whitespace)?;
            rank.parse::<u32>().ok()?;
            // The name runs up to the net coins (`+150`, `-20`, `+0`): a
            // long name may leave only the one space between them.
            let words: Vec<&str> = rest.split_whitespace().collect();
            let net = words.iter().position(|w| {
                w.len() > 1
                    && (w.starts_with('+') || w.starts_with('-'))
                    && w[1..].chars().all(|c| c.is_ascii_digit())
            })?;
            Some(words[..net].join(" "))
        })
        .collect()
}
