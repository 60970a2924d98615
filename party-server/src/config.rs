//! Server configuration: command-line flags, environment variables and
//! defaults, plus every game number in one [`GameRules`] struct.

use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use clap::{CommandFactory, FromArgMatches, Parser, ValueEnum};
use serde::{Deserialize, Serialize};

/// The Quipflip Party game server.
#[derive(Debug, Clone, Parser)]
#[command(name = "party-server", version, about, long_about = None)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (the chosen address is printed).
    #[arg(long, env = "PARTY_BIND", default_value = "127.0.0.1:8000")]
    pub bind: SocketAddr,

    /// Serve HTTPS and WSS with this PEM certificate chain (needs
    /// --tls-key). Re-read with the key on SIGHUP: new connections get the
    /// new certificate, open ones stay. Without it the server speaks plain HTTP.
    #[arg(long, env = "PARTY_TLS_CERT", requires = "tls_key", value_name = "PEM")]
    pub tls_cert: Option<PathBuf>,

    /// The PEM private key of --tls-cert (PKCS#8, PKCS#1 or SEC1).
    #[arg(long, env = "PARTY_TLS_KEY", requires = "tls_cert", value_name = "PEM")]
    pub tls_key: Option<PathBuf>,

    /// Database URL: `sqlite://PATH` or `postgres://USER@HOST/DB`.
    /// Defaults to `sqlite://<data-dir>/party.db`.
    #[arg(long, env = "PARTY_DATABASE_URL")]
    pub database_url: Option<String>,

    /// SQLite: the most writes one commit carries (1–1024). Concurrent
    /// writes share a commit (each still all-or-nothing); 1 commits every
    /// write on its own.
    #[arg(
        long,
        env = "PARTY_SQLITE_GROUP_COMMIT",
        default_value_t = crate::store::SQLITE_GROUP_COMMIT,
        value_parser = clap::value_parser!(u16).range(1..=1024)
    )]
    pub sqlite_group_commit: u16,

    /// Directory for the default SQLite database.
    #[arg(long, env = "PARTY_DATA_DIR")]
    pub data_dir: Option<PathBuf>,

    /// Per-IP and per-player request limits and the per-IP connection cap
    /// (`off` for local load tests).
    #[arg(long, env = "PARTY_RATE_LIMITS", value_enum, default_value_t = Switch::On)]
    pub rate_limits: Switch,

    #[command(flatten)]
    pub limits: crate::limits::ConnectionLimits,

    /// Load balancer or reverse proxy addresses (comma-separated) whose
    /// `X-Forwarded-For` names the client for the per-IP limits. From any
    /// other peer the header is ignored.
    #[arg(
        long = "trusted-proxy",
        env = "PARTY_TRUSTED_PROXIES",
        value_delimiter = ','
    )]
    pub trusted_proxies: Vec<IpAddr>,

    /// Party Mode endpoints (`off` answers them with 503 `party_mode_disabled`).
    #[arg(long, env = "PARTY_MODE", value_enum, default_value_t = Switch::On)]
    pub party_mode: Switch,

    /// Players one quick-match party seats (3–8, and within the rules'
    /// party sizes); see README "Quick match and public parties".
    #[arg(
        long,
        env = "PARTY_QUICK_MATCH_PLAYERS",
        default_value_t = DEFAULT_QUICK_MATCH_PLAYERS,
        value_parser = clap::value_parser!(i64).range(3..=8)
    )]
    pub quick_match_players: i64,

    /// JSON file overriding any of the game rules (costs, timers, limits).
    #[arg(long, env = "PARTY_RULES")]
    pub rules_file: Option<PathBuf>,

    /// Testing only: time stands still unless advanced through
    /// `POST /qf/test/clock`, and the `/qf/test/*` routes are enabled.
    #[arg(long, env = "PARTY_MANUAL_CLOCK", default_value_t = false)]
    pub manual_clock: bool,

    /// Log filter, in `tracing` env-filter syntax.
    #[arg(long, env = "RUST_LOG", default_value = "info,sqlx=warn")]
    pub log: String,

    /// Log line format on stderr: `text` for people, `json` (one object per
    /// line, with the request's and use case's span fields) for log pipelines.
    #[arg(long, env = "PARTY_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,

    /// The game numbers, loaded from `rules_file` over the defaults.
    #[arg(skip)]
    pub rules: GameRules,

    /// `completions SHELL` or `man`: print documentation instead of serving.
    #[command(subcommand)]
    pub docs: Option<crate::cli_docs::DocsCommand>,
}

