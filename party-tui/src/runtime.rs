//! The interactive driver: the terminal, the event loop, and the effects.
//!
//! Terminal setup and teardown live here alone. Raw mode is undone on every
//! way out — normal quit, error, or panic (a hook restores the terminal
//! before the panic message prints).

use std::io::{self, Stdout, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crossterm::event::{Event, EventStream, KeyEvent, KeyEventKind};
use crossterm::execute;
use crossterm::terminal::{
    EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use futures::{Stream, StreamExt};
use party_protocol::friends::PlayerMessage;
use party_protocol::party_chat::ChatQuery;
use party_protocol::round::RoundType;
use party_protocol::spectate::SpectatorSocketMessage;
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use time::OffsetDateTime;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio::task::JoinHandle;

use crate::api::ApiClient;
use crate::core::matchmaking::PUBLIC_PAGE;
use crate::core::{ApiCall, ApiReply, App, Effect, Msg, RoundView, update};
use crate::credentials::{DirTokens, TokenStore};
use crate::ui::{self, Theme};
use crate::ws;

type Term = Terminal<CrosstermBackend<Stdout>>;

fn setup() -> io::Result<Term> {
    enable_raw_mode()?;
    execute!(io::stdout(), EnterAlternateScreen)?;
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        restore();
        previous(info);
    }));
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Leaves raw mode and the alternate screen (safe to call twice).
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, crossterm::cursor::Show);
}

/// Writes `text` to `file_name` in the data directory; the path written,
/// or why not.
fn save_text(dir: &std::path::Path, file_name: &str, text: &str) -> Result<String, String> {
    let path = dir.join(file_name);
    std::fs::create_dir_all(dir)
        .and_then(|()| std::fs::write(&path, text))
        .map(|()| path.display().to_string())
        .map_err(|e| format!("Could not save {}: {e}", path.display()))
}

/// Carries out effects: each call runs on its own task and reports back.
#[derive(Debug)]
pub struct Effects {
    pub api: ApiClient,
    pub out: UnboundedSender<Msg>,
    pub data_dir: Option<PathBuf>,
    /// Where the refresh token goes after a sign-in (none: not kept).
    pub tokens: Option<Arc<dyn TokenStore>>,
    socket: Option<JoinHandle<()>>,
    /// The spectator socket of the party watched.
    spectator: Option<JoinHandle<()>>,
    /// The player socket (invites).
    player: Option<JoinHandle<()>>,
}

impl Effects {
    pub fn new(api: ApiClient, out: UnboundedSender<Msg>, data_dir: Option<PathBuf>) -> Self {
        let tokens = data_dir
            .clone()
            .map(|d| Arc::new(DirTokens(d)) as Arc<dyn TokenStore>);
        Self {
            api,
            out,
            data_dir,
            tokens,
            socket: None,
            spectator: None,
            player: None,
        }
    }

    /// Effects whose sign-in is kept in `tokens` rather than a data directory.
    pub fn with_tokens(
        api: ApiClient,
        out: UnboundedSender<Msg>,
        tokens: Option<Arc<dyn TokenStore>>,
    ) -> Self {
        Self {
            api,
            out,
            data_dir: None,
            tokens,
            socket: None,
            spectator: None,
            player: None,
        }
    }

    pub fn run(&mut self, effect: Effect) {
        match effect {
            Effect::Call(call) => {
                let api = self.api.clone();
                let out = self.out.clone();
                tokio::spawn(async move {
                    let reply = perform(&api, call).await;
                    let _ = out.send(Msg::Api(Box::new(reply)));
                });
            }
            Effect::ConnectWs { session, since } => {
                if let Some(old) = self.socket.take() {
                    old.abort();
                }
                self.socket = Some(tokio::spawn(ws::run(
                    self.api.clone(),
                    session,
                    since,
                    self.out.clone(),
                )));
            }
            Effect::CloseWs => {
                if let Some(old) = self.socket.take() {
                    old.abort();
                }
            }
            Effect::ConnectSpectatorWs { session, since } => {
                let path = format!("/party/{session}/spectate/ws");
                replace(
                    &mut self.spectator,
                    Some(tokio::spawn(ws::follow::<SpectatorSocketMessage>(
                        self.api.clone(),
                        path,
                        since,
                        self.out.clone(),
                    ))),
                );
            }
            Effect::CloseSpectatorWs => replace(&mut self.spectator, None),
            Effect::ConnectPlayerWs => replace(
                &mut self.player,
                Some(tokio::spawn(ws::follow::<PlayerMessage>(
                    self.api.clone(),
                    "/player/ws".to_owned(),
                    None,
                    self.out.clone(),
                ))),
            ),
            Effect::ClosePlayerWs => replace(&mut self.player, None),
            Effect::SaveCredentials => {
                let api = self.api.clone();
                let tokens = self.tokens.clone();
                tokio::spawn(async move {
                    if let Some(tokens) = tokens {
                        save_token(&api, tokens.as_ref()).await;
                    }
                });
            }
            Effect::SaveText { file_name, text } => {
                let saved = match &self.data_dir {
                    Some(dir) => save_text(dir, &file_name, &text),
                    None => Err("This client keeps no files (over SSH, for one): \
                                 select the text to copy it."
                        .to_owned()),
                };
                let _ = self.out.send(Msg::Saved(saved));
            }
            Effect::Quit => {}
        }
    }
}

