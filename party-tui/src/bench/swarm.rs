//! The bot swarm: K parties of N players, each player a guest with its own
//! party socket, acting on a fixed schedule.
//!
//! Open loop: player `j` of a party started at `t0` owns the slots
//! `t0 + offset + (j/N) × interval + i × interval`. At each slot it does its
//! next action if it can (else it waits for the next slot). Latency is
//! counted from the slot, not from when the request could be sent: a slow
//! answer that delays the player's next action shows up in that action's
//! latency too (no coordinated omission).
//!
//! Two modes. [`Mode::Once`]: every party starts within the first interval
//! and plays once (the smoke test). [`Mode::Continuous`]: K party slots,
//! each playing parties back to back, their starts spread over one party's
//! length, so K parties are always in progress at different stages (as on
//! a real server: the phase ends of different parties do not all fall in
//! the same second). Only the window after that warm-up is measured, and
//! parties still running when it closes are cut (not counted as errors).

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures::{SinkExt, StreamExt};
use party_protocol::account::{AuthResponse, WsTokenResponse};
use party_protocol::party::{
    CreatePartyRequest, ParticipantStatus, PartyCopyRoundResponse, PartyPhase,
    PartyPromptRoundResponse, PartyResultsResponse, PartySessionResponse, PartyStatusResponse,
    PartySubmitResponse, PartyVoteRoundResponse, ReadyResponse, RoundSessionProgress,
    SessionStatus, StartPartyResponse,
};
use party_protocol::{Phrase, PlayerId, RoundId};
use reqwest::Method;
use serde::Deserialize;
use serde_json::json;
use time::OffsetDateTime;
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::{Instant, sleep_until, timeout};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use uuid::Uuid;

use super::client::{Failure, Http};
use super::stats::{PartyFanout, Recorder, SeqTracker};

/// Submissions refused for the phrase are retried with a new phrase this often.
const PHRASE_RETRIES: usize = 8;
/// A player whose socket is down and who could not act for this many
/// slots asks for the status (as the client falls back to polling).
const STALL_SLOTS: u32 = 4;
/// With the socket up, it asks only after this many idle slots (a safety
/// net: a lost event would otherwise stall the bot for good).
const STALL_SLOTS_CONNECTED: u32 = 24;
/// Socket reconnections per player before giving up.
const WS_RECONNECTS: u32 = 3;

/// One step of load: what to run.
#[derive(Debug, Clone)]
pub struct StepConfig {
    pub parties: usize,
    pub players: usize,
    pub interval: Duration,
    pub create: CreatePartyRequest,
    /// Nothing runs past this instant (the `--max-seconds` cap).
    pub deadline: Instant,
    pub mode: Mode,
}

/// How parties are started (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Once,
    Continuous {
        /// Party starts are spread over this (about one party's length).
        warmup: Duration,
        /// Then measured for this long.
        window: Duration,
    },
}

impl StepConfig {
    /// The slots a player may use: the script needs about 10 + 2 × rounds.
    fn max_slots(&self) -> u32 {
        let prompts = self.create.prompts_per_player.unwrap_or(1);
        let copies = self.create.copies_per_player.unwrap_or(2 * prompts);
        let votes = self.create.votes_per_player.unwrap_or(3);
        (30 + 4 * (prompts + copies + votes)) as u32
    }
}

/// What one step did (the recorder holds the latencies).
#[derive(Debug, Clone, Default)]
pub struct StepOutcome {
    pub parties_completed: usize,
    /// Parties that ended inside the measured window.
    pub completed_in_window: usize,
    /// Parties still running when the window closed (continuous mode).
    pub parties_cut: usize,
    /// From the first slot to the last player's end.
    pub duration: Duration,
    pub connected_peak: i64,
}

/// Open sockets now and at most.
#[derive(Debug, Default)]
pub struct Gauge {
    now: AtomicI64,
    peak: AtomicI64,
}

/// Counts one open socket until dropped (an aborted task drops it too).
#[derive(Debug)]
struct Open<'a>(&'a Gauge);