/// The players one quick-match party seats by default.
pub const DEFAULT_QUICK_MATCH_PLAYERS: i64 = 4;

/// An on/off switch that reads well in flags and environment variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Switch {
    On,
    Off,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

impl Switch {
    pub fn is_on(self) -> bool {
        self == Switch::On
    }
}

impl Config {
    /// Parses flags and environment, then loads the rules file if any.
    pub fn load() -> anyhow::Result<Self> {
        let mut config = Config::parse();
        config.load_rules()?;
        Ok(config)
    }

    /// A server on `bind` with its SQLite database in `data_dir` and every
    /// other setting at its default, whatever the environment holds: for
    /// the TUI's embedded server and for test servers, which a developer's
    /// `PARTY_*` variables must not reach.
    pub fn local(bind: SocketAddr, data_dir: &Path) -> anyhow::Result<Self> {
        // The defaults stay in the `#[arg]` attributes above, their only
        // home: parsing an empty command line takes them from there, and a
        // flag added later is covered without touching this. What keeps the
        // environment out is removing every argument's `env` before
        // parsing (clap reads the variable when the command is built, but
        // the value goes with the `env` setting), rather than naming the
        // variables one by one.
        let command = Config::command().mut_args(|arg| arg.env(None));
        let matches = command.try_get_matches_from(["party-server"])?;
        let mut config = Config::from_arg_matches(&matches)?;
        config.bind = bind;
        config.data_dir = Some(data_dir.to_path_buf());
        config.load_rules()?;
        Ok(config)
    }

    /// Reads `rules_file` (if set) over the default rules.
    pub fn load_rules(&mut self) -> anyhow::Result<()> {
        if let Some(path) = &self.rules_file {
            let text = std::fs::read_to_string(path)
                .map_err(|e| anyhow::anyhow!("cannot read rules file {}: {e}", path.display()))?;
            self.rules = serde_json::from_str(&text)
                .map_err(|e| anyhow::anyhow!("bad rules file {}: {e}", path.display()))?;
        }
        self.rules.check()?;
        let sizes = self.rules.party_min_players..=self.rules.party_max_players;
        if !sizes.contains(&self.quick_match_players) {
            anyhow::bail!(
                "--quick-match-players {} is outside the party sizes {}..={} of the rules",
                self.quick_match_players,
                sizes.start(),
                sizes.end()
            );
        }
        Ok(())
    }

    /// The certificate and key files, when the server speaks TLS.
    pub fn tls_files(&self) -> Option<crate::tls::TlsFiles> {
        match (&self.tls_cert, &self.tls_key) {
            (Some(cert), Some(key)) => Some(crate::tls::TlsFiles {
                cert: cert.clone(),
                key: key.clone(),
            }),
            _ => None,
        }
    }

    /// The database URL to use, defaulting to a SQLite file in the data directory.
    /// How the store uses its database.
    pub fn store_options(&self) -> crate::store::StoreOptions {
        crate::store::StoreOptions {
            sqlite_group_commit: self.sqlite_group_commit,
        }
    }

    pub fn database_url(&self) -> String {
        self.database_url.clone().unwrap_or_else(|| {
            let dir = self.data_dir.clone().unwrap_or_else(default_data_dir);
            format!("sqlite://{}", dir.join("party.db").display())
        })
    }
}

