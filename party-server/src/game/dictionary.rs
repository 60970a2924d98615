//! The English dictionary behind phrase validation, embedded in the binary.
//!
//! `data/words.txt` is the SCOWL list shipped by Debian's `wamerican` package (licence in
//! `data/words.COPYRIGHT`): 63,612 UPPER-CASE words, one per line, without apostrophes. It
//! already holds most inflections (DOGS, RUNNING, HAPPILY), so suffix stripping here only has
//! to cover the rest, plus the stems used to spot a reused word in another form.
//!
//! Besides the list, this module owns the small fixed vocabularies of the rules: the common
//! words (exempt from the dictionary, never enough on their own, never "significant") and the
//! contractions and other apostrophe words a player may type.

use std::borrow::Cow;
use std::collections::HashSet;
use std::sync::LazyLock;

/// The raw word list, compiled into the binary: nothing is read or downloaded at run time.
const WORD_LIST: &str = include_str!("../../data/words.txt");

/// The list as a set, built on first use (or by [`preload`]).
///
/// A `HashSet` of slices into the embedded text rather than a binary search over the sorted
/// lines. Measured on the 63,612 words (release build): the set takes ~8 ms to build and
/// ~25 ns per lookup; collecting the lines for a binary search takes ~2 ms and ~190 ns per
/// lookup. Validation makes a few hundred lookups per phrase (suffix and stem candidates),
/// so lookups matter more than the one-off build, and the set does not silently depend on
/// the file staying sorted in byte order. Its ~2 MB are negligible for a server.
static WORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    WORD_LIST
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect()
});

/// Words so frequent that they carry no meaning of their own: articles, pronouns,
/// prepositions, conjunctions and the most common auxiliaries. They need not be in the
/// dictionary (I and A are not: it has no one-letter words), they do not satisfy "at least one
/// non-common word", and a prompt or original may share them freely.
#[rustfmt::skip] // Grouped by kind, several to a line, for review.
pub const COMMON_WORDS: [&str; 50] = [
    // Articles and demonstratives.
    "A", "AN", "THE", "THIS", "THAT",
    // Personal and possessive pronouns.
    "I", "ME", "MY", "YOU", "YOUR", "HE", "HIM", "HIS", "SHE", "HER", "IT", "ITS", "WE", "US",
    "OUR", "THEY", "THEM", "THEIR",
    // Prepositions.
    "TO", "OF", "IN", "ON", "AT", "BY", "FOR", "WITH", "FROM", "UP", "INTO", "AS",
    // Conjunctions and comparison.
    "AND", "OR", "BUT", "IF", "SO", "THAN",
    // Forms of BE and DO, and negation.
    "IS", "ARE", "WAS", "WERE", "BE", "AM", "DO", "NOT", "NO",
];

/// Standard contractions. They are the common words above (and a few auxiliaries) written
/// shorter, so they are treated exactly like common words: accepted without the dictionary
/// (which has no apostrophes), not enough on their own ("I CAN'T" is rejected like "I CAN"
/// would be) and never a "significant" word that a copy is forbidden to repeat.
#[rustfmt::skip] // Grouped by kind, several to a line, for review.
pub const CONTRACTIONS: [&str; 64] = [
    "I'M", "I'VE", "I'LL", "I'D", "YOU'RE", "YOU'VE", "YOU'LL", "YOU'D", "HE'S", "HE'LL",
    "HE'D", "SHE'S", "SHE'LL", "SHE'D", "IT'S", "IT'LL", "IT'D", "WE'RE", "WE'VE", "WE'LL",
    "WE'D", "THEY'RE", "THEY'VE", "THEY'LL", "THEY'D", "THAT'S", "THAT'LL", "WHO'S", "WHAT'S",
    "WHERE'S", "WHEN'S", "WHY'S", "HOW'S", "THERE'S", "HERE'S", "LET'S", "Y'ALL", "ISN'T",
    "AREN'T", "WASN'T", "WEREN'T", "AIN'T", "DON'T", "DOESN'T", "DIDN'T", "HAVEN'T", "HASN'T",
    "HADN'T", "WON'T", "WOULDN'T", "CAN'T", "COULDN'T", "SHOULDN'T", "MUSTN'T", "MIGHTN'T",
    "NEEDN'T", "SHAN'T", "WOULD'VE", "COULD'VE", "SHOULD'VE", "MIGHT'VE", "MUST'VE", "WHO'D",
    "WHO'LL",
];

