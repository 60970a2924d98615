//! The [`Phrase`] newtype: a player's answer that has passed the *format* rules.
//!
//! Parsing happens at the boundary (request bodies, WebSocket messages, the TUI's input box),
//! so the rest of the code never sees an un-normalised phrase. Only the rules that need no
//! data live here: whitespace, case, word count, length and alphabet. Whether the words are
//! English, and whether they repeat the prompt or the original, is the server's job
//! (`party-server`'s `game::validation`), because it needs the embedded dictionary and this
//! crate stays free of I/O and large data.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Fewest words a phrase may have.
pub const MIN_WORDS: usize = 2;
/// Most words a phrase may have.
pub const MAX_WORDS: usize = 5;
/// Longest phrase in characters, counted on the normalised form (single spaces, no padding),
/// so stray whitespace in the input never pushes a phrase over the limit.
pub const MAX_PHRASE_CHARS: usize = 100;

/// The apostrophe every phrase is stored with.
const APOSTROPHE: char = '\'';

/// Typographic apostrophes that phone keyboards and word processors substitute for `'`
/// ("smart quotes"). Players do not choose them, so they are read as a plain apostrophe
/// rather than rejected as a foreign character.
const APOSTROPHE_LOOKALIKES: [char; 3] = ['\u{2019}', '\u{2018}', '\u{02BC}'];

/// A phrase in canonical form: trimmed, words separated by exactly one space, UPPER-CASE,
/// 2 to 5 words of letters `A`–`Z` and apostrophes, at most 100 characters.
///
/// The field is private so that every `Phrase` went through [`Phrase::parse`]; equality is
/// therefore the game's case- and whitespace-insensitive comparison.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Phrase(String);

/// Why a raw string is not a well-formed phrase. `Display` is the message shown to the player.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PhraseFormatError {
    /// Nothing but whitespace.
    #[error("Type a phrase of {MIN_WORDS} to {MAX_WORDS} words.")]
    Empty,
    /// Fewer than [`MIN_WORDS`] words.
    #[error("Use {MIN_WORDS} to {MAX_WORDS} words (this has {count}).")]
    TooFewWords { count: usize },
    /// More than [`MAX_WORDS`] words.
    #[error("Use {MIN_WORDS} to {MAX_WORDS} words (this has {count}).")]
    TooManyWords { count: usize },
    /// Longer than [`MAX_PHRASE_CHARS`] once normalised.
    #[error("Keep it to {MAX_PHRASE_CHARS} characters (this has {chars}).")]
    TooLong { chars: usize },
    /// A character other than a letter A–Z, whitespace or an apostrophe (the first one found).
    // `escape_debug` keeps control characters and quotes readable inside the message.
    #[error("Only letters A to Z, spaces and apostrophes are allowed, not \"{}\".", .ch.escape_debug())]
    BadCharacter { ch: char },
    /// A "word" made only of apostrophes, such as a quote mark typed on its own.
    #[error("Apostrophes must be part of a word, as in DON'T or DOG'S.")]
    StrayApostrophe,
}

impl Phrase {
    /// Normalises `raw` and checks the format rules.
    ///
    /// # Errors
    ///
    /// The first rule broken, checked in the order a player would fix them: an empty box
    /// ([`PhraseFormatError::Empty`]), a character that can never be accepted
    /// ([`PhraseFormatError::BadCharacter`], [`PhraseFormatError::StrayApostrophe`]), the
    /// overall length ([`PhraseFormatError::TooLong`]), then the word count.
    pub fn parse(raw: &str) -> Result<Self, PhraseFormatError> {
        let mut normalized = String::with_capacity(raw.len().min(MAX_PHRASE_CHARS + 1));
        let mut count = 0;
        // `split_whitespace` trims and collapses every Unicode whitespace run (tabs, newlines,
        // no-break spaces), which is what "collapse whitespace" means to a player.
        for word in raw.split_whitespace() {
            if count > 0 {
                normalized.push(' ');
            }
            count += 1;
            let mut has_letter = false;
            for ch in word.chars() {
                if ch.is_ascii_alphabetic() {
                    has_letter = true;
                    // ASCII-only upper-casing: Unicode rules would turn `ß` into `SS` and let
                    // non-ASCII letters sneak past the A–Z check.
                    normalized.push(ch.to_ascii_uppercase());
                } else if ch == APOSTROPHE || APOSTROPHE_LOOKALIKES.contains(&ch) {
                    normalized.push(APOSTROPHE);
                } else {
                    return Err(PhraseFormatError::BadCharacter { ch });
                }
            }
            if !has_letter {
                return Err(PhraseFormatError::StrayApostrophe);
            }
        }

        // Everything pushed is ASCII, so bytes are characters.
        let chars = normalized.len();
        match count {
            0 => Err(PhraseFormatError::Empty),
            _ if chars > MAX_PHRASE_CHARS => Err(PhraseFormatError::TooLong { chars }),
            count if count < MIN_WORDS => Err(PhraseFormatError::TooFewWords { count }),
            count if count > MAX_WORDS => Err(PhraseFormatError::TooManyWords { count }),
            _ => Ok(Self(normalized)),
        }
    }

