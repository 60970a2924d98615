//! Headless mode: the same core as the interactive client, driven by a
//! program instead of a keyboard. Each command prints JSON lines on stdout
//! (one object per line, with an `event` field), logs on stderr, and exits
//! with a code that says what failed (see [`Exit`]). A CI script can run a
//! whole party from bash with it.
//!
//! The driver feeds the core the same messages the terminal runtime does —
//! API replies, socket events, ticks — and, where a person would type, it
//! sets the input and presses Enter through `update`, so scripts exercise
//! exactly the code players use.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use party_protocol::party::{CreatePartyRequest, PartyPhase};
use party_protocol::party_access::{PartyAccess, PartyPassword};
use party_protocol::round::RoundType;
use party_protocol::{ErrorCode, Phrase, SessionId};
use serde_json::{Value, json};
use time::OffsetDateTime;
use tokio::sync::mpsc::unbounded_channel;

use crate::api::{ApiClient, CheckError, ClientError};
use crate::core::state::PARTY_MODE_OFF;
use crate::core::{ApiCall, App, Msg, Screen, update};
use crate::runtime::{Effects, perform};

pub mod matchmaking;

/// Exit codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    Ok = 0,
    /// The server refused (the JSON line carries its code).
    Refused = 3,
    /// The wait ran out.
    Timeout = 4,
    /// The server could not be reached.
    Network = 5,
    /// Not signed in, or not in a party when one is needed.
    NoSession = 6,
    /// The server speaks another protocol version.
    Incompatible = 7,
    /// The server's TLS certificate is not trusted (see `--ca-cert`).
    Certificate = 8,
    /// A file the command was asked to write could not be written.
    LocalFile = 9,
}

/// Prints one JSON line.
pub fn emit(value: &Value) {
    println!("{value}");
}

/// How a player chooses phrases and votes.
#[derive(Debug, Clone)]
pub enum Strategy {
    /// Phrases from a list, in order (then bot phrases); votes: the first phrase.
    Phrases(Vec<String>),
    /// Like a server-side bot: generated phrases, random votes.
    Bot,
}

impl Strategy {
    fn phrase(&mut self, app: &App, attempt: usize) -> String {
        let round = app.round.as_ref();
        if let Strategy::Phrases(list) = self
            && attempt == 0
            && !list.is_empty()
        {
            return list.remove(0);
        }
        let mut rng = rand::rng();
        let generated = match round.map(|r| r.kind) {
            Some(RoundType::Copy) => round
                .and_then(|r| r.original_phrase.as_deref())
                .and_then(|o| Phrase::parse(o).ok())
                .and_then(|o| party_server::party::bots::write_copy(&mut rng, &o, None, "")),
            _ => party_server::party::bots::write_original(
                &mut rng,
                round
                    .and_then(|r| r.prompt_text.as_deref())
                    .unwrap_or_default(),
            ),
        };
        generated.map_or_else(|| "HAPPY OTTER".to_owned(), |p| p.as_str().to_owned())
    }

    fn vote(&self) -> usize {
        match self {
            Strategy::Phrases(_) => 0,
            Strategy::Bot => rand::random_range(0..3),
        }
    }
}

/// A headless player: the core, its effects, and a clock.
pub struct Player {
    pub app: App,
    effects: Effects,
    rx: tokio::sync::mpsc::UnboundedReceiver<Msg>,
    /// Whether to print progress lines.
    pub verbose: bool,
}

impl std::fmt::Debug for Player {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Player")
            .field("screen", &self.app.screen)
            .finish_non_exhaustive()
    }
}

impl Player {
    pub fn new(api: ApiClient, data_dir: Option<std::path::PathBuf>) -> Self {
        let (tx, rx) = unbounded_channel();
        let server = api.server().to_owned();
        Player {
            app: App::new(server, OffsetDateTime::now_utc()),
            effects: Effects::new(api, tx, data_dir),
            rx,
            verbose: true,
        }
    }