/// A database URL with its password hidden, for logs and reports (the
/// server's start-up line, the storage benchmark's report).
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let creds = &url[scheme + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// `$XDG_DATA_HOME/quipflip-party`, else `~/.local/share/quipflip-party`, else `./data`.
pub fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return Path::new(&dir).join("quipflip-party");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return Path::new(&home).join(".local/share/quipflip-party");
    }
    PathBuf::from("data")
}

/// Every number of the game (game-rules.md), in one place. Tests read these
/// instead of repeating literals; a rules file can override any of them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct GameRules {
    pub starting_wallet: i64,
    pub daily_bonus: i64,

    pub prompt_cost: i64,
    pub copy_cost: i64,
    pub copy_cost_discounted: i64,
    /// The copy discount applies when more than this many prompts wait for copies.
    pub copy_discount_threshold: i64,
    pub vote_cost: i64,
    pub vote_payout_correct: i64,
    /// Kept by the house when a prompt or copy round is abandoned or times out.
    pub abandon_penalty: i64,

    pub prompt_seconds: i64,
    pub copy_seconds: i64,
    pub vote_seconds: i64,
    pub grace_seconds: i64,

    pub prize_pool_base: i64,
    pub points_per_correct_vote: i64,
    pub points_per_fooled_vote: i64,
    /// Share of a payout's net gain that goes to the vault, in percent.
    pub vault_rake_percent: i64,

    pub max_outstanding_prompts: i64,
    pub max_outstanding_prompts_guest: i64,
    /// A prompt a player abandoned is not offered to them again for this long.
    pub copy_abandon_cooldown_seconds: i64,

    pub finalize_at_votes: i64,
    pub finalize_after_fifth_vote_seconds: i64,
    pub finalize_after_third_vote_seconds: i64,

    pub access_token_minutes: i64,
    pub refresh_token_days: i64,
    pub ws_token_seconds: i64,

    /// Requests per minute per IP on sign-up and login routes.
    pub auth_requests_per_minute_per_ip: u32,
    /// Requests per second per player on authenticated routes (burst = 2×).
    pub requests_per_second_per_player: u32,
    /// Largest accepted request body.
    pub max_body_bytes: usize,
    /// How often the sweeper looks for due work when nothing wakes it.
    pub sweep_interval_ms: u64,
    /// How often each instance refreshes its heartbeat (presence across instances).
    pub presence_heartbeat_ms: u64,
    /// An instance silent this long is taken for dead: its sockets stop counting.
    pub presence_timeout_ms: i64,

    /// Party Mode: the configurable ranges and their defaults (plan §11.2).
    pub party_min_players: i64,
    pub party_max_players: i64,
    pub party_max_prompts_per_player: i64,
    pub party_max_votes_per_player: i64,
    pub party_default_votes_per_player: i64,
    pub party_min_phase_seconds: i64,
    pub party_max_phase_seconds: i64,
    /// Seconds a server-side bot waits before playing a phase's tasks.
    pub party_bot_delay_seconds: i64,
    /// A session without activity for this long is abandoned with refunds.
    pub party_idle_timeout_seconds: i64,
    /// A lobby that never started is removed after this long.
    pub party_open_max_age_seconds: i64,
    /// Party creations allowed per player per hour (a game rule: always on).
    pub party_creations_per_hour: i64,
    /// How many events back a reconnecting socket can resume with `since`;
    /// further behind, it gets a snapshot instead.
    pub party_event_replay_limit: i64,
}

