//! Valid phrases for tests, and submission with retry.
//!
//! Prompt texts are drawn at random, so a phrase can clash with a word of
//! the prompt it answers; the helpers then try the next phrase. Phrases are
//! two distinct words from a list of dictionary words, never reused within
//! one generator, so an original and its copies never repeat each other.

use std::sync::atomic::{AtomicUsize, Ordering};

use party_protocol::ErrorCode;
use serde_json::json;

use super::{Player, Reply, TestApp};

const WORDS: &[&str] = &[
    "PURPLE", "GIRAFFE", "SLEEPY", "VOLCANO", "GOLDEN", "TRUMPET", "FROZEN", "PICKLE", "SILENT",
    "HAMMER", "BRAVE", "OTTER", "CRISPY", "WAFFLE", "GENTLE", "THUNDER", "DUSTY", "LANTERN",
    "CLUMSY", "WIZARD", "NOISY", "KETTLE", "VELVET", "CACTUS", "WOODEN", "ROBOT", "HUNGRY",
    "BADGER", "SHINY", "BUCKET", "TIMID", "DRAGON", "FANCY", "TURNIP", "ROYAL", "ANCHOR", "JOLLY",
    "PENGUIN", "MIGHTY", "SPATULA", "SOGGY", "BISCUIT", "GRUMPY", "WALRUS", "LUCKY", "SADDLE",
    "CHEAP", "TUXEDO", "HOLLOW", "PUMPKIN", "SNEAKY", "RACCOON", "BOUNCY", "CASTLE", "ANCIENT",
    "MUMMY", "SPICY", "NOODLE", "FUZZY", "SLIPPER", "GIANT", "LOBSTER", "TINY", "CANNON", "SECRET",
    "TUNNEL", "SOLEMN", "PARROT", "MODERN", "IGLOO", "WILD", "BANJO", "CHUBBY", "HAMSTER",
    "POLITE", "GORILLA", "STICKY", "FINGER", "SPOOKY", "CLOSET", "RAPID", "GLACIER", "DIZZY",
    "FLAMINGO", "BITTER", "LEMON", "SMOKY", "JUNGLE", "PLUMP", "MANGO", "GLOOMY", "TOWER",
    "FROSTY", "MITTEN", "BUMPY", "WAGON", "SHAGGY", "PONY", "MELLOW", "CELLO", "TANGY", "YOGURT",
    "QUIRKY", "MONK", "SOLAR", "KAYAK", "LEAFY", "HELMET",
];

/// Hands out fresh two-word phrases.
#[derive(Debug, Default)]
pub struct Phrases {
    next: AtomicUsize,
}

impl Phrases {
    /// A generator that skips the first `n` phrases.
    pub fn starting_at(n: usize) -> Self {
        Self {
            next: AtomicUsize::new(n),
        }
    }

    pub fn next(&self) -> String {
        let i = self.next.fetch_add(1, Ordering::Relaxed);
        let a = WORDS[(2 * i) % WORDS.len()];
        let b = WORDS[(2 * i + 1) % WORDS.len()];
        format!("{a} {b}")
    }
}

/// Submits fresh phrases to a prompt or copy round until one is accepted
/// (a phrase can clash with the hidden prompt text). Returns the accepted phrase.
pub async fn submit_valid(
    app: &TestApp,
    phrases: &Phrases,
    player: &Player,
    round_id: &str,
) -> String {
    for _ in 0..30 {
        let phrase = phrases.next();
        let reply: Reply = app
            .post(
                &format!("/rounds/{round_id}/submit"),
                &player.token,
                json!({"phrase": phrase}),
            )
            .await;
        if reply.status.is_success() {
            assert_eq!(reply.body["phrase"], phrase.as_str());
            return phrase;
        }
        assert!(
            reply.body["error"] == ErrorCode::InvalidPhrase.as_str(),
            "unexpected rejection of {phrase}: {}",
            reply.body
        );
    }
    panic!("no phrase accepted after 30 tries");
}
