//! After the party: the history list, the personal stats and the
//! leaderboards. A past party's results are drawn by the results screen.

use party_protocol::party::SessionStatus;
use party_protocol::party_history::{LeaderboardBoard, LeaderboardResponse, LeaderboardRow};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};
use time::macros::format_description;

use super::theme::Theme;
use crate::core::App;
use crate::core::records::{BOARDS, board_name, period_name};

/// A date and time as `yyyy-mm-dd hh:mm` (UTC).
fn date(at: time::OffsetDateTime) -> String {
    at.format(format_description!("[year]-[month]-[day] [hour]:[minute]"))
        .unwrap_or_default()
}

pub fn history(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let list = &app.history;
    let title = format!(" Your parties · page {} ", list.page_number());
    let Some(page) = &list.page else {
        frame.render_widget(
            Paragraph::new("Loading your parties…").block(Block::bordered().title(title)),
            area,
        );
        return;
    };
    if page.parties.is_empty() {
        frame.render_widget(
            Paragraph::new(vec![
                Line::raw("No finished party yet."),
                Line::raw(""),
                Line::styled(
                    "A party shows here once it reaches its results (or is abandoned after its start).",
                    theme.dim(),
                ),
            ])
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(title)),
            area,
        );
        return;
    }
    let rows = page.parties.iter().enumerate().map(|(i, p)| {
        let players: Vec<String> = p
            .players
            .iter()
            .map(|q| {
                if q.is_bot {
                    format!("{} (bot)", q.username)
                } else {
                    q.username.clone()
                }
            })
            .collect();
        let status = match p.status {
            SessionStatus::Abandoned => Span::styled("abandoned", theme.bad()),
            _ => Span::raw("completed"),
        };
        let row = Row::new(vec![
            Cell::from(date(p.ended_at)),
            Cell::from(format!("{}/{}", p.rank, p.players.len())),
            Cell::from(format!("{:+}", p.net_coins.get())),
            Cell::from(status),
            Cell::from(players.join(", ")),
        ]);
        if i == list.selected {
            row.style(theme.selected())
        } else {
            row
        }
    });
    let more = if page.next_before.is_some() {
        " → older "
    } else {
        ""
    };
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(16),
                Constraint::Length(4),
                Constraint::Length(6),
                Constraint::Length(9),
                Constraint::Min(20),
            ],
        )
        .header(
            Row::new(vec!["Ended (UTC)", "Rank", "Net", "Status", "Players"]).style(theme.dim()),
        )
        .block(Block::bordered().title(title).title_bottom(more)),
        area,
    );
}

pub fn stats(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let block = Block::bordered().title(" Your party stats ");
    let Some(s) = &app.stats else {
        frame.render_widget(Paragraph::new("Loading your stats…").block(block), area);
        return;
    };
    let line = |label: &str, value: String, note: String| {
        Line::from(vec![
            Span::raw(format!("{label:<20}")),
            Span::styled(format!("{value:<10}"), theme.title()),
            Span::styled(note, theme.dim()),
        ])
    };
    let mut lines = vec![
        line(
            "Parties played",
            s.parties_played.to_string(),
            String::new(),
        ),
        line(
            "Parties won",
            s.parties_won.to_string(),
            "completed parties ranked 1st".into(),
        ),
        line(
            "Average rank",
            s.average_rank.map_or("—".into(), |r| format!("{r:.2}")),
            String::new(),
        ),
        line(
            "Net coins",
            format!("{:+} FC", s.net_coins.get()),
            String::new(),
        ),
        line("Votes cast", s.votes_cast.to_string(), String::new()),
        line(
            "Correct votes",
            s.correct_votes.to_string(),
            "picked the original".into(),
        ),
        line(
            "Vote accuracy",
            format!("{:.1}%", s.vote_accuracy),
            String::new(),
        ),
        line(
            "Original votes",
            s.original_votes.to_string(),
            "votes your originals drew".into(),
        ),
        line(
            "Voters fooled",
            s.copy_votes_fooled.to_string(),
            "by your copies".into(),
        ),
        line(
            "Win streak",
            s.current_win_streak.to_string(),
            format!("now · best {}", s.best_win_streak),
        ),
    ];
    lines.push(Line::raw(""));
    match &s.best_phrase {
        Some(b) => {
            let kind = if b.is_original { "original" } else { "copy" };
            let votes = if b.votes == 1 { "vote" } else { "votes" };
            lines.push(Line::from(vec![
                Span::raw(format!("{:<20}", "Best phrase")),
                Span::styled(b.phrase.clone(), theme.title()),
                Span::styled(format!(" ({kind}, {} {votes})", b.votes), theme.dim()),
            ]));
            lines.push(Line::styled(
                format!("{:<20}for “{}”", "", b.prompt_text),
                theme.dim(),
            ));
        }
        None => lines.push(line(
            "Best phrase",
            "—".into(),
            "no phrase of yours drew a vote yet".into(),
        )),
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: false })
            .block(block),
        area,
    );
}

