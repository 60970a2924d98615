//! The results screen: the reveal while it plays or while a phraseset is
//! browsed (drawn by [`super::reveal`]), else the scoreboard — rankings,
//! awards, the player's own line, and for an abandoned party a banner.

use party_protocol::party::{Award, PartyResultsResponse, SessionStatus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table};

use super::theme::Theme;
use crate::core::App;

pub fn results(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(results) = &app.results else {
        frame.render_widget(Paragraph::new("Tallying the results…"), area);
        return;
    };
    if let Some(reveal) = &app.reveal {
        super::reveal::reveal(frame, area, app, theme, results, reveal);
        return;
    }
    scoreboard(frame, area, app, theme, results);
}

/// The rankings, the awards and the player's own line; above them, for an
/// abandoned party, a banner that says what happened.
fn scoreboard(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    theme: Theme,
    results: &PartyResultsResponse,
) {
    let abandoned = results.status == SessionStatus::Abandoned;
    let favourite = super::reactions::favourite_line(results);
    let [banner, ranks, awards, mine] = Layout::vertical([
        Constraint::Length(if abandoned { 2 } else { 0 }),
        Constraint::Min(5),
        Constraint::Length(if favourite.is_some() { 6 } else { 5 }),
        Constraint::Length(4),
    ])
    .areas(area);
    if abandoned {
        frame.render_widget(
            Paragraph::new(vec![
                Line::styled(
                    "⚠ This party was abandoned — open rounds were refunded.",
                    theme.bad().add_modifier(Modifier::BOLD),
                ),
                Line::styled(
                    "It sat idle too long; below is how it stood, with its prize pools paid out.",
                    theme.dim(),
                ),
            ]),
            banner,
        );
    }
    let me = app.my_id();
    let rows = results
        .rankings
        .iter()
        .skip(app.selected.min(results.rankings.len().saturating_sub(1)))
        .map(|r| {
            let mut name = r.username.clone();
            if r.is_bot {
                name.push_str(" (bot)");
            }
            let row = Row::new(vec![
                Cell::from(format!("{}", r.rank)),
                Cell::from(name),
                Cell::from(format!("{:+}", r.net_coins.get())),
                Cell::from(format!("{}", r.coins_spent.get())),
                Cell::from(format!("{}", r.coins_earned.get())),
                Cell::from(format!("{:.0}%", r.vote_accuracy)),
            ]);
            if Some(r.player_id) == me {
                row.style(theme.accent())
            } else {
                row
            }
        });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(3),
                Constraint::Min(16),
                Constraint::Length(6),
                Constraint::Length(6),
                Constraint::Length(7),
                Constraint::Length(5),
            ],
        )
        .header(Row::new(vec!["#", "Player", "Net", "Spent", "Earned", "Acc"]).style(theme.dim()))
        .block(Block::bordered().title(format!(" Party {} results ", results.party_code))),
        ranks,
    );
    let award = |title: &str, a: &Option<Award>, unit: &str| match a {
        Some(a) => Line::raw(format!(
            "{title}: {} ({}{unit})",
            a.username, a.metric_value
        )),
        None => Line::styled(format!("{title}: —"), theme.dim()),
    };
    frame.render_widget(
        Paragraph::new(
            vec![
                award("Best Writer", &results.awards.best_writer, " votes"),
                award("Top Impostor", &results.awards.top_impostor, " fooled"),
                award("Sharpest Voter", &results.awards.sharpest_voter, "%"),
            ]
            .into_iter()
            .chain(favourite)
            .collect::<Vec<_>>(),
        )
        .block(Block::bordered().title(" Awards ")),
        awards,
    );
    let line = match results.rankings.iter().find(|r| Some(r.player_id) == me) {
        Some(r) => format!(
            "You: rank {} · net {:+} FC · {} prompt, {} copies, {} votes · {:.0}% right",
            r.rank,
            r.net_coins.get(),
            r.prompts_submitted,
            r.copies_submitted,
            r.votes_submitted,
            r.vote_accuracy
        ),
        None => String::new(),
    };
    let mut lines = vec![Line::raw(line)];
    let refunded = results
        .rankings
        .iter()
        .find(|r| Some(r.player_id) == me)
        .map_or(0, |r| r.coins_refunded.get());
    if abandoned {
        lines.push(Line::styled(
            format!("Refunded to you: {refunded} FC (part of Earned)"),
            theme.dim(),
        ));
    } else if let Some((_, code)) = &app.invite {
        lines[0] = Line::styled(
            format!("Next game open: {code} — press j to join"),
            theme.good(),
        );
    } else if let Some(best) = results
        .phrasesets_summary
        .iter()
        .max_by_key(|s| s.vote_count)
    {
        let original = best
            .phrases
            .iter()
            .find(|p| p.is_original)
            .map(|p| p.phrase.clone())
            .unwrap_or_default();
        lines.push(Line::styled(
            format!(
                "Highlight: “{}” → {original} ({})",
                best.prompt_text, best.original_player
            ),
            theme.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(lines).block(Block::bordered()), mine);
}
