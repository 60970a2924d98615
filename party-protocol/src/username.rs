//! Player names.

use std::fmt;

use serde::{Deserialize, Serialize};

pub const MIN_USERNAME_CHARS: usize = 3;
pub const MAX_USERNAME_CHARS: usize = 24;

/// A username as typed (case is kept for display); uniqueness is decided on
/// [`Username::canonical`], so `Alice` and `ALICE` cannot both exist.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UsernameError {
    #[error("A username needs {MIN_USERNAME_CHARS} to {MAX_USERNAME_CHARS} characters.")]
    Length,
    #[error("A username starts with a letter.")]
    MustStartWithLetter,
    #[error("A username may use letters, digits, '_' and '-' only.")]
    BadCharacter,
}

impl Username {
    pub fn parse(raw: &str) -> Result<Self, UsernameError> {
        let name = raw.trim();
        let len = name.chars().count();
        if !(MIN_USERNAME_CHARS..=MAX_USERNAME_CHARS).contains(&len) {
            return Err(UsernameError::Length);
        }
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return Err(UsernameError::MustStartWithLetter);
        }
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return Err(UsernameError::BadCharacter);
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-folded form that uniqueness and login compare.
    pub fn canonical(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl TryFrom<String> for Username {
    type Error = UsernameError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Username> for String {
    fn from(name: Username) -> String {
        name.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_typical_names_and_keeps_case() {
        let name = Username::parse("  Alice_99 ").unwrap();
        assert_eq!(name.as_str(), "Alice_99");
        assert_eq!(name.canonical(), "alice_99");
    }

    #[test]
    fn rejects_each_broken_rule() {
        assert_eq!(Username::parse("ab"), Err(UsernameError::Length));
        assert_eq!(Username::parse(&"a".repeat(25)), Err(UsernameError::Length));
        assert_eq!(
            Username::parse("9lives"),
            Err(UsernameError::MustStartWithLetter)
        );
        assert_eq!(
            Username::parse("bob smith"),
            Err(UsernameError::BadCharacter)
        );
        assert_eq!(Username::parse("bób"), Err(UsernameError::BadCharacter));
    }

    #[test]
    fn deserialization_applies_the_rules() {
        assert!(serde_json::from_str::<Username>("\"ok_name\"").is_ok());
        assert!(serde_json::from_str::<Username>("\"x\"").is_err());
    }
}