impl Default for GameRules {
    fn default() -> Self {
        Self {
            starting_wallet: 5000,
            daily_bonus: 100,
            prompt_cost: 100,
            copy_cost: 50,
            copy_cost_discounted: 40,
            copy_discount_threshold: 10,
            vote_cost: 10,
            vote_payout_correct: 20,
            abandon_penalty: 5,
            prompt_seconds: 180,
            copy_seconds: 180,
            vote_seconds: 60,
            grace_seconds: 5,
            prize_pool_base: 200,
            points_per_correct_vote: 1,
            points_per_fooled_vote: 2,
            vault_rake_percent: 30,
            max_outstanding_prompts: 10,
            max_outstanding_prompts_guest: 3,
            copy_abandon_cooldown_seconds: 24 * 3600,
            finalize_at_votes: 20,
            finalize_after_fifth_vote_seconds: 5 * 60,
            finalize_after_third_vote_seconds: 60 * 60,
            access_token_minutes: 120,
            refresh_token_days: 30,
            ws_token_seconds: 60,
            auth_requests_per_minute_per_ip: 30,
            requests_per_second_per_player: 20,
            max_body_bytes: 16 * 1024,
            sweep_interval_ms: 500,
            presence_heartbeat_ms: 5_000,
            presence_timeout_ms: 30_000,
            party_min_players: 3,
            party_max_players: 8,
            party_max_prompts_per_player: 3,
            party_max_votes_per_player: 5,
            party_default_votes_per_player: 3,
            party_min_phase_seconds: 30,
            party_max_phase_seconds: 3600,
            party_bot_delay_seconds: 2,
            party_idle_timeout_seconds: 2 * 3600,
            party_open_max_age_seconds: 24 * 3600,
            party_creations_per_hour: 5,
            party_event_replay_limit: 500,
        }
    }
}

impl GameRules {
    /// Rejects rule sets that would break the money invariants.
    pub fn check(&self) -> anyhow::Result<()> {
        let positive = [
            ("prompt_cost", self.prompt_cost),
            ("copy_cost", self.copy_cost),
            ("copy_cost_discounted", self.copy_cost_discounted),
            ("vote_cost", self.vote_cost),
            ("prompt_seconds", self.prompt_seconds),
            ("copy_seconds", self.copy_seconds),
            ("vote_seconds", self.vote_seconds),
            ("finalize_at_votes", self.finalize_at_votes),
        ];
        for (name, value) in positive {
            anyhow::ensure!(value > 0, "rule {name} must be positive");
        }
        anyhow::ensure!(
            self.copy_cost_discounted <= self.copy_cost,
            "the discounted copy cost cannot exceed the copy cost"
        );
        anyhow::ensure!(
            (0..=100).contains(&self.vault_rake_percent),
            "vault_rake_percent is a percentage"
        );
        anyhow::ensure!(
            self.abandon_penalty >= 0 && self.abandon_penalty <= self.copy_cost_discounted,
            "the abandon penalty must be between 0 and the cheapest entry"
        );
        // A correct vote takes (payout - cost) from the pool; the pool must
        // survive `finalize_at_votes` correct votes without going negative.
        let drain = (self.vote_payout_correct - self.vote_cost).max(0) * self.finalize_at_votes;
        anyhow::ensure!(
            drain <= self.prize_pool_base,
            "the prize pool ({}) cannot cover {} correct votes",
            self.prize_pool_base,
            self.finalize_at_votes
        );
        anyhow::ensure!(
            self.presence_heartbeat_ms > 0
                && i64::try_from(self.presence_heartbeat_ms)
                    .is_ok_and(|beat| 2 * beat < self.presence_timeout_ms),
            "presence_timeout_ms must be more than twice presence_heartbeat_ms"
        );
        self.check_party()
    }

