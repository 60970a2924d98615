//! The house library: complete phrasesets written for this project (`data/house_phrasesets.tsv`),
//! each a library prompt, an original phrase and two copies, embedded in the binary. They are
//! the global content a fresh server can offer voters before players have written any.
//!
//! Parsing is strict: every entry must name a library prompt by its exact text and pass the
//! phrase rules exactly as players' submissions do — the original with
//! [`validation::validate_prompt_phrase`], each copy with [`validation::validate_copy_phrase`]
//! against the original and the other copy, in either submission order — and be stored in the
//! normalised form the rounds would store. A line that fails is an error, never skipped.

use std::collections::{HashMap, HashSet};
use std::fmt;

use party_protocol::Phrase;

use super::prompts::{self, LibraryPrompt};
use super::validation::{self, Rejection};

/// The embedded library file.
const HOUSE_TSV: &str = include_str!("../../data/house_phrasesets.tsv");

/// The header line the file must start with.
const HEADER: &str = "prompt\toriginal\tcopy1\tcopy2";

/// One complete phraseset of the house library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HousePhraseset {
    /// The library prompt it answers.
    pub prompt: LibraryPrompt,
    /// The original phrase, as a prompt round would store it.
    pub original: Phrase,
    /// The two copies, as copy rounds would store them.
    pub copies: [Phrase; 2],
}

/// All phrasesets of the embedded house library, in file order.
///
/// # Errors
///
/// The first line that does not parse or breaks a phrase rule; the unit tests make sure the
/// shipped file has none.
pub fn house_library() -> Result<Vec<HousePhraseset>, HouseLibraryError> {
    parse(HOUSE_TSV)
}

/// Parses a house library file against the prompt library.
///
/// # Errors
///
/// The first line that is not a valid phraseset, as a [`HouseLibraryError`].
pub fn parse(text: &str) -> Result<Vec<HousePhraseset>, HouseLibraryError> {
    let library: HashMap<&'static str, LibraryPrompt> = prompts::library()
        .into_iter()
        .map(|prompt| (prompt.text, prompt))
        .collect();
    let mut lines = text.lines().enumerate().map(|(i, line)| (i + 1, line));
    if lines.next().map(|(_, line)| line) != Some(HEADER) {
        return Err(HouseLibraryError::at(1, Problem::MissingHeader));
    }
    let mut sets = Vec::new();
    let mut seen: HashSet<(i64, String)> = HashSet::new();
    for (number, line) in lines {
        let fields: Vec<&str> = line.split('\t').collect();
        let [prompt, original, copy1, copy2] = fields[..] else {
            return Err(HouseLibraryError::at(
                number,
                Problem::Columns(fields.len()),
            ));
        };
        let prompt = library
            .get(prompt)
            .cloned()
            .ok_or_else(|| HouseLibraryError::at(number, Problem::UnknownPrompt(prompt.into())))?;
        let set = phraseset(prompt, original, [copy1, copy2])
            .map_err(|problem| HouseLibraryError::at(number, problem))?;
        if !seen.insert((set.prompt.id, set.original.as_str().to_owned())) {
            return Err(HouseLibraryError::at(number, Problem::Repeated));
        }
        sets.push(set);
    }
    Ok(sets)
}

/// Validates one entry the way the rounds validate submissions.
fn phraseset(
    prompt: LibraryPrompt,
    original: &str,
    copies: [&str; 2],
) -> Result<HousePhraseset, Problem> {
    let stored = |raw: &str, phrase: Phrase| {
        if phrase.as_str() == raw {
            Ok(phrase)
        } else {
            Err(Problem::NotNormalised(raw.to_owned()))
        }
    };
    let original_phrase = validation::validate_prompt_phrase(original, prompt.text)
        .map_err(Problem::Original)
        .and_then(|phrase| stored(original, phrase))?;
    let copy = |index: usize, other: Option<&Phrase>| {
        validation::validate_copy_phrase(copies[index], &original_phrase, other, prompt.text)
            .map_err(|rejection| Problem::Copy {
                copy: index + 1,
                rejection,
            })
            .and_then(|phrase| stored(copies[index], phrase))
    };
    // The first copy submitted is checked alone, the second against it. Either may come
    // first, so both orders must pass.
    let copy1 = copy(0, None)?;
    let copy2 = copy(1, Some(&copy1))?;
    copy(1, None)?;
    copy(0, Some(&copy2))?;
    Ok(HousePhraseset {
        prompt,
        original: original_phrase,
        copies: [copy1, copy2],
    })
}

/// What is wrong with a line of the house library.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// The first line is not the header.
    MissingHeader,
    /// A line without exactly four tab-separated fields (it has this many).
    Columns(usize),
    /// The prompt is not the exact text of a library prompt.
    UnknownPrompt(String),
    /// The original breaks a phrase rule.
    Original(Rejection),
    /// Copy 1 or 2 breaks a copy rule.
    Copy { copy: usize, rejection: Rejection },
    /// A phrase that is valid but not written as the rounds would store it (upper case,
    /// single spaces).
    NotNormalised(String),
    /// The same prompt and original twice.
    Repeated,
}

/// A [`Problem`] and its line number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HouseLibraryError {
    pub line: usize,
    pub problem: Problem,
}

impl HouseLibraryError {
    fn at(line: usize, problem: Problem) -> Self {
        Self { line, problem }
    }
}

