//! One bot: a guest who enters its party (the host creates it), readies,
//! and plays every round on its slots, falling back to the status when its
//! socket has gone quiet for too long.

use std::sync::Arc;
use std::time::Duration;

use party_protocol::party::{
    ParticipantStatus, PartyPhase, PartySubmitResponse, SessionStatus, SubmitSessionProgress,
};
use party_protocol::{ErrorCode, Phrase, PlayerId, RoundId, SessionId};
use party_tui::api::{ApiClient, ApiResult, ClientError};
use tokio::time::{Instant, sleep_until, timeout};
use uuid::Uuid;

use super::context::{Ctx, End, Mode, Party};
use super::socket::{Role, SharedView, lock, run_socket};
use crate::client::failure;
use crate::stats::Recorder;

/// Submissions refused for the phrase are retried with a new phrase this often.
const PHRASE_RETRIES: usize = 8;
/// A player whose socket is down and who could not act for this many
/// slots asks for the status (as the client falls back to polling).
const STALL_SLOTS: u32 = 4;
/// With the socket up, it asks only after this many idle slots (a safety
/// net: a lost event would otherwise stall the bot for good).
const STALL_SLOTS_CONNECTED: u32 = 24;

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

/// Whether the caller met the phase's quota, from a submission's progress.
fn phase_done(p: &SubmitSessionProgress) -> bool {
    p.own.phase_complete.unwrap_or(false)
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
    /// This player's client (its tokens once it is a guest).
    api: ApiClient,
    me: Option<PlayerId>,
    session: SessionId,
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
pub(super) async fn player(ctx: Arc<Ctx>, party: Arc<Party>, j: usize) -> End {
    let n = ctx.cfg.players;
    let first = party.t0 + ctx.cfg.interval.mul_f64(j as f64 / n as f64);
    let mut bot = Bot {
        ctx: ctx.clone(),
        party,
        host: j == 0,
        view: Arc::default(),
        socket: None,
        stage: Stage::Guest,
        api: ctx.http.player(),
        me: None,
        session: SessionId::from_uuid(Uuid::nil()),
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

    /// Records a failed call as `kind:code`.
    fn failed(&self, kind: &str, err: &ClientError) {
        self.rec().error(format!("{kind}:{}", failure(err)));
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
        let http = &self.ctx.http;
        match http.timed("guest", Some(due), self.api.guest()).await {
            Ok(auth) => {
                self.me = Some(auth.player_id);
                self.stage = Stage::Enter;
            }
            Err(e) => self.failed("guest", &e),
        }
    }

    /// The host creates the party; the others join it once they know its
    /// code. `Err` when this bot cannot get in at all.
    async fn enter(&mut self, due: Instant) -> Result<(), ()> {
        let http = &self.ctx.http;
        let (kind, entered) = if self.host {
            let create = self.api.create_party(&self.ctx.cfg.create);
            let r = http.timed("create", Some(due), create).await;
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
            let r = http
                .timed("join", Some(due), self.api.join_party(&code))
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
                    self.api.clone(),
                    self.session,
                    self.view.clone(),
                    Role::Player,
                )));
                self.stage = Stage::Ready;
                Ok(())
            }
            Err(e) => {
                self.failed(kind, &e);
                if e.is(ErrorCode::SessionFull) || e.is(ErrorCode::SessionAlreadyStarted) {
                    Err(())
                } else {
                    Ok(())
                }
            }
        }
    }

    async fn ready(&mut self, due: Instant) {
        let ready = self.api.ready(self.session, true);
        match self.ctx.http.timed("ready", Some(due), ready).await {
            Ok(r) => {
                let mut v = lock(&self.view);
                v.ready_count = v.ready_count.max(r.session.ready_count);
                v.participants = v.participants.max(r.session.total_count);
                self.stage = Stage::Play;
            }
            Err(e) => self.failed("ready", &e),
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
                if self.host
                    && ready_count >= n
                    && participants >= n
                    && self.party.spectators_watching()
                {
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
        let start = self.api.start(self.session);
        match self.ctx.http.timed("start", Some(due), start).await {
            Ok(s) => self.enter_phase(Some(s.current_phase)),
            Err(e) => self.failed("start", &e),
        }
    }

    async fn start_round(&mut self, due: Instant, phase: PartyPhase) {
        match start_round(&self.ctx, due, &self.api, self.session, phase).await {
            Ok(r) => self.round = Some(r),
            Err(e) => {
                self.failed("start_round", &e);
                if e.is(ErrorCode::AlreadySubmitted)
                    || e.is(ErrorCode::CopiesComplete)
                    || e.is(ErrorCode::VotesComplete)
                {
                    self.done_with_phase = true;
                }
                if e.is(ErrorCode::WrongPhase) {
                    self.poll_now = true; // our phase is stale: ask
                }
            }
        }
    }

    async fn submit(&mut self, due: Instant, open: &Round) {
        match submit(&self.ctx, due, &self.api, self.session, open).await {
            Ok(out) => {
                self.round = None;
                self.round_failures = 0;
                self.done_with_phase = phase_done(&out.session_progress);
                if let Some(t) = out.phase_transition {
                    self.enter_phase(Some(t.new_phase));
                }
            }
            Err(e) => {
                self.failed("submit", &e);
                self.round_failures += 1;
                if self.round_failures > 2 || e.is(ErrorCode::Expired) {
                    self.round = None;
                }
            }
        }
    }

    async fn results(&self, due: Instant) {
        let results = self.api.results(self.session);
        if let Err(e) = self.ctx.http.timed("results", Some(due), results).await {
            self.failed("results", &e);
        }
    }

    /// Reads the status after a long wait (an event may never have come).
    async fn status(&mut self, due: Instant) {
        let status = self.api.status(self.session);
        let s = match self.ctx.http.timed("status", Some(due), status).await {
            Ok(s) => s,
            Err(e) => {
                self.failed("status", &e);
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

/// Opens a round of the phase the bot is in.
async fn start_round(
    ctx: &Ctx,
    due: Instant,
    api: &ApiClient,
    session: SessionId,
    phase: PartyPhase,
) -> ApiResult<Round> {
    let http = &ctx.http;
    match phase {
        PartyPhase::Prompt => http
            .timed("start_round", Some(due), api.start_prompt(session))
            .await
            .map(|r| Round::Prompt {
                id: r.round_id,
                prompt: r.prompt_text,
            }),
        PartyPhase::Copy => http
            .timed("start_round", Some(due), api.start_copy(session))
            .await
            .map(|r| Round::Copy {
                id: r.round_id,
                original: r.original_phrase,
            }),
        PartyPhase::Vote => http
            .timed("start_round", Some(due), api.start_vote(session))
            .await
            .map(|r| Round::Vote {
                id: r.round_id,
                phrases: r.phrases,
            }),
        // `play` asks only in a round phase; counted apart if that changes.
        _ => Err(ClientError {
            code: None,
            message: format!("no round in the {} phase", phase.as_str()),
        }),
    }
}

/// Submits the open round; a phrase the server refuses is retried at once
/// with a new one (that is the protocol, not an error).
async fn submit(
    ctx: &Ctx,
    due: Instant,
    api: &ApiClient,
    session: SessionId,
    round: &Round,
) -> ApiResult<PartySubmitResponse> {
    let from = due;
    // Retries count from when they are sent: they follow the answer at once.
    let mut due = Some(due);
    let mut attempt = 0;
    loop {
        let phrase = round.phrase();
        let sent = api.submit(session, round.id(), &phrase);
        match ctx.http.timed("submit", due, sent).await {
            Err(e)
                if attempt < PHRASE_RETRIES
                    && (e.is(ErrorCode::InvalidPhrase) || e.is(ErrorCode::DuplicatePhrase)) =>
            {
                ctx.http.recorder().retry(format!("submit:{}", failure(&e)));
                due = None;
                attempt += 1;
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
            Err(e) => return Err(e),
        }
    }
}