/// Ordinary (not common) words that are spelled with an apostrophe and so cannot be in the
/// apostrophe-free list.
const APOSTROPHE_WORDS: [&str; 2] = ["O'CLOCK", "MA'AM"];

/// Shortest base a suffix may be stripped down to. Shorter "bases" are almost always
/// accidents (HOLY is not HO + LY, BEST is not B + EST).
const MIN_BASE_LETTERS: usize = 3;

/// How many suffixes may be stacked (CHEERFUL + NESS + ES). Also bounds the work per word.
const MAX_SUFFIX_STEPS: usize = 3;

/// How a suffix attaches to its base, which decides the base spellings to try.
#[derive(Clone, Copy, Debug)]
enum Attach {
    /// The base is the word minus the suffix plus a fixed ending: HAPPILY = HAPP(Y) + ILY.
    Replace(&'static str),
    /// A suffix starting with a vowel (ING, ED, ER, EST): the base may have lost a final E
    /// (MAKING, BAKER) or doubled its last consonant (RUNNING, BIGGEST).
    Vowel,
}

/// The suffix rules, in the order they are tried. [`is_known`] tries them all, but [`stem`]
/// takes the first base that is a dictionary word, so the order settles ambiguities: the
/// Y-rules come first (HAPPINESS is HAPPY, not HAPPI + NESS), the -LE adverbs before plain LY
/// (GENTLY is GENTLE, not GENT) and S before ES (HOPES is HOPE, not HOP).
const SUFFIX_RULES: [(&str, Attach); 28] = [
    // Y-bases, whose Y turned into I: HAPPINESS, MERRIMENT, PENNILESS, BEAUTIFUL, HAPPIEST.
    ("INESS", Attach::Replace("Y")),
    ("IMENT", Attach::Replace("Y")),
    ("ILESS", Attach::Replace("Y")),
    ("IFUL", Attach::Replace("Y")),
    ("IEST", Attach::Replace("Y")),
    ("ICALLY", Attach::Replace("IC")),
    // Noun and adjective suffixes: KINDNESS, MOVEMENT, HOPELESS, HOPEFUL.
    ("NESS", Attach::Replace("")),
    ("MENT", Attach::Replace("")),
    ("LESS", Attach::Replace("")),
    ("FUL", Attach::Replace("")),
    // DYING, LYING, TYING come from DIE, LIE, TIE.
    ("YING", Attach::Replace("IE")),
    ("ING", Attach::Vowel),
    ("IED", Attach::Replace("Y")),
    ("IER", Attach::Replace("Y")),
    ("EST", Attach::Vowel),
    ("ED", Attach::Vowel),
    ("ER", Attach::Vowel),
    // Adverbs: HAPPILY, FULLY, the -LE adjectives (HUMBLY, GENTLY, SIMPLY), then QUICKLY.
    ("ILY", Attach::Replace("Y")),
    ("LLY", Attach::Replace("LL")),
    ("BLY", Attach::Replace("BLE")),
    ("TLY", Attach::Replace("TLE")),
    ("PLY", Attach::Replace("PLE")),
    ("LY", Attach::Replace("")),
    // Plurals and third person: DOGS, TRIES, BOXES.
    ("S", Attach::Replace("")),
    ("IES", Attach::Replace("Y")),
    ("ES", Attach::Replace("")),
    // Adjectives: CHILDISH, BLUISH.
    ("ISH", Attach::Replace("")),
    ("ISH", Attach::Replace("E")),
];

/// Builds the word set now instead of on the first validated phrase, so that request does
/// not pay for it. Call once at start-up; calling it again is free.
pub fn preload() {
    LazyLock::force(&WORDS);
}

/// Whether `word` is in the embedded list exactly (case-insensitive, no suffix stripping).
#[must_use]
pub fn is_word(word: &str) -> bool {
    WORDS.contains(upper(word).as_ref())
}

/// Whether `word` is one of the [`COMMON_WORDS`] or a contraction of them ([`CONTRACTIONS`]).
/// Case-insensitive.
#[must_use]
pub fn is_common(word: &str) -> bool {
    let word = upper(word);
    COMMON_WORDS.contains(&word.as_ref()) || CONTRACTIONS.contains(&word.as_ref())
}

/// Whether `word` is acceptable English: a common word or contraction, a dictionary word as
/// written, a possessive of a known word (DOG'S, DOGS'), or a dictionary word plus common
/// suffixes (RUNNINGLY is not in the list, but RUNNING is). Case-insensitive.
///
/// A suffix is only stripped down to a word of at least three letters that is not a common
/// word, so ANDS or ASES do not sneak in through AND and AS.
#[must_use]
pub fn is_known(word: &str) -> bool {
    let word = upper(word);
    if is_common(&word) || APOSTROPHE_WORDS.contains(&word.as_ref()) {
        return true;
    }
    if let Some(owner) = strip_possessive(&word) {
        // DOG'S is known when DOG is. Common words have no such possessive (HER'S, THE'S);
        // IT'S and HE'S were already accepted as contractions above.
        return !owner.contains('\'') && !is_common(owner) && is_known(owner);
    }
    // The list has no apostrophes, so any other apostrophe word is unknown (DO'G, 'TIS).
    !word.contains('\'')
        && (WORDS.contains(word.as_ref()) || known_by_suffix(&word, MAX_SUFFIX_STEPS))
}

/// The stem used to decide whether two words are "the same word in another form": RUNNING,
/// RUNS and RUNNER all give RUN; HAPPILY and HAPPINESS give HAPPY; TRIED gives TRY; DOG'S
/// gives DOG. Returns UPPER-CASE.
///
/// Suffixes are only removed when what remains is in the dictionary, so unknown words (names
/// in a prompt) come back unchanged rather than mangled. This is a heuristic, not a
/// linguist: a few unrelated pairs share a stem (CORNER and CORN, SUMMER and SUM). That
/// costs a player one rephrase, while a stemmer that misses real forms would let a copy
/// repeat the original's word.
#[must_use]
pub fn stem(word: &str) -> String {
    let word = upper(word);
    let mut current = strip_possessive(&word).unwrap_or(&word).to_owned();
    for _ in 0..MAX_SUFFIX_STEPS {
        let Some(base) = base_candidates(&current).find(|base| is_base_word(base)) else {
            break;
        };
        current = base;
    }
    current
}

/// Upper-cases only when needed, so the usual (already upper-case) caller does not allocate.
fn upper(word: &str) -> Cow<'_, str> {
    if word.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(word.to_ascii_uppercase())
    } else {
        Cow::Borrowed(word)
    }
}