    /// The party rules must stay inside the plan's limits, which the
    /// schema's CHECK constraints also hold: a wider rules file would let a
    /// lobby pass validation and then fail in the database.
    fn check_party(&self) -> anyhow::Result<()> {
        use party_protocol::party::{
            PARTY_PLAYERS, PARTY_PROMPTS_PER_PLAYER, PARTY_VOTES_PER_PLAYER,
        };
        let within = [
            ("party_min_players", self.party_min_players, &PARTY_PLAYERS),
            ("party_max_players", self.party_max_players, &PARTY_PLAYERS),
            (
                "party_max_prompts_per_player",
                self.party_max_prompts_per_player,
                &PARTY_PROMPTS_PER_PLAYER,
            ),
            (
                "party_max_votes_per_player",
                self.party_max_votes_per_player,
                &PARTY_VOTES_PER_PLAYER,
            ),
        ];
        for (name, value, range) in within {
            anyhow::ensure!(
                range.contains(&value),
                "rule {name} must be between {} and {}",
                range.start(),
                range.end()
            );
        }
        anyhow::ensure!(
            self.party_min_players <= self.party_max_players,
            "party_min_players cannot exceed party_max_players"
        );
        anyhow::ensure!(
            (1..=self.party_max_votes_per_player).contains(&self.party_default_votes_per_player),
            "party_default_votes_per_player must be between 1 and party_max_votes_per_player"
        );
        anyhow::ensure!(
            0 < self.party_min_phase_seconds
                && self.party_min_phase_seconds <= self.party_max_phase_seconds,
            "party phase seconds need 0 < party_min_phase_seconds <= party_max_phase_seconds"
        );
        Ok(())
    }

