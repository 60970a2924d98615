//! How server-side bots write and vote: no network, no model — short
//! adjective–noun phrases from a built-in vocabulary, checked with the same
//! validation as everyone's, and votes that guess the original about half
//! the time.

use party_protocol::Phrase;
use rand::Rng;
use rand::seq::IndexedRandom;

use crate::game::validation;

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
const ATTEMPTS: usize = 40;

fn candidate(rng: &mut impl Rng) -> String {
    let adjective = ADJECTIVES.choose(rng).copied().unwrap_or("HAPPY");
    let noun = NOUNS.choose(rng).copied().unwrap_or("OTTER");
    format!("{adjective} {noun}")
}

/// An original phrase for `prompt_text`.
pub fn write_original(rng: &mut impl Rng, prompt_text: &str) -> Option<Phrase> {
    (0..ATTEMPTS)
        .find_map(|_| validation::validate_prompt_phrase(&candidate(rng), prompt_text).ok())
}

/// A copy of `original` that passes the copy rules.
pub fn write_copy(
    rng: &mut impl Rng,
    original: &Phrase,
    other: Option<&Phrase>,
    prompt_text: &str,
) -> Option<Phrase> {
    (0..ATTEMPTS).find_map(|_| {
        validation::validate_copy_phrase(&candidate(rng), original, other, prompt_text).ok()
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
    use crate::game::dictionary;
    use crate::game::prompts::library;
    use rand::SeedableRng;
    use rand::rngs::StdRng;

    #[test]
    fn the_vocabulary_is_all_dictionary_words() {
        for w in ADJECTIVES.iter().chain(NOUNS) {
            assert!(dictionary::is_known(w), "{w} is not in the dictionary");
        }
    }

    #[test]
    fn bots_write_valid_originals_and_copies_for_every_prompt() {
        let mut rng = StdRng::seed_from_u64(42);
        for prompt in library() {
            let original = write_original(&mut rng, prompt.text).expect("an original");
            let copy1 = write_copy(&mut rng, &original, None, prompt.text).expect("a first copy");
            let copy2 =
                write_copy(&mut rng, &original, Some(&copy1), prompt.text).expect("a second copy");
            assert_ne!(copy1, copy2);
            assert_ne!(copy1, original);
        }
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

    #[test]
    fn bot_names_are_valid_usernames() {
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..100 {
            let n = name(&mut rng);
            assert!(party_protocol::Username::parse(&n).is_ok(), "{n}");
        }
    }
}