    /// The canonical text, e.g. `"DON'T PANIC"`.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The words in order, each non-empty and without spaces.
    pub fn words(&self) -> impl Iterator<Item = &str> {
        // The canonical form has single spaces and no padding, so a plain split is exact.
        self.0.split(' ')
    }
}

impl fmt::Display for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for Phrase {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl FromStr for Phrase {
    type Err = PhraseFormatError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Lets serde reject malformed phrases while deserializing, on the server and in clients.
impl TryFrom<String> for Phrase {
    type Error = PhraseFormatError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

/// Serializes as the plain canonical string (used by `#[serde(into)]`).
impl From<Phrase> for String {
    fn from(phrase: Phrase) -> Self {
        phrase.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn parsed(raw: &str) -> Phrase {
        match Phrase::parse(raw) {
            Ok(phrase) => phrase,
            Err(err) => panic!("{raw:?} should parse, got {err:?}"),
        }
    }

    fn rejected(raw: &str) -> PhraseFormatError {
        match Phrase::parse(raw) {
            Ok(phrase) => panic!("{raw:?} should be rejected, got {phrase:?}"),
            Err(err) => err,
        }
    }

    #[test]
    fn parse_trims_collapses_whitespace_and_uppercases() {
        let phrase = parsed("  \thot \n\n  dog\u{a0} ");
        assert_eq!(phrase.as_str(), "HOT DOG");
        assert_eq!(phrase.words().collect::<Vec<_>>(), ["HOT", "DOG"]);
    }

    #[test]
    fn parse_makes_comparison_case_and_space_insensitive() {
        assert_eq!(parsed("Hot  Dog"), parsed("hot dog"));
    }

    #[test]
    fn parse_accepts_apostrophes_and_reads_smart_quotes_as_apostrophes() {
        assert_eq!(parsed("don't panic").as_str(), "DON'T PANIC");
        assert_eq!(parsed("dog\u{2019}s life").as_str(), "DOG'S LIFE");
    }

    #[test]
    fn parse_rejects_empty_input() {
        for raw in ["", "   ", "\n\t"] {
            let err = rejected(raw);
            assert_eq!(err, PhraseFormatError::Empty);
            assert_eq!(err.to_string(), "Type a phrase of 2 to 5 words.");
        }
    }

    #[test]
    fn parse_accepts_two_and_five_words() {
        assert_eq!(parsed("big dog").words().count(), 2);
        assert_eq!(parsed("one two three four five").words().count(), 5);
    }

    #[test]
    fn parse_rejects_a_single_word() {
        let err = rejected("  dog ");
        assert_eq!(err, PhraseFormatError::TooFewWords { count: 1 });
        assert_eq!(err.to_string(), "Use 2 to 5 words (this has 1).");
    }

    #[test]
    fn parse_rejects_six_words() {
        let err = rejected("one two three four five six");
        assert_eq!(err, PhraseFormatError::TooManyWords { count: 6 });
        assert_eq!(err.to_string(), "Use 2 to 5 words (this has 6).");
    }

    #[test]
    fn parse_accepts_exactly_100_characters() {
        // 4 words: 3 x 24 letters + 25 letters + 3 spaces = 100.
        let raw = format!("{a} {a} {a} {b}", a = "A".repeat(24), b = "B".repeat(25));
        assert_eq!(raw.len(), MAX_PHRASE_CHARS);
        assert_eq!(parsed(&raw).as_str().len(), MAX_PHRASE_CHARS);
    }

    #[test]
    fn parse_rejects_101_characters() {
        let raw = format!("{a} {a} {a} {b}", a = "A".repeat(24), b = "B".repeat(26));
        let err = rejected(&raw);
        assert_eq!(err, PhraseFormatError::TooLong { chars: 101 });
        assert_eq!(err.to_string(), "Keep it to 100 characters (this has 101).");
    }

    #[test]
    fn parse_measures_length_after_collapsing_whitespace() {
        let padded = format!("  {}     {}  ", "A".repeat(49), "B".repeat(50));
        assert!(padded.len() > MAX_PHRASE_CHARS);
        assert_eq!(parsed(&padded).as_str().len(), MAX_PHRASE_CHARS);
    }

    #[test]
    fn parse_rejects_digits_punctuation_and_non_ascii_letters() {
        for (raw, ch) in [
            ("hot dog!", '!'),
            ("4 dogs", '4'),
            ("café au lait", 'é'),
            ("hot-dog stand", '-'),
        ] {
            let err = rejected(raw);
            assert_eq!(err, PhraseFormatError::BadCharacter { ch });
        }
        assert_eq!(
            rejected("hot dog!").to_string(),
            "Only letters A to Z, spaces and apostrophes are allowed, not \"!\"."
        );
        // A control character is shown escaped, never raw.
        assert_eq!(
            rejected("hot\u{0}dog").to_string(),
            "Only letters A to Z, spaces and apostrophes are allowed, not \"\\0\"."
        );
    }

    #[test]
    fn parse_does_not_expand_sharp_s_into_ss() {
        assert_eq!(
            rejected("stra\u{df}e sign"),
            PhraseFormatError::BadCharacter { ch: '\u{df}' }
        );
    }

    #[test]
    fn parse_rejects_a_word_of_only_apostrophes() {
        let err = rejected("hot ' dog");
        assert_eq!(err, PhraseFormatError::StrayApostrophe);
        assert_eq!(
            err.to_string(),
            "Apostrophes must be part of a word, as in DON'T or DOG'S."
        );
    }

    #[test]
    fn display_as_ref_and_from_str_agree_with_as_str() -> Result<(), PhraseFormatError> {
        let phrase: Phrase = "hot dog".parse()?;
        assert_eq!(phrase.to_string(), "HOT DOG");
        assert_eq!(phrase.as_ref(), "HOT DOG");
        assert_eq!(String::from(phrase), "HOT DOG");
        Ok(())
    }

    #[test]
    fn serde_writes_a_plain_string_and_normalises_on_read() -> Result<(), serde_json::Error> {
        let phrase: Phrase = serde_json::from_str("\"  hot   dog \"")?;
        assert_eq!(phrase.as_str(), "HOT DOG");
        assert_eq!(serde_json::to_string(&phrase)?, "\"HOT DOG\"");
        Ok(())
    }

    #[test]
    fn serde_rejects_a_malformed_phrase_with_the_player_message() {
        let err = serde_json::from_str::<Phrase>("\"dog\"").map(|p| p.to_string());
        let message = err.map_err(|e| e.to_string());
        assert_eq!(message, Err("Use 2 to 5 words (this has 1).".to_owned()));
    }

    /// Words made of letters and apostrophes in any case, at least one letter each.
    fn raw_word() -> impl Strategy<Value = String> {
        "[a-zA-Z']{0,6}[a-zA-Z][a-zA-Z']{0,6}"
    }

    /// Whitespace runs of the kinds players paste: spaces, tabs, newlines, no-break spaces.
    fn gap() -> impl Strategy<Value = String> {
        "[ \t\n\u{a0}]{1,4}"
    }

    proptest! {
        #[test]
        fn parse_never_panics_and_accepted_phrases_are_canonical(raw in any::<String>()) {
            if let Ok(phrase) = Phrase::parse(&raw) {
                let text = phrase.as_str();
                prop_assert!(text.len() <= MAX_PHRASE_CHARS);
                prop_assert!((MIN_WORDS..=MAX_WORDS).contains(&phrase.words().count()));
                prop_assert!(text.chars().all(|c| c.is_ascii_uppercase() || c == ' ' || c == '\''));
                prop_assert!(!text.starts_with(' ') && !text.ends_with(' ') && !text.contains("  "));
            }
        }

        #[test]
        fn parse_normalises_any_spacing_and_case_to_the_same_phrase(
            words in prop::collection::vec(raw_word(), MIN_WORDS..=MAX_WORDS),
            gaps in prop::collection::vec(gap(), MAX_WORDS + 1),
        ) {
            let mut raw = gaps[0].clone();
            for (word, gap) in words.iter().zip(&gaps[1..]) {
                raw.push_str(word);
                raw.push_str(gap);
            }
            // At most 5 words of 13 characters: always within the length limit.
            let expected = words.join(" ").to_ascii_uppercase();
            prop_assert_eq!(Phrase::parse(&raw).map(String::from), Ok(expected));
        }

        #[test]
        fn parsing_is_idempotent_and_survives_serde(
            raw in "[ \t]{0,2}[a-zA-Z'\u{2019}]{1,25}([ \t]{1,3}[a-zA-Z'\u{2019}]{1,25}){0,6}[ \t]{0,2}",
        ) {
            if let Ok(phrase) = Phrase::parse(&raw) {
                prop_assert_eq!(Phrase::parse(phrase.as_str()), Ok(phrase.clone()));
                let json = serde_json::to_string(&phrase).map_err(|e| TestCaseError::fail(e.to_string()))?;
                let back: Phrase = serde_json::from_str(&json).map_err(|e| TestCaseError::fail(e.to_string()))?;
                prop_assert_eq!(back, phrase);
            }
        }
    }
}
