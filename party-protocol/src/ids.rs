//! Typed identifiers. Each wraps a UUID so a round id can never be passed
//! where a player id is expected; on the wire they are plain UUID strings.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! id_type {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh random (v4) identifier.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }

            /// Wraps an existing UUID (read from storage).
            pub const fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> Self {
                Self(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    };
}

id_type!(
    /// A player account (human, guest or bot).
    PlayerId
);
id_type!(
    /// A prompt, copy or vote round.
    RoundId
);
id_type!(
    /// A phraseset: a prompt text with its original and two copies.
    PhrasesetId
);
id_type!(
    /// One vote on a phraseset.
    VoteId
);
id_type!(
    /// A party session (one lobby and the game played in it).
    SessionId
);
id_type!(
    /// One player's place in a party session.
    ParticipantId
);
id_type!(
    /// A round played as part of a party, linking the round to its session.
    PartyRoundId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_serialize_as_bare_uuid_strings() {
        let id = RoundId::new();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{id}\""));
        let back: RoundId = serde_json::from_str(&json).unwrap();
        assert_eq!(back, id);
    }

    #[test]
    fn malformed_ids_fail_to_deserialize() {
        assert!(serde_json::from_str::<PlayerId>("\"not-a-uuid\"").is_err());
        assert!(serde_json::from_str::<PlayerId>("42").is_err());
    }
}