    /// The client, for calls outside the game's state (friends, invites).
    pub fn api(&self) -> &ApiClient {
        &self.effects.api
    }

    fn remember_party(&self, session: SessionId) {
        if let Some(dir) = self.effects.data_dir.as_deref()
            && let Err(err) =
                crate::credentials::save_last_party(dir, self.effects.api.server(), session)
        {
            tracing::warn!(error = %err, "could not remember the party");
        }
    }

    fn apply(&mut self, msg: Msg) {
        for effect in update(&mut self.app, msg) {
            self.effects.run(effect);
        }
    }

    /// Runs a call now and feeds its answer to the core (for one-shot commands).
    pub async fn call(&mut self, call: ApiCall) -> Result<(), ClientError> {
        let reply = perform(&self.effects.api, call).await;
        let failure = reply_error(&reply);
        self.apply(Msg::Api(Box::new(reply)));
        failure.map_or(Ok(()), Err)
    }

    /// The next message for the core, or `None` once `deadline` passes
    /// (for drivers that look at messages before the core does).
    pub async fn next_msg(&mut self, deadline: tokio::time::Instant) -> Option<Msg> {
        tokio::select! {
            () = tokio::time::sleep_until(deadline) => None,
            msg = self.rx.recv() => msg,
        }
    }

    /// Hands a message to the core and carries out its effects.
    pub fn feed(&mut self, msg: Msg) {
        self.apply(msg);
    }

