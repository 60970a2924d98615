//! One function per screen.

use party_protocol::party::{ConnectionStatus, ParticipantStatus, PartyPhase, PartyStatusResponse};
use party_protocol::party_access::{PartyAccess, PartyListing};
use party_protocol::round::RoundType;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Cell, Paragraph, Row, Table, Wrap};

use super::theme::{Theme, countdown};
use crate::core::App;
use crate::core::state::CreateForm;

/// A box of at most `w`×`h` centered in `area`.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}

pub fn signin(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let form = &app.signin;
    let field = |label: &str, value: String, active: bool| {
        let cursor = if active { "▏" } else { "" };
        Line::from(vec![
            Span::raw(format!("{label:>10}: ")),
            Span::styled(
                format!("{value}{cursor}"),
                if active { theme.accent() } else { theme.dim() },
            ),
        ])
    };
    let text = vec![
        Line::styled(
            "Write originals. Fake the rest. Spot the truth.",
            theme.accent(),
        ),
        Line::raw(""),
        field("Username", form.username.clone(), form.field == 0),
        field(
            "Password",
            "•".repeat(form.password.chars().count()),
            form.field == 1,
        ),
        Line::raw(""),
        Line::raw("Enter with a username and password signs in; Ctrl-R registers."),
        Line::raw("Enter with an empty username plays as a guest."),
        Line::styled(format!("Server: {}", app.server), theme.dim()),
    ];
    frame.render_widget(
        Paragraph::new(text)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Sign in ")),
        centered(area, 70, 12),
    );
}

pub fn dashboard(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    // Invites, when there are any, between the party box and the menu
    // (four at most in view; ↑↓ reach the others).
    let invites = super::friends::invites(app, theme);
    let shown = invites.len().min(4) as u16;
    let [money, party, invite_box, menu] = Layout::vertical([
        Constraint::Length(5),
        Constraint::Length(4),
        Constraint::Length(if shown > 0 { shown + 2 } else { 0 }),
        Constraint::Min(4),
    ])
    .areas(area);
    if shown > 0 {
        let skip = app.selected.saturating_sub(shown as usize - 1);
        let lines: Vec<Line> = invites.into_iter().skip(skip).collect();
        frame.render_widget(
            Paragraph::new(lines).block(
                Block::bordered()
                    .title(format!(" Invites ({}) ", app.invites.len()))
                    .border_style(theme.good()),
            ),
            invite_box,
        );
    }
    let (wallet, vault, outstanding) = app.dashboard.as_ref().map_or((0, 0, 0), |d| {
        (d.wallet.get(), d.vault.get(), d.outstanding_prompts)
    });
    let lines = vec![
        Line::from(vec![
            Span::raw("Wallet  "),
            Span::styled(format!("{wallet} FC"), theme.good()),
        ]),
        Line::from(vec![
            Span::raw("Vault   "),
            Span::styled(format!("{vault} FC"), theme.accent()),
        ]),
        Line::styled(
            format!("{outstanding} prompt(s) of yours still in play"),
            theme.dim(),
        ),
    ];
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(" Balance ")),
        money,
    );
    let off = app.party_mode_off();
    let banner = match app.dashboard.as_ref().and_then(|d| d.active_party.as_ref()) {
        Some(active) if off => vec![Line::styled(
            format!(
                "Party {} cannot be reached while Party Mode is off.",
                active.party_code
            ),
            theme.dim(),
        )],
        Some(active) => vec![
            Line::styled(
                format!(
                    "Active party {} — {}",
                    active.party_code, active.current_phase
                ),
                theme.title(),
            ),
            Line::raw(if active.left {
                "You left it. Press r to rejoin."
            } else {
                "Press r to rejoin."
            }),
        ],
        None => vec![Line::styled("You are not in a party.", theme.dim())],
    };
    frame.render_widget(
        Paragraph::new(banner).block(Block::bordered().title(" Party ")),
        party,
    );
    let mut items = if off {
        vec![
            Line::styled(crate::core::state::PARTY_MODE_OFF, theme.bad()),
            Line::raw("Parties cannot be started or joined here; solo play is unaffected."),
        ]
    } else {
        vec![
            Line::raw("[c] Start a Party   — you host, friends join with the code"),
            Line::raw("[j] Join Party      — type a friend's party code"),
            Line::raw("[m] Quick Match     — play with whoever is waiting (or bots)"),
            Line::raw("[p] Public Parties  — browse open lobbies and join one"),
            Line::raw("[w] Watch a Party   — follow a game by its code, chat, play the next"),
            Line::raw("[f] Friends         — who is online, requests, invites, blocks"),
            Line::raw("[h] History · [s] Stats · [l] Leaderboards — your parties and records"),
        ]
    };
    if let Some(warning) = app.entry_warning().filter(|_| !off) {
        items.push(Line::styled(warning, theme.bad()));
    }
    frame.render_widget(
        Paragraph::new(items)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Party Mode ")),
        menu,
    );
}