/// The owner in a possessive: DOG'S -> DOG, DOGS' -> DOGS. `None` if not possessive.
fn strip_possessive(word: &str) -> Option<&str> {
    word.strip_suffix("'S")
        .or_else(|| word.strip_suffix('\'').filter(|owner| owner.ends_with('S')))
        .filter(|owner| !owner.is_empty())
}

/// A base that a suffix may be stripped down to (see [`is_known`]).
fn is_base_word(base: &str) -> bool {
    base.len() >= MIN_BASE_LETTERS && WORDS.contains(base) && !is_common(base)
}

/// Whether stripping up to `steps` suffixes from `word` reaches a dictionary word. Only the
/// final base must be a word, not the forms in between (DOGLINESS -> DOGLY -> DOG).
fn known_by_suffix(word: &str, steps: usize) -> bool {
    steps > 0
        && base_candidates(word)
            .any(|base| is_base_word(&base) || known_by_suffix(&base, steps - 1))
}

/// Every base spelling that `word` could have been built from with one suffix, most likely
/// first. The spellings are not checked against the dictionary here.
fn base_candidates(word: &str) -> impl Iterator<Item = String> + '_ {
    SUFFIX_RULES.iter().flat_map(move |&(suffix, attach)| {
        let mut bases = Vec::new();
        if let Some(rest) = word.strip_suffix(suffix) {
            // -S after S is not a plural suffix: GLASS is not GLAS + S, KINDNESS is handled
            // by NESS.
            let plural_after_s = suffix == "S" && rest.ends_with('S');
            if !rest.is_empty() && !plural_after_s {
                match attach {
                    Attach::Replace(ending) => bases.push(format!("{rest}{ending}")),
                    Attach::Vowel => push_vowel_suffix_bases(rest, &mut bases),
                }
            }
        }
        bases
    })
}

