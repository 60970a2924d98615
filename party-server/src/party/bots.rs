//! How server-side bots write and vote: no network, no model. A bot answers a prompt with a
//! short phrase built from a template that suits the prompt's wording (a name, a reason, a
//! line someone says, an activity, a thing) and words of the prompt's category
//! ([`bot_vocabulary`]); its copy keeps the original's shape and little words and swaps each
//! other word for one of the same class. Everything is checked with the same validation as
//! everyone's. Votes guess the original about half the time.

use party_protocol::Phrase;
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::game::bot_vocabulary::{self, Vocabulary, WordClass, WordLists};
use crate::game::{dictionary, validation};

/// Words for bot names (`BotSleepyOtter42`); phrases use [`bot_vocabulary`].
const ADJECTIVES: &[&str] = &[
    "ANGRY", "BRAVE", "BRIGHT", "BROKEN", "BUSY", "CALM", "CHEAP", "CLEVER", "CLUMSY", "COZY",
    "CRAZY", "CURIOUS", "DARK", "DUSTY", "EAGER", "EMPTY", "FANCY", "FAST", "FIERCE", "FLUFFY",
    "FROZEN", "FUNNY", "GENTLE", "GIANT", "GOLDEN", "GREEDY", "GRUMPY", "HAPPY", "HEAVY", "HIDDEN",
    "HOLLOW", "HUNGRY", "ICY", "JOLLY", "LAZY", "LOUD", "LUCKY", "MAGIC", "MIGHTY", "MODERN",
    "MUDDY", "NOISY", "ODD", "POLITE", "PROUD", "PURPLE", "QUIET", "RAPID", "ROYAL", "RUSTY",
    "SECRET", "SHINY", "SILLY", "SLEEPY", "SMELLY", "SNEAKY", "SOGGY", "SPICY", "SPOOKY", "STICKY",
    "STRANGE", "SWEET", "TIMID", "TINY", "WILD", "WOBBLY", "WOODEN", "YELLOW",
];

const NOUNS: &[&str] = &[
    "ANCHOR", "BADGER", "BALLOON", "BANANA", "BANJO", "BISCUIT", "BLANKET", "BUCKET", "CACTUS",
    "CANDLE", "CASTLE", "COOKIE", "DRAGON", "DRUM", "FEATHER", "GARDEN", "GIRAFFE", "GOBLIN",
    "HAMMER", "HELMET", "IGLOO", "JUNGLE", "KETTLE", "LADDER", "LANTERN", "LEMON", "LOBSTER",
    "MANGO", "MITTEN", "MONKEY", "MUFFIN", "NAPKIN", "NOODLE", "OTTER", "PANCAKE", "PARROT",
    "PENGUIN", "PICKLE", "PILLOW", "PIRATE", "PUDDLE", "PUMPKIN", "PUPPET", "RACCOON", "ROBOT",
    "ROCKET", "SADDLE", "SANDWICH", "SLIPPER", "SOCK", "SPATULA", "SPIDER", "SQUIRREL", "TEAPOT",
    "THUNDER", "TOASTER", "TROPHY", "TRUMPET", "TUNNEL", "TURNIP", "VOLCANO", "WAFFLE", "WAGON",
    "WALRUS", "WIZARD", "YOGURT",
];

/// Tries this many candidate phrases before giving up (the caller then
/// forfeits the task, which the deadline rules already handle).
const ATTEMPTS: usize = 60;

/// What the prompt asks for, read from its wording; it decides the templates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Answer {
    /// "a terrible name for a zoo": a title.
    Name,
    /// "the real reason socks go missing", "the worst excuse": an explanation.
    Reason,
    /// "what the stapler says", "a bad motto": a line someone says or writes.
    Line,
    /// "what your boss does on the weekend", "a bad job for a sloth": something to do.
    Activity,
    /// Everything else ("the worst thing to find in a hotel room"): a thing.
    Thing,
}

