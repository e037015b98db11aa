//! Entry hygiene: descriptions too vague to tell a client what was done.
//!
//! What staff log is what clients read, so a vague description is flagged
//! to its author and listed for managers before it is published.

use serde::{Deserialize, Serialize};

/// The words that make a description vague when they are all it says.
pub const DEFAULT_VAGUE_WORDS: &[&str] = &[
    "misc",
    "miscellaneous",
    "stuff",
    "various",
    "work",
    "things",
    "general",
    "tbd",
    "todo",
    "wip",
    "n/a",
    "na",
    "-",
    "...",
    "etc",
    "meeting",
    "call",
    "email",
    "emails",
    "fix",
    "fixes",
];

pub const DEFAULT_MIN_LENGTH: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HygieneRules {
    pub vague_words: Vec<String>,
    pub min_length: usize,
}

impl Default for HygieneRules {
    fn default() -> Self {
        Self {
            vague_words: DEFAULT_VAGUE_WORDS
                .iter()
                .map(|w| (*w).to_owned())
                .collect(),
            min_length: DEFAULT_MIN_LENGTH,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vague {
    Empty,
    TooShort,
    OnlyVagueWords,
}

impl Vague {
    pub fn message(self) -> &'static str {
        match self {
            Vague::Empty => "no description: say what was done",
            Vague::TooShort => "very short description: the client will read this",
            Vague::OnlyVagueWords => "vague description: name the task or the outcome",
        }
    }
}

impl HygieneRules {
    /// Why a description is vague, or `None` when it says enough.
    pub fn check(&self, description: &str) -> Option<Vague> {
        let text = description.trim();
        if text.is_empty() {
            return Some(Vague::Empty);
        }
        let words: Vec<String> = text
            .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '/' | '&' | '+'))
            .filter(|w| !w.is_empty())
            .map(|w| {
                w.trim_matches(|c: char| c == '.' || c == '!' || c == ':')
                    .to_lowercase()
            })
            .filter(|w| !w.is_empty() && w != "and")
            .collect();
        if words.is_empty()
            || words
                .iter()
                .all(|w| self.vague_words.iter().any(|v| v == w))
        {
            return Some(Vague::OnlyVagueWords);
        }
        if text.chars().count() < self.min_length {
            return Some(Vague::TooShort);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_vague_descriptions() {
        let rules = HygieneRules::default();
        assert_eq!(rules.check("   "), Some(Vague::Empty));
        assert_eq!(rules.check("misc"), Some(Vague::OnlyVagueWords));
        assert_eq!(
            rules.check("Misc stuff, various."),
            Some(Vague::OnlyVagueWords)
        );
        assert_eq!(rules.check("logo v2"), Some(Vague::TooShort));
        assert_eq!(rules.check("Homepage hero: three logo variants"), None);
        assert_eq!(rules.check("Call with Ana about the launch date"), None);
    }

    #[test]
    fn the_word_list_is_configurable() {
        let rules = HygieneRules {
            vague_words: vec!["sync".into()],
            min_length: 3,
        };
        assert_eq!(rules.check("sync"), Some(Vague::OnlyVagueWords));
        assert_eq!(rules.check("misc"), None);
    }
}