/// Bases for a vowel suffix (ING, ED, ER, EST), in order of likelihood.
///
/// * Doubled final consonant: FILLING keeps FILL if that is a word, else RUNNING -> RUN.
/// * Consonant-vowel-consonant ending: a silent E was probably dropped, so HOPING -> HOPE is
///   tried before HOP (whereas HOPPING doubled its P and is handled above), and CODED is CODE.
/// * Otherwise the plain rest first: SINGING -> SING, not SINGE.
fn push_vowel_suffix_bases(rest: &str, bases: &mut Vec<String>) {
    let bytes = rest.as_bytes();
    let with_e = format!("{rest}E");
    match bytes {
        [.., a, b] if a == b && is_consonant(*b) => {
            bases.push(rest.to_owned());
            bases.push(rest[..rest.len() - 1].to_owned());
        }
        [.., c1, v, c2]
            if is_consonant(*c1) && is_vowel(*v) && is_consonant(*c2) && !b"WXY".contains(c2) =>
        {
            bases.push(with_e);
            bases.push(rest.to_owned());
        }
        // A single S before the suffix (a doubled one took the first arm) is more often a
        // dropped-E base (SPARSEST, PARSING, DENSER) than a plural that took a suffix
        // (SPARS, PARS, DENS).
        [.., _, b'S'] => {
            bases.push(with_e);
            bases.push(rest.to_owned());
        }
        _ => {
            bases.push(rest.to_owned());
            bases.push(with_e);
        }
    }
}

fn is_vowel(byte: u8) -> bool {
    b"AEIOU".contains(&byte)
}

