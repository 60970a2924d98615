//! The words server bots write with: `data/bot_vocabulary.tsv`, written for this project,
//! embedded in the binary and parsed strictly (a line that does not parse is an error,
//! never skipped).
//!
//! The file gives, for each prompt category of the library (`data/prompts.tsv`), three word
//! lists — adjectives, nouns and verbs — from which bots build answers that fit prompts of
//! that category. A `general` scope serves prompts outside the library (custom ones), and a
//! `prompt:` scope gives a single prompt its own list of a class where the category's would
//! read oddly (colours for "a terrible color to paint the kitchen").

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::LazyLock;

use super::dictionary;
use super::prompts;
use super::validation::{MAX_WORD_LETTERS, MIN_WORD_LETTERS};

/// The embedded vocabulary file.
const VOCABULARY_TSV: &str = include_str!("../../data/bot_vocabulary.tsv");

/// The header line the file must start with.
const HEADER: &str = "scope\tclass\twords";

/// The scope that serves prompts outside the library.
const GENERAL_SCOPE: &str = "general";

/// Prefix of a scope that names one prompt by its exact text.
const PROMPT_SCOPE_PREFIX: &str = "prompt:";

/// The vocabulary, parsed once on first use.
static VOCABULARY: LazyLock<Result<Vocabulary, VocabularyError>> =
    LazyLock::new(|| Vocabulary::parse(VOCABULARY_TSV));

/// The embedded vocabulary.
///
/// # Errors
///
/// The first problem in the embedded file; the unit tests make sure there is none.
pub fn vocabulary() -> Result<&'static Vocabulary, &'static VocabularyError> {
    VOCABULARY.as_ref()
}

/// What a word does in a bot's phrase, which decides where a template may put it and what a
/// copy may swap it for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum WordClass {
    /// Works before a noun and after IS: SOGGY.
    Adjective,
    /// Singular or mass, so "THE … IS" and "MY …" read right: GRAVY.
    Noun,
    /// Base form that takes an object: LICK.
    Verb,
}

impl WordClass {
    /// Every class, in the order of [`WordLists`].
    pub const ALL: [Self; 3] = [Self::Adjective, Self::Noun, Self::Verb];

    /// The class as the file spells it.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Adjective => "adjective",
            Self::Noun => "noun",
            Self::Verb => "verb",
        }
    }

    fn index(self) -> usize {
        match self {
            Self::Adjective => 0,
            Self::Noun => 1,
            Self::Verb => 2,
        }
    }

    fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|class| class.as_str() == text)
    }
}

/// One word list per class; an empty list means "not given" (only allowed for a prompt
/// scope, whose missing classes come from its category).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WordLists {
    lists: [Vec<&'static str>; 3],
}

impl WordLists {
    /// The words of `class`.
    #[must_use]
    pub fn words(&self, class: WordClass) -> &[&'static str] {
        &self.lists[class.index()]
    }

    /// The class that lists `word`, if any.
    #[must_use]
    pub fn class_of(&self, word: &str) -> Option<WordClass> {
        WordClass::ALL
            .into_iter()
            .find(|class| self.words(*class).contains(&word))
    }
}

/// Where a prompt's words come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    /// The prompt is not in the library.
    General,
    /// The category of the library prompt.
    Category(&'static str),
}

/// The words bots use for one prompt: its own lists where the file gives them, its
/// category's for the other classes, or the general ones for a prompt outside the library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PromptWords {
    /// Where the words come from.
    pub source: Source,
    /// The effective lists.
    pub lists: WordLists,
}

/// The parsed vocabulary file.
#[derive(Debug)]
pub struct Vocabulary {
    general: WordLists,
    /// Sorted, so that [`Vocabulary::class_anywhere`] answers the same on every run.
    categories: BTreeMap<&'static str, WordLists>,
    /// Per-prompt lists, by lower-case prompt text.
    prompts: BTreeMap<String, WordLists>,
    /// The category of every library prompt, by lower-case prompt text.
    prompt_categories: HashMap<String, &'static str>,
}

