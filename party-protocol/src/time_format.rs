//! Timestamps travel as RFC 3339 strings in UTC (`2025-01-15T10:00:00Z`).

pub use time::serde::rfc3339;

/// `#[serde(with = "...::option")]` for optional timestamps.
pub mod option {
    pub use time::serde::rfc3339::option::*;
}