pub fn create(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let form = &app.create;
    let mut lines: Vec<Line> = CreateForm::LABELS
        .iter()
        .zip(form.values)
        .enumerate()
        .map(|(i, (label, value))| {
            let shown = if i == 4 && value == 0 {
                "default".to_owned()
            } else if i == CreateForm::ACCESS {
                match form.access() {
                    PartyAccess::Open => "open",
                    PartyAccess::Password => "password",
                    PartyAccess::InviteOnly => "invite",
                }
                .to_owned()
            } else {
                value.to_string()
            };
            let pad = " ".repeat(14usize.saturating_sub(label.len()));
            let text = format!("{pad}{label}:  ◂ {shown:^8} ▸");
            if i == form.field {
                Line::styled(text, theme.selected())
            } else {
                Line::raw(text)
            }
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled(
        format!(
            "Each player writes {} copies (twice the prompts).",
            2 * form.values[2]
        ),
        theme.dim(),
    ));
    let dialog = centered(area, 60, 14);
    let block = Block::bordered().title(" Start a Party ");
    let inner = block.inner(dialog);
    frame.render_widget(block, dialog);
    let [fields, notes] =
        Layout::vertical([Constraint::Length(lines.len() as u16), Constraint::Min(0)]).areas(inner);
    // No wrapping for the fields: it would trim the labels' alignment padding.
    frame.render_widget(Paragraph::new(lines), fields);
    // The cost changes with the quotas above, so it is always shown; red
    // when the wallet does not cover it.
    let cost = match (app.create_warning(), app.create_cost()) {
        (Some(warning), _) => Line::styled(warning, theme.bad()),
        (None, Some(cost)) => Line::styled(cost.sentence(), theme.dim()),
        (None, None) => Line::raw(""),
    };
    frame.render_widget(Paragraph::new(cost).wrap(Wrap { trim: true }), notes);
}

pub fn join(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let mut lines = vec![
        Line::raw("Party code (4 letters, 4 digits):"),
        Line::styled(format!("  {}▏", app.input), theme.title()),
        Line::raw(""),
        Line::styled("Letters are not case-sensitive.", theme.dim()),
    ];
    if let Some(w) = app.entry_warning() {
        lines.push(Line::styled(w, theme.bad()));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered().title(" Join Party ")),
        centered(area, 52, 9),
    );
}

/// The party code with spaces between characters, for reading aloud.
fn spaced(code: &str) -> String {
    let (letters, digits) = code.split_at(code.len().min(4));
    let join = |s: &str| s.chars().map(String::from).collect::<Vec<_>>().join(" ");
    format!("{}  -  {}", join(letters), join(digits))
}

/// The party code, centered; when the client hosts, the lines that tell
/// friends how to reach the game follow it in a "Share" box.
fn render_code(
    frame: &mut Frame,
    area: Rect,
    party: &PartyStatusResponse,
    share: &[String],
    theme: Theme,
) {
    let mut lines = vec![Line::styled(spaced(&party.party_code), theme.title()).centered()];
    lines.extend(share.iter().map(|l| Line::raw(format!(" {l}"))));
    let title = if share.is_empty() {
        " Party code — share it "
    } else {
        " Share — the party code and how to join "
    };
    // Who may join, on the box's right edge: always in view in the lobby.
    let access = party.access;
    let mode = Line::styled(
        format!(" {} ", access_label(access)),
        if access.is_open() {
            theme.dim()
        } else {
            theme.accent()
        },
    )
    .right_aligned();
    let mut block = Block::bordered().title(title).title(mode);
    // How the party is listed, right below the mode (the top edge has no
    // room for both beside the host's "Share" title); a private party, the
    // usual kind, shows nothing.
    if let Some(listed) = listing_label(party.listing) {
        block =
            block.title_bottom(Line::styled(format!(" {listed} "), theme.accent()).right_aligned());
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}

/// The lobby's access mode, short.
pub(super) fn access_label(access: PartyAccess) -> &'static str {
    match access {
        PartyAccess::Open => "open: anyone with the code",
        PartyAccess::Password => "password needed",
        PartyAccess::InviteOnly => "invite-only",
    }
}

