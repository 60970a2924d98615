//! `headless spectate CODE`: watch a party from a script. The same core as
//! the spectator screen follows the spectator socket; every message it
//! brings (the players' events and the spectators' chat) is printed as a
//! JSON line as it arrives, until the party reaches the phase asked for —
//! or, with `--until seated`, until play-again seats this spectator in the
//! next game — bounded by a timeout.

use std::time::Duration;

use party_protocol::party::PartyPhase;
use serde_json::json;

use crate::core::{ApiCall, App, Msg, SocketEvent};
use crate::headless::{Exit, Player, emit, fail, parse_phase, password_arg};

/// What `spectate` waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Until {
    /// The party watched reaches this phase.
    Phase(PartyPhase),
    /// Play-again gave this spectator a seat: they are a player in the
    /// new lobby.
    Seated,
}

impl Until {
    /// `seated`, or a phase name (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        if s.eq_ignore_ascii_case("seated") {
            return Some(Until::Seated);
        }
        parse_phase(s).map(Until::Phase)
    }

    fn reached(self, app: &App) -> bool {
        match self {
            Until::Phase(target) => app
                .watch
                .as_ref()
                .is_some_and(|w| w.status.current_phase >= target),
            Until::Seated => app.watch.is_none() && app.party.is_some(),
        }
    }
}

/// The command's options.
#[derive(Debug, Clone, clap::Args)]
pub struct SpectateArgs {
    /// The party's code (any case).
    pub code: String,
    /// The party's password, for a password party.
    #[arg(long)]
    pub password: Option<String>,
    /// Ask for a seat in the next game (when the host plays again).
    #[arg(long)]
    pub join_next_game: bool,
    /// Stop at this phase (lobby, prompt, copy, vote, results) or `seated`.
    #[arg(long, default_value = "results")]
    pub until: String,
    /// Give up (exit 4) after this many seconds.
    #[arg(long, default_value_t = 600)]
    pub timeout: u64,
}

/// Watches the party with `code` and prints what its socket says.
pub async fn spectate(p: &mut Player, args: SpectateArgs) -> Result<(), Exit> {
    let Some(until) = Until::parse(&args.until) else {
        emit(&json!({"event": "error", "error": "invalid_request",
            "message": "--until takes a phase (lobby, prompt, copy, vote, results) or seated"}));
        return Err(Exit::Refused);
    };
    let password = args.password.as_deref().map(password_arg).transpose()?;
    let code = args.code.to_ascii_uppercase();
    p.call(ApiCall::Spectate(code, password))
        .await
        .map_err(|e| fail(&e))?;
    let Some(session) = p.app.watch.as_ref().map(crate::core::Watch::session_id) else {
        return Err(Exit::Refused);
    };
    if args.join_next_game {
        p.call(ApiCall::NextGame(session, true))
            .await
            .map_err(|e| fail(&e))?;
    }
    if let Some(w) = &p.app.watch {
        emit(&json!({"event": "watching", "session_id": session,
            "party_code": w.status.party_code, "phase": w.status.current_phase,
            "join_next_game": w.join_next_game}));
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(args.timeout);
    let mut ticker = tokio::time::interval(Duration::from_millis(200));
    while !until.reached(&p.app) {
        let msg = tokio::select! {
            msg = p.next_msg(deadline) => msg,
            _ = ticker.tick() => Some(Msg::Tick(time::OffsetDateTime::now_utc())),
        };
        let Some(msg) = msg else {
            emit(&json!({"event": "error", "error": "timeout",
                "message": "the party did not get there in time"}));
            return Err(Exit::Timeout);
        };
        if let Msg::Spectator(SocketEvent::Message(m)) = &msg {
            emit(&json!({"event": "spectator", "message": m}));
        }
        p.feed(msg);
    }
    match until {
        Until::Seated => emit(&json!({"event": "seated",
            "session_id": p.app.session_id(),
            "party_code": p.app.party.as_ref().map(|s| s.party_code.clone())})),
        Until::Phase(_) => emit(&json!({"event": "done",
            "phase": p.app.watch.as_ref().map(|w| w.status.current_phase)})),
    }
    Ok(())
}
