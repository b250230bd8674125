//! Which language a review is written in: English is what the classifier reads;
//! anything else is reported as such, never misread as English.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::tokens::{Token, TokenKind};

/// An ISO 639-1 code, or "und" when there is nothing to tell from.
pub type Language = &'static str;

struct FunctionWords {
    /// word -> languages it marks
    words: HashMap<&'static str, Vec<Language>>,
}

static FUNCTION_WORDS: LazyLock<FunctionWords> = LazyLock::new(|| {
    let mut words: HashMap<&'static str, Vec<Language>> = HashMap::new();
    for line in include_str!("languages.txt").lines() {
        if line.starts_with('#') {
            continue;
        }
        if let Some((code, list)) = line.split_once('\t') {
            for w in list.split_whitespace() {
                words.entry(w).or_default().push(code);
            }
        }
    }
    FunctionWords { words }
});

/// Detects the language of `text` from its script, then, for Latin script,
/// from its function words. Short texts with no telling word count as English.
pub fn detect_language(text: &str, tokens: &[Token]) -> Language {
    if let Some(lang) = by_script(text) {
        return lang;
    }
    let mut scores: Vec<(Language, usize)> = Vec::new();
    let mut words = 0usize;
    for t in tokens.iter().filter(|t| t.kind == TokenKind::Word) {
        words += 1;
        if let Some(langs) = FUNCTION_WORDS.words.get(t.norm.as_str()) {
            for &lang in langs {
                match scores.iter_mut().find(|(l, _)| *l == lang) {
                    Some((_, n)) => *n += 1,
                    None => scores.push((lang, 1)),
                }
            }
        }
    }
    if words == 0 {
        return "und";
    }
    let english = scores.iter().find(|(l, _)| *l == "en").map_or(0, |&(_, n)| n);
    match scores.iter().filter(|(l, _)| *l != "en").max_by_key(|&&(_, n)| n) {
        // A foreign word or two inside an English review keeps it English.
        Some(&(lang, n)) if n > english && n >= 2 || (n >= 1 && english == 0 && words <= 6) => lang,
        _ => "en",
    }
}

/// Non-Latin scripts decide the language alone, when they dominate the letters.
fn by_script(text: &str) -> Option<Language> {
    let (mut latin, mut han, mut kana, mut hangul, mut cyrillic, mut arabic, mut devanagari, mut other) =
        (0usize, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize, 0usize);
    let mut greek = 0usize;
    let mut hebrew = 0usize;
    let mut thai = 0usize;
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        match c as u32 {
            0x41..=0x24F => latin += 1,
            0x370..=0x3FF => greek += 1,
            0x400..=0x4FF => cyrillic += 1,
            0x590..=0x5FF => hebrew += 1,
            0x600..=0x6FF | 0x750..=0x77F => arabic += 1,
            0x900..=0x97F => devanagari += 1,
            0xE00..=0xE7F => thai += 1,
            0x3040..=0x30FF => kana += 1,
            0x4E00..=0x9FFF | 0x3400..=0x4DBF => han += 1,
            0xAC00..=0xD7AF | 0x1100..=0x11FF => hangul += 1,
            _ => other += 1,
        }
    }
    let foreign = [
        (kana, "ja"),
        (hangul, "ko"),
        (han, "zh"),
        (cyrillic, "ru"),
        (arabic, "ar"),
        (devanagari, "hi"),
        (greek, "el"),
        (hebrew, "he"),
        (thai, "th"),
    ];
    let total = latin + foreign.iter().map(|(n, _)| n).sum::<usize>() + other;
    // Japanese mixes kanji and kana; any kana among Han marks it as Japanese.
    let best = if kana > 0 && kana + han >= latin { Some("ja") } else {
        foreign.iter().filter(|(n, _)| *n > 0).max_by_key(|(n, _)| *n).and_then(|&(n, lang)| {
            // CJK characters carry a word each; count them double against Latin letters.
            let weight = if matches!(lang, "zh" | "ja" | "ko") { 3 } else { 1 };
            (n * weight >= latin).then_some(lang)
        })
    };
    if total == 0 {
        return None;
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn lang(text: &str) -> Language {
        detect_language(text, &tokenize(text))
    }

    #[test]
    fn english_with_a_foreign_word_stays_english() {
        assert_eq!(lang("Great jacket, très chic, but the zip broke"), "en");
        assert_eq!(lang("Great!"), "en");
    }

    #[test]
    fn other_languages_are_reported_as_such() {
        assert_eq!(lang("El producto llegó roto y la calidad es muy mala"), "es");
        assert_eq!(lang("Die Qualität ist leider nicht gut"), "de");
        assert_eq!(lang("很快，好吃，味道足，量大"), "zh");
        assert_eq!(lang("商品が届きませんでした"), "ja");
        assert_eq!(lang("Доставка была очень медленной"), "ru");
    }
}