    pub fn copy_cost_for(&self, discount: bool) -> i64 {
        if discount {
            self.copy_cost_discounted
        } else {
            self.copy_cost
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://u:secret@127.0.0.1/db"),
            "postgres://u:***@127.0.0.1/db"
        );
        assert_eq!(redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(redact_url("sqlite:///tmp/x.db"), "sqlite:///tmp/x.db");
    }

    /// Set in the child run of [`local_ignores_the_environment`].
    const CHILD: &str = "PARTY_CONFIG_TEST_CHILD";

    /// Runs the test again in a child process with `PARTY_*` variables set
    /// (setting them in this process would need `unsafe`, which the
    /// workspace forbids); the child checks that the flags do read them and
    /// `Config::local` does not.
    #[test]
    fn local_ignores_the_environment() {
        let bind: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let data_dir = Path::new("/nonexistent/quipflip-test");
        if std::env::var_os(CHILD).is_some() {
            let from_env = Config::parse_from(["party-server"]);
            assert_eq!(from_env.rate_limits, Switch::Off, "the variables are set");
            assert_eq!(from_env.party_mode, Switch::Off);
            assert_eq!(from_env.log_format, LogFormat::Json);
            assert!(from_env.tls_files().is_some());
            assert_eq!(from_env.limits.max_sockets_per_player, 2);

            let config = Config::local(bind, data_dir).unwrap();
            assert_eq!(config.bind, bind);
            assert_eq!(config.data_dir.as_deref(), Some(data_dir));
            assert_eq!(config.database_url, None);
            assert_eq!(
                config.database_url(),
                "sqlite:///nonexistent/quipflip-test/party.db"
            );
            assert_eq!(config.rate_limits, Switch::On);
            assert_eq!(config.limits.max_sockets_per_player, 4);
            assert_eq!(config.party_mode, Switch::On);
            assert!(config.trusted_proxies.is_empty());
            assert_eq!(config.rules_file, None);
            assert_eq!(
                config.tls_files(),
                None,
                "the embedded server stays plain HTTP"
            );
            assert!(!config.manual_clock);
            assert_eq!(config.log, "info,sqlx=warn");
            assert_eq!(config.log_format, LogFormat::Text);
            assert_eq!(config.rules, GameRules::default());
            return;
        }
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args(["--exact", "config::tests::local_ignores_the_environment"])
            .args(["--test-threads", "1"])
            .env(CHILD, "1")
            .env("PARTY_BIND", "10.1.2.3:9")
            .env("PARTY_DATABASE_URL", "postgres://nobody@nowhere/none")
            .env("PARTY_DATA_DIR", "/elsewhere")
            .env("PARTY_RATE_LIMITS", "off")
            .env("PARTY_TRUSTED_PROXIES", "10.0.0.1")
            .env("PARTY_MODE", "off")
            .env("PARTY_RULES", "/nonexistent/rules.json")
            .env("PARTY_MANUAL_CLOCK", "true")
            .env("PARTY_LOG_FORMAT", "json")
            .env("PARTY_TLS_CERT", "/nonexistent/cert.pem")
            .env("PARTY_TLS_KEY", "/nonexistent/key.pem")
            .env("PARTY_MAX_SOCKETS_PER_PLAYER", "2")
            .env("RUST_LOG", "trace")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "child run failed:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn a_tls_certificate_needs_its_key() {
        let parse = |args: &[&str]| {
            Config::command()
                .mut_args(|arg| arg.env(None))
                .try_get_matches_from(args)
                .and_then(|matches| Config::from_arg_matches(&matches))
        };
        let alone = parse(&["party-server", "--tls-cert", "c.pem"]).unwrap_err();
        assert!(alone.to_string().contains("--tls-key"), "{alone}");
        let both = parse(&["party-server", "--tls-cert", "c.pem", "--tls-key", "k.pem"]).unwrap();
        assert_eq!(
            both.tls_files(),
            Some(crate::tls::TlsFiles {
                cert: "c.pem".into(),
                key: "k.pem".into()
            })
        );
        assert_eq!(parse(&["party-server"]).unwrap().tls_files(), None);
    }

    #[test]
    fn log_format_is_text_or_json() {
        let parse = |value: &str| {
            Config::command()
                .mut_args(|arg| arg.env(None))
                .try_get_matches_from(["party-server", "--log-format", value])
                .and_then(|matches| Config::from_arg_matches(&matches))
        };
        assert_eq!(parse("text").unwrap().log_format, LogFormat::Text);
        assert_eq!(parse("json").unwrap().log_format, LogFormat::Json);
        let err = parse("xml").unwrap_err().to_string();
        assert!(
            err.contains("invalid value 'xml' for '--log-format")
                && err.contains("[possible values: text, json]"),
            "{err}"
        );
    }

    #[test]
    fn default_rules_are_consistent() {
        GameRules::default().check().unwrap();
    }

    #[test]
    fn a_pool_too_small_for_its_votes_is_refused() {
        let rules = GameRules {
            prize_pool_base: 100,
            ..GameRules::default()
        };
        assert!(rules.check().is_err());
    }

    #[test]
    fn the_quick_match_size_fits_the_party_sizes() {
        assert!(Config::try_parse_from(["party-server", "--quick-match-players", "9"]).is_err());
        let narrower = GameRules {
            party_min_players: 4,
            party_max_players: 6,
            party_max_votes_per_player: 3,
            ..GameRules::default()
        };
        let mut config = Config::parse_from(["party-server", "--quick-match-players", "7"]);
        config.rules = narrower.clone();
        let err = config.load_rules().unwrap_err().to_string();
        assert!(err.contains("--quick-match-players 7"), "{err}");
        config.quick_match_players = 5;
        config.rules = narrower;
        config.load_rules().unwrap();
    }

    #[test]
    fn party_rules_cannot_widen_the_plans_limits() {
        let too_many = GameRules {
            party_max_players: 9,
            ..GameRules::default()
        };
        let err = too_many.check().unwrap_err().to_string();
        assert!(err.contains("party_max_players"), "{err}");
        let too_many_votes = GameRules {
            party_max_votes_per_player: 6,
            ..GameRules::default()
        };
        assert!(too_many_votes.check().is_err());
        let inverted = GameRules {
            party_min_players: 6,
            party_max_players: 4,
            ..GameRules::default()
        };
        assert!(inverted.check().is_err());
        let narrower = GameRules {
            party_min_players: 4,
            party_max_players: 6,
            party_max_votes_per_player: 3,
            ..GameRules::default()
        };
        narrower.check().unwrap();
    }

    #[test]
    fn partial_rules_files_override_only_what_they_name() {
        let rules: GameRules = serde_json::from_str(r#"{"vote_seconds": 30}"#).unwrap();
        assert_eq!(rules.vote_seconds, 30);
        assert_eq!(rules.prompt_cost, GameRules::default().prompt_cost);
        assert!(serde_json::from_str::<GameRules>(r#"{"no_such_rule": 1}"#).is_err());
    }
}