impl Drop for Open<'_> {
    fn drop(&mut self) {
        self.0.now.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Gauge {
    fn open(&self) -> Open<'_> {
        let n = self.now.fetch_add(1, Ordering::Relaxed) + 1;
        self.peak.fetch_max(n, Ordering::Relaxed);
        Open(self)
    }

    pub fn now(&self) -> i64 {
        self.now.load(Ordering::Relaxed)
    }

    pub fn peak(&self) -> i64 {
        self.peak.load(Ordering::Relaxed)
    }
}

/// What every task of a step shares.
#[derive(Debug)]
struct Ctx {
    http: Http,
    cfg: StepConfig,
    /// Players stop at their first slot after this (the window's end, or
    /// the deadline).
    stop_at: Instant,
    sockets: Arc<Gauge>,
}

/// How a party ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    Completed,
    /// Still running when the measured window closed.
    Cut,
    Failed,
}

/// What the players of one party share.
#[derive(Debug)]
struct Party {
    /// The host's first slot; member `j` is `j/N` of an interval later.
    t0: Instant,
    /// The host publishes the session and its code here.
    opened: watch::Sender<Option<(Uuid, String)>>,
    fanout: PartyFanout,
}

/// What a player's socket has learned.
#[derive(Debug, Default)]
struct View {
    phase: Option<PartyPhase>,
    ready_count: i64,
    participants: i64,
    /// The socket saw `session_completed` (or a snapshot already past it).
    completed: bool,
    /// The socket is open now.
    connected: bool,
    seq: SeqTracker,
}

type SharedView = Arc<Mutex<View>>;

fn lock(view: &SharedView) -> std::sync::MutexGuard<'_, View> {
    match view.lock() {
        Ok(g) => g,
        Err(poisoned) => poisoned.into_inner(),
    }
}

/// The golden-ratio sequence: spreads starts evenly over an interval.
fn spread(i: u64) -> f64 {
    (i as f64 * 0.618_033_988_749_895).fract()
}

/// Runs one step: every party from guest sign-up to results.
pub async fn run_step(
    http: &Http,
    cfg: &StepConfig,
    sockets: Arc<Gauge>,
    seed: u64,
) -> StepOutcome {
    let t0 = Instant::now() + Duration::from_millis(100);
    let (stop_at, window) = match cfg.mode {
        Mode::Once => (cfg.deadline, None),
        Mode::Continuous { warmup, window } => {
            let end = (t0 + warmup + window).min(cfg.deadline);
            (end, Some((t0 + warmup, end)))
        }
    };
    if let Some((from, to)) = window {
        http.recorder().set_window(from, to);
    }
    let ctx = Arc::new(Ctx {
        http: http.clone(),
        cfg: cfg.clone(),
        stop_at,
        sockets: sockets.clone(),
    });
    let mut slots = JoinSet::new();
    for k in 0..cfg.parties {
        let ctx = ctx.clone();
        let first = match cfg.mode {
            Mode::Once => t0 + cfg.interval.mul_f64(spread(k as u64 + seed)),
            Mode::Continuous { warmup, .. } => t0 + warmup.mul_f64(spread(k as u64 + seed)),
        };
        slots.spawn(async move {
            let mut ends = Vec::new();
            let mut start = first;
            // Back to back while the window is open (once in `Once` mode).
            for round in 0..1000u64 {
                let party = Arc::new(Party {
                    t0: start,
                    opened: watch::channel(None).0,
                    fanout: PartyFanout::default(),
                });
                let mut players = JoinSet::new();
                for j in 0..ctx.cfg.players {
                    players.spawn(player(ctx.clone(), party.clone(), j));
                }
                let mut end = End::Completed;
                while let Some(done) = players.join_next().await {
                    // Failed beats cut beats completed.
                    match done.unwrap_or(End::Failed) {
                        End::Failed => end = End::Failed,
                        End::Cut if end == End::Completed => end = End::Cut,
                        End::Cut | End::Completed => {}
                    }
                }
                party.fanout.flush_into(ctx.http.recorder());
                let now = Instant::now();
                ends.push((end, now));
                if ctx.cfg.mode == Mode::Once || now >= ctx.stop_at || end != End::Completed {
                    break;
                }
                // The next party of this slot starts within the next interval.
                start = now + ctx.cfg.interval.mul_f64(spread(round + k as u64));
            }
            ends
        });
    }
    let mut outcome = StepOutcome::default();
    while let Some(done) = slots.join_next().await {
        for (end, at) in done.unwrap_or_default() {
            match end {
                End::Completed => {
                    outcome.parties_completed += 1;
                    if window.is_none_or(|(from, to)| at >= from && at <= to) {
                        outcome.completed_in_window += 1;
                    }
                }
                End::Cut => outcome.parties_cut += 1,
                End::Failed => {}
            }
        }
    }
    outcome.duration = Instant::now().saturating_duration_since(t0);
    outcome.connected_peak = sockets.peak();
    outcome
}

