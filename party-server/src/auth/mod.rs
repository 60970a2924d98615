//! Credentials: opaque tokens and password hashing.

pub mod password;
pub mod tokens;