impl Vocabulary {
    /// Parses a vocabulary file against the prompt library.
    ///
    /// # Errors
    ///
    /// The first line that is not a well-formed entry, or a scope that lacks a class.
    pub fn parse(text: &'static str) -> Result<Self, VocabularyError> {
        let library = prompts::library();
        let prompt_categories: HashMap<String, &'static str> = library
            .iter()
            .map(|p| (p.text.to_lowercase(), p.category))
            .collect();
        let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
        match lines.next() {
            Some((_, HEADER)) => {}
            _ => return Err(VocabularyError::at(1, Problem::MissingHeader)),
        }
        let mut general: Option<WordLists> = None;
        let mut categories: BTreeMap<&'static str, WordLists> = BTreeMap::new();
        let mut prompt_lists: BTreeMap<String, WordLists> = BTreeMap::new();
        for (number, line) in lines {
            // Blank lines and `#` comments are the file's documentation, not entries.
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let fields: Vec<&'static str> = line.split('\t').collect();
            let [scope, class, words] = fields[..] else {
                return Err(VocabularyError::at(number, Problem::Columns(fields.len())));
            };
            let class = WordClass::parse(class)
                .ok_or_else(|| VocabularyError::at(number, Problem::UnknownClass(class.into())))?;
            let lists = if scope == GENERAL_SCOPE {
                general.get_or_insert_with(WordLists::default)
            } else if let Some(prompt) = scope.strip_prefix(PROMPT_SCOPE_PREFIX) {
                let key = prompt.to_lowercase();
                if !prompt_categories.contains_key(&key) {
                    return Err(VocabularyError::at(
                        number,
                        Problem::UnknownPrompt(prompt.into()),
                    ));
                }
                prompt_lists.entry(key).or_default()
            } else if library.iter().any(|p| p.category == scope) {
                categories.entry(scope).or_default()
            } else {
                return Err(VocabularyError::at(
                    number,
                    Problem::UnknownScope(scope.into()),
                ));
            };
            if !lists.words(class).is_empty() {
                return Err(VocabularyError::at(number, Problem::RepeatedClass));
            }
            let parsed = parse_words(words, lists).map_err(|p| VocabularyError::at(number, p))?;
            lists.lists[class.index()] = parsed;
        }
        let general = general.ok_or_else(|| VocabularyError::missing(GENERAL_SCOPE, None))?;
        check_complete(GENERAL_SCOPE, &general)?;
        for prompt in &library {
            let lists = categories
                .get(prompt.category)
                .ok_or_else(|| VocabularyError::missing(prompt.category, None))?;
            check_complete(prompt.category, lists)?;
        }
        Ok(Self {
            general,
            categories,
            prompts: prompt_lists,
            prompt_categories,
        })
    }

    /// The words for the prompt whose text is `prompt_text` (compared without case and
    /// surrounding space).
    #[must_use]
    pub fn for_prompt(&self, prompt_text: &str) -> PromptWords {
        let key = prompt_text.trim().to_lowercase();
        let Some((category, lists)) = self
            .prompt_categories
            .get(&key)
            .and_then(|category| Some((*category, self.categories.get(category)?)))
        else {
            return PromptWords {
                source: Source::General,
                lists: self.general.clone(),
            };
        };
        let mut effective = lists.clone();
        if let Some(own) = self.prompts.get(&key) {
            for class in WordClass::ALL {
                if !own.words(class).is_empty() {
                    effective.lists[class.index()] = own.words(class).to_vec();
                }
            }
        }
        PromptWords {
            source: Source::Category(category),
            lists: effective,
        }
    }

    /// The class of `word` in any list of the file (the first scope that has it), for words
    /// a phrase took from elsewhere.
    #[must_use]
    pub fn class_anywhere(&self, word: &str) -> Option<WordClass> {
        std::iter::once(&self.general)
            .chain(self.categories.values())
            .chain(self.prompts.values())
            .find_map(|lists| lists.class_of(word))
    }

    /// The general lists and every category's, with their scope name.
    pub fn scopes(&self) -> impl Iterator<Item = (&str, &WordLists)> {
        std::iter::once((GENERAL_SCOPE, &self.general))
            .chain(self.categories.iter().map(|(name, lists)| (*name, lists)))
    }

    /// How many prompts have lists of their own.
    #[must_use]
    pub fn prompts_with_own_lists(&self) -> usize {
        self.prompts.len()
    }
}