impl fmt::Display for HouseLibraryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "house_phrasesets.tsv line {}: ", self.line)?;
        match &self.problem {
            Problem::MissingHeader => write!(f, "the first line must be {HEADER:?}"),
            Problem::Columns(n) => write!(f, "{n} fields instead of 4"),
            Problem::UnknownPrompt(prompt) => write!(f, "{prompt:?} is not a library prompt"),
            Problem::Original(rejection) => write!(f, "original: {rejection}"),
            Problem::Copy { copy, rejection } => write!(f, "copy {copy}: {rejection}"),
            Problem::NotNormalised(raw) => write!(f, "{raw:?} is not stored as players' are"),
            Problem::Repeated => f.write_str("this prompt and original are already listed"),
        }
    }
}

impl std::error::Error for HouseLibraryError {}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn library() -> Vec<HousePhraseset> {
        match house_library() {
            Ok(sets) => sets,
            Err(err) => panic!("{err}"),
        }
    }

    #[test]
    fn every_line_of_the_file_is_a_valid_phraseset() {
        let sets = library();
        let lines = HOUSE_TSV.lines().skip(1).count();
        assert_eq!(sets.len(), lines);
        assert!(sets.len() >= 200, "only {} phrasesets", sets.len());
    }

    #[test]
    fn every_phraseset_passes_the_rules_the_rounds_apply() {
        // Re-checked here from the parsed values, independently of the parser's own checks.
        for set in library() {
            let text = set.prompt.text;
            let [copy1, copy2] = &set.copies;
            assert_eq!(
                validation::validate_prompt_phrase(set.original.as_str(), text),
                Ok(set.original.clone())
            );
            assert_eq!(
                validation::validate_copy_phrase(copy1.as_str(), &set.original, None, text),
                Ok(copy1.clone())
            );
            assert_eq!(
                validation::validate_copy_phrase(copy2.as_str(), &set.original, Some(copy1), text),
                Ok(copy2.clone())
            );
            assert_eq!(
                validation::validate_copy_phrase(copy1.as_str(), &set.original, Some(copy2), text),
                Ok(copy1.clone())
            );
        }
    }

    #[test]
    fn every_phraseset_references_a_library_prompt_and_all_categories_are_covered() {
        let prompts = prompts::library();
        let mut per_category: HashMap<&str, usize> = HashMap::new();
        for set in library() {
            assert!(prompts.contains(&set.prompt), "{:?}", set.prompt);
            *per_category.entry(set.prompt.category).or_default() += 1;
        }
        let categories: HashSet<&str> = prompts.iter().map(|p| p.category).collect();
        assert_eq!(per_category.len(), categories.len(), "{per_category:?}");
        assert!(per_category.values().all(|n| *n >= 10), "{per_category:?}");
    }

    #[test]
    fn no_phrase_is_used_twice_across_the_library() {
        let mut seen = HashSet::new();
        for set in library() {
            for phrase in std::iter::once(&set.original).chain(&set.copies) {
                assert!(seen.insert(phrase.as_str().to_owned()), "{phrase:?} twice");
            }
        }
    }

    fn problem(body: &str) -> Problem {
        let text = format!("{HEADER}\n{body}");
        match parse(&text) {
            Ok(sets) => panic!("{body:?} parsed: {sets:?}"),
            Err(err) => {
                assert_eq!(err.line, 2, "{body:?}");
                err.problem
            }
        }
    }

    #[test]
    fn errors_name_the_file_the_line_and_the_problem() {
        let err = |line, problem| HouseLibraryError::at(line, problem).to_string();
        assert_eq!(
            err(1, Problem::MissingHeader),
            "house_phrasesets.tsv line 1: the first line must be \"prompt\\toriginal\\tcopy1\\tcopy2\""
        );
        assert_eq!(
            err(7, Problem::Columns(2)),
            "house_phrasesets.tsv line 7: 2 fields instead of 4"
        );
        assert_eq!(
            err(3, Problem::Repeated),
            "house_phrasesets.tsv line 3: this prompt and original are already listed"
        );
        assert_eq!(
            err(
                4,
                Problem::Copy {
                    copy: 2,
                    rejection: Rejection::OnlyCommonWords
                }
            ),
            format!(
                "house_phrasesets.tsv line 4: copy 2: {}",
                Rejection::OnlyCommonWords
            )
        );
    }

    #[test]
    fn broken_lines_are_errors_with_their_line() {
        let prompt = "the worst password ever";
        assert_eq!(
            parse("prompt\toriginal\n").map_err(|e| e.problem),
            Err(Problem::MissingHeader)
        );
        assert_eq!(
            problem(&format!("{prompt}\tONE TWO THREE")),
            Problem::Columns(2)
        );
        assert_eq!(
            problem("no such prompt\tHOT DOG\tCOLD CAT\tWARM PUPPY"),
            Problem::UnknownPrompt("no such prompt".into())
        );
        assert!(matches!(
            problem(&format!("{prompt}\tBEST PASSWORD\tCOLD CAT\tWARM PUPPY")),
            Problem::Original(Rejection::ReusesWord { .. })
        ));
        assert!(matches!(
            problem(&format!("{prompt}\tHOT DOG\tHOT DOG\tWARM PUPPY")),
            Problem::Copy { copy: 1, rejection } if rejection.is_duplicate()
        ));
        // Each copy alone is fine; they clash only with each other.
        assert!(matches!(
            problem(&format!("{prompt}\tHOT DOG\tCHILI FRIES\tCHEESE FRIES")),
            Problem::Copy { copy: 2, .. }
        ));
        assert_eq!(
            problem(&format!("{prompt}\thot dog\tCOLD CAT\tWARM PUPPY")),
            Problem::NotNormalised("hot dog".into())
        );
        let line = format!("{prompt}\tHOT DOG\tCOLD CAT\tWARM PUPPY");
        let twice = format!("{HEADER}\n{line}\n{line}");
        assert_eq!(
            parse(&twice).map_err(|e| (e.line, e.problem)),
            Err((3, Problem::Repeated))
        );
    }
}
