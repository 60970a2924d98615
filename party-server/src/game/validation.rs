//! The phrase rules of game rules §4 that need the dictionary or the round's context.
//!
//! [`Phrase::parse`] (protocol crate) already enforced the format: whitespace, case, 2–5
//! words, 100 characters, A–Z and apostrophes. On top of that, every word that is not a
//! common word must have 2–15 letters and be known English, at least one word must not be
//! common, and a phrase must not repeat a *significant* word (4+ letters, not common) of the
//! texts it must differ from:
//!
//! * a prompt's original phrase: the prompt text;
//! * a copy: the original, the other copy and the prompt text; an exact repeat of the original
//!   or of the other copy is a duplicate (`duplicate_phrase`), everything else `invalid_phrase`.
//!
//! A word "repeats" a significant word when it is the same word, has the same stem
//! ([`dictionary::stem`]: RUNS and RUNNING) or is spelled nearly the same (similarity of at
//! least [`SIMILARITY_THRESHOLD`]). Every non-common word of the new phrase is checked, even a
//! short one: "significant" limits which words of the *other* text are protected (so that a
//! prompt's "dog" or "hot" stays free to use), while CAT still repeats the prompt's CATS.

use std::fmt;

use party_protocol::phrase::{Phrase, PhraseFormatError};

use super::dictionary;

/// Fewest letters in a word that is not a common word (apostrophes are not letters).
pub const MIN_WORD_LETTERS: usize = 2;
/// Most letters in a word that is not a common word (apostrophes are not letters).
pub const MAX_WORD_LETTERS: usize = 15;
/// A word of another text is protected from repetition when it has at least this many
/// letters and is not a common word.
pub const SIGNIFICANT_WORD_LETTERS: usize = 4;
/// Similarity from which two spellings count as the same word (game rules §4).
///
/// The metric is normalised Damerau–Levenshtein distance (`strsim`): 1 − edits / longer
/// length, where swapping two neighbouring letters is one edit. So 0.8 means "one typo per
/// five letters": THEATRE/THEATER (one swap in 7 letters, 0.86) and MOUSE/HOUSE (0.8) are
/// near-identical, BEAR/BEER (0.75) is not, and longer words tolerate proportionally more.
/// Plain Levenshtein counts the swap as two edits and misses THEATRE/THEATER (0.71);
/// Jaro–Winkler rates unrelated words of similar shape far above 0.8 (PRESENT/PRESIDENT
/// 0.96, CARPET/CARROT 0.84, BEAR/BEER 0.87), and bigram Dice misses COLOR/COLOUR (0.67).
pub const SIMILARITY_THRESHOLD: f64 = 0.8;

/// The text that a phrase was compared with, for the message and for logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// The prompt text, in a prompt round: the player is looking at it.
    Prompt,
    /// The prompt text, in a copy round. Copiers play *without* seeing the prompt, so the
    /// message must not quote it.
    HiddenPrompt,
    /// The original phrase, in a copy round (the copier sees it).
    Original,
    /// The other copy of the same prompt, written by someone else and not shown to this
    /// player, so the message must not quote it either.
    OtherCopy,
}

/// Which phrase a copy exactly repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DuplicateOf {
    /// The original phrase.
    Original,
    /// The other copy of the same prompt.
    OtherCopy,
}

/// Why a submitted phrase was refused. [`Rejection::message`] is what the player reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rejection {
    /// The format rules of [`Phrase::parse`] failed.
    Format(PhraseFormatError),
    /// A word that is neither common nor in the dictionary, even after stripping a suffix.
    UnknownWord { word: String },
    /// A word with fewer than [`MIN_WORD_LETTERS`] or more than [`MAX_WORD_LETTERS`] letters.
    WordLength { word: String },
    /// Every word is a common word (or a contraction of them).
    OnlyCommonWords,
    /// `word` of the phrase repeats `matched`, a significant word of `source`.
    ReusesWord {
        word: String,
        source: Source,
        matched: String,
    },
    /// A copy that is exactly the original or the other copy.
    Duplicate { of: DuplicateOf },
}

