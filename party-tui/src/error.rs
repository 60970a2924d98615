//! The client's one error type: what a call to the server, or the setup
//! of its connection, failed with.

use party_protocol::ErrorCode;

/// A failed call: the server's code and sentence, or a transport problem.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ClientError {
    /// `None` when the server was not reached or answered nonsense.
    pub code: Option<ErrorCode>,
    pub message: String,
}

impl ClientError {
    /// Whether the server was refused for its TLS certificate.
    pub fn is_untrusted_certificate(&self) -> bool {
        self.code.is_none() && self.message.starts_with(UNTRUSTED)
    }

    pub fn is(&self, code: ErrorCode) -> bool {
        self.code == Some(code)
    }
}

pub type ApiResult<T> = Result<T, ClientError>;

/// How every untrusted-certificate message begins.
pub const UNTRUSTED: &str = "The server's TLS certificate is not trusted";

/// What the client says when a server's certificate is refused.
pub fn untrusted_message(detail: &dyn std::fmt::Display) -> String {
    format!(
        "{UNTRUSTED} ({detail}). For a private or self-signed server, pass its CA \
         certificate with --ca-cert FILE (or PARTY_CA_CERT)."
    )
}