    /// Presses a key, as a person would.
    pub fn press(&mut self, code: KeyCode) {
        self.apply(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }

    /// Processes messages until `done` holds or `timeout` passes, playing
    /// open rounds with `strategy` when given.
    pub async fn run_until(
        &mut self,
        mut strategy: Option<&mut Strategy>,
        timeout: Duration,
        done: impl Fn(&App) -> bool,
    ) -> Result<(), Exit> {
        let deadline = tokio::time::Instant::now() + timeout;
        let mut ticker = tokio::time::interval(Duration::from_millis(200));
        let mut last_round = None;
        let mut attempts = 0usize;
        let mut last_phase = self.app.phase();
        loop {
            // Not while a request is in flight: a submission's answer can
            // arrive after the events it caused (they are pushed the moment
            // it commits), and a script must see how its last one went.
            if done(&self.app) && !self.app.busy {
                return Ok(());
            }
            if self.app.phase() != last_phase {
                last_phase = self.app.phase();
                if self.verbose {
                    emit(&json!({"event": "phase", "phase": last_phase, "seq": self.app.seq}));
                }
            }
            if let Some(strategy) = strategy.as_deref_mut() {
                self.play_step(strategy, &mut last_round, &mut attempts);
            }
            let msg = tokio::select! {
                () = tokio::time::sleep_until(deadline) => return Err(Exit::Timeout),
                Some(msg) = self.rx.recv() => msg,
                _ = ticker.tick() => Msg::Tick(OffsetDateTime::now_utc()),
            };
            if let Msg::Api(reply) = &msg
                && let crate::core::ApiReply::Submitted(result) = reply.as_ref()
                && self.verbose
            {
                match result {
                    Ok(out) => emit(&json!({"event": "submitted", "round_type": out.round_type,
                        "phrase": out.phrase, "correct": out.correct})),
                    Err(err) => emit(
                        &json!({"event": "rejected", "error": err.code, "message": err.message}),
                    ),
                }
            }
            self.apply(msg);
        }
    }

    /// Submits for the open round. A round still open and idle after a
    /// submission was rejected: try again with another phrase (bounded).
    fn play_step(
        &mut self,
        strategy: &mut Strategy,
        last: &mut Option<party_protocol::RoundId>,
        attempts: &mut usize,
    ) {
        let Some(round) = self.app.round.clone() else {
            return;
        };
        if self.app.busy || self.app.screen != Screen::Play {
            return;
        }
        if *last == Some(round.round_id) {
            *attempts += 1;
            if *attempts > 20 {
                return;
            }
        } else {
            *attempts = 0;
            if self.verbose {
                emit(
                    &json!({"event": "round", "round_type": round.kind, "prompt_text": round.prompt_text,
                    "original_phrase": round.original_phrase, "phrases": round.phrases,
                    "from_party": round.from_party}),
                );
            }
        }
        *last = Some(round.round_id);
        self.app.error = None;
        if round.kind == RoundType::Vote {
            self.app.selected = strategy.vote();
        } else {
            self.app.input = strategy.phrase(&self.app, *attempts);
        }
        self.press(KeyCode::Enter);
    }
}

fn reply_error(reply: &crate::core::ApiReply) -> Option<ClientError> {
    use crate::core::ApiReply as R;
    let (R::SignedIn(Err(err))
    | R::Dashboard(Err(err))
    | R::PartyOpened(Err(err))
    | R::Ready(Err(err))
    | R::Started(Err(err))
    | R::Status(Err(err))
    | R::Results(Err(err))
    | R::Left(Err(err))
    | R::BotsAdded(Err(err))
    | R::Kicked(Err(err))
    | R::Resumed(Err(err))
    | R::PlayAgain(Err(err))
    | R::RoundStarted(Err(err))
    | R::Submitted(Err(err))
    | R::Spectating(_, Err(err))
    | R::SpectatorStatus(Err(err))
    | R::SpectatorResults(Err(err))
    | R::NextGame(Err(err))) = reply
    else {
        return None;
    };
    Some(err.clone())
}

/// Prints a failure and returns its exit code.
pub fn fail(err: &ClientError) -> Exit {
    if err.is_untrusted_certificate() {
        return untrusted(err);
    }
    emit(&json!({"event": "error", "error": err.code, "message": err.message}));
    if err.code.is_none() {
        Exit::Network
    } else {
        Exit::Refused
    }
}

/// Stops with `Incompatible` (and an `error` line saying which side to
/// update) when the server speaks another protocol version.
/// Stops with `Certificate` (and an `untrusted_certificate` line) when the
/// server's TLS certificate is refused.
pub async fn check_protocol(api: &ApiClient) -> Result<(), Exit> {
    api.check_protocol().await.map_err(|err| match err {
        CheckError::Protocol(err) => {
            emit(
                &json!({"event": "error", "error": "protocol_mismatch", "message": err.to_string()}),
            );
            Exit::Incompatible
        }
        CheckError::Certificate(err) => untrusted(&err),
    })
}

fn untrusted(err: &ClientError) -> Exit {
    emit(&json!({"event": "error", "error": "untrusted_certificate", "message": err.message}));
    Exit::Certificate
}

/// Signs in with the saved token; `NoSession` if there is none.
pub async fn resume(player: &mut Player) -> Result<(), Exit> {
    let Some(token) = player
        .effects
        .data_dir
        .as_deref()
        .and_then(|d| crate::credentials::load(d, player.effects.api.server()))
    else {
        emit(
            &json!({"event": "error", "error": "not_signed_in", "message": "Run `headless guest` (or signup/login) first."}),
        );
        return Err(Exit::NoSession);
    };
    player
        .call(ApiCall::Resume(token))
        .await
        .map_err(|e| fail(&e))?;
    // The saved token rotated: keep the new one.
    player
        .run_until(None, Duration::from_secs(10), |a| a.dashboard.is_some())
        .await?;
    Ok(())
}

/// Stops with the server's own code, `party_mode_disabled` (exit
/// `Refused`), when the dashboard said Party Mode is off: every party call
/// would answer 503, so none is made.
pub fn require_party_mode(player: &Player) -> Result<(), Exit> {
    if player.app.party_mode_off() {
        emit(
            &json!({"event": "error", "error": ErrorCode::PartyModeDisabled,
            "message": PARTY_MODE_OFF}),
        );
        return Err(Exit::Refused);
    }
    Ok(())
}

/// Waits until the client knows its party (after resume), or `NoSession`.
pub async fn party(player: &mut Player) -> Result<SessionId, Exit> {
    let _ = player
        .run_until(None, Duration::from_secs(10), |a| {
            a.party.is_some()
                || a.dashboard
                    .as_ref()
                    .is_some_and(|d| d.active_party.is_none())
        })
        .await;
    let Some(session) = player.app.session_id() else {
        emit(
            &json!({"event": "error", "error": "not_in_a_party", "message": "Create or join a party first."}),
        );
        return Err(Exit::NoSession);
    };
    player.remember_party(session);
    Ok(session)
}

/// The current party, or else the last one this data directory played
/// (results stay readable after a party ends).
pub async fn party_or_last(player: &mut Player) -> Result<SessionId, Exit> {
    if let Some(last) = player
        .effects
        .data_dir
        .as_deref()
        .and_then(|d| crate::credentials::load_last_party(d, player.effects.api.server()))
        && player
            .app
            .dashboard
            .as_ref()
            .is_some_and(|d| d.active_party.is_none())
    {
        return Ok(last);
    }
    party(player).await
}

/// Waits for the party a create or join just opened.
pub async fn opened_party(player: &mut Player) -> Result<SessionId, Exit> {
    let _ = player
        .run_until(None, Duration::from_secs(10), |a| a.party.is_some())
        .await;
    let session = player.app.session_id().ok_or(Exit::Timeout)?;
    player.remember_party(session);
    Ok(session)
}

/// The create request from the command's options.
pub fn create_request(
    min: Option<i64>,
    max: Option<i64>,
    prompts: Option<i64>,
    votes: Option<i64>,
    phase_seconds: Option<i64>,
    access: Option<PartyAccess>,
    password: Option<PartyPassword>,
    public: bool,
) -> CreatePartyRequest {
    CreatePartyRequest {
        min_players: min,
        max_players: max,
        prompts_per_player: prompts,
        copies_per_player: prompts.map(|p| 2 * p),
        votes_per_player: votes,
        phase_seconds,
        access,
        password,
        public: public.then_some(true),
    }
}

/// Parses a phase name (case-insensitive).
pub fn parse_phase(s: &str) -> Option<PartyPhase> {
    PartyPhase::parse(&s.to_ascii_uppercase())
}

/// Parses a party password given on the command line (`invalid_request`
/// line and exit code 3 when it breaks the rules).
pub fn password_arg(raw: &str) -> Result<PartyPassword, Exit> {
    PartyPassword::parse(raw).map_err(|e| {
        emit(&json!({"event": "error", "error": "invalid_request", "message": e.to_string()}));
        Exit::Refused
    })
}

/// `headless friends [--add NAME] [--accept NAME]`: sends or accepts a
/// request, then prints the friend list with presence and requests.
pub async fn friends(p: &Player, add: Option<&str>, accept: Option<&str>) -> Result<(), Exit> {
    if let Some(name) = add {
        let sent = p.api().request_friend(name).await.map_err(|e| fail(&e))?;
        emit(
            &json!({"event": "friend_request", "outcome": sent.outcome, "username": sent.username}),
        );
    }
    if let Some(name) = accept {
        let done = p.api().accept_friend(name).await.map_err(|e| fail(&e))?;
        emit(
            &json!({"event": "friend_request", "outcome": done.outcome, "username": done.username}),
        );
    }
    let list = p.api().friends().await.map_err(|e| fail(&e))?;
    emit(&json!({
        "event": "friends",
        "friends": list.friends,
        "incoming": list.incoming,
        "outgoing": list.outgoing,
    }));
    Ok(())
}

/// `headless invite NAME`: the host invites a player to the lobby.
pub async fn invite(p: &mut Player, username: &str) -> Result<(), Exit> {
    let session = party(p).await?;
    let sent = p
        .api()
        .invite(session, username)
        .await
        .map_err(|e| fail(&e))?;
    emit(&json!({"event": "invited", "username": username, "invite": sent}));
    Ok(())
}