/// An open party round and what its phrase depends on.
#[derive(Debug, Clone)]
enum Round {
    Prompt { id: RoundId, prompt: String },
    Copy { id: RoundId, original: String },
    Vote { id: RoundId, phrases: [String; 3] },
}

impl Round {
    fn id(&self) -> RoundId {
        match self {
            Round::Prompt { id, .. } | Round::Copy { id, .. } | Round::Vote { id, .. } => *id,
        }
    }

    /// A phrase the bots of the server would write, or a vote.
    fn phrase(&self) -> String {
        let mut rng = rand::rng();
        let fallback = || "HAPPY OTTER".to_owned();
        match self {
            Round::Prompt { prompt, .. } => {
                party_server::party::bots::write_original(&mut rng, prompt)
                    .map_or_else(fallback, |p| p.as_str().to_owned())
            }
            Round::Copy { original, .. } => Phrase::parse(original)
                .ok()
                .and_then(|o| party_server::party::bots::write_copy(&mut rng, &o, None, ""))
                .map_or_else(fallback, |p| p.as_str().to_owned()),
            // The voter does not know the original: any of the three.
            Round::Vote { phrases, .. } => {
                party_server::party::bots::choose_vote(&mut rng, phrases, "").to_owned()
            }
        }
    }
}

/// Whether the caller met the phase's quota, from a round's progress.
fn phase_done(p: &RoundSessionProgress) -> bool {
    p.phase_complete.unwrap_or(false)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Guest,
    Enter,
    Ready,
    Play,
    Done,
}

/// One bot's state between its slots.
#[derive(Debug)]
struct Bot {
    ctx: Arc<Ctx>,
    party: Arc<Party>,
    host: bool,
    view: SharedView,
    socket: Option<tokio::task::JoinHandle<()>>,
    stage: Stage,
    token: String,
    me: Option<PlayerId>,
    session: Uuid,
    /// The phase this bot acts in (the socket's, or newer from an answer).
    phase: Option<PartyPhase>,
    done_with_phase: bool,
    round: Option<Round>,
    round_failures: u32,
    /// Slots in a row without an action.
    idle: u32,
    /// Ask for the status at this slot (the bot's phase proved stale).
    poll_now: bool,
}