impl Rejection {
    /// Whether this is the `duplicate_phrase` error; every other rejection is
    /// `invalid_phrase`.
    #[must_use]
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Self::Duplicate { .. })
    }

    /// The explanation shown to the player, naming the rule that failed.
    #[must_use]
    pub fn message(&self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Format(err) => fmt::Display::fmt(err, f),
            Self::UnknownWord { word } => write!(f, "\"{word}\" is not a word we know."),
            Self::WordLength { word } => {
                let length = if letter_count(word) < MIN_WORD_LETTERS {
                    "short"
                } else {
                    "long"
                };
                write!(
                    f,
                    "\"{word}\" is too {length}: words need {MIN_WORD_LETTERS} to \
                     {MAX_WORD_LETTERS} letters."
                )
            }
            Self::OnlyCommonWords => {
                f.write_str("Use at least one word besides little ones like THE, OF, I or DON'T.")
            }
            Self::ReusesWord {
                word,
                source,
                matched,
            } => match source {
                Source::Prompt if word == matched => {
                    write!(
                        f,
                        "\"{word}\" is a word from the prompt; use your own words."
                    )
                }
                Source::Prompt => write!(
                    f,
                    "\"{word}\" is too close to \"{matched}\" from the prompt."
                ),
                Source::Original if word == matched => {
                    write!(
                        f,
                        "\"{word}\" is already in the original phrase; use your own words."
                    )
                }
                Source::Original => {
                    write!(
                        f,
                        "\"{word}\" is too close to \"{matched}\" from the original phrase."
                    )
                }
                // Same wording whether the word is equal or only similar, so that guessing
                // does not reveal the hidden text.
                Source::HiddenPrompt => write!(
                    f,
                    "\"{word}\" is too close to a word in the prompt (which copiers don't see); \
                     try another word."
                ),
                Source::OtherCopy => write!(
                    f,
                    "\"{word}\" is too close to a word in the other player's copy; try another word."
                ),
            },
            Self::Duplicate {
                of: DuplicateOf::Original,
            } => f.write_str("Your copy can't be the same as the original phrase."),
            Self::Duplicate {
                of: DuplicateOf::OtherCopy,
            } => f.write_str(
                "Another player already wrote exactly that copy; try something different.",
            ),
        }
    }
}

// The player message is the whole story: there is no underlying cause worth chaining.
impl std::error::Error for Rejection {}

impl From<PhraseFormatError> for Rejection {
    fn from(err: PhraseFormatError) -> Self {
        Self::Format(err)
    }
}

/// Validates the original phrase written in a prompt round for `prompt_text`.
///
/// `prompt_text` is the prompt as shown to players, in any case and with any punctuation
/// ("Name a (a/an) animal's favorite snack?").
///
/// # Errors
///
/// The first rule broken, as a [`Rejection`]: never [`Rejection::Duplicate`], so always the
/// `invalid_phrase` error code.
pub fn validate_prompt_phrase(raw: &str, prompt_text: &str) -> Result<Phrase, Rejection> {
    let phrase = Phrase::parse(raw)?;
    check_words(&phrase)?;
    let words = content_words(&phrase);
    check_no_reuse(
        &words,
        &significant_words(prompt_words(prompt_text)),
        Source::Prompt,
    )?;
    Ok(phrase)
}

/// Validates a copy of `original`. `other_copy` is the prompt's other copy if it was already
/// submitted; `prompt_text` is the prompt, which the copier has not seen.
///
/// Checks run from the most to the least specific: an exact duplicate first (its own error
/// code), then the words themselves, then repetitions of the original, the other copy and the
/// prompt, in that order, so the player is told about what they can see first.
///
/// # Errors
///
/// The first rule broken, as a [`Rejection`]; [`Rejection::is_duplicate`] tells
/// `duplicate_phrase` from `invalid_phrase`.
pub fn validate_copy_phrase(
    raw: &str,
    original: &Phrase,
    other_copy: Option<&Phrase>,
    prompt_text: &str,
) -> Result<Phrase, Rejection> {
    let phrase = Phrase::parse(raw)?;
    // `Phrase` is normalised, so `==` is the case- and whitespace-insensitive comparison.
    if phrase == *original {
        return Err(Rejection::Duplicate {
            of: DuplicateOf::Original,
        });
    }
    if other_copy == Some(&phrase) {
        return Err(Rejection::Duplicate {
            of: DuplicateOf::OtherCopy,
        });
    }
    check_words(&phrase)?;
    let words = content_words(&phrase);
    check_no_reuse(
        &words,
        &significant_words(original.words().map(str::to_owned)),
        Source::Original,
    )?;
    if let Some(other_copy) = other_copy {
        let other_words = significant_words(other_copy.words().map(str::to_owned));
        check_no_reuse(&words, &other_words, Source::OtherCopy)?;
    }
    check_no_reuse(
        &words,
        &significant_words(prompt_words(prompt_text)),
        Source::HiddenPrompt,
    )?;
    Ok(phrase)
}