/// How the lobby is listed, short; none for a private party.
pub(super) fn listing_label(listing: PartyListing) -> Option<&'static str> {
    match listing {
        PartyListing::Private => None,
        PartyListing::Public => Some("Public party: in the public list"),
        PartyListing::QuickMatch => Some("Quick match: formed from the queue"),
    }
}

pub fn lobby(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(party) = &app.party else { return };
    let warning = app.lobby_warning();
    // Room for the low-balance warning's two lines when it shows.
    let info_height = if warning.is_some() { 5 } else { 3 };
    // The share lines take what the players' list (six rows at least) and
    // the info box leave; a host with many addresses shows the first ones.
    let room = area.height.saturating_sub(3 + 6 + info_height) as usize;
    let share = &app.share[..app.share.len().min(room)];
    let [code, list, info] = Layout::vertical([
        Constraint::Length(3 + share.len() as u16),
        Constraint::Min(4),
        Constraint::Length(info_height),
    ])
    .areas(area);
    render_code(frame, code, party, share, theme);
    let [list, chat] =
        Layout::horizontal([Constraint::Min(36), Constraint::Length(40)]).areas(list);
    super::chat::party_chat(frame, chat, app, theme);
    let me = app.my_id();
    let rows = party.participants.iter().enumerate().map(|(i, p)| {
        let ready = if p.status == ParticipantStatus::Ready {
            "ready"
        } else {
            "…"
        };
        let presence = if p.connection_status == ConnectionStatus::Connected {
            "●"
        } else {
            "○"
        };
        let mut name = p.username.clone();
        if Some(p.player_id) == me {
            name.push_str(" (you)");
        }
        if app.chat.muted.contains(&p.player_id) {
            name.push_str(" (muted)");
        }
        let row = Row::new(vec![
            Cell::from(if p.is_host { "★" } else { " " }),
            Cell::from(presence),
            Cell::from(name),
            Cell::from(if p.is_bot { "bot" } else { "" }),
            Cell::from(ready),
        ]);
        // Everyone selects: the host to remove, anyone to mute.
        if i == app.selected {
            row.style(theme.selected())
        } else {
            row
        }
    });
    let table = Table::new(
        rows,
        [
            Constraint::Length(1),
            Constraint::Length(1),
            Constraint::Min(20),
            Constraint::Length(4),
            Constraint::Length(6),
        ],
    )
    .block(Block::bordered().title(format!(
        " Players {}/{} (min {}) ",
        party.participants.len(),
        party.max_players,
        party.min_players
    )));
    frame.render_widget(table, list);
    let ready = party
        .participants
        .iter()
        .filter(|p| p.status == ParticipantStatus::Ready)
        .count() as i64;
    let line = if ready >= party.min_players {
        if app.is_host() {
            Line::styled(format!("{ready} ready — press s to start."), theme.good())
        } else {
            Line::raw(format!("{ready} ready — waiting for the host to start."))
        }
    } else {
        Line::raw(format!(
            "{ready} of {} needed are ready.",
            party.min_players
        ))
    };
    let mut lines = vec![line];
    if let Some(warning) = warning {
        lines.push(Line::styled(warning, theme.bad()));
    }
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered()),
        info,
    );
}

pub(super) fn phase_name(phase: PartyPhase) -> &'static str {
    match phase {
        PartyPhase::Prompt => "WRITE AN ORIGINAL",
        PartyPhase::Copy => "WRITE A COPY",
        PartyPhase::Vote => "SPOT THE ORIGINAL",
        PartyPhase::Lobby => "LOBBY",
        PartyPhase::Results | PartyPhase::Completed => "RESULTS",
    }
}

