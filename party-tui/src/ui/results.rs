//! The results screen: the reveal while it plays or while a phraseset is
//! browsed (drawn by [`super::reveal`]), else the scoreboard — rankings,
//! awards, the player's own line, and for an abandoned party a banner.

use party_protocol::party::{Award, Awards, PartyResultsResponse, SessionStatus};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::Line;
use ratatui::widgets::{Block, Cell, Clear, Paragraph, Row, Table, Wrap};

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
        Constraint::Length(if favourite.is_some() { 7 } else { 6 }),
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
    // The players' chat beside the rankings (not for spectators: theirs
    // is their own).
    let with_chat = app.chat.session == Some(results.session_id);
    let ranks = if with_chat {
        let [ranks, chat] =
            Layout::horizontal([Constraint::Min(50), Constraint::Length(30)]).areas(ranks);
        super::chat::party_chat(frame, chat, app, theme);
        ranks
    } else {
        ranks
    };
    let (widths, headings) = if with_chat {
        (
            vec![3, 0, 6, 5, 5],
            vec!["#", "Player", "Net", "Bonus", "Acc"],
        )
    } else {
        (
            vec![3, 0, 6, 6, 7, 5, 5],
            vec!["#", "Player", "Net", "Spent", "Earned", "Bonus", "Acc"],
        )
    };
    // The player's column takes what the others (and the borders and the
    // one-cell gaps between columns) leave.
    let fixed: u16 = widths.iter().sum::<u16>() + 2 + (widths.len() as u16 - 1);
    let name_room = usize::from(ranks.width.saturating_sub(fixed).max(12));
    let me = app.my_id();
    let rows = results
        .rankings
        .iter()
        .skip(app.selected.min(results.rankings.len().saturating_sub(1)))
        .map(|r| {
            let mut marks = String::new();
            if r.is_bot {
                marks.push_str(" (bot)");
            }
            if app.chat.muted.contains(&r.player_id) {
                marks.push_str(" (muted)");
            }
            let mut cells = vec![
                Cell::from(format!("{}", r.rank)),
                Cell::from(fitted_name(r.username.as_str(), &marks, name_room)),
                Cell::from(format!("{:+}", r.net_coins.get())),
            ];
            // Beside the chat, the names keep their room and what was
            // paid and got goes.
            if !with_chat {
                cells.push(Cell::from(format!("{}", r.coins_spent.get())));
                cells.push(Cell::from(format!("{}", r.coins_earned.get())));
            }
            cells.push(Cell::from(bonus(
                r.bonuses.streak_coins.get() + r.bonuses.combo_coins.get(),
            )));
            cells.push(Cell::from(format!("{:.0}%", r.vote_accuracy)));
            let row = Row::new(cells);
            if Some(r.player_id) == me {
                row.style(theme.accent())
            } else {
                row
            }
        });
    // 0: the player's column, which takes what the others leave.
    let widths = widths.into_iter().map(|w| match w {
        0 => Constraint::Min(12),
        w => Constraint::Length(w),
    });
    frame.render_widget(
        Table::new(rows, widths)
            .header(Row::new(headings).style(theme.dim()))
            .block(Block::bordered().title(if app.past.is_some() {
                format!(" Party {} results · from your history ", results.party_code)
            } else {
                format!(" Party {} results ", results.party_code)
            })),
        ranks,
    );
    awards_box(frame, awards, theme, &results.awards, favourite);
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

/// The highlight reel over the results (`h`): plain text, so it can be
/// selected and copied from the terminal, or saved with `s`.
pub fn reel(frame: &mut Frame, area: Rect, text: &str, scroll: u16, theme: Theme) {
    // The whole body: a narrower box would leave the scoreboard's borders
    // showing at its sides, and the reel needs every line it can get.
    let popup = area;
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(text.to_owned())
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0))
            .block(
                Block::bordered()
                    .title(" Highlights ")
                    .border_style(theme.accent()),
            ),
        popup,
    );
}