/// One bot. Completed when it played its party to the results and its
/// socket saw the party end.
async fn player(ctx: Arc<Ctx>, party: Arc<Party>, j: usize) -> End {
    let n = ctx.cfg.players;
    let first = party.t0 + ctx.cfg.interval.mul_f64(j as f64 / n as f64);
    let mut bot = Bot {
        ctx: ctx.clone(),
        party,
        host: j == 0,
        view: Arc::default(),
        socket: None,
        stage: Stage::Guest,
        token: String::new(),
        me: None,
        session: Uuid::nil(),
        phase: None,
        done_with_phase: false,
        round: None,
        round_failures: 0,
        idle: 0,
        poll_now: false,
    };
    let rec = ctx.http.recorder().clone();
    let mut cut = false;
    for slot in 0..ctx.cfg.max_slots() {
        let due = first + ctx.cfg.interval * slot;
        if due >= ctx.stop_at {
            if ctx.cfg.mode == Mode::Once {
                rec.error("player:deadline");
            } else {
                cut = true;
            }
            break;
        }
        sleep_until(due).await;
        match bot.stage {
            Stage::Guest => bot.guest(due).await,
            Stage::Enter => {
                if bot.enter(due).await.is_err() {
                    break;
                }
            }
            Stage::Ready => bot.ready(due).await,
            Stage::Play => bot.play(due).await,
            Stage::Done => break,
        }
        if bot.stage == Stage::Done {
            break;
        }
    }
    if cut {
        // The window closed mid-party: drop the socket; only gaps it
        // already saw count.
        if let Some(handle) = bot.socket.take() {
            handle.abort();
            let _ = handle.await;
            rec.lost(lock(&bot.view).seq.lost);
        }
        return End::Cut;
    }
    let mut ok = bot.stage == Stage::Done;
    if !ok {
        rec.error(format!("player:unfinished_{:?}", bot.stage).to_lowercase());
    }
    // Give the socket a moment to see the end, then close it.
    if let Some(mut handle) = bot.socket.take() {
        let grace = ctx.cfg.interval * 2 + Duration::from_secs(5);
        if timeout(grace, &mut handle).await.is_err() {
            handle.abort();
            let _ = handle.await;
        }
        let v = lock(&bot.view);
        rec.lost(v.seq.lost + u64::from(!v.completed));
        ok &= v.completed;
    } else {
        ok = false;
    }
    if ok { End::Completed } else { End::Failed }
}

impl Bot {
    fn rec(&self) -> &Recorder {
        self.ctx.http.recorder()
    }

    fn path(&self, tail: &str) -> String {
        format!("/party/{}{tail}", self.session)
    }

    /// A new phase: nothing done in it yet.
    fn enter_phase(&mut self, phase: Option<PartyPhase>) {
        if phase > self.phase {
            self.phase = phase;
            self.done_with_phase = false;
            self.round = None;
        }
    }

    async fn guest(&mut self, due: Instant) {
        match self
            .ctx
            .http
            .call::<AuthResponse>(
                "guest",
                Some(due),
                Method::POST,
                "/player/guest",
                None,
                None,
            )
            .await
        {
            Ok(auth) => {
                self.token = auth.access_token;
                self.me = Some(auth.player_id);
                self.stage = Stage::Enter;
            }
            Err(e) => self.rec().error(format!("guest:{}", e.code)),
        }
    }

    /// The host creates the party; the others join it once they know its
    /// code. `Err` when this bot cannot get in at all.
    async fn enter(&mut self, due: Instant) -> Result<(), ()> {
        let (kind, entered) = if self.host {
            let body = serde_json::to_value(&self.ctx.cfg.create).unwrap_or_default();
            let r = self
                .ctx
                .http
                .call::<PartySessionResponse>(
                    "create",
                    Some(due),
                    Method::POST,
                    "/party/create",
                    Some(&self.token),
                    Some(&body),
                )
                .await;
            if let Ok(s) = &r {
                self.party
                    .opened
                    .send_replace(Some((s.session_id, s.party_code.clone())));
            }
            ("create", r)
        } else {
            let code = self.party.opened.borrow().as_ref().map(|(_, c)| c.clone());
            let Some(code) = code else {
                return Ok(()); // the host has not created it yet
            };
            let r = self
                .ctx
                .http
                .call::<PartySessionResponse>(
                    "join",
                    Some(due),
                    Method::POST,
                    "/party/join",
                    Some(&self.token),
                    Some(&json!({ "party_code": code })),
                )
                .await;
            ("join", r)
        };
        match entered {
            Ok(s) => {
                self.session = s.session_id;
                lock(&self.view).participants = s.participant_count;
                // The client opens its socket as soon as it is in.
                self.socket = Some(tokio::spawn(run_socket(
                    self.ctx.clone(),
                    self.party.clone(),
                    self.token.clone(),
                    self.session,
                    self.view.clone(),
                )));
                self.stage = Stage::Ready;
                Ok(())
            }
            Err(e) => {
                self.rec().error(format!("{kind}:{}", e.code));
                if e.is("session_full") || e.is("session_already_started") {
                    Err(())
                } else {
                    Ok(())
                }
            }
        }
    }