/// Prompt words that mark each kind of answer, checked in this order (a "name" prompt that
/// also says "says" wants a name).
const ANSWER_MARKERS: [(Answer, &[&str]); 4] = [
    (Answer::Reason, &["reason", "why", "excuse", "cause"]),
    (
        Answer::Name,
        &["name", "title", "nickname", "genre", "password"],
    ),
    (
        Answer::Line,
        &[
            "say",
            "says",
            "said",
            "tell",
            "tells",
            "whisper",
            "whispers",
            "whispered",
            "mutter",
            "mutters",
            "shout",
            "shouts",
            "yell",
            "yells",
            "chant",
            "write",
            "writes",
            "wrote",
            "think",
            "thinks",
            "thinking",
            "complain",
            "complains",
            "complained",
            "gossip",
            "gossiping",
            "talk",
            "talks",
            "texting",
            "typing",
            "hear",
            "line",
            "lyric",
            "speech",
            "advice",
            "prophecy",
            "fortune",
            "law",
            "rule",
            "motto",
            "slogan",
            "tagline",
            "message",
            "notification",
            "welcome",
            "beeps",
            "hums",
            "nags",
            "demand",
            "confess",
        ],
    ),
    (
        Answer::Activity,
        &[
            "do",
            "does",
            "did",
            "doing",
            "trick",
            "hobby",
            "ritual",
            "tradition",
            "chore",
            "activity",
            "way",
            "quest",
            "mistake",
            "job",
            "career",
            "experiment",
            "idea",
            "resolution",
            "exercise",
            "skills",
        ],
    ),
];

/// Templates per kind of answer: `$A`, `$N` and `$V` are an adjective, a noun and a verb of
/// the prompt's vocabulary; every other token is written as is. Literals are common words or
/// short ones (so that a copy may keep them) except the few verbs that a copy swaps like any
/// verb.
fn templates(answer: Answer) -> &'static [&'static str] {
    match answer {
        Answer::Name => &[
            "THE $A $N",
            "$A $N",
            "$A $N",
            "$N AND $N",
            "THE $N AND THE $N",
        ],
        Answer::Reason => &[
            "THE $N DID IT",
            "$A $N",
            "A $A $N",
            "WAY TOO $A",
            "IT WAS $A",
            "MY $N IS $A",
        ],
        Answer::Line => &[
            "$V THE $N",
            "$V MY $N",
            "I AM $A",
            "I AM THE $N",
            "MY $N IS $A",
            "NO $N FOR YOU",
            "WHO ATE MY $N",
            "GET OFF MY $N",
            "ALL HAIL THE $N",
            "BEWARE THE $A $N",
        ],
        Answer::Activity => &["$V THE $N", "$V MY $N", "$V YOUR $N", "$V THE $A $N"],
        Answer::Thing => &[
            "$A $N",
            "$A $N",
            "THE $A $N",
            "A $A $N",
            "MY $A $N",
            "$A $A $N",
            "$N WITH $N",
        ],
    }
}

impl Answer {
    const ALL: [Self; 5] = [
        Self::Name,
        Self::Reason,
        Self::Line,
        Self::Activity,
        Self::Thing,
    ];
}

/// Whether `word` is one of the short words the templates write as they are (WHO, ATE, TOO):
/// a copy keeps those like common words, since they carry the shape, not the content.
fn is_short_literal(word: &str) -> bool {
    word.len() < validation::SIGNIFICANT_WORD_LETTERS
        && Answer::ALL
            .into_iter()
            .flat_map(templates)
            .flat_map(|t| t.split(' '))
            .any(|token| token == word)
}

fn answer_for(prompt_text: &str) -> Answer {
    let words: Vec<String> = prompt_text
        .split(|ch: char| !ch.is_alphabetic())
        .map(str::to_lowercase)
        .collect();
    ANSWER_MARKERS
        .iter()
        .find(|(_, markers)| words.iter().any(|w| markers.contains(&w.as_str())))
        .map_or(Answer::Thing, |(answer, _)| *answer)
}

fn slot(token: &str) -> Option<WordClass> {
    match token {
        "$A" => Some(WordClass::Adjective),
        "$N" => Some(WordClass::Noun),
        "$V" => Some(WordClass::Verb),
        _ => None,
    }
}

/// A word of `class` that is none of `avoid`.
fn pick<'w>(
    rng: &mut impl Rng,
    words: &'w WordLists,
    class: WordClass,
    avoid: &[&str],
) -> Option<&'w str> {
    let choices: Vec<&str> = words
        .words(class)
        .iter()
        .copied()
        .filter(|w| !avoid.contains(w))
        .collect();
    choices.choose(rng).copied()
}

