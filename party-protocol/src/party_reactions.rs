//! Reactions and the favourite phrase (issue 16; README "Reactions and the
//! favourite phrase"): once a party has results, its participants react to
//! its phrases with one of a small fixed set of reactions (one per phrase
//! and player) and each votes for one favourite phrase of the party.
//!
//! A phrase is named by its phraseset and its role there ([`PhraseRef`]).
//! Counts are never sent as running totals to add to: every answer and
//! every `reactions_changed` event carries the phrase's whole counts, so a
//! client replaces what it shows.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ids::{PhrasesetId, PlayerId, SessionId};
use crate::round::PhraseRole;

/// The reactions a participant can give a phrase, serialized by their
/// stable names (`laugh`, `love`, `wow`, `fire`, `facepalm`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reaction {
    Laugh,
    Love,
    Wow,
    Fire,
    Facepalm,
}

/// A reaction name that is none of [`Reaction::ALL`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnknownReaction;

impl fmt::Display for UnknownReaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a reaction is one of laugh, love, wow, fire, facepalm")
    }
}

impl std::error::Error for UnknownReaction {}

impl Reaction {
    /// Every reaction, in the order clients show them (and number them 1–5).
    pub const ALL: [Reaction; 5] = [
        Reaction::Laugh,
        Reaction::Love,
        Reaction::Wow,
        Reaction::Fire,
        Reaction::Facepalm,
    ];

    /// The stable name, as on the wire and in the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            Reaction::Laugh => "laugh",
            Reaction::Love => "love",
            Reaction::Wow => "wow",
            Reaction::Fire => "fire",
            Reaction::Facepalm => "facepalm",
        }
    }

    /// The emoji a client draws for it (each two columns wide).
    pub const fn emoji(self) -> &'static str {
        match self {
            Reaction::Laugh => "😂",
            Reaction::Love => "😍",
            Reaction::Wow => "😮",
            Reaction::Fire => "🔥",
            Reaction::Facepalm => "🤦",
        }
    }

    /// What a client without emoji draws instead (plain ASCII).
    pub const fn ascii(self) -> &'static str {
        match self {
            Reaction::Laugh => ":D",
            Reaction::Love => "<3",
            Reaction::Wow => ":O",
            Reaction::Fire => "(fire)",
            Reaction::Facepalm => "-_-",
        }
    }

    /// Reads a reaction by its name.
    pub fn parse(name: &str) -> Result<Self, UnknownReaction> {
        Reaction::ALL
            .into_iter()
            .find(|r| r.as_str() == name)
            .ok_or(UnknownReaction)
    }
}

impl fmt::Display for Reaction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One phrase of a party: its phraseset and its role there. Also the body
/// of `POST /party/{id}/favourite`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhraseRef {
    pub phraseset_id: PhrasesetId,
    pub role: PhraseRole,
}

/// `POST /party/{id}/reactions`: react to a phrase (replacing the caller's
/// earlier reaction to it). `reaction` is read by name, so an unknown one
/// is answered `invalid_reaction` rather than a generic malformed body.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReactRequest {
    pub phraseset_id: PhrasesetId,
    pub role: PhraseRole,
    pub reaction: String,
}

/// A phrase's reactions and favourite votes, counted from the stored rows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhraseReactions {
    pub phraseset_id: PhrasesetId,
    pub role: PhraseRole,
    /// Participants per reaction; reactions nobody gave are left out.
    pub counts: BTreeMap<Reaction, i64>,
    /// Participants whose favourite this phrase is.
    pub favourite_votes: i64,
}

impl PhraseReactions {
    pub fn phrase(&self) -> PhraseRef {
        PhraseRef {
            phraseset_id: self.phraseset_id,
            role: self.role,
        }
    }
}

/// The party's favourite phrase: the most favourite votes (at least one);
/// ties go to the phrase with more votes in the game, then to the earlier
/// phrase in the results' order (phraseset, then original, copy 1, copy 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FavouritePhrase {
    pub phraseset_id: PhrasesetId,
    pub role: PhraseRole,
    pub phrase: String,
    pub prompt_text: String,
    pub author_id: PlayerId,
    pub author_username: String,
    /// Favourite votes it got.
    pub votes: i64,
}