    async fn ready(&mut self, due: Instant) {
        match self
            .ctx
            .http
            .call::<ReadyResponse>(
                "ready",
                Some(due),
                Method::POST,
                &self.path("/ready"),
                Some(&self.token),
                Some(&json!({ "ready": true })),
            )
            .await
        {
            Ok(r) => {
                let mut v = lock(&self.view);
                v.ready_count = v.ready_count.max(r.session.ready_count);
                v.participants = v.participants.max(r.session.total_count);
                self.stage = Stage::Play;
            }
            Err(e) => self.rec().error(format!("ready:{}", e.code)),
        }
    }

    /// One slot of play: start the party (host), start or submit a round,
    /// fetch the results at the end — or wait, and after a long wait ask.
    async fn play(&mut self, due: Instant) {
        let (seen, ready_count, participants, connected) = {
            let v = lock(&self.view);
            (v.phase, v.ready_count, v.participants, v.connected)
        };
        self.enter_phase(seen);
        let n = self.ctx.cfg.players as i64;
        let acted = match self.phase {
            Some(PartyPhase::Results | PartyPhase::Completed) => {
                self.results(due).await;
                self.stage = Stage::Done;
                return;
            }
            None | Some(PartyPhase::Lobby) => {
                if self.host && ready_count >= n && participants >= n {
                    self.start(due).await;
                    true
                } else {
                    false
                }
            }
            Some(_) if self.done_with_phase => false,
            Some(current) => {
                if let Some(open) = self.round.clone() {
                    self.submit(due, &open).await;
                } else {
                    self.start_round(due, current).await;
                }
                true
            }
        };
        self.idle = if acted { 0 } else { self.idle + 1 };
        let patience = if connected {
            STALL_SLOTS_CONNECTED
        } else {
            STALL_SLOTS
        };
        if self.poll_now || self.idle >= patience {
            self.poll_now = false;
            self.idle = 0;
            self.rec().stall();
            self.status(due).await;
        }
    }

    async fn start(&mut self, due: Instant) {
        match self
            .ctx
            .http
            .call::<StartPartyResponse>(
                "start",
                Some(due),
                Method::POST,
                &self.path("/start"),
                Some(&self.token),
                None,
            )
            .await
        {
            Ok(s) => self.enter_phase(Some(s.current_phase)),
            Err(e) => self.rec().error(format!("start:{}", e.code)),
        }
    }

    async fn start_round(&mut self, due: Instant, phase: PartyPhase) {
        match start_round(&self.ctx, due, &self.session, &self.token, phase).await {
            Ok(r) => self.round = Some(r),
            Err(e) => {
                self.rec().error(format!("start_round:{}", e.code));
                if ["already_submitted", "copies_complete", "votes_complete"]
                    .contains(&e.code.as_str())
                {
                    self.done_with_phase = true;
                }
                if e.is("wrong_phase") {
                    self.poll_now = true; // our phase is stale: ask
                }
            }
        }
    }

    async fn submit(&mut self, due: Instant, open: &Round) {
        match submit(&self.ctx, due, &self.session, &self.token, open).await {
            Ok(out) => {
                self.round = None;
                self.round_failures = 0;
                self.done_with_phase = phase_done(&out.session_progress);
                if let Some(t) = out.phase_transition {
                    self.enter_phase(Some(t.new_phase));
                }
            }
            Err(e) => {
                self.rec().error(format!("submit:{}", e.code));
                self.round_failures += 1;
                if self.round_failures > 2 || e.is("expired") {
                    self.round = None;
                }
            }
        }
    }