/// A phrase from `template`, with distinct words in its slots.
fn fill(rng: &mut impl Rng, template: &str, words: &WordLists) -> Option<String> {
    let mut out: Vec<&str> = Vec::new();
    for token in template.split(' ') {
        let word = match slot(token) {
            Some(class) => pick(rng, words, class, &out)?,
            None => token,
        };
        out.push(word);
    }
    Some(with_articles(&out))
}

/// Joins `words`, turning each A or AN into the one the next word needs.
fn with_articles(words: &[&str]) -> String {
    let fixed: Vec<&str> = words
        .iter()
        .enumerate()
        .map(|(i, word)| match (*word, words.get(i + 1)) {
            ("A" | "AN", Some(next)) => article_for(next),
            _ => word,
        })
        .collect();
    fixed.join(" ")
}

/// A or AN before `word`, by its spelling; the few vowel letters that sound like a
/// consonant (UNICORN, EUROPEAN, ONCE) take A.
fn article_for(word: &str) -> &'static str {
    const SOUNDS_LIKE_A_CONSONANT: [&str; 7] = ["UNI", "USE", "USU", "UTE", "EU", "ONE", "ONCE"];
    let starts_with_vowel = word.starts_with(['A', 'E', 'I', 'O', 'U']);
    if starts_with_vowel && !SOUNDS_LIKE_A_CONSONANT.iter().any(|p| word.starts_with(p)) {
        "AN"
    } else {
        "A"
    }
}

/// An original phrase for `prompt_text`, in words of its category.
pub fn write_original(rng: &mut impl Rng, prompt_text: &str) -> Option<Phrase> {
    let vocabulary = bot_vocabulary::vocabulary().ok()?;
    let words = vocabulary.for_prompt(prompt_text);
    let templates = templates(answer_for(prompt_text));
    (0..ATTEMPTS).find_map(|_| {
        let template = templates.choose(rng)?;
        let candidate = fill(rng, template, &words.lists)?;
        validation::validate_prompt_phrase(&candidate, prompt_text).ok()
    })
}

/// What a copy does with one word of the original.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Part<'a> {
    /// A common word or a short template word: kept, so the copy has the original's shape.
    Keep(&'a str),
    /// A short word (fewer letters than a significant one), which the rules let a copy
    /// repeat: kept or swapped at random.
    MaybeSwap(&'a str, WordClass),
    /// A significant word, which a copy may not repeat: swapped for one of the same class.
    Swap(&'a str, WordClass),
}

/// The parts of `original`, word by word. A word's class is the one the prompt's words give
/// it, else any list of the file, else a guess from its place (a word before THE or MY is a
/// verb, the last word that is not common a noun, anything else an adjective).
fn parts<'a>(original: &'a Phrase, words: &WordLists, vocabulary: &Vocabulary) -> Vec<Part<'a>> {
    let all: Vec<&str> = original.words().collect();
    let last_content = all
        .iter()
        .rposition(|w| !dictionary::is_common(w) && !is_short_literal(w));
    all.iter()
        .enumerate()
        .map(|(i, &word)| {
            if dictionary::is_common(word) || is_short_literal(word) {
                return Part::Keep(word);
            }
            let class = words
                .class_of(word)
                .or_else(|| vocabulary.class_anywhere(word))
                .unwrap_or_else(|| guess_class(all.get(i + 1).copied(), Some(i) == last_content));
            let letters = word.chars().filter(char::is_ascii_alphabetic).count();
            if letters >= validation::SIGNIFICANT_WORD_LETTERS {
                Part::Swap(word, class)
            } else {
                Part::MaybeSwap(word, class)
            }
        })
        .collect()
}

fn guess_class(next: Option<&str>, is_last_content: bool) -> WordClass {
    const OBJECT_STARTERS: [&str; 13] = [
        "THE", "MY", "YOUR", "A", "AN", "HIS", "HER", "THEIR", "OUR", "ITS", "ME", "YOU", "IT",
    ];
    if is_last_content {
        WordClass::Noun
    } else if next.is_some_and(|n| OBJECT_STARTERS.contains(&n)) {
        WordClass::Verb
    } else {
        WordClass::Adjective
    }
}

