//! Opaque bearer tokens.
//!
//! A token is 256 random bits, hex-encoded behind a short prefix that names
//! its kind. Only its SHA-256 is stored, so a leaked database lets no one
//! log in, and revoking a token is deleting a row.

use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::store::TokenKind;

/// A freshly minted token: the secret for the client, the hash for storage.
#[derive(Debug, Clone)]
pub struct NewToken {
    pub secret: String,
    pub hash: String,
}

fn prefix(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Access => "qfa_",
        TokenKind::Refresh => "qfr_",
        TokenKind::WebSocket => "qfw_",
    }
}

pub fn mint(kind: TokenKind) -> NewToken {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{}{}", prefix(kind), hex(&bytes));
    let hash = hash(&secret);
    NewToken { secret, hash }
}

/// The stored form of a token.
pub fn hash(secret: &str) -> String {
    hex(&Sha256::digest(secret.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut out, b| {
            let _ = write!(out, "{b:02x}");
            out
        })
}

/// Extracts the token from an `Authorization` header value (`Bearer <token>`,
/// scheme case-insensitive). Returns `None` for anything else.
pub fn parse_bearer(header: &str) -> Option<&str> {
    let (scheme, token) = header.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty() && !token.contains(' '))
        .then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minted_tokens_are_distinct_and_hash_to_their_stored_form() {
        let a = mint(TokenKind::Access);
        let b = mint(TokenKind::Access);
        assert_ne!(a.secret, b.secret);
        assert!(a.secret.starts_with("qfa_"));
        assert_eq!(a.secret.len(), 4 + 64);
        assert_eq!(hash(&a.secret), a.hash);
        assert_ne!(a.hash, a.secret);
        assert!(mint(TokenKind::Refresh).secret.starts_with("qfr_"));
    }

    #[test]
    fn sha256_matches_a_known_vector() {
        assert_eq!(
            hash("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn bearer_header_parsing() {
        assert_eq!(parse_bearer("Bearer abc"), Some("abc"));
        assert_eq!(parse_bearer("bearer   abc "), Some("abc"));
        assert_eq!(parse_bearer("Basic abc"), None);
        assert_eq!(parse_bearer("Bearer"), None);
        assert_eq!(parse_bearer("Bearer "), None);
        assert_eq!(parse_bearer("Bearer a b"), None);
        assert_eq!(parse_bearer(""), None);
    }
}