    async fn results(&self, due: Instant) {
        if let Err(e) = self
            .ctx
            .http
            .call::<PartyResultsResponse>(
                "results",
                Some(due),
                Method::GET,
                &self.path("/results"),
                Some(&self.token),
                None,
            )
            .await
        {
            self.rec().error(format!("results:{}", e.code));
        }
    }

    /// Reads the status after a long wait (an event may never have come).
    async fn status(&mut self, due: Instant) {
        let s = match self
            .ctx
            .http
            .call::<PartyStatusResponse>(
                "status",
                Some(due),
                Method::GET,
                &self.path("/status"),
                Some(&self.token),
                None,
            )
            .await
        {
            Ok(s) => s,
            Err(e) => {
                self.rec().error(format!("status:{}", e.code));
                return;
            }
        };
        self.enter_phase(Some(if s.status == SessionStatus::Completed {
            PartyPhase::Results
        } else {
            s.current_phase
        }));
        let playing = matches!(
            self.phase,
            Some(PartyPhase::Prompt | PartyPhase::Copy | PartyPhase::Vote)
        );
        if let Some(mine) = s.participants.iter().find(|p| Some(p.player_id) == self.me) {
            self.done_with_phase |= playing && mine.phase_complete;
        }
        let ready = s
            .participants
            .iter()
            .filter(|p| p.status == ParticipantStatus::Ready)
            .count() as i64;
        let mut v = lock(&self.view);
        v.participants = v.participants.max(s.participants.len() as i64);
        v.ready_count = v.ready_count.max(ready);
    }
}

async fn start_round(
    ctx: &Ctx,
    due: Instant,
    session: &Uuid,
    token: &str,
    phase: PartyPhase,
) -> Result<Round, Failure> {
    let path = |kind: &str| format!("/party/{session}/rounds/{kind}");
    match phase {
        PartyPhase::Prompt => ctx
            .http
            .call::<PartyPromptRoundResponse>(
                "start_round",
                Some(due),
                Method::POST,
                &path("prompt"),
                Some(token),
                None,
            )
            .await
            .map(|r| Round::Prompt {
                id: r.round_id,
                prompt: r.prompt_text,
            }),
        PartyPhase::Copy => ctx
            .http
            .call::<PartyCopyRoundResponse>(
                "start_round",
                Some(due),
                Method::POST,
                &path("copy"),
                Some(token),
                None,
            )
            .await
            .map(|r| Round::Copy {
                id: r.round_id,
                original: r.original_phrase,
            }),
        PartyPhase::Vote => ctx
            .http
            .call::<PartyVoteRoundResponse>(
                "start_round",
                Some(due),
                Method::POST,
                &path("vote"),
                Some(token),
                None,
            )
            .await
            .map(|r| Round::Vote {
                id: r.round_id,
                phrases: r.phrases,
            }),
        _ => Err(Failure {
            code: "no_round_in_this_phase".into(),
        }),
    }
}

/// Submits the open round; a phrase the server refuses is retried at once
/// with a new one (that is the protocol, not an error).
async fn submit(
    ctx: &Ctx,
    due: Instant,
    session: &Uuid,
    token: &str,
    round: &Round,
) -> Result<PartySubmitResponse, Failure> {
    let path = format!("/party/{session}/rounds/{}/submit", round.id());
    let from = due;
    // Retries count from when they are sent: they follow the answer at once.
    let mut due = Some(due);
    for attempt in 0..=PHRASE_RETRIES {
        let body = json!({ "phrase": round.phrase() });
        match ctx
            .http
            .call::<PartySubmitResponse>(
                "submit",
                due,
                Method::POST,
                &path,
                Some(token),
                Some(&body),
            )
            .await
        {
            Err(e)
                if attempt < PHRASE_RETRIES
                    && (e.is("invalid_phrase") || e.is("duplicate_phrase")) =>
            {
                ctx.http.recorder().retry(format!("submit:{}", e.code));
                due = None;
            }
            Ok(out) => {
                // The submissions that end a phase do its work (assignments,
                // scoring): show them apart.
                if let Some(t) = &out.phase_transition {
                    let kind = match t.new_phase {
                        PartyPhase::Copy => "submit→COPY",
                        PartyPhase::Vote => "submit→VOTE",
                        _ => "submit→RESULTS",
                    };
                    ctx.http.recorder().detail(kind, from, from.elapsed());
                }
                return Ok(out);
            }
            other => return other,
        }
    }
    Err(Failure {
        code: "phrase_retries_exhausted".into(),
    })
}