/// A copy candidate: `parts` with every significant word swapped, each short one swapped
/// half the time, and at least one word swapped.
fn copy_candidate(rng: &mut impl Rng, parts: &[Part<'_>], words: &WordLists) -> Option<String> {
    let mut swap: Vec<bool> = parts
        .iter()
        .map(|part| match part {
            Part::Keep(_) => false,
            Part::MaybeSwap(..) => rng.random_bool(0.5),
            Part::Swap(..) => true,
        })
        .collect();
    if !swap.contains(&true) {
        let last = parts
            .iter()
            .rposition(|part| !matches!(part, Part::Keep(_)))?;
        swap[last] = true;
    }
    let originals: Vec<&str> = parts
        .iter()
        .map(|part| match part {
            Part::Keep(w) | Part::MaybeSwap(w, _) | Part::Swap(w, _) => *w,
        })
        .collect();
    let mut out: Vec<&str> = Vec::new();
    for (part, swap) in parts.iter().zip(swap) {
        let word = match part {
            Part::MaybeSwap(_, class) | Part::Swap(_, class) if swap => {
                let avoid: Vec<&str> = originals.iter().chain(&out).copied().collect();
                pick(rng, words, *class, &avoid)?
            }
            Part::Keep(w) | Part::MaybeSwap(w, _) | Part::Swap(w, _) => w,
        };
        out.push(word);
    }
    Some(with_articles(&out))
}

/// A copy of `original` that passes the copy rules: the same shape and little words, each
/// other word swapped for one of the same class from the prompt's category. Should no such
/// copy pass (an original of an odd shape), any phrase of the prompt's kind will do.
pub fn write_copy(
    rng: &mut impl Rng,
    original: &Phrase,
    other: Option<&Phrase>,
    prompt_text: &str,
) -> Option<Phrase> {
    let vocabulary = bot_vocabulary::vocabulary().ok()?;
    let words = vocabulary.for_prompt(prompt_text);
    let parts = parts(original, &words.lists, vocabulary);
    let valid =
        |candidate: &str| validation::validate_copy_phrase(candidate, original, other, prompt_text);
    (0..ATTEMPTS)
        .find_map(|_| valid(&copy_candidate(rng, &parts, &words.lists)?).ok())
        .or_else(|| {
            let templates = templates(answer_for(prompt_text));
            (0..ATTEMPTS).find_map(|_| {
                let template = templates.choose(rng)?;
                valid(&fill(rng, template, &words.lists)?).ok()
            })
        })
}

/// Picks one of the three phrases shown: the original about half the
/// time (a bot that plays like a so-so human), otherwise a copy.
pub fn choose_vote<'a>(rng: &mut impl Rng, shown: &'a [String; 3], original: &str) -> &'a str {
    if rng.random_bool(0.5)
        && let Some(phrase) = shown.iter().find(|p| *p == original)
    {
        return phrase;
    }
    let copies: Vec<&String> = shown.iter().filter(|p| *p != original).collect();
    copies.choose(rng).map_or(&shown[0], |p| p.as_str())
}