/// The per-word dictionary rules and "at least one non-common word".
fn check_words(phrase: &Phrase) -> Result<(), Rejection> {
    let mut has_content_word = false;
    for word in phrase.words() {
        // Common words (and their contractions) are exempt: I and A are not even in the
        // dictionary, which has no one-letter words.
        if dictionary::is_common(word) {
            continue;
        }
        // Length before the dictionary, so a 20-letter word built from suffixes is told
        // it is too long, which is the rule it actually breaks.
        if !(MIN_WORD_LETTERS..=MAX_WORD_LETTERS).contains(&letter_count(word)) {
            return Err(Rejection::WordLength {
                word: word.to_owned(),
            });
        }
        if !dictionary::is_known(word) {
            return Err(Rejection::UnknownWord {
                word: word.to_owned(),
            });
        }
        has_content_word = true;
    }
    if has_content_word {
        Ok(())
    } else {
        Err(Rejection::OnlyCommonWords)
    }
}

/// A word with the forms the comparison needs, computed once per word.
#[derive(Debug)]
struct WordForms {
    /// As written (UPPER-CASE), for messages.
    text: String,
    /// Letters only: DOG'S and DOGS compare equal, and apostrophes do not count as edits.
    letters: String,
    /// See [`dictionary::stem`].
    stem: String,
}

impl WordForms {
    fn new(text: String) -> Self {
        let letters = text.chars().filter(|ch| ch.is_alphabetic()).collect();
        let stem = dictionary::stem(&text);
        Self {
            text,
            letters,
            stem,
        }
    }

    /// Equal, same stem, or near-identical spelling.
    fn repeats(&self, other: &Self) -> bool {
        self.letters == other.letters
            || self.stem == other.stem
            || strsim::normalized_damerau_levenshtein(&self.letters, &other.letters)
                >= SIMILARITY_THRESHOLD
    }
}

/// Rejects the phrase whose non-common words are `words` if one of them repeats one of
/// `protected` (the significant words of `source`).
fn check_no_reuse(
    words: &[WordForms],
    protected: &[WordForms],
    source: Source,
) -> Result<(), Rejection> {
    for word in words {
        if let Some(matched) = protected.iter().find(|protected| word.repeats(protected)) {
            return Err(Rejection::ReusesWord {
                word: word.text.clone(),
                source,
                matched: matched.text.clone(),
            });
        }
    }
    Ok(())
}

/// The words of `phrase` that are checked for repetition: all but the common ones, whatever
/// their length.
fn content_words(phrase: &Phrase) -> Vec<WordForms> {
    phrase
        .words()
        .filter(|word| !dictionary::is_common(word))
        .map(|word| WordForms::new(word.to_owned()))
        .collect()
}

/// The significant words (4+ letters, not common) among `words`, which must be UPPER-CASE.
fn significant_words(words: impl Iterator<Item = String>) -> Vec<WordForms> {
    words
        .filter(|word| {
            !dictionary::is_common(word) && letter_count(word) >= SIGNIFICANT_WORD_LETTERS
        })
        .map(WordForms::new)
        .collect()
}

/// The words of free text such as a prompt, UPPER-CASE, with the same apostrophe as phrases.
///
/// A word is a run of letters and apostrophes; everything else (spaces, `/`, `(`, `?`,
/// hyphens, digits) separates words, so "(a/an)" gives A and AN and "well-known" gives WELL
/// and KNOWN. Apostrophes at either end are quote marks, not part of the word. Letters
/// outside A–Z are kept (a prompt may say "café"); they simply never equal a phrase's word.
fn prompt_words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|ch: char| !(ch.is_alphabetic() || is_apostrophe(ch)))
        .map(|token| token.trim_matches(is_apostrophe))
        .filter(|token| !token.is_empty())
        .map(|token| {
            token
                .chars()
                .map(|ch| if is_apostrophe(ch) { '\'' } else { ch })
                .flat_map(char::to_uppercase)
                .collect()
        })
}