fn is_consonant(byte: u8) -> bool {
    byte.is_ascii_uppercase() && !is_vowel(byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_list_is_upper_case_letters_without_duplicates() {
        let lines: Vec<&str> = WORD_LIST.lines().collect();
        assert_eq!(lines.len(), 63_612);
        assert!(
            lines
                .iter()
                .all(|word| !word.is_empty() && word.bytes().all(|b| b.is_ascii_uppercase()))
        );
        assert_eq!(WORDS.len(), lines.len(), "the list has duplicate lines");
    }

    #[test]
    fn preload_builds_the_set_and_can_be_called_twice() {
        preload();
        preload();
        assert!(is_word("DOG"));
    }

    #[test]
    fn is_word_matches_the_list_exactly_in_any_case() {
        assert!(is_word("AARDVARK"));
        assert!(is_word("aardvark"));
        assert!(is_word("Running"));
        assert!(!is_word("ZZYZX"));
        // No suffix stripping at this level.
        assert!(!is_word("BLUENESS"));
        assert!(!is_word(""));
    }

    #[test]
    fn common_words_are_a_fixed_list_of_fifty_distinct_upper_case_words() {
        let distinct: HashSet<&str> = COMMON_WORDS.into_iter().collect();
        assert_eq!(distinct.len(), 50);
        assert!(
            COMMON_WORDS
                .iter()
                .all(|w| w.bytes().all(|b| b.is_ascii_uppercase()))
        );
        for word in ["A", "AN", "THE", "I", "MY", "TO", "OF", "IN", "AND"] {
            assert!(is_common(word), "{word} is named in the rules");
        }
    }

    #[test]
    fn contractions_count_as_common_and_known() {
        for word in CONTRACTIONS {
            assert!(word.contains('\''), "{word}");
            assert!(is_common(word) && is_known(word), "{word}");
        }
        assert!(is_common("don't"));
        assert!(!is_common("DOG"));
        assert!(!is_common("DOG'S"));
    }

    #[test]
    fn is_known_accepts_common_words_missing_from_the_list() {
        assert!(!is_word("I"));
        assert!(is_known("I"));
        assert!(is_known("a"));
    }

    #[test]
    fn is_known_strips_common_suffixes_down_to_a_dictionary_word() {
        for (word, base) in [
            ("BLUENESS", "BLUE"),
            ("SNAPPINESS", "SNAPPY"),
            ("RUNNINGLY", "RUNNING"),
            ("DOGLY", "DOG"),
            ("ZOMBIEMENT", "ZOMBIE"),
            ("CHEERFULNESSES", "CHEERFULNESS"),
            ("DOGLINESS", "DOG"),
        ] {
            assert!(
                !is_word(word) && is_word(base),
                "test premise: {word} / {base}"
            );
            assert!(is_known(word), "{word} should be known through {base}");
        }
    }

    #[test]
    fn is_known_rejects_words_that_no_rule_reaches() {
        for word in ["ZZYZX", "ZZYZXING", "QWERTYNESS", "ASES", "ANDS", "XS", ""] {
            assert!(!is_known(word), "{word}");
        }
    }

    #[test]
    fn is_known_reads_possessives_of_known_words() {
        assert!(is_known("DOG'S"));
        assert!(is_known("DOGS'"));
        assert!(is_known("BLUENESS'S"));
        assert!(!is_known("ZZYZX'S"));
        assert!(!is_known("HER'S"));
        // A bare trailing apostrophe is only a plural possessive after S.
        assert!(!is_known("DOG'"));
    }

    #[test]
    fn is_known_rejects_other_apostrophe_words_except_the_listed_ones() {
        assert!(is_known("O'CLOCK"));
        assert!(is_known("MA'AM"));
        for word in ["DO'G", "'TIS", "ROCK'N'ROLL", "'S", "DON'T'S"] {
            assert!(!is_known(word), "{word}");
        }
    }

    #[test]
    fn stem_undoes_inflections_and_common_suffixes() {
        for (word, expected) in [
            ("RUNNING", "RUN"),
            ("RUNS", "RUN"),
            ("RUNNER", "RUN"),
            ("RUNNERS", "RUN"),
            ("FILLING", "FILL"),
            ("HAPPILY", "HAPPY"),
            ("HAPPINESS", "HAPPY"),
            ("HAPPIER", "HAPPY"),
            ("TRIED", "TRY"),
            ("TRIES", "TRY"),
            ("PIES", "PIE"),
            ("BOXES", "BOX"),
            ("HOPES", "HOPE"),
            ("HOPING", "HOPE"),
            ("HOPPING", "HOP"),
            ("SINGING", "SING"),
            // EMPLOYE and PSYCHE are words too, but the plain rest comes first.
            ("EMPLOYED", "EMPLOY"),
            ("PSYCHING", "PSYCH"),
            ("CODED", "CODE"),
            ("SPARSEST", "SPARSE"),
            ("BIGGEST", "BIG"),
            ("DYING", "DIE"),
            ("GENTLY", "GENTLE"),
            ("FULLY", "FULL"),
            ("BASICALLY", "BASIC"),
            ("KINDNESS", "KIND"),
            ("MOVEMENTS", "MOVE"),
            ("HOPEFUL", "HOPE"),
            ("CLUELESS", "CLUE"),
            ("CHILDISH", "CHILD"),
            ("THANKFULNESS", "THANK"),
            ("DOG'S", "DOG"),
            ("DOGS'", "DOG"),
            ("running", "RUN"),
        ] {
            assert_eq!(stem(word), expected, "stem of {word}");
        }
    }

    #[test]
    fn at_most_three_suffixes_are_stripped() {
        // DOGLINESSES is DOG + LI(NESS) + ES: three steps, known. One more LY is a
        // fourth step, which the rules do not follow.
        assert!(is_known("DOGLINESSES"));
        assert!(!is_known("DOGLINESSESLY"));
    }

    #[test]
    fn a_final_s_after_s_is_not_a_plural() {
        // BUSS is a word of its own, not BUS + S.
        assert!(is_word("BUSS") && is_word("BUS"));
        assert_eq!(stem("BUSS"), "BUSS");
        assert_eq!(stem("BUSES"), "BUS");
    }

    #[test]
    fn words_with_letters_beyond_a_to_z_keep_their_stem_and_do_not_panic() {
        // Prompt text may hold any letter. U+AC30 is three bytes that end in two equal
        // ones: no byte of it may be taken for a doubled consonant.
        assert_eq!(stem("\u{AC30}ING"), "\u{AC30}ING");
        assert_eq!(stem("CAF\u{C9}S"), "CAF\u{C9}S");
        assert!(!is_known("\u{AC30}ING"));
    }

    #[test]
    fn stem_leaves_base_words_unknown_words_and_short_bases_alone() {
        for word in ["DOG", "HOLY", "BEST", "GLASS", "ZZYZX", "BEYONCE'S", "ITS"] {
            let expected = strip_possessive(word).unwrap_or(word);
            assert_eq!(stem(word), expected, "stem of {word}");
        }
    }
}