/// A bot's display name.
pub fn name(rng: &mut impl Rng) -> String {
    let adjective = ADJECTIVES.choose(rng).copied().unwrap_or("HAPPY");
    let noun = NOUNS.choose(rng).copied().unwrap_or("OTTER");
    let title = |w: &str| format!("{}{}", &w[..1], w[1..].to_ascii_lowercase());
    format!(
        "Bot{}{}{}",
        title(adjective),
        title(noun),
        rng.random_range(10..100)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::game::prompts::library;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    const SEEDS: u64 = 5;

    #[test]
    fn the_name_words_are_all_dictionary_words() {
        for w in ADJECTIVES.iter().chain(NOUNS) {
            assert!(dictionary::is_known(w), "{w} is not in the dictionary");
        }
    }

    fn vocabulary() -> &'static Vocabulary {
        match bot_vocabulary::vocabulary() {
            Ok(vocabulary) => vocabulary,
            Err(err) => panic!("{err}"),
        }
    }

    /// The words a template of `prompt_text`'s kind writes as they are.
    fn literals(prompt_text: &str) -> Vec<&'static str> {
        templates(answer_for(prompt_text))
            .iter()
            .flat_map(|t| t.split(' '))
            .filter(|token| slot(token).is_none())
            .collect()
    }

    /// Asserts that `phrase` is made of the prompt's words, template words and common words,
    /// with at least one word of the prompt's lists.
    fn assert_uses_prompt_words(phrase: &Phrase, prompt_text: &str) {
        let words = vocabulary().for_prompt(prompt_text);
        let literals = literals(prompt_text);
        let mut from_lists = 0;
        for word in phrase.words() {
            if words.lists.class_of(word).is_some() {
                from_lists += 1;
            } else {
                assert!(
                    dictionary::is_common(word) || literals.contains(&word),
                    "{word} of {phrase:?} is not a word of {prompt_text:?} ({:?})",
                    words.source
                );
            }
        }
        assert!(from_lists > 0, "{phrase:?} for {prompt_text:?}");
    }

    /// Asserts that `copy` has the shape of `original`: as many words, and in each place the
    /// same word, an article, or a word of the same class.
    fn assert_resembles(copy: &Phrase, original: &Phrase, prompt_text: &str) {
        let words = vocabulary().for_prompt(prompt_text);
        let parts = parts(original, &words.lists, vocabulary());
        let copy_words: Vec<&str> = copy.words().collect();
        assert_eq!(
            copy_words.len(),
            parts.len(),
            "{copy:?} vs {original:?} for {prompt_text:?}"
        );
        for (part, word) in parts.iter().zip(copy_words) {
            let same = match part {
                Part::Keep(kept) => {
                    *kept == word || (["A", "AN"].contains(kept) && ["A", "AN"].contains(&word))
                }
                Part::MaybeSwap(kept, class) | Part::Swap(kept, class) => {
                    *kept == word || words.lists.class_of(word) == Some(*class)
                }
            };
            assert!(
                same,
                "{word} of {copy:?} does not match {part:?} of {original:?} for {prompt_text:?}"
            );
        }
    }

    fn original_for(rng: &mut StdRng, prompt_text: &str) -> Phrase {
        match write_original(rng, prompt_text) {
            Some(original) => original,
            None => panic!("no original for {prompt_text:?}"),
        }
    }

    fn copy_for(
        rng: &mut StdRng,
        original: &Phrase,
        other: Option<&Phrase>,
        prompt_text: &str,
    ) -> Phrase {
        match write_copy(rng, original, other, prompt_text) {
            Some(copy) => copy,
            None => panic!("no copy of {original:?} for {prompt_text:?}"),
        }
    }

    #[test]
    fn originals_for_every_library_prompt_use_its_words_and_pass_validation() {
        for seed in 0..SEEDS {
            let mut rng = StdRng::seed_from_u64(seed);
            for prompt in library() {
                let original = original_for(&mut rng, prompt.text);
                assert_eq!(
                    validation::validate_prompt_phrase(original.as_str(), prompt.text),
                    Ok(original.clone())
                );
                assert_uses_prompt_words(&original, prompt.text);
                assert_eq!(
                    vocabulary().for_prompt(prompt.text).source,
                    bot_vocabulary::Source::Category(prompt.category)
                );
            }
        }
    }

    #[test]
    fn copies_for_every_library_prompt_pass_the_copy_rules_and_keep_the_shape() {
        for seed in 0..SEEDS {
            let mut rng = StdRng::seed_from_u64(seed);
            for prompt in library() {
                let original = original_for(&mut rng, prompt.text);
                let first = copy_for(&mut rng, &original, None, prompt.text);
                let second = copy_for(&mut rng, &original, Some(&first), prompt.text);
                // Checked as the rounds check them: the first copy alone, the second
                // against it.
                assert_eq!(
                    validation::validate_copy_phrase(first.as_str(), &original, None, prompt.text),
                    Ok(first.clone())
                );
                assert_eq!(
                    validation::validate_copy_phrase(
                        second.as_str(),
                        &original,
                        Some(&first),
                        prompt.text
                    ),
                    Ok(second.clone())
                );
                for copy in [&first, &second] {
                    assert_uses_prompt_words(copy, prompt.text);
                    assert_resembles(copy, &original, prompt.text);
                }
            }
        }
    }

    #[test]
    fn prompts_outside_the_library_use_the_general_words() {
        let prompt = "Describe your ideal Tuesday";
        assert_eq!(
            vocabulary().for_prompt(prompt).source,
            bot_vocabulary::Source::General
        );
        for seed in 0..20 {
            let mut rng = StdRng::seed_from_u64(seed);
            let original = original_for(&mut rng, prompt);
            assert_uses_prompt_words(&original, prompt);
            let copy = copy_for(&mut rng, &original, None, prompt);
            assert_resembles(&copy, &original, prompt);
        }
    }

    #[test]
    fn copies_of_human_originals_keep_their_little_words() {
        let prompt = "the worst food to eat on a first date";
        for seed in 0..20 {
            let mut rng = StdRng::seed_from_u64(seed);
            for (original, starts) in [
                ("I AM A POTATO", "I AM A"),
                ("HOT DOG", ""),
                ("EAT YOUR VEGETABLES", ""),
                ("MY UNCLE'S TOUPEE", "MY "),
                ("SOUP OF THE DAY", ""),
            ] {
                let original = match Phrase::parse(original) {
                    Ok(original) => original,
                    Err(err) => panic!("{original}: {err}"),
                };
                let copy = copy_for(&mut rng, &original, None, prompt);
                assert!(
                    copy.as_str().starts_with(starts),
                    "{copy:?} of {original:?}"
                );
                assert_resembles(&copy, &original, prompt);
            }
        }
    }

    #[test]
    fn the_answer_follows_the_prompt_wording() {
        for (prompt, answer) in [
            ("a terrible name for a zoo", Answer::Name),
            ("the real reason the goose is so angry", Answer::Reason),
            ("the worst excuse for being late", Answer::Reason),
            (
                "what the stapler says when nobody is listening",
                Answer::Line,
            ),
            ("a bad motto for a burger restaurant", Answer::Line),
            ("what your boss does on the weekend", Answer::Activity),
            ("a bad job for a sloth", Answer::Activity),
            ("the worst thing to find in a hotel room", Answer::Thing),
            ("What the WIZARD keeps in his hat?", Answer::Thing),
        ] {
            assert_eq!(answer_for(prompt), answer, "{prompt}");
        }
    }

    #[test]
    fn template_slots_are_the_three_word_classes() {
        assert_eq!(slot("$A"), Some(WordClass::Adjective));
        assert_eq!(slot("$N"), Some(WordClass::Noun));
        assert_eq!(slot("$V"), Some(WordClass::Verb));
        assert_eq!(slot("THE"), None);
    }

    #[test]
    fn short_literals_are_the_template_words_under_four_letters() {
        for word in ["WHO", "ATE", "TOO", "OFF", "GET", "ALL", "DID", "WAY"] {
            assert!(is_short_literal(word), "{word}");
        }
        // HAIL and BEWARE are template words, but long enough to be significant;
        // ZIT is short but no template's.
        for word in ["HAIL", "BEWARE", "ZIT"] {
            assert!(!is_short_literal(word), "{word}");
        }
    }

    #[test]
    fn words_outside_the_vocabulary_get_a_class_from_their_place() {
        let words = vocabulary().for_prompt("the worst food to eat on a first date");
        for word in ["FLAMBOYANT", "WOMBAT", "BEFRIEND", "ZIT"] {
            assert_eq!(
                vocabulary().class_anywhere(word),
                None,
                "test premise: {word}"
            );
        }
        let phrase = |raw: &str| Phrase::parse(raw).unwrap_or_else(|err| panic!("{raw}: {err}"));
        // Before THE a verb, the last word that is not common a noun (even before
        // common words), anything else an adjective; short words may be kept.
        let original = phrase("BEFRIEND THE FLAMBOYANT WOMBAT");
        assert_eq!(
            parts(&original, &words.lists, vocabulary()),
            [
                Part::Swap("BEFRIEND", WordClass::Verb),
                Part::Keep("THE"),
                Part::Swap("FLAMBOYANT", WordClass::Adjective),
                Part::Swap("WOMBAT", WordClass::Noun),
            ]
        );
        let original = phrase("FLAMBOYANT ZIT FOR ME");
        assert_eq!(
            parts(&original, &words.lists, vocabulary()),
            [
                Part::Swap("FLAMBOYANT", WordClass::Adjective),
                Part::MaybeSwap("ZIT", WordClass::Noun),
                Part::Keep("FOR"),
                Part::Keep("ME"),
            ]
        );
    }

    #[test]
    fn short_words_of_an_original_are_swapped_only_some_of_the_time() {
        // HOT and DOG may both be kept by the rules: each copy swaps at least one,
        // and over a few seeds some copy keeps one of them.
        let prompt = "the worst food to eat on a first date";
        let original = match Phrase::parse("HOT DOG") {
            Ok(original) => original,
            Err(err) => panic!("{err}"),
        };
        let copies: Vec<Phrase> = (0..20)
            .map(|seed| copy_for(&mut StdRng::seed_from_u64(seed), &original, None, prompt))
            .collect();
        assert!(copies.iter().all(|c| c != &original));
        assert!(
            copies
                .iter()
                .any(|c| c.words().any(|w| w == "HOT" || w == "DOG")),
            "{copies:?}"
        );
    }

    #[test]
    fn articles_agree_with_the_next_word() {
        assert_eq!(with_articles(&["A", "ANCHOVY"]), "AN ANCHOVY");
        assert_eq!(with_articles(&["AN", "SOGGY", "NOODLE"]), "A SOGGY NOODLE");
        assert_eq!(
            with_articles(&["A", "UNICORN", "IN", "A", "OVEN"]),
            "A UNICORN IN AN OVEN"
        );
        assert_eq!(with_articles(&["AN"]), "AN");
    }

    #[test]
    fn votes_pick_one_of_the_shown_phrases_and_sometimes_the_original() {
        let mut rng = StdRng::seed_from_u64(1);
        let shown = ["A B".to_owned(), "C D".to_owned(), "E F".to_owned()];
        let picks: Vec<&str> = (0..200)
            .map(|_| choose_vote(&mut rng, &shown, "C D"))
            .collect();
        assert!(picks.iter().all(|p| shown.iter().any(|s| s == p)));
        let originals = picks.iter().filter(|p| **p == "C D").count();
        assert!(
            (60..=140).contains(&originals),
            "{originals} originals of 200"
        );
    }

    /// A copy candidate always changes at least one word, and only words it
    /// may change: when no short word was drawn for a swap, the last
    /// swappable one is swapped (never a kept word), and no other is forced.
    #[test]
    fn a_copy_candidate_changes_a_swappable_word_and_never_a_kept_one() {
        let words = vocabulary().for_prompt("").lists;
        let class = WordClass::Noun;
        let parts = [
            Part::Keep("THE"),
            Part::MaybeSwap("CAT", class),
            Part::Keep("NAP"),
        ];
        let mut kept_first = 0;
        let two = [Part::MaybeSwap("CAT", class), Part::MaybeSwap("DOG", class)];
        for seed in 0..64 {
            let mut rng = StdRng::seed_from_u64(seed);
            let copy = copy_candidate(&mut rng, &parts, &words).expect("a noun to swap in");
            let copy: Vec<&str> = copy.split(' ').collect();
            assert_eq!(copy[0], "THE", "{copy:?}");
            assert_eq!(copy[2], "NAP", "{copy:?}");
            assert_ne!(copy[1], "CAT", "{copy:?}");
            let copy = copy_candidate(&mut rng, &two, &words).expect("nouns to swap in");
            let copy: Vec<&str> = copy.split(' ').collect();
            assert_ne!(copy, ["CAT", "DOG"]);
            if copy[0] != "CAT" && copy[1] == "DOG" {
                kept_first += 1;
            }
        }
        // A first word drawn for a swap does not force the last one too.
        assert!(kept_first > 0, "the last word was always swapped as well");
    }

    #[test]
    fn bot_names_are_bot_an_adjective_a_noun_and_two_digits() {
        let mut rng = StdRng::seed_from_u64(9);
        for _ in 0..50 {
            let n = name(&mut rng);
            let rest = n.strip_prefix("Bot").unwrap_or_else(|| panic!("{n}"));
            let (words, digits) = rest.split_at(rest.len() - 2);
            assert!(
                digits.parse::<u8>().is_ok_and(|d| (10..100).contains(&d)),
                "{n}"
            );
            let found = ADJECTIVES.iter().any(|a| {
                NOUNS.iter().any(|noun| {
                    words.eq_ignore_ascii_case(&format!("{a}{noun}"))
                        && words.starts_with(&a[..1])
                        && words[a.len()..].starts_with(&noun[..1])
                })
            });
            assert!(found, "{n} is not Bot + Adjective + Noun + digits");
        }
    }

    #[test]
    fn bot_names_are_valid_usernames() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..100 {
            let n = name(&mut rng);
            assert!(party_protocol::Username::parse(&n).is_ok(), "{n}");
        }
    }
}