/// Splits and checks one line's words; `scope` is what the line's scope already holds, so a
/// word cannot be in two classes of one scope (a copy must know what it swaps).
fn parse_words(words: &'static str, scope: &WordLists) -> Result<Vec<&'static str>, Problem> {
    let mut parsed: Vec<&'static str> = Vec::new();
    for word in words.split(' ') {
        let letters = word.chars().count();
        let well_formed = word.chars().all(|ch| ch.is_ascii_uppercase())
            && (MIN_WORD_LETTERS..=MAX_WORD_LETTERS).contains(&letters);
        if !well_formed || dictionary::is_common(word) || !dictionary::is_known(word) {
            return Err(Problem::BadWord(word.into()));
        }
        if parsed.contains(&word) || scope.class_of(word).is_some() {
            return Err(Problem::RepeatedWord(word.into()));
        }
        parsed.push(word);
    }
    Ok(parsed)
}

fn check_complete(scope: &str, lists: &WordLists) -> Result<(), VocabularyError> {
    match WordClass::ALL
        .into_iter()
        .find(|class| lists.words(*class).is_empty())
    {
        Some(class) => Err(VocabularyError::missing(scope, Some(class))),
        None => Ok(()),
    }
}

/// What is wrong with the vocabulary file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The first line is not the header.
    MissingHeader,
    /// An entry does not have exactly three tab-separated fields (it has this many).
    Columns(usize),
    /// A class other than adjective, noun and verb.
    UnknownClass(String),
    /// A scope that is neither `general`, a library category nor `prompt:` and a library
    /// prompt.
    UnknownScope(String),
    /// A `prompt:` scope whose text is not a library prompt.
    UnknownPrompt(String),
    /// A second line for the same scope and class.
    RepeatedClass,
    /// A word that is not one UPPER-CASE dictionary word of 2–15 letters, or is a common
    /// word (which cannot carry a phrase). Also an empty word from doubled spaces.
    BadWord(String),
    /// A word listed twice in one scope.
    RepeatedWord(String),
    /// A scope (`general` or a library category) without any list, or without a list of
    /// this class.
    Missing {
        scope: String,
        class: Option<WordClass>,
    },
}

/// A [`Problem`] and the line it is on (0 for problems of the whole file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VocabularyError {
    pub line: usize,
    pub problem: Problem,
}

impl VocabularyError {
    fn at(line: usize, problem: Problem) -> Self {
        Self { line, problem }
    }

    fn missing(scope: &str, class: Option<WordClass>) -> Self {
        Self::at(
            0,
            Problem::Missing {
                scope: scope.to_owned(),
                class,
            },
        )
    }
}

impl fmt::Display for VocabularyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bot_vocabulary.tsv line {}: ", self.line)?;
        match &self.problem {
            Problem::MissingHeader => write!(f, "the first line must be {HEADER:?}"),
            Problem::Columns(n) => write!(f, "{n} fields instead of 3"),
            Problem::UnknownClass(class) => write!(f, "unknown class {class:?}"),
            Problem::UnknownScope(scope) => write!(f, "unknown scope {scope:?}"),
            Problem::UnknownPrompt(prompt) => write!(f, "{prompt:?} is not a library prompt"),
            Problem::RepeatedClass => f.write_str("second line for this scope and class"),
            Problem::BadWord(word) => write!(f, "{word:?} is not a usable dictionary word"),
            Problem::RepeatedWord(word) => write!(f, "{word:?} is already listed in this scope"),
            Problem::Missing { scope, class } => match class {
                Some(class) => write!(f, "{scope} has no {} list", class.as_str()),
                None => write!(f, "no lists for {scope}"),
            },
        }
    }
}