/// A reaction the caller gave.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyReaction {
    pub phraseset_id: PhrasesetId,
    pub role: PhraseRole,
    pub reaction: Reaction,
}

/// `GET /party/{id}/reactions`, and the answer of every reaction and
/// favourite call: every phrase of the party's results with its counts, in
/// the results' order, the caller's own reactions and favourite, and the
/// party's favourite phrase (also shown with the awards).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartyReactionsResponse {
    pub session_id: SessionId,
    pub phrases: Vec<PhraseReactions>,
    pub mine: Vec<MyReaction>,
    pub my_favourite: Option<PhraseRef>,
    pub favourite_phrase: Option<FavouritePhrase>,
}

impl PartyReactionsResponse {
    /// The counts of one phrase, if it is the party's.
    pub fn of(&self, phrase: PhraseRef) -> Option<&PhraseReactions> {
        self.phrases.iter().find(|p| p.phrase() == phrase)
    }

    /// The caller's reaction to one phrase.
    pub fn my_reaction(&self, phrase: PhraseRef) -> Option<Reaction> {
        self.mine
            .iter()
            .find(|m| m.phraseset_id == phrase.phraseset_id && m.role == phrase.role)
            .map(|m| m.reaction)
    }

    /// Takes in a `reactions_changed` event: the phrases it carries replace
    /// theirs, and the favourite phrase is the event's.
    pub fn apply(&mut self, changed: &[PhraseReactions], favourite: Option<&FavouritePhrase>) {
        for new in changed {
            match self.phrases.iter_mut().find(|p| p.phrase() == new.phrase()) {
                Some(old) => *old = new.clone(),
                None => self.phrases.push(new.clone()),
            }
        }
        self.favourite_phrase = favourite.cloned();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_reaction_reads_back_from_its_name_and_serde_agrees() {
        for r in Reaction::ALL {
            assert_eq!(Reaction::parse(r.as_str()), Ok(r));
            assert_eq!(
                serde_json::to_string(&r).unwrap(),
                format!("\"{}\"", r.as_str())
            );
            assert!(r.ascii().is_ascii());
        }
        assert_eq!(Reaction::parse("thumbs_up"), Err(UnknownReaction));
        assert_eq!(Reaction::parse("Laugh"), Err(UnknownReaction));
    }

    #[test]
    fn counts_serialize_as_a_map_by_name() {
        let p = PhraseReactions {
            phraseset_id: PhrasesetId::from_uuid(uuid::Uuid::nil()),
            role: PhraseRole::Copy1,
            counts: BTreeMap::from([(Reaction::Fire, 2), (Reaction::Laugh, 1)]),
            favourite_votes: 1,
        };
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["counts"], serde_json::json!({"laugh": 1, "fire": 2}));
        assert_eq!(json["role"], "copy1");
    }

    #[test]
    fn an_event_replaces_the_phrases_it_names_and_the_favourite() {
        let set = PhrasesetId::from_uuid(uuid::Uuid::nil());
        let phrase = |role, n| PhraseReactions {
            phraseset_id: set,
            role,
            counts: BTreeMap::from([(Reaction::Wow, n)]),
            favourite_votes: 0,
        };
        let mut all = PartyReactionsResponse {
            session_id: SessionId::from_uuid(uuid::Uuid::nil()),
            phrases: vec![
                phrase(PhraseRole::Original, 1),
                phrase(PhraseRole::Copy1, 1),
            ],
            mine: vec![],
            my_favourite: None,
            favourite_phrase: None,
        };
        all.apply(&[phrase(PhraseRole::Copy1, 3)], None);
        let counts: Vec<i64> = all
            .phrases
            .iter()
            .map(|p| p.counts[&Reaction::Wow])
            .collect();
        assert_eq!(counts, [1, 3]);
    }
}