/// The fields of a server message the bots need. The full message is a
/// `party_protocol::party_ws::ServerMessage`; reading only these keeps
/// thousands of sockets cheap for the machine that also runs the server.
#[derive(Debug, Deserialize)]
pub(crate) struct Head {
    #[serde(rename = "type")]
    pub kind: String,
    pub seq: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub timestamp: OffsetDateTime,
    #[serde(default)]
    pub new_phase: Option<PartyPhase>,
    #[serde(default)]
    pub current_phase: Option<PartyPhase>,
    #[serde(default)]
    pub ready_count: Option<i64>,
    #[serde(default)]
    pub total_count: Option<i64>,
    #[serde(default)]
    pub participant_count: Option<i64>,
}

/// Applies one server message to the view; returns false once the party is over.
/// `measure`: the fan-out delay counts (inside the measured window).
fn on_message(
    view: &SharedView,
    fanout: &PartyFanout,
    text: &str,
    now: OffsetDateTime,
    measure: bool,
) -> bool {
    let Ok(head) = serde_json::from_str::<Head>(text) else {
        return true;
    };
    let mut v = lock(view);
    match head.kind.as_str() {
        "pong" => return true,
        "session_update" => {
            v.seq.snapshot(head.seq);
            if head.current_phase >= Some(PartyPhase::Results) {
                v.completed = true;
            }
        }
        _ => {
            if !v.seq.event(head.seq) {
                return true;
            }
            let delay = now - head.timestamp;
            let us = u64::try_from(delay.whole_microseconds().max(0)).unwrap_or(u64::MAX);
            if measure {
                fanout.received(head.seq, us);
            }
        }
    }
    if let Some(p) = head.current_phase.or(head.new_phase) {
        v.phase = v.phase.max(Some(p));
    }
    if let Some(r) = head.ready_count {
        v.ready_count = r;
    }
    if let Some(t) = head.total_count.or(head.participant_count) {
        v.participants = t;
    }
    if head.kind == "session_completed" {
        v.phase = v.phase.max(Some(PartyPhase::Results));
        v.completed = true;
    }
    !v.completed
}