/// Puts a socket task in its slot, ending the one there before.
fn replace(slot: &mut Option<JoinHandle<()>>, task: Option<JoinHandle<()>>) {
    if let Some(old) = std::mem::replace(slot, task) {
        old.abort();
    }
}

impl Drop for Effects {
    fn drop(&mut self) {
        for slot in [&mut self.socket, &mut self.spectator, &mut self.player] {
            replace(slot, None);
        }
    }
}

/// Makes one server call and wraps the answer as a message.
pub async fn perform(api: &ApiClient, call: ApiCall) -> ApiReply {
    match call {
        ApiCall::Resume(token) => ApiReply::Resumed(api.resume(&token).await.map(|_| ())),
        ApiCall::Guest => ApiReply::SignedIn(api.guest().await),
        ApiCall::Register { username, password } => {
            ApiReply::SignedIn(api.register(&username, &password).await)
        }
        ApiCall::Login { username, password } => {
            ApiReply::SignedIn(api.login(&username, &password).await)
        }
        ApiCall::Dashboard => ApiReply::Dashboard(api.dashboard().await),
        ApiCall::CreateParty(req) => ApiReply::PartyOpened(api.create_party(&req).await),
        ApiCall::JoinParty(code) => ApiReply::PartyOpened(api.join_party(&code).await),
        ApiCall::JoinWithPassword(code, password) => {
            ApiReply::PartyOpened(api.join_party_with_password(&code, &password).await)
        }
        ApiCall::Ready(s, ready) => ApiReply::Ready(api.ready(s, ready).await),
        ApiCall::Start(s) => ApiReply::Started(api.start(s).await),
        ApiCall::Status(s) => ApiReply::Status(api.status(s).await),
        ApiCall::StartRound(s, kind) => ApiReply::RoundStarted(match kind {
            RoundType::Prompt => api.start_prompt(s).await.map(RoundView::from),
            RoundType::Copy => api.start_copy(s).await.map(RoundView::from),
            RoundType::Vote => api.start_vote(s).await.map(RoundView::from),
        }),
        ApiCall::Submit(s, round, phrase) => {
            ApiReply::Submitted(api.submit(s, round, &phrase).await)
        }
        ApiCall::Results(s) => ApiReply::Results(api.results(s).await),
        ApiCall::PhrasesetResults(id) => {
            ApiReply::PhrasesetResults(id, api.phraseset_results(id).await)
        }
        ApiCall::Leave(s) => ApiReply::Left(api.leave(s).await.map(|_| ())),
        ApiCall::AddBots(s, n) => ApiReply::BotsAdded(api.add_bots(s, n).await),
        ApiCall::Kick(s, p) => ApiReply::Kicked(api.kick(s, p).await.map(|_| ())),
        ApiCall::PlayAgain(s) => ApiReply::PlayAgain(api.play_again(s).await),
        ApiCall::ActiveParty => ApiReply::ActiveParty(api.active_party().await),
        ApiCall::Friends => ApiReply::Friends(match api.friends().await {
            Ok(friends) => api.blocks().await.map(|blocks| (friends, blocks)),
            Err(err) => Err(err),
        }),
        ApiCall::Friend(action, name) => {
            let result = api.friend_action(action, &name).await;
            ApiReply::Friend(action, name, result)
        }
        ApiCall::Invite(s, name) => {
            let result = api.invite(s, &name).await;
            ApiReply::Invited(name, result)
        }
        ApiCall::DeclineInvite(s) => ApiReply::InviteDeclined(s, api.decline_invite(s).await),
        ApiCall::SetAccess(s, access, password) => {
            ApiReply::AccessSet(api.set_access(s, access, password).await)
        }
        ApiCall::Spectate(code, password) => {
            let result = api.spectate(&code, password.as_ref()).await;
            ApiReply::Spectating(code, result)
        }
        ApiCall::SpectatorStatus(s) => ApiReply::SpectatorStatus(api.spectator_status(s).await),
        ApiCall::SpectatorResults(s) => ApiReply::SpectatorResults(api.spectator_results(s).await),
        ApiCall::NextGame(s, join) => ApiReply::NextGame(api.next_game(s, join).await),
        ApiCall::Chat(s, text) => ApiReply::Chat(api.chat(s, &text).await),
        ApiCall::StopSpectating(s) => ApiReply::StoppedSpectating(api.stop_spectating(s).await),
        ApiCall::QuickMatch(wait) => ApiReply::QuickMatch(api.quick_match(wait).await),
        ApiCall::QuickMatchStatus => ApiReply::QuickMatch(api.quick_match_status().await),
        ApiCall::LeaveQuickMatch => ApiReply::LeftQueue(api.leave_quick_match().await),
        ApiCall::PublicParties(offset) => {
            ApiReply::PublicParties(offset, api.public_parties(PUBLIC_PAGE, offset).await)
        }
        ApiCall::History(query) => ApiReply::History(query.before, api.party_history(&query).await),
        ApiCall::PastResults(s) => ApiReply::PastResults(s, api.results(s).await),
        ApiCall::Stats => ApiReply::Stats(api.party_stats().await),
        ApiCall::Leaderboard(query) => ApiReply::Leaderboard(api.leaderboard(&query).await),
        ApiCall::ChatPage(s) => ApiReply::ChatPage(s, api.chat_page(s, ChatQuery::default()).await),
        ApiCall::SendChat(s, text) => ApiReply::ChatSent(api.send_chat(s, &text).await),
        ApiCall::Mute(s, player, mute) => ApiReply::Muted(api.mute(s, player, mute).await),
        ApiCall::Reactions(s) => ApiReply::Reactions(api.reactions(s).await),
        ApiCall::React(s, phrase, r) => ApiReply::Reactions(api.react(s, phrase, r).await),
        ApiCall::Favourite(s, phrase) => ApiReply::Reactions(api.favourite(s, phrase).await),
    }
}