/// `'` and the typographic apostrophes that prompt authors' editors produce.
fn is_apostrophe(ch: char) -> bool {
    matches!(ch, '\'' | '\u{2019}' | '\u{2018}' | '\u{02BC}')
}

/// Letters in a word; apostrophes do not count (DON'T has four).
fn letter_count(word: &str) -> usize {
    word.chars().filter(|ch| ch.is_alphabetic()).count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const PROMPT: &str = "The worst thing to hear at a wedding";

    /// The error code the HTTP layer sends for a rejection.
    fn code(rejection: &Rejection) -> &'static str {
        if rejection.is_duplicate() {
            "duplicate_phrase"
        } else {
            "invalid_phrase"
        }
    }

    fn phrase(raw: &str) -> Phrase {
        match Phrase::parse(raw) {
            Ok(phrase) => phrase,
            Err(err) => panic!("test phrase {raw:?} is malformed: {err}"),
        }
    }

    fn accepted_prompt(raw: &str, prompt_text: &str) -> Phrase {
        match validate_prompt_phrase(raw, prompt_text) {
            Ok(phrase) => phrase,
            Err(rejection) => panic!("{raw:?} for {prompt_text:?} should pass: {rejection:?}"),
        }
    }

    fn rejected_prompt(raw: &str, prompt_text: &str) -> Rejection {
        match validate_prompt_phrase(raw, prompt_text) {
            Ok(phrase) => panic!("{raw:?} for {prompt_text:?} should fail, got {phrase:?}"),
            Err(rejection) => rejection,
        }
    }

    fn accepted_copy(
        raw: &str,
        original: &str,
        other_copy: Option<&str>,
        prompt_text: &str,
    ) -> Phrase {
        let other_copy = other_copy.map(phrase);
        match validate_copy_phrase(raw, &phrase(original), other_copy.as_ref(), prompt_text) {
            Ok(phrase) => phrase,
            Err(rejection) => panic!("copy {raw:?} of {original:?} should pass: {rejection:?}"),
        }
    }

    fn rejected_copy(
        raw: &str,
        original: &str,
        other_copy: Option<&str>,
        prompt_text: &str,
    ) -> Rejection {
        let other_copy = other_copy.map(phrase);
        match validate_copy_phrase(raw, &phrase(original), other_copy.as_ref(), prompt_text) {
            Ok(phrase) => panic!("copy {raw:?} of {original:?} should fail, got {phrase:?}"),
            Err(rejection) => rejection,
        }
    }

    /// Asserts the variant, the error code and the player message in one go.
    fn assert_rejection(
        actual: &Rejection,
        expected: &Rejection,
        expected_code: &str,
        message: &str,
    ) {
        assert_eq!(actual, expected);
        assert_eq!(code(actual), expected_code);
        assert_eq!(actual.message(), message);
        assert_eq!(actual.to_string(), message);
    }

    fn reuses(word: &str, source: Source, matched: &str) -> Rejection {
        Rejection::ReusesWord {
            word: word.to_owned(),
            source,
            matched: matched.to_owned(),
        }
    }

    // --- Format (delegated to `Phrase::parse`) ---------------------------------------------

    #[test]
    fn prompt_phrase_is_normalised_and_stored_upper_case() {
        assert_eq!(
            accepted_prompt("  awkward \t  silence ", PROMPT).as_str(),
            "AWKWARD SILENCE"
        );
    }

    #[test]
    fn prompt_phrase_with_bad_format_is_invalid_with_the_format_message() {
        assert_rejection(
            &rejected_prompt("silence", PROMPT),
            &Rejection::Format(PhraseFormatError::TooFewWords { count: 1 }),
            "invalid_phrase",
            "Use 2 to 5 words (this has 1).",
        );
        assert_rejection(
            &rejected_prompt("awkward silence!", PROMPT),
            &Rejection::Format(PhraseFormatError::BadCharacter { ch: '!' }),
            "invalid_phrase",
            "Only letters A to Z, spaces and apostrophes are allowed, not \"!\".",
        );
    }

    #[test]
    fn copy_with_bad_format_is_invalid_with_the_format_message() {
        assert_rejection(
            &rejected_copy("one two three four five six", "HOT DOG", None, PROMPT),
            &Rejection::Format(PhraseFormatError::TooManyWords { count: 6 }),
            "invalid_phrase",
            "Use 2 to 5 words (this has 6).",
        );
    }

    // --- Dictionary -------------------------------------------------------------------------

    #[test]
    fn words_in_the_dictionary_or_with_a_common_suffix_are_accepted() {
        accepted_prompt("zombie dogs", PROMPT);
        // BLUENESS is not in the list, BLUE is.
        accepted_prompt("total blueness", PROMPT);
    }

    #[test]
    fn unknown_word_is_rejected_by_name() {
        assert_rejection(
            &rejected_prompt("zzyzx party", PROMPT),
            &Rejection::UnknownWord {
                word: "ZZYZX".to_owned(),
            },
            "invalid_phrase",
            "\"ZZYZX\" is not a word we know.",
        );
    }

    #[test]
    fn possessives_and_contractions_are_accepted() {
        accepted_prompt("a dog's dinner", PROMPT);
        accepted_prompt("my parents' car", PROMPT);
        accepted_prompt("don't panic", PROMPT);
        accepted_prompt("five o'clock", PROMPT);
    }

    #[test]
    fn unknown_apostrophe_word_is_rejected() {
        assert_rejection(
            &rejected_prompt("do'g house", PROMPT),
            &Rejection::UnknownWord {
                word: "DO'G".to_owned(),
            },
            "invalid_phrase",
            "\"DO'G\" is not a word we know.",
        );
    }

    // --- Word length ------------------------------------------------------------------------

    #[test]
    fn words_of_two_to_fifteen_letters_are_accepted_and_apostrophes_do_not_count() {
        accepted_prompt("ox cart", PROMPT);
        accepted_prompt("characteristics matter", PROMPT);
        // 16 characters but 15 letters.
        accepted_prompt("characteristics' list", PROMPT);
    }

    #[test]
    fn one_letter_word_is_too_short() {
        assert_rejection(
            &rejected_prompt("x marks the spot", PROMPT),
            &Rejection::WordLength {
                word: "X".to_owned(),
            },
            "invalid_phrase",
            "\"X\" is too short: words need 2 to 15 letters.",
        );
    }

    #[test]
    fn sixteen_letter_word_is_too_long_even_if_known() {
        // Known through ACKNOWLEDGEMENT + S, but 16 letters.
        assert_rejection(
            &rejected_prompt("acknowledgements arrive", PROMPT),
            &Rejection::WordLength {
                word: "ACKNOWLEDGEMENTS".to_owned(),
            },
            "invalid_phrase",
            "\"ACKNOWLEDGEMENTS\" is too long: words need 2 to 15 letters.",
        );
    }

    // --- Common words -----------------------------------------------------------------------

    #[test]
    fn common_words_need_no_dictionary_entry_when_another_word_is_present() {
        // I and A are not in the list (it has no one-letter words).
        accepted_prompt("I am a potato", PROMPT);
    }

    #[test]
    fn phrase_of_only_common_words_and_contractions_is_rejected() {
        for raw in ["of the", "I can't", "you and I"] {
            assert_rejection(
                &rejected_prompt(raw, PROMPT),
                &Rejection::OnlyCommonWords,
                "invalid_phrase",
                "Use at least one word besides little ones like THE, OF, I or DON'T.",
            );
        }
    }

    // --- Prompt phrase vs prompt text -------------------------------------------------------

    #[test]
    fn prompt_phrase_may_share_common_and_short_words_with_the_prompt() {
        // THE, TO, AT, A are common; HOT and DOG have fewer than 4 letters.
        accepted_prompt("the hot dog", "Name a hot dog topping");
        accepted_prompt("at the altar", PROMPT);
    }

    #[test]
    fn prompt_phrase_may_not_repeat_a_prompt_word() {
        assert_rejection(
            &rejected_prompt("wedding bells", PROMPT),
            &reuses("WEDDING", Source::Prompt, "WEDDING"),
            "invalid_phrase",
            "\"WEDDING\" is a word from the prompt; use your own words.",
        );
    }

    #[test]
    fn prompt_phrase_may_not_use_a_prompt_word_with_the_same_stem() {
        assert_rejection(
            &rejected_prompt("bad things", PROMPT),
            &reuses("THINGS", Source::Prompt, "THING"),
            "invalid_phrase",
            "\"THINGS\" is too close to \"THING\" from the prompt.",
        );
        // A short word of the phrase still repeats a long word of the prompt.
        assert_eq!(
            rejected_prompt("cat nap", "Why cats hate Mondays"),
            reuses("CAT", Source::Prompt, "CATS"),
        );
    }

    #[test]
    fn prompt_phrase_may_not_use_a_near_identical_spelling() {
        assert_rejection(
            &rejected_prompt("mouse trap", "Something you'd find in a haunted house"),
            &reuses("MOUSE", Source::Prompt, "HOUSE"),
            "invalid_phrase",
            "\"MOUSE\" is too close to \"HOUSE\" from the prompt.",
        );
        // A swap of two letters is one edit: 1 - 1/7 >= 0.8.
        assert_eq!(
            rejected_prompt("summer theatre", "A night at the theater"),
            reuses("THEATRE", Source::Prompt, "THEATER"),
        );
    }

    #[test]
    fn prompt_phrase_may_use_a_word_one_letter_off_a_four_letter_prompt_word() {
        // BEER/BEAR: 1 - 1/4 = 0.75, below the threshold.
        accepted_prompt("cold beer", "What a bear dreams of");
    }

    #[test]
    fn prompt_text_is_tokenised_across_punctuation_case_and_smart_quotes() {
        let prompt = "Name a (a/an) ANIMAL\u{2019}s favorite snack?";
        assert_rejection(
            &rejected_prompt("snack time", prompt),
            &reuses("SNACK", Source::Prompt, "SNACK"),
            "invalid_phrase",
            "\"SNACK\" is a word from the prompt; use your own words.",
        );
        assert_eq!(
            rejected_prompt("animal crackers", prompt),
            reuses("ANIMAL", Source::Prompt, "ANIMAL'S")
        );
        assert_eq!(
            rejected_prompt("my favorites", prompt),
            reuses("FAVORITES", Source::Prompt, "FAVORITE")
        );
        accepted_prompt("cheese puffs", prompt);
        assert_eq!(
            prompt_words("'well-known' (a/an) dog's?").collect::<Vec<_>>(),
            ["WELL", "KNOWN", "A", "AN", "DOG'S"]
        );
    }

    // --- Copies: duplicates -----------------------------------------------------------------

    #[test]
    fn copy_different_from_both_phrases_is_accepted() {
        let copy = accepted_copy("warm puppy", "HOT DOG", Some("CHILI FRIES"), PROMPT);
        assert_eq!(copy.as_str(), "WARM PUPPY");
    }

    #[test]
    fn copy_equal_to_the_original_is_a_duplicate_whatever_the_case_and_spacing() {
        assert_rejection(
            &rejected_copy("  hot   Dog ", "HOT DOG", None, PROMPT),
            &Rejection::Duplicate {
                of: DuplicateOf::Original,
            },
            "duplicate_phrase",
            "Your copy can't be the same as the original phrase.",
        );
    }

    #[test]
    fn copy_equal_to_the_other_copy_is_a_duplicate() {
        assert_rejection(
            &rejected_copy("chili fries", "HOT DOG", Some("CHILI FRIES"), PROMPT),
            &Rejection::Duplicate {
                of: DuplicateOf::OtherCopy,
            },
            "duplicate_phrase",
            "Another player already wrote exactly that copy; try something different.",
        );
    }

    // --- Copies: repeated words -------------------------------------------------------------

    #[test]
    fn copy_may_share_short_and_common_words_with_the_original() {
        accepted_copy("the hot potato", "THE HOT DOG", None, PROMPT);
    }

    #[test]
    fn copy_may_not_repeat_a_word_of_the_original() {
        assert_rejection(
            &rejected_copy("birthday cake", "BIRTHDAY PARTY", None, PROMPT),
            &reuses("BIRTHDAY", Source::Original, "BIRTHDAY"),
            "invalid_phrase",
            "\"BIRTHDAY\" is already in the original phrase; use your own words.",
        );
    }

    #[test]
    fn copy_may_not_use_another_form_of_a_word_of_the_original() {
        assert_rejection(
            &rejected_copy("surprise parties", "BIRTHDAY PARTY", None, PROMPT),
            &reuses("PARTIES", Source::Original, "PARTY"),
            "invalid_phrase",
            "\"PARTIES\" is too close to \"PARTY\" from the original phrase.",
        );
    }

    #[test]
    fn copy_may_not_repeat_the_other_copy_and_is_not_told_its_words() {
        let rejection = rejected_copy("cheese fries", "HOT DOG", Some("CHILI FRIES"), PROMPT);
        assert_rejection(
            &rejection,
            &reuses("FRIES", Source::OtherCopy, "FRIES"),
            "invalid_phrase",
            "\"FRIES\" is too close to a word in the other player's copy; try another word.",
        );
        assert!(!rejection.message().contains("CHILI"));
    }

    #[test]
    fn copy_may_not_repeat_the_prompt_and_is_not_told_its_words() {
        let rejection = rejected_copy("royal weddings", "AWKWARD SILENCE", None, PROMPT);
        assert_rejection(
            &rejection,
            &reuses("WEDDINGS", Source::HiddenPrompt, "WEDDING"),
            "invalid_phrase",
            "\"WEDDINGS\" is too close to a word in the prompt (which copiers don't see); \
             try another word.",
        );
    }

    #[test]
    fn copy_is_checked_against_the_original_before_the_hidden_texts() {
        // PARTY repeats both the original and the prompt; the visible source is reported.
        assert_eq!(
            rejected_copy("party animal", "BIRTHDAY PARTY", None, "Plan a party"),
            reuses("PARTY", Source::Original, "PARTY"),
        );
    }

    // --- Properties -------------------------------------------------------------------------

    proptest! {
        #[test]
        fn validation_never_panics_and_accepted_phrases_revalidate(
            raw in "[a-zA-Z' ]{0,40}",
            prompt in "\\PC{0,60}",
        ) {
            if let Ok(accepted) = validate_prompt_phrase(&raw, &prompt) {
                prop_assert_eq!(validate_prompt_phrase(accepted.as_str(), &prompt), Ok(accepted.clone()));
                // A copy identical to an accepted original is always a duplicate.
                let as_copy = validate_copy_phrase(&raw, &accepted, None, &prompt);
                prop_assert_eq!(as_copy, Err(Rejection::Duplicate { of: DuplicateOf::Original }));
            }
        }

        #[test]
        fn any_text_at_all_gets_an_answer_not_a_panic(
            raw in "\\PC{0,120}",
            other in "\\PC{0,40}",
            prompt in "\\PC{0,80}",
        ) {
            // Hostile input: any Unicode, any length up to past the limit.
            let original = Phrase::parse("GARDEN PARTY").expect("a valid phrase");
            let accepted = validate_prompt_phrase(&raw, &prompt);
            if let Ok(phrase) = &accepted {
                prop_assert!(phrase.as_str().len() <= 100);
            }
            let second = Phrase::parse(&other).ok();
            let _ = validate_copy_phrase(&raw, &original, second.as_ref(), &prompt);
        }

        #[test]
        fn every_dictionary_pair_of_words_passes_unless_it_repeats_the_prompt(
            first in prop::sample::select(&["GARDEN", "PICKLE", "ROCKET", "BANANA", "WIZARD"][..]),
            second in prop::sample::select(&["PARTY", "STORM", "SALAD", "MONKEY", "TOASTER"][..]),
        ) {
            let raw = format!("{first} {second}");
            prop_assert!(validate_prompt_phrase(&raw, "Something nobody wants").is_ok());
            let prompt = format!("Why is the {} so loud?", second.to_lowercase());
            let rejection = validate_prompt_phrase(&raw, &prompt);
            prop_assert_eq!(rejection, Err(reuses(second, Source::Prompt, second)));
        }
    }
}