/// The player's socket: connects with a fresh ws-token, follows the party
/// until `session_completed`, and reconnects after its last `seq` if the
/// connection drops (each drop counts as an error).
async fn run_socket(
    ctx: Arc<Ctx>,
    party: Arc<Party>,
    token: String,
    session: Uuid,
    view: SharedView,
) {
    let rec = ctx.http.recorder().clone();
    let ws_root = ctx.http.root().replacen("http://", "ws://", 1);
    let config = WebSocketConfig::default()
        .read_buffer_size(4 * 1024)
        .write_buffer_size(4 * 1024)
        .max_message_size(Some(1 << 20))
        .max_frame_size(Some(1 << 20));
    for attempt in 0..=WS_RECONNECTS {
        if attempt > 0 {
            rec.error("ws:reconnect");
        }
        let Ok(t) = ctx
            .http
            .call::<WsTokenResponse>(
                "ws_token",
                None,
                Method::GET,
                "/auth/ws-token",
                Some(&token),
                None,
            )
            .await
        else {
            rec.error("ws_token:failed");
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        };
        let since = lock(&view)
            .seq
            .last()
            .map_or_else(String::new, |s| format!("&since={s}"));
        let url = format!("{ws_root}/qf/party/{session}/ws?token={}{since}", t.token);
        let sent = Instant::now();
        let connected =
            tokio_tungstenite::connect_async_with_config(url.as_str(), Some(config), true).await;
        let elapsed = sent.elapsed();
        rec.request("ws_connect", sent, elapsed, elapsed);
        let Ok((mut stream, _)) = connected else {
            rec.error("ws:connect_failed");
            tokio::time::sleep(Duration::from_millis(500)).await;
            continue;
        };
        let open_socket = ctx.sockets.open();
        lock(&view).connected = true;
        let mut over = false;
        while let Some(frame) = stream.next().await {
            match frame {
                Ok(Message::Text(text)) => {
                    let keep = rec.in_window(Instant::now());
                    let now = OffsetDateTime::now_utc();
                    if !on_message(&view, &party.fanout, text.as_str(), now, keep) {
                        over = true;
                        break;
                    }
                }
                Ok(Message::Close(_)) | Err(_) => break,
                Ok(_) => {}
            }
        }
        if over {
            let _ = timeout(Duration::from_secs(2), stream.close(None)).await;
            let _ = timeout(Duration::from_secs(2), stream.flush()).await;
        }
        drop(open_socket);
        lock(&view).connected = false;
        if over {
            return;
        }
        rec.error("ws:closed");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use party_protocol::party_ws::{ServerEvent, ServerMessage};

    #[test]
    fn the_head_reads_what_a_server_message_carries() {
        let msg = ServerMessage {
            event: ServerEvent::PhaseTransition {
                old_phase: PartyPhase::Prompt,
                new_phase: PartyPhase::Copy,
                phase_started_at: OffsetDateTime::UNIX_EPOCH,
                phase_expires_at: None,
                message: "go".into(),
            },
            session_id: Uuid::nil(),
            seq: 7,
            timestamp: OffsetDateTime::UNIX_EPOCH + Duration::from_millis(1500),
        };
        let text = serde_json::to_string(&msg).unwrap();
        let head: Head = serde_json::from_str(&text).unwrap();
        assert_eq!(head.kind, "phase_transition");
        assert_eq!(head.seq, 7);
        assert_eq!(head.new_phase, Some(PartyPhase::Copy));
        assert_eq!(head.timestamp, msg.timestamp);
    }

    #[test]
    fn messages_move_the_view_and_measure_fanout() {
        let view: SharedView = Arc::default();
        let fanout = PartyFanout::default();
        let at = |ms: u64| OffsetDateTime::UNIX_EPOCH + Duration::from_millis(ms);
        let snapshot = r#"{"type":"session_update","seq":3,"timestamp":"1970-01-01T00:00:00Z","current_phase":"LOBBY","participants":[]}"#;
        assert!(on_message(&view, &fanout, snapshot, at(0), true));
        let ready = r#"{"type":"player_ready","seq":4,"timestamp":"1970-01-01T00:00:01Z","ready_count":2,"total_count":3}"#;
        assert!(on_message(&view, &fanout, ready, at(1_004), true));
        let started = r#"{"type":"session_started","seq":6,"timestamp":"1970-01-01T00:00:02Z","current_phase":"PROMPT"}"#;
        assert!(on_message(&view, &fanout, started, at(2_010), true));
        {
            let v = lock(&view);
            assert_eq!(v.phase, Some(PartyPhase::Prompt));
            assert_eq!((v.ready_count, v.participants), (2, 3));
            assert_eq!(v.seq.lost, 1, "seq 5 never came");
        }
        let done = r#"{"type":"session_completed","seq":7,"timestamp":"1970-01-01T00:00:03Z","status":"COMPLETED"}"#;
        assert!(!on_message(&view, &fanout, done, at(3_001), true));
        assert!(lock(&view).completed);
        let rec = super::super::stats::Recorder::new();
        fanout.flush_into(&rec);
        let m = rec.snapshot();
        assert_eq!(m.fanout.count, 3, "snapshots are not events");
        assert!((m.fanout.max_ms - 10.0).abs() < 0.05, "{:?}", m.fanout);
    }
}
