//! Connection limits: the flags that bound what one slow or greedy client
//! can hold (README "Configuration"). The WebSocket message size is a
//! constant of the socket (`realtime::socket`), not a flag.

use std::time::Duration;

use clap::Args;

/// The per-connection and per-address limits, flattened into [`crate::config::Config`].
#[derive(Debug, Clone, PartialEq, Eq, Args)]
pub struct ConnectionLimits {
    /// Seconds a connection gets to send a request's headers; an idle
    /// keep-alive connection is closed after as long. Over it the
    /// connection is closed without an answer.
    #[arg(
        long,
        env = "PARTY_HEADER_TIMEOUT",
        default_value_t = 10,
        value_name = "SECS",
        value_parser = seconds()
    )]
    pub header_timeout: u64,

    /// Seconds a request's body gets to arrive, whole, after its headers.
    /// Over it the request is answered `408 request_timeout` and the
    /// connection closes.
    #[arg(
        long,
        env = "PARTY_BODY_TIMEOUT",
        default_value_t = 30,
        value_name = "SECS",
        value_parser = seconds()
    )]
    pub body_timeout: u64,

    /// Connections one peer address may hold open at once (WebSockets
    /// included); one more is answered `429 too_many_connections` (closed
    /// unanswered under TLS). 0: no cap. Not applied to --trusted-proxy
    /// peers, nor with --rate-limits off.
    #[arg(
        long,
        env = "PARTY_MAX_CONNECTIONS_PER_IP",
        default_value_t = 128,
        value_name = "N"
    )]
    pub max_connections_per_ip: usize,

    /// Sockets one player may hold open on one party, over every instance
    /// sharing the database; one more is closed with 4009 before its hello.
    #[arg(
        long,
        env = "PARTY_MAX_SOCKETS_PER_PLAYER",
        default_value_t = 4,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(1..=1000)
    )]
    pub max_sockets_per_player: u32,

    /// Spectators one party takes, over every instance; one more is
    /// refused with `spectators_full`. Spectators never count toward the
    /// party's players.
    #[arg(
        long,
        env = "PARTY_MAX_SPECTATORS_PER_PARTY",
        default_value_t = 10_000,
        value_name = "N",
        value_parser = clap::value_parser!(u32).range(0..=1_000_000)
    )]
    pub max_spectators_per_party: u32,
}

/// The timeouts' range: 1 s to an hour.
fn seconds() -> clap::builder::RangedU64ValueParser<u64> {
    clap::value_parser!(u64).range(1..=3600)
}

impl ConnectionLimits {
    pub fn header_timeout(&self) -> Duration {
        Duration::from_secs(self.header_timeout)
    }

    pub fn body_timeout(&self) -> Duration {
        Duration::from_secs(self.body_timeout)
    }

    /// The per-address cap in force: none when it is 0 or when the per-IP
    /// limits are switched off (local load tests run from one address).
    pub fn per_ip_cap(&self, rate_limits_on: bool) -> Option<usize> {
        (rate_limits_on && self.max_connections_per_ip > 0).then_some(self.max_connections_per_ip)
    }
}

#[cfg(test)]
mod tests {
    use clap::{CommandFactory, FromArgMatches, Parser};

    use super::ConnectionLimits;

    /// The flags alone, as the server's command line holds them.
    #[derive(Debug, Parser)]
    struct Flags {
        #[command(flatten)]
        limits: ConnectionLimits,
    }

    fn parse(args: &[&str]) -> Result<Flags, clap::Error> {
        Flags::command()
            .mut_args(|arg| arg.env(None))
            .try_get_matches_from(args)
            .and_then(|matches| Flags::from_arg_matches(&matches))
    }

    #[test]
    fn defaults_and_flags() {
        let limits = parse(&["party-server"]).unwrap().limits;
        assert_eq!(limits.header_timeout().as_secs(), 10);
        assert_eq!(limits.body_timeout().as_secs(), 30);
        assert_eq!(limits.per_ip_cap(true), Some(128));
        assert_eq!(limits.per_ip_cap(false), None, "--rate-limits off lifts it");
        assert_eq!(limits.max_sockets_per_player, 4);
        assert_eq!(limits.max_spectators_per_party, 10_000);
        let set = parse(&[
            "party-server",
            "--header-timeout",
            "2",
            "--max-connections-per-ip",
            "0",
            "--max-sockets-per-player",
            "1",
            "--max-spectators-per-party",
            "0",
        ])
        .unwrap()
        .limits;
        assert_eq!(set.header_timeout, 2);
        assert_eq!(set.per_ip_cap(true), None, "0 is no cap");
        assert_eq!(set.max_sockets_per_player, 1);
        assert_eq!(set.max_spectators_per_party, 0, "0: no spectators at all");
    }

    #[test]
    fn a_zero_timeout_or_socket_cap_is_refused() {
        for (flag, value) in [("--header-timeout", "0"), ("--max-sockets-per-player", "0")] {
            let err = parse(&["party-server", flag, value]).unwrap_err();
            assert!(err.to_string().contains(flag), "{err}");
        }
    }
}
