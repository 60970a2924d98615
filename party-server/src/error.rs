//! The server's one error type, and how it becomes an HTTP response.
//!
//! Expected failures ([`Error::Api`]) carry a protocol [`ErrorCode`] and a
//! sentence for the player. Everything else is internal: it is logged once
//! here and the client sees only a generic message — never SQL text or a
//! stack trace.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use party_protocol::{ApiErrorBody, ErrorCode};

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A failure the client caused or must handle.
    #[error("{code}: {message}")]
    Api {
        code: ErrorCode,
        message: String,
        /// Seconds to wait, for `rate_limited`.
        retry_after: Option<u64>,
    },
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database could not take the request now (a pool wait ran out).
    #[error("unavailable: {0}")]
    Unavailable(String),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Internal(String),
}

/// A text column held a value its enum does not know: the server's own
/// inconsistency, reported as an internal error naming the table, column
/// and value (raised while rows are read, in `store::sql`).
#[derive(Debug, thiserror::Error)]
#[error("{table}.{column} holds {value:?}, which this server does not know")]
pub struct UnknownValue {
    pub table: &'static str,
    pub column: &'static str,
    pub value: String,
}

impl Error {
    pub fn api(code: ErrorCode, message: impl Into<String>) -> Self {
        Error::Api {
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn rate_limited(retry_after_secs: u64) -> Self {
        Error::Api {
            code: ErrorCode::RateLimited,
            message: format!("Too many requests. Try again in {retry_after_secs} s."),
            retry_after: Some(retry_after_secs.max(1)),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::Internal(message.into())
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Error::Unavailable(message.into())
    }

    pub fn invalid_request(message: impl Into<String>) -> Self {
        Self::api(ErrorCode::InvalidRequest, message)
    }

    /// The protocol code this error is reported as.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Api { code, .. } => *code,
            Error::Database(err) if is_transient(err) => ErrorCode::ServiceUnavailable,
            Error::Sqlite(err) if sqlite_busy(err) => ErrorCode::ServiceUnavailable,
            Error::Unavailable(_) => ErrorCode::ServiceUnavailable,
            Error::Database(_) | Error::Sqlite(_) | Error::Migrate(_) | Error::Internal(_) => {
                ErrorCode::InternalError
            }
        }
    }
}

/// Errors worth retrying: pool exhaustion, a lost connection, a PostgreSQL
/// deadlock or serialization failure, or SQLite being busy.
fn is_transient(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed | sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => matches!(
            db.code().as_deref(),
            Some("40001" | "40P01" | "5" | "6" | "517" | "261")
        ),
        _ => false,
    }
}

/// SQLite could not get a lock in time (another process holds the file).
pub(crate) fn sqlite_busy(err: &rusqlite::Error) -> bool {
    matches!(
        err.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
    )
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let code = self.code();
        let (message, retry_after) = match self {
            Error::Api {
                message,
                retry_after,
                ..
            } => (message, retry_after),
            other => {
                if code == ErrorCode::ServiceUnavailable {
                    tracing::warn!(error = %other, "transient failure");
                    ("The server is busy. Please try again.".to_owned(), Some(1))
                } else {
                    tracing::error!(error = %other, "internal error");
                    ("Something went wrong on our side.".to_owned(), None)
                }
            }
        };
        let status =
            StatusCode::from_u16(code.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (
            status,
            axum::Json(ApiErrorBody {
                error: code,
                message,
            }),
        )
            .into_response();
        if let Some(secs) = retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if code == ErrorCode::PayloadTooLarge {
            // The oversized body was left unread, so the server closes this
            // connection after the response. Say so: otherwise a client may
            // reuse the pooled connection and its next request fails.
            response
                .headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
        }
        response
    }
}