/// Keeps the client's current refresh token (it rotates on every refresh).
pub async fn save_token(api: &ApiClient, tokens: &dyn TokenStore) {
    if let Some(token) = api.refresh_token().await
        && let Err(err) = tokens.save(api.server(), &token)
    {
        tracing::warn!(error = %err, "could not save credentials");
    }
}

/// What a terminal sends the client: keys, and a new size (for a terminal
/// whose size the client cannot ask for itself, such as an SSH channel).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    Key(KeyEvent),
    Resize { cols: u16, rows: u16 },
}

/// Runs the interactive client until the player quits. `share` is what
/// the lobby tells friends (see [`crate::share::lines`]); empty: nothing.
pub async fn run_interactive(
    api: ApiClient,
    data_dir: Option<PathBuf>,
    server_label: String,
    share: Vec<String>,
) -> anyhow::Result<()> {
    let mut terminal = setup()?;
    let tokens = data_dir.map(|d| Arc::new(DirTokens(d)) as Arc<dyn TokenStore>);
    let keys = EventStream::new().filter_map(|event| async move {
        match event {
            Ok(Event::Key(key)) if key.kind != KeyEventKind::Release => Some(Ok(Input::Key(key))),
            // The full-screen viewport follows the terminal's size by itself.
            Ok(_) => None,
            Err(err) => Some(Err(err)),
        }
    });
    let session = Session {
        api,
        tokens,
        label: server_label,
        theme: Theme::from_env(),
        share,
    };
    let result = drive(&mut terminal, Box::pin(keys), session).await;
    restore();
    result
}

/// One player's client: the server, where their sign-in is kept, the label
/// in the header, the colors, and the lines the lobby shares with friends.
#[derive(Debug)]
pub struct Session {
    pub api: ApiClient,
    pub tokens: Option<Arc<dyn TokenStore>>,
    pub label: String,
    pub theme: Theme,
    pub share: Vec<String>,
}

/// The event loop of one interactive client, on any terminal that takes
/// crossterm's escape codes: the screens, keys and reconnects are the same
/// whether the terminal is this process's own or a remote one.
pub async fn drive<W, I>(
    terminal: &mut Terminal<CrosstermBackend<W>>,
    mut input: I,
    session: Session,
) -> anyhow::Result<()>
where
    W: Write,
    I: Stream<Item = io::Result<Input>> + Unpin,
{
    let Session {
        api,
        tokens,
        label,
        theme,
        share,
    } = session;
    let (tx, mut rx) = unbounded_channel::<Msg>();
    let mut effects = Effects::with_tokens(api.clone(), tx, tokens.clone());
    let mut app = App::new(label, OffsetDateTime::now_utc());
    app.unencrypted = crate::tls::unencrypted_beyond_lan(api.server());
    app.share = share;
    // A person at the dashboard sees invites as they come.
    app.live_invites = true;
    // A saved session resumes at once; otherwise the sign-in screen shows.
    if let Some(token) = tokens.as_deref().and_then(|t| t.load(api.server())) {
        effects.run(Effect::Call(ApiCall::Resume(token)));
    }
    let mut ticker = tokio::time::interval(Duration::from_millis(250));
    loop {
        terminal.draw(|frame| ui::render(frame, &app, theme))?;
        let msg = tokio::select! {
            event = input.next() => match event {
                Some(Ok(Input::Key(key))) => Msg::Key(key),
                Some(Ok(Input::Resize { cols, rows })) => {
                    terminal.resize(Rect::new(0, 0, cols, rows))?;
                    continue;
                }
                Some(Err(err)) => return Err(err.into()),
                None => break,
            },
            Some(msg) = rx.recv() => msg,
            _ = ticker.tick() => Msg::Tick(OffsetDateTime::now_utc()),
        };
        for effect in update(&mut app, msg) {
            effects.run(effect);
        }
        if app.quit {
            break;
        }
    }
    // Tokens rotate on refresh mid-game: keep the latest for the next visit.
    if let Some(tokens) = tokens.as_deref()
        && app.me.is_some()
    {
        save_token(&api, tokens).await;
    }
    Ok(())
}