pub fn play(frame: &mut Frame, area: Rect, app: &App, theme: Theme) {
    let Some(party) = &app.party else { return };
    let [banner, body] = Layout::vertical([Constraint::Length(3), Constraint::Min(6)]).areas(area);
    let [form, progress] =
        Layout::horizontal([Constraint::Min(40), Constraint::Length(28)]).areas(body);
    let left = party
        .phase_expires_at
        .map(|at| countdown(app, at))
        .unwrap_or_default();
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(
                format!(
                    "{} · {}",
                    party.current_phase,
                    phase_name(party.current_phase)
                ),
                theme.title(),
            ),
            Span::raw(format!("   ⏱ {left} left   party {}", party.party_code)),
        ]))
        .block(Block::bordered()),
        banner,
    );
    // Progress: everyone's counters for this phase.
    let rows = party.participants.iter().map(|p| {
        let (done, need) = match party.current_phase {
            PartyPhase::Prompt => (p.prompts_submitted, p.prompts_required),
            PartyPhase::Copy => (p.copies_submitted, p.copies_required),
            _ => (p.votes_submitted, p.votes_required),
        };
        let mark = if p.phase_complete { "✓" } else { " " };
        let mut name = p.username.clone();
        name.truncate(16);
        Row::new(vec![
            Cell::from(mark),
            Cell::from(name),
            Cell::from(format!("{done}/{need}")),
        ])
    });
    frame.render_widget(
        Table::new(
            rows,
            [
                Constraint::Length(1),
                Constraint::Min(10),
                Constraint::Length(5),
            ],
        )
        .block(Block::bordered().title(format!(
            " {}/{} done ",
            party.progress.players_ready_for_next_phase, party.progress.total_players
        ))),
        progress,
    );
    let lines = match &app.round {
        None => {
            let me = party
                .participants
                .iter()
                .find(|p| Some(p.player_id) == app.my_id());
            if me.is_some_and(|p| p.phase_complete) {
                vec![
                    Line::styled("Done for this phase!", theme.good()),
                    Line::raw(""),
                    Line::raw("Waiting for the others…"),
                ]
            } else {
                vec![Line::raw("Getting your next round…")]
            }
        }
        Some(round) => {
            let timer = format!("round ends in {}", countdown(app, round.expires_at));
            match round.kind {
                RoundType::Prompt => vec![
                    Line::styled("Your prompt:", theme.dim()),
                    Line::styled(round.prompt_text.clone().unwrap_or_default(), theme.title()),
                    Line::raw(""),
                    Line::raw("Write an original phrase (2–5 words):"),
                    Line::styled(format!("> {}▏", app.input), theme.accent()),
                    Line::raw(""),
                    Line::styled(timer, theme.dim()),
                ],
                RoundType::Copy => vec![
                    Line::styled("Someone wrote:", theme.dim()),
                    Line::styled(
                        round.original_phrase.clone().unwrap_or_default(),
                        theme.title(),
                    ),
                    Line::raw(""),
                    Line::raw("Write a copy that could pass for it (you can't see the prompt):"),
                    Line::styled(format!("> {}▏", app.input), theme.accent()),
                    Line::raw(""),
                    Line::styled(timer, theme.dim()),
                ],
                RoundType::Vote => {
                    let mut lines = vec![
                        Line::styled(round.prompt_text.clone().unwrap_or_default(), theme.title()),
                        Line::raw("Which one is the original?"),
                    ];
                    // Global sets are written by strangers (or the house):
                    // say so, and that they pay like solo votes.
                    if round.from_party == Some(false) {
                        lines.push(Line::styled(
                            "Global set, not your party's: pays like solo.",
                            theme.dim(),
                        ));
                    }
                    lines.push(Line::raw(""));
                    for (i, phrase) in round.phrases.iter().flatten().enumerate() {
                        let text = format!(" {}. {phrase} ", i + 1);
                        lines.push(if i == app.selected {
                            Line::styled(text, theme.selected())
                        } else {
                            Line::raw(text)
                        });
                    }
                    lines.push(Line::raw(""));
                    lines.push(Line::styled(timer, theme.dim()));
                    lines
                }
            }
        }
    };
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(Wrap { trim: true })
            .block(Block::bordered()),
        form,
    );
}
