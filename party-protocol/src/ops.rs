//! Operational bodies: the health answer, which also announces the
//! protocol version, and the check a client runs on that version.

use serde::{Deserialize, Serialize};

use crate::PROTOCOL_VERSION;

/// Whether the server can serve requests.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthStatus {
    /// The database answered.
    Ok,
    /// The database did not answer (the health route then returns 503).
    Unavailable,
}

/// The database a server runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DatabaseKind {
    Sqlite,
    Postgres,
}

/// `GET /health` (200 when `ok`, 503 when `unavailable`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    pub status: HealthStatus,
    pub database: DatabaseKind,
    /// The [`PROTOCOL_VERSION`] the server was built with.
    pub protocol_version: u32,
}

/// A server and a client that do not speak the same protocol version.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "this server speaks protocol {server}, this client speaks protocol {client} — update {}",
    if server > client { "this client" } else { "the server" }
)]
pub struct ProtocolMismatch {
    pub server: u32,
    pub client: u32,
}

/// Checks the version a server announced against this build's
/// [`PROTOCOL_VERSION`]. Versions must be equal: the number is bumped only
/// for incompatible changes, so neither side can make sense of the other's
/// bodies across a difference in either direction.
pub fn check_protocol_version(server: u32) -> Result<(), ProtocolMismatch> {
    if server == PROTOCOL_VERSION {
        Ok(())
    } else {
        Err(ProtocolMismatch {
            server,
            client: PROTOCOL_VERSION,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_own_version_passes() {
        assert_eq!(check_protocol_version(PROTOCOL_VERSION), Ok(()));
    }

    #[test]
    fn a_newer_server_asks_to_update_the_client() {
        let err = check_protocol_version(PROTOCOL_VERSION + 1).unwrap_err();
        assert_eq!(err.server, PROTOCOL_VERSION + 1);
        assert_eq!(err.client, PROTOCOL_VERSION);
        assert_eq!(
            err.to_string(),
            format!(
                "this server speaks protocol {}, this client speaks protocol {PROTOCOL_VERSION} — update this client",
                PROTOCOL_VERSION + 1
            )
        );
    }

    #[test]
    fn an_older_server_asks_to_update_the_server() {
        let err = check_protocol_version(PROTOCOL_VERSION - 1).unwrap_err();
        assert!(err.to_string().ends_with("update the server"), "{err}");
    }

    #[test]
    fn health_carries_the_version_at_the_top_level() {
        let body = HealthResponse {
            status: HealthStatus::Ok,
            database: DatabaseKind::Sqlite,
            protocol_version: PROTOCOL_VERSION,
        };
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["protocol_version"], PROTOCOL_VERSION);
        assert_eq!(json["status"], "ok");
        assert_eq!(json["database"], "sqlite");
    }
}
