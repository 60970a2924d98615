//! Who may join a party (issue 15): its access mode, the party password,
//! the bodies of `POST /party/{id}/access`, and how the party is listed.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::SessionId;

/// How a lobby admits players who join by its code.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyAccess {
    /// Anyone with the code (the behaviour of every party before issue 15).
    #[default]
    Open,
    /// The code and the party password; an invite from the host also admits.
    Password,
    /// Only players the host invited, and the host's friends.
    InviteOnly,
}

impl PartyAccess {
    pub const fn as_str(self) -> &'static str {
        match self {
            PartyAccess::Open => "open",
            PartyAccess::Password => "password",
            PartyAccess::InviteOnly => "invite_only",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            PartyAccess::Open,
            PartyAccess::Password,
            PartyAccess::InviteOnly,
        ]
        .into_iter()
        .find(|a| a.as_str() == s)
    }

    /// Whether this is the open mode (responses leave an open mode out, so
    /// an open party's bodies are exactly what they were before modes).
    pub fn is_open(&self) -> bool {
        *self == PartyAccess::Open
    }
}

impl fmt::Display for PartyAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a party came to its players: made by its host and found by its code
/// alone, listed in `GET /party/public`, or formed by quick match. Set when
/// the lobby is made and never changed; play-again keeps it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyListing {
    /// Not listed: its players came by its code or an invite (every party
    /// before listings were reported, so an absent field reads as this).
    #[default]
    Private,
    /// Created with `"public": true`: listed while it has a free seat.
    Public,
    /// Formed by quick match from the queue (not listed).
    QuickMatch,
}

impl PartyListing {
    pub const fn as_str(self) -> &'static str {
        match self {
            PartyListing::Private => "private",
            PartyListing::Public => "public",
            PartyListing::QuickMatch => "quick_match",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            PartyListing::Private,
            PartyListing::Public,
            PartyListing::QuickMatch,
        ]
        .into_iter()
        .find(|l| l.as_str() == s)
    }

    /// Whether this is the private listing (responses leave it out, so a
    /// private party's bodies are exactly what they were before listings).
    pub fn is_private(&self) -> bool {
        *self == PartyListing::Private
    }
}

impl fmt::Display for PartyListing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub const MIN_PARTY_PASSWORD_CHARS: usize = 4;
pub const MAX_PARTY_PASSWORD_CHARS: usize = 64;

/// A party password as typed (kept exactly: spaces count). Its `Debug`
/// hides the text, so it never reaches a log line by accident.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PartyPassword(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "A party password has {MIN_PARTY_PASSWORD_CHARS} to {MAX_PARTY_PASSWORD_CHARS} characters."
)]
pub struct PartyPasswordError;

impl PartyPassword {
    pub fn parse(raw: &str) -> Result<Self, PartyPasswordError> {
        let len = raw.chars().count();
        if (MIN_PARTY_PASSWORD_CHARS..=MAX_PARTY_PASSWORD_CHARS).contains(&len)
            && !raw.trim().is_empty()
        {
            Ok(Self(raw.to_owned()))
        } else {
            Err(PartyPasswordError)
        }
    }

    /// The text, for hashing or sending; never for display.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for PartyPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PartyPassword(…)")
    }
}

impl TryFrom<String> for PartyPassword {
    type Error = PartyPasswordError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<PartyPassword> for String {
    fn from(p: PartyPassword) -> String {
        p.0
    }
}

/// `POST /party/{id}/access`: the host changes the mode in the lobby. A
/// `password` goes with `access: "password"` and only with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetPartyAccessRequest {
    pub access: PartyAccess,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub password: Option<PartyPassword>,
}

/// `POST /party/{id}/access`: the mode now in force (never the password).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyAccessResponse {
    pub session_id: SessionId,
    pub access: PartyAccess,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modes_are_snake_case_and_parse_back() {
        for a in [
            PartyAccess::Open,
            PartyAccess::Password,
            PartyAccess::InviteOnly,
        ] {
            let json = serde_json::to_string(&a).unwrap();
            assert_eq!(json, format!("\"{}\"", a.as_str()));
            assert_eq!(PartyAccess::parse(a.as_str()), Some(a));
        }
        assert_eq!(PartyAccess::parse("secret"), None);
        assert_eq!(PartyAccess::default(), PartyAccess::Open);
    }

    #[test]
    fn listings_are_snake_case_parse_back_and_default_to_private() {
        for l in [
            PartyListing::Private,
            PartyListing::Public,
            PartyListing::QuickMatch,
        ] {
            let json = serde_json::to_string(&l).unwrap();
            assert_eq!(json, format!("\"{}\"", l.as_str()));
            assert_eq!(PartyListing::parse(l.as_str()), Some(l));
        }
        assert_eq!(PartyListing::QuickMatch.as_str(), "quick_match");
        assert_eq!(PartyListing::parse("listed"), None);
        assert!(PartyListing::default().is_private());
    }

    #[test]
    fn passwords_have_bounds_and_hide_in_debug() {
        assert!(PartyPassword::parse("abc").is_err());
        assert!(PartyPassword::parse("    ").is_err());
        assert!(PartyPassword::parse(&"x".repeat(65)).is_err());
        let p = PartyPassword::parse(" open sesame ").unwrap();
        assert_eq!(p.expose(), " open sesame ");
        assert!(!format!("{p:?}").contains("sesame"));
        assert!(serde_json::from_str::<PartyPassword>("\"ab\"").is_err());
    }

    #[test]
    fn set_access_rejects_unknown_fields() {
        let ok: SetPartyAccessRequest =
            serde_json::from_str(r#"{"access":"password","password":"hunter22"}"#).unwrap();
        assert_eq!(ok.access, PartyAccess::Password);
        assert!(
            serde_json::from_str::<SetPartyAccessRequest>(r#"{"access":"open","pw":"x"}"#).is_err()
        );
    }
}