/// A board's measure as shown.
fn measure(board: LeaderboardBoard, r: &LeaderboardRow) -> String {
    match board {
        LeaderboardBoard::Wins => format!("{:.0}", r.value),
        LeaderboardBoard::NetCoins => format!("{:+.0}", r.value),
        LeaderboardBoard::VoteAccuracy => format!("{:.1}%", r.value),
    }
}

pub fn leaderboard(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let view = &app.board;
    let [tabs, table, mine] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(5),
        Constraint::Length(3),
    ])
    .areas(area);
    let mut spans: Vec<Span> = BOARDS
        .iter()
        .map(|b| {
            if *b == view.board {
                Span::styled(format!("[ {} ]", board_name(*b)), theme.selected())
            } else {
                Span::raw(format!("  {}  ", board_name(*b)))
            }
        })
        .collect();
    spans.push(Span::styled(
        format!("   {} (p: the other period)", period_name(view.period)),
        theme.accent(),
    ));
    frame.render_widget(Paragraph::new(Line::from(spans)), tabs);
    let title = format!(
        " Leaderboard · {} · {} ",
        board_name(view.board),
        period_name(view.period)
    );
    let Some(data) = &view.data else {
        frame.render_widget(
            Paragraph::new("Loading the board…").block(Block::bordered().title(title)),
            table,
        );
        return;
    };
    board_table(frame, table, app, theme, data, title);
    let you = match &data.me {
        Some(r) => Line::styled(
            format!(
                "You: #{} · {} · {} parties, {} won",
                r.rank,
                measure(data.board, r),
                r.parties_played,
                r.wins
            ),
            theme.accent(),
        ),
        None if data.board == LeaderboardBoard::VoteAccuracy => Line::styled(
            format!(
                "You are not on this board: it takes {} votes in the period.",
                data.min_votes
            ),
            theme.dim(),
        ),
        None => Line::styled(
            "You are not on this board: no party of yours in the period.",
            theme.dim(),
        ),
    };
    frame.render_widget(Paragraph::new(you).block(Block::bordered()), mine);
}

/// The board's rows, the player's own marked.
fn board_table(
    frame: &mut Frame,
    area: Rect,
    app: &App,
    theme: Theme,
    data: &LeaderboardResponse,
    title: String,
) {
    let me = app.my_id();
    let rows = data.rows.iter().map(|r| {
        let row = Row::new(vec![
            Cell::from(r.rank.to_string()),
            Cell::from(r.username.clone()),
            Cell::from(measure(data.board, r)),
            Cell::from(r.parties_played.to_string()),
            Cell::from(r.wins.to_string()),
            Cell::from(format!("{:+}", r.net_coins.get())),
            Cell::from(format!("{}/{}", r.correct_votes, r.votes_cast)),
        ]);
        if Some(r.player_id) == me {
            row.style(theme.accent())
        } else {
            row
        }
    });
    let bottom = if data.rows.is_empty() {
        " nobody on this board yet "
    } else {
        ""
    };
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(4),
                Constraint::Min(16),
                Constraint::Length(9),
                Constraint::Length(7),
                Constraint::Length(5),
                Constraint::Length(7),
                Constraint::Length(9),
            ],
        )
        .header(
            Row::new(vec![
                "#",
                "Player",
                match data.board {
                    LeaderboardBoard::Wins => "Wins",
                    LeaderboardBoard::NetCoins => "Coins",
                    LeaderboardBoard::VoteAccuracy => "Accuracy",
                },
                "Parties",
                "Wins",
                "Net",
                "Right",
            ])
            .style(theme.dim()),
        )
        .block(Block::bordered().title(title).title_bottom(bottom)),
        area,
    );
}
