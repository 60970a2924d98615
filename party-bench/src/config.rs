//! What a run is asked to do: the [`Profile`] and its [`LoadConfig`].

use std::time::Duration;

use party_protocol::party::CreatePartyRequest;
use party_tui::tls::Trust;
use serde::{Deserialize, Serialize};

use crate::swarm;

/// Which benchmark to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Profile {
    /// A few seconds: 2 parties of 4, an action every 0.2 s. Fails on any
    /// error or lost event, never on timing.
    Smoke,
    /// 50 parties of 8, an action per player every 5 s.
    Standard,
    /// Ramps the number of parties until the latency target breaks.
    Capacity,
    /// SSH sessions against a running `party-tui host --serve-only`:
    /// memory per session and CPU while idle and while active.
    Ssh,
    /// One party of 8 watched by 10,000 spectator sockets, played once:
    /// every spectator must receive every event; spectator fan-out and
    /// server memory per spectator are measured.
    Spectators,
}

/// What the `ssh` profile is asked to do.
#[derive(Debug, Clone)]
pub struct SshConfig {
    /// The host's SSH listener (this machine only).
    pub addr: std::net::SocketAddr,
    /// Players, one SSH session each.
    pub sessions: usize,
    /// The host process, for `/proc` (without it only the client side is measured).
    pub pid: Option<u32>,
    /// Each measured window: idle, then active.
    pub window: Duration,
    /// Between two keys of one player while active.
    pub interval: Duration,
    /// The terminal size each session asks for.
    pub size: (u16, u16),
    /// Sessions being opened at once.
    pub connect_concurrency: usize,
    /// The whole run stops by then.
    pub max_seconds: u64,
}

impl SshConfig {
    pub fn new(addr: std::net::SocketAddr) -> Self {
        SshConfig {
            addr,
            sessions: 200,
            pid: None,
            window: Duration::from_secs(15),
            interval: Duration::from_millis(500),
            size: (80, 24),
            connect_concurrency: 16,
            max_seconds: 300,
        }
    }
}

/// Everything a load run needs.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// `http://127.0.0.1:PORT`.
    pub server: String,
    pub profile: Profile,
    /// Parties per step (smoke and standard); capacity uses `ramp`.
    pub parties: usize,
    pub players: usize,
    /// Spectators per party (any profile; the `spectators` profile: 10,000).
    pub spectators: usize,
    /// The p99 spectator fan-out a step must stay under.
    pub spectator_target_p99_ms: f64,
    /// One action per player per interval.
    pub interval: Duration,
    pub prompts_per_player: i64,
    pub votes_per_player: i64,
    /// Capacity: the numbers of parties to try, in order.
    pub ramp: Vec<usize>,
    /// Capacity: bisection steps between the last load held and the first broken.
    pub refine: usize,
    /// Capacity: the p99 (request and fan-out) a step must stay under.
    pub target_p99_ms: f64,
    /// The whole run stops by then.
    pub max_seconds: u64,
    pub server_pid: Option<u32>,
    /// Pause between capacity steps so the server settles.
    pub settle: Duration,
    /// Keep K parties in progress (back to back, staggered) and measure a
    /// window; false: every party starts at once and plays once.
    pub continuous: bool,
    /// Continuous: the measured window (after the warm-up).
    pub window: Duration,
    /// Continuous: party starts are spread over this; default one party's length.
    pub warmup: Option<Duration>,
    /// Whom to trust for an `https://` server (`--ca-cert`).
    pub trust: Trust,
}

impl LoadConfig {
    /// The defaults of a profile.
    pub fn for_profile(profile: Profile, server: &str) -> Self {
        let base = LoadConfig {
            server: server.trim_end_matches('/').to_owned(),
            trust: Trust::platform(server),
            profile,
            parties: 50,
            players: 8,
            spectators: 0,
            spectator_target_p99_ms: 250.0,
            interval: Duration::from_secs(5),
            prompts_per_player: 1,
            votes_per_player: 3,
            ramp: vec![50, 100, 200, 400, 800, 1200, 1600, 2400],
            refine: 2,
            target_p99_ms: 50.0,
            max_seconds: 600,
            server_pid: None,
            settle: Duration::from_secs(3),
            continuous: true,
            window: Duration::from_secs(60),
            warmup: None,
        };
        match profile {
            Profile::Smoke => LoadConfig {
                parties: 2,
                players: 4,
                interval: Duration::from_millis(200),
                max_seconds: 120,
                continuous: false,
                ..base
            },
            Profile::Standard | Profile::Ssh => base,
            Profile::Spectators => LoadConfig {
                parties: 1,
                spectators: 10_000,
                interval: Duration::from_secs(1),
                continuous: false,
                ..base
            },
            Profile::Capacity => LoadConfig {
                max_seconds: 1800,
                ..base
            },
        }
    }

    pub(crate) fn create_request(&self) -> CreatePartyRequest {
        let n = self.players as i64;
        CreatePartyRequest {
            min_players: Some(n),
            max_players: Some(n),
            prompts_per_player: Some(self.prompts_per_player),
            copies_per_player: Some(2 * self.prompts_per_player),
            votes_per_player: Some(self.votes_per_player),
            phase_seconds: None,
            access: None,
            password: None,
            public: None,
        }
    }

    /// About how long one party takes: sign-up, join, ready, start, every
    /// round (two actions each), the results.
    pub fn party_length(&self) -> Duration {
        let rounds = 3 * self.prompts_per_player + self.votes_per_player;
        self.interval * (5 + 2 * rounds as u32)
    }

    pub(crate) fn mode(&self) -> swarm::Mode {
        if self.continuous {
            swarm::Mode::Continuous {
                warmup: self.warmup.unwrap_or_else(|| self.party_length()),
                window: self.window,
            }
        } else {
            swarm::Mode::Once
        }
    }

    /// About how long one step takes.
    pub fn step_estimate(&self) -> Duration {
        let tail = self.interval * 4 + Duration::from_secs(5);
        match self.mode() {
            swarm::Mode::Once => self.party_length() + self.interval * 4 + tail,
            swarm::Mode::Continuous { warmup, window } => warmup + window + tail,
        }
    }
}