/// A bonus in the rankings: `+N`, or blank without one.
fn bonus(coins: i64) -> String {
    if coins > 0 {
        format!("+{coins}")
    } else {
        String::new()
    }
}

/// The awards in two columns: the party's best writer, impostor and voter
/// on the left; the MVP, the comeback and the two bonus awards on the right.
fn awards_box(
    frame: &mut Frame,
    area: Rect,
    theme: Theme,
    awards: &Awards,
    favourite: Option<Line<'_>>,
) {
    let line = |title: &str, a: &Option<Award>, detail: &dyn Fn(&Award) -> String| match a {
        Some(a) => Line::raw(format!("{title}: {} ({})", a.username, detail(a))),
        None => Line::styled(format!("{title}: —"), theme.dim()),
    };
    let coins = |a: &Award| a.bonus_coins.map_or(0, party_protocol::Coins::get);
    let left = vec![
        line("Best Writer", &awards.best_writer, &|a| {
            format!("{} votes", a.metric_value)
        }),
        line("Top Impostor", &awards.top_impostor, &|a| {
            format!("{} fooled", a.metric_value)
        }),
        line("Sharpest Voter", &awards.sharpest_voter, &|a| {
            format!("{}%", a.metric_value)
        }),
    ];
    let right = vec![
        line("MVP", &awards.mvp, &|a| {
            format!("{} pts", a.score.unwrap_or_default())
        }),
        line("Comeback", &awards.comeback, &|a| {
            let from = a.rank_after_copy.unwrap_or_default();
            format!(
                "{} → {}",
                crate::highlights::ordinal(from),
                crate::highlights::ordinal(from - a.rank_gain.unwrap_or_default())
            )
        }),
        // Short titles on this side: a bot's name is 15 characters, and
        // the highlight reel and the README give the awards' full names.
        line("Streak", &awards.hot_streak, &|a| {
            format!("{} right +{}", a.streak.unwrap_or_default(), coins(a))
        }),
        line("Combo", &awards.best_combo, &|a| {
            format!(
                "{} fooled +{}",
                a.votes_fooled.unwrap_or_default(),
                coins(a)
            )
        }),
    ];
    let block = Block::bordered().title(" Awards ");
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // The favourite phrase, when voted, gets the last line to itself.
    let [columns, below] = Layout::vertical([
        Constraint::Min(0),
        Constraint::Length(u16::from(favourite.is_some())),
    ])
    .areas(inner);
    let [l, r] = Layout::horizontal([Constraint::Length(41), Constraint::Min(20)]).areas(columns);
    frame.render_widget(Paragraph::new(left), l);
    frame.render_widget(Paragraph::new(right), r);
    if let Some(line) = favourite {
        frame.render_widget(Paragraph::new(line), below);
    }
}

/// A player's name with its marks (" (bot)", " (muted)") in `room`
/// columns: the name gives way (cut, with "…") so the marks always show
/// — a long bot name would otherwise lose the very mark that says it is
/// a bot.
pub(super) fn fitted_name(name: &str, marks: &str, room: usize) -> String {
    let whole = name.chars().count() + marks.chars().count();
    if whole <= room {
        return format!("{name}{marks}");
    }
    let keep = room.saturating_sub(marks.chars().count() + 1);
    let cut: String = name.chars().take(keep).collect();
    format!("{cut}…{marks}")
}

#[cfg(test)]
mod fit_tests {
    use super::fitted_name;

    #[test]
    fn a_long_name_gives_way_to_its_marks() {
        assert_eq!(
            fitted_name("BotStrangeSquirrel19", " (bot)", 25),
            "BotStrangeSquirrel… (bot)"
        );
        assert_eq!(
            fitted_name("BotStrangeSquirrel19", " (bot)", 25)
                .chars()
                .count(),
            25
        );
        assert_eq!(fitted_name("Ann", " (bot)", 25), "Ann (bot)");
        assert_eq!(fitted_name("Guest771952", "", 25), "Guest771952");
    }
}
