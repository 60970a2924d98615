//! The prompt library shipped with the server: `data/prompts.tsv`, written
//! for this project, one `category<TAB>text` per line after a header.

/// One prompt of the library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryPrompt {
    /// Stable id: the prompt's line number in the library (1-based, header excluded).
    pub id: i64,
    pub category: &'static str,
    pub text: &'static str,
}

const LIBRARY: &str = include_str!("../../data/prompts.tsv");

/// All prompts of the library, in file order.
pub fn library() -> Vec<LibraryPrompt> {
    LIBRARY
        .lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .filter_map(|line| line.split_once('\t'))
        .zip(1..)
        .map(|((category, text), id)| LibraryPrompt {
            id,
            category: category.trim(),
            text: text.trim(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;

    #[test]
    fn library_has_at_least_300_unique_prompts_with_categories() {
        let prompts = library();
        assert!(prompts.len() >= 300, "only {} prompts", prompts.len());
        let texts: HashSet<String> = prompts.iter().map(|p| p.text.to_lowercase()).collect();
        assert_eq!(texts.len(), prompts.len(), "duplicate prompt texts");
        let mut per_category: HashMap<&str, usize> = HashMap::new();
        for p in &prompts {
            assert!(!p.category.is_empty() && !p.text.is_empty());
            *per_category.entry(p.category).or_default() += 1;
        }
        assert!(per_category.len() >= 10, "categories: {per_category:?}");
    }

    #[test]
    fn every_line_of_the_file_is_a_prompt() {
        let data_lines = LIBRARY
            .lines()
            .skip(1)
            .filter(|l| !l.trim().is_empty())
            .count();
        assert_eq!(library().len(), data_lines, "a line lacks its tab");
    }
}