impl std::error::Error for VocabularyError {}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed() -> &'static Vocabulary {
        match vocabulary() {
            Ok(vocabulary) => vocabulary,
            Err(err) => panic!("{err}"),
        }
    }

    fn parse_err(text: &'static str) -> VocabularyError {
        match Vocabulary::parse(text) {
            Ok(_) => panic!("{text:?} should not parse"),
            Err(err) => err,
        }
    }

    #[test]
    fn the_embedded_file_parses_and_every_entry_line_is_used() {
        let vocabulary = parsed();
        let entry_lines = VOCABULARY_TSV
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
            .count();
        let scope_lists: usize = vocabulary
            .scopes()
            .map(|(_, lists)| {
                WordClass::ALL
                    .into_iter()
                    .filter(|c| !lists.words(*c).is_empty())
                    .count()
            })
            .sum();
        let prompt_lists: usize = vocabulary
            .prompts
            .values()
            .map(|lists| {
                WordClass::ALL
                    .into_iter()
                    .filter(|c| !lists.words(*c).is_empty())
                    .count()
            })
            .sum();
        assert_eq!(scope_lists + prompt_lists, entry_lines);
    }

    #[test]
    fn every_category_and_the_general_scope_have_enough_words_of_every_class() {
        let vocabulary = parsed();
        let categories: std::collections::HashSet<&str> =
            prompts::library().iter().map(|p| p.category).collect();
        assert_eq!(vocabulary.categories.len(), categories.len());
        for (scope, lists) in vocabulary.scopes() {
            for class in WordClass::ALL {
                // Enough for two copies that avoid the original's and each other's words.
                assert!(
                    lists.words(class).len() >= 8,
                    "{scope} has only {} {}s",
                    lists.words(class).len(),
                    class.as_str()
                );
            }
        }
    }

    #[test]
    fn library_prompts_get_their_category_and_others_the_general_words() {
        let vocabulary = parsed();
        let houseplant = vocabulary.for_prompt("What your houseplant says behind your back ");
        assert_eq!(houseplant.source, Source::Category("everyday"));
        assert_eq!(houseplant.lists, vocabulary.categories["everyday"]);
        let custom = vocabulary.for_prompt("A prompt nobody put in the library");
        assert_eq!(custom.source, Source::General);
        assert_eq!(custom.lists, vocabulary.general);
    }

    #[test]
    fn a_prompt_list_replaces_only_its_own_class() {
        let vocabulary = parsed();
        let kitchen = vocabulary.for_prompt("a terrible color to paint the kitchen");
        let home = &vocabulary.categories["home"];
        assert!(kitchen.lists.words(WordClass::Noun).contains(&"MUSTARD"));
        assert_ne!(
            kitchen.lists.words(WordClass::Noun),
            home.words(WordClass::Noun)
        );
        assert_eq!(
            kitchen.lists.words(WordClass::Verb),
            home.words(WordClass::Verb)
        );
        assert!(vocabulary.prompts_with_own_lists() >= 5);
    }

    #[test]
    fn words_from_any_list_of_the_file_have_their_class() {
        let vocabulary = parsed();
        for class in WordClass::ALL {
            for word in vocabulary.general.words(class) {
                assert_eq!(vocabulary.class_anywhere(word), Some(class), "{word}");
            }
        }
        assert_eq!(vocabulary.class_anywhere("MUSTARD"), Some(WordClass::Noun));
        assert_eq!(vocabulary.class_anywhere("WOMBAT"), None);
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_problem() {
        assert_eq!(
            VocabularyError::at(4, Problem::UnknownClass("thing".into())).to_string(),
            "bot_vocabulary.tsv line 4: unknown class \"thing\""
        );
        assert_eq!(
            VocabularyError::missing("general", Some(WordClass::Verb)).to_string(),
            "bot_vocabulary.tsv line 0: general has no verb list"
        );
        assert_eq!(
            VocabularyError::missing("food", None).to_string(),
            "bot_vocabulary.tsv line 0: no lists for food"
        );
    }

    #[test]
    fn malformed_files_are_rejected_with_the_line() {
        assert_eq!(parse_err("scope\twords\n").problem, Problem::MissingHeader);
        let bad = [
            ("general\tnoun\n", Problem::Columns(2)),
            (
                "general\tthing\tSOCK\n",
                Problem::UnknownClass("thing".into()),
            ),
            ("sofa\tnoun\tSOCK\n", Problem::UnknownScope("sofa".into())),
            (
                "prompt:no such prompt\tnoun\tSOCK\n",
                Problem::UnknownPrompt("no such prompt".into()),
            ),
            (
                "general\tnoun\tSOCK\ngeneral\tnoun\tSHOE\n",
                Problem::RepeatedClass,
            ),
            ("general\tnoun\tsock\n", Problem::BadWord("sock".into())),
            ("general\tnoun\tZZYZX\n", Problem::BadWord("ZZYZX".into())),
            ("general\tnoun\tTHE\n", Problem::BadWord("THE".into())),
            (
                "general\tnoun\tSOCK  SHOE\n",
                Problem::BadWord(String::new()),
            ),
            (
                "general\tnoun\tSOCK\ngeneral\tverb\tSOCK\n",
                Problem::RepeatedWord("SOCK".into()),
            ),
        ];
        for (body, problem) in bad {
            let text: &'static str = format!("{HEADER}\n# comment\n{body}").leak();
            let err = parse_err(text);
            assert_eq!(err.problem, problem, "{body:?}");
            // The header is line 1 and the comment line 2; the problem is on the
            // body's last line.
            assert_eq!(err.line, 2 + body.lines().count(), "{body:?}");
        }
        let incomplete = parse_err("scope\tclass\twords\ngeneral\tnoun\tSOCK\n");
        assert_eq!(
            incomplete.problem,
            Problem::Missing {
                scope: "general".into(),
                class: Some(WordClass::Adjective)
            }
        );
    }
}
