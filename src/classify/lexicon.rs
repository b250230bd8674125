//! Rule-based sentiment from word valences: what a lexicon scorer does, plus
//! the cases plain lexicon scorers get wrong (negation, contrast, intensifiers,
//! shouting). Its output is both evidence for the learned model and the clause
//! scores that tell a mixed review from a plain one.

use std::sync::LazyLock;

use super::front_coding::spelled_out;
use crate::fast_hash::WordMap;
use crate::text::matcher::{Direction, Matcher};
use crate::text::{Token, TokenKind};

/// How far back a negator or booster reaches, in words.
const REACH: usize = 3;
/// VADER's constants: a negated word keeps 74% of its strength, reversed;
/// words in capitals gain 0.733.
const NEGATED: f32 = -0.74;
const SHOUTED: f32 = 0.733;

pub struct Lexicon {
    /// Phrases that turn warm words sour: always, or beside a complaint.
    pub sarcasm: Vec<String>,
    pub sarcasm_if_complaint: Vec<String>,
    /// Any of those phrases, as one pattern: a text is scanned once for all
    /// of them, and most hold none.
    sarcasm_any: Option<Matcher>,
    /// What each word does, in one map: a review's words are looked up once.
    /// Keys borrow the data files, or the lexicon's words as spelled out once
    /// (`front_coding::spelled_out`): no string of their own each.
    words: WordMap<Sense>,
}

/// What a word does to the feeling around it.
#[derive(Clone, Copy, Debug, Default)]
struct Sense {
    valence: Option<f32>,
    /// A booster (or, negative, a dampener) of the word after it.
    booster: Option<f32>,
    negator: bool,
    contrast: bool,
}

pub static LEXICON: LazyLock<Lexicon> = LazyLock::new(|| {
    // `data/sentiment_lexicon.tsv` as build.rs ships it (`front_coding`).
    let valences = spelled_out(include_str!(concat!(env!("OUT_DIR"), "/sentiment_lexicon.tsv")));
    let mut lex = Lexicon {
        sarcasm: Vec::new(),
        sarcasm_if_complaint: Vec::new(),
        sarcasm_any: None,
        // About 7,300 words with a valence; the modifiers add a few dozen.
        words: WordMap::with_capacity(8192),
    };
    for (word, valence) in valences {
        lex.add_valence(word, valence);
    }
    for line in data_lines(include_str!("data/modifiers.tsv")) {
        lex.add_modifier(line);
    }
    let phrases: Vec<String> = lex.sarcasm.iter().chain(&lex.sarcasm_if_complaint).map(|p| escaped(p)).collect();
    lex.sarcasm_any = Matcher::new(&phrases.join("|"), Direction::Forward).ok();
    lex
});

// Loading runs once: its steps are functions of their own (`inline(never)`),
// each too small for V8 to spend its optimising compiler on when a page
// starts (it optimises a function once it has run a few megabytes of it).
impl Lexicon {
    #[inline(never)]
    fn add_valence(&mut self, word: &'static str, valence: &str) {
        if let Some(v) = decimal(valence) {
            self.words.update(word, Sense::default, |s| s.valence = Some(v));
        }
    }

    #[inline(never)]
    fn add_modifier(&mut self, line: &'static str) {
        let cols: Vec<&str> = line.split('\t').collect();
        match cols.as_slice() {
            ["negator", w] => self.words.update(w, Sense::default, |s| s.negator = true),
            ["booster" | "dampener", w, amount] => {
                if let Some(a) = decimal(amount) {
                    self.words.update(w, Sense::default, |s| s.booster = Some(a));
                }
            }
            ["contrast", w] => self.words.update(w, Sense::default, |s| s.contrast = true),
            ["sarcasm", phrase] => self.sarcasm.push((*phrase).to_string()),
            ["sarcasm_if_complaint", phrase] => self.sarcasm_if_complaint.push((*phrase).to_string()),
            _ => {}
        }
    }
}

/// A phrase as a pattern matching just it: punctuation escaped.
fn escaped(phrase: &str) -> String {
    let mut out = String::with_capacity(phrase.len() + 4);
    for c in phrase.chars() {
        if c.is_ascii_punctuation() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Lines of a data file without comments or blanks.
pub fn data_lines(file: &str) -> impl Iterator<Item = &str> {
    file.lines().filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// A line cut at its first tab. (For short lines: a plain loop beats the
/// set-up of `split` on a lexicon line.)
pub fn split_tab(line: &str) -> Option<(&str, &str)> {
    let at = line.bytes().position(|b| b == b'\t')?;
    Some((line.get(..at)?, line.get(at + 1..)?))
}

/// A data file's number, `-1.9` or `2`: the same f32 as `str::parse` gives
/// (a whole number over a power of ten, both exact, divides to the nearest
/// f32), without its general-purpose machinery, a third of loading the
/// lexicon. Up to 9 digits.
pub fn decimal(text: &str) -> Option<f32> {
    let (negative, digits) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        rest => (false, rest),
    };
    let (mut whole, mut scale, mut point, mut count) = (0u32, 1u32, false, 0);
    for &b in digits {
        match b {
            b'0'..=b'9' if count < 9 => {
                whole = whole * 10 + u32::from(b - b'0');
                count += 1;
                if point {
                    scale *= 10;
                }
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if count == 0 {
        return None;
    }
    let value = whole as f32 / scale as f32;
    Some(if negative { -value } else { value })
}

impl Lexicon {
    /// Whether `lower` may hold a sarcasm phrase; false means none is there.
    pub fn may_be_sarcastic(&self, lower: &str) -> bool {
        self.sarcasm_any.as_ref().is_none_or(|m| m.could_match(lower.as_bytes()))
    }
    fn sense(&self, word: &str) -> Sense {
        self.words.get(word).copied().unwrap_or_default()
    }
    pub fn is_negator(&self, word: &str) -> bool {
        self.sense(word).negator
    }
}

/// A stretch of text between clause marks or contrast words, with its feeling.
#[derive(Clone, Debug, PartialEq)]
pub struct Clause {
    /// Token index range.
    pub tokens: std::ops::Range<usize>,
    /// Sum of the adjusted valences of its words.
    pub valence: f32,
    /// Follows a contrast word ("but …"): the half that usually carries the verdict.
    pub after_contrast: bool,
}

/// The lexicon's reading of one text.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LexiconReading {
    /// VADER-style normalised score in (-1, 1).
    pub compound: f32,
    pub positive: f32,
    pub negative: f32,
    pub clauses: Vec<Clause>,
    /// Per token: inside the scope of a negator.
    pub negated: Vec<bool>,
    /// Per token: adjusted valence (0 when none).
    pub valences: Vec<f32>,
}

pub fn read(tokens: &[Token]) -> LexiconReading {
    let lex = &*LEXICON;
    let n = tokens.len();
    let mut negated = vec![false; n];
    let mut valences = vec![0.0f32; n];
    let words_shouted = tokens.iter().filter(|t| t.kind == TokenKind::Word).all(|t| t.shouted);

    // Each token looked up once; only words negate or contrast. Clause marks
    // and pauses are on no list (a test checks): not looked up.
    let senses: Vec<Sense> = tokens
        .iter()
        .map(|t| match t.kind {
            TokenKind::Word => lex.sense(&t.norm),
            TokenKind::Symbol => Sense { negator: false, contrast: false, ..lex.sense(&t.norm) },
            TokenKind::ClauseEnd | TokenKind::Pause => Sense::default(),
        })
        .collect();
    let is_word = |i: usize| tokens.get(i).is_some_and(|t| t.kind == TokenKind::Word);
    let negator = |i: usize| senses.get(i).is_some_and(|s| s.negator);

    // Negation scope: the next REACH words after a negator, stopped by any break.
    let mut scope = 0usize;
    for (i, t) in tokens.iter().enumerate() {
        match t.kind {
            TokenKind::Word if negator(i) => scope = REACH,
            TokenKind::Word if senses.get(i).is_some_and(|s| s.contrast) => scope = 0,
            TokenKind::Word if scope > 0 => {
                if let Some(flag) = negated.get_mut(i) {
                    *flag = true;
                }
                scope -= 1;
            }
            TokenKind::ClauseEnd | TokenKind::Pause => scope = 0,
            _ => {}
        }
    }

    for (i, t) in tokens.iter().enumerate() {
        let Some(mut v) = senses.get(i).and_then(|s| s.valence) else { continue };
        if t.kind == TokenKind::Word && negator(i) {
            continue; // "no", "nothing" act through what they negate
        }
        let sign = v.signum();
        if t.shouted && !words_shouted {
            v += sign * SHOUTED;
        }
        // Boosters just before the word, fading with distance.
        for (back, j) in (0..i).rev().take(REACH).enumerate() {
            if !is_word(j) {
                break;
            }
            if let Some(b) = senses.get(j).and_then(|s| s.booster) {
                v += sign * b * (1.0 - 0.05 * back as f32);
            }
        }
        if negated.get(i).copied().unwrap_or(false) {
            v *= NEGATED;
        }
        if let Some(slot) = valences.get_mut(i) {
            *slot = v;
        }
    }

    let clauses = clauses(tokens, &senses);
    // Contrast: what precedes "but" counts half, what follows half as much again.
    let mut weighted = valences.clone();
    for (i, c) in clauses.iter().enumerate() {
        let next = clauses.get(i + 1);
        let before_contrast = next.is_some_and(|n| n.after_contrast && n.tokens.start == c.tokens.end + 1);
        let factor = if c.after_contrast { 1.5 } else if before_contrast { 0.5 } else { 1.0 };
        for v in weighted.get_mut(c.tokens.clone()).into_iter().flatten() {
            *v *= factor;
        }
    }
    let mut sum: f32 = weighted.iter().sum();
    let exclaims = tokens.iter().filter(|t| t.norm == "!").count().min(4) as f32;
    if sum != 0.0 {
        sum += sum.signum() * exclaims * 0.292;
    }
    let compound = sum / (sum * sum + 15.0).sqrt();
    let positive = weighted.iter().filter(|v| **v > 0.0).sum();
    let negative = -weighted.iter().filter(|v| **v < 0.0).sum::<f32>();
    let clauses = clauses
        .into_iter()
        .map(|mut c| {
            c.valence = valences.get(c.tokens.clone()).map_or(0.0, |v| v.iter().sum());
            c
        })
        .collect();
    LexiconReading { compound, positive, negative, clauses, negated, valences }
}

/// Splits at clause marks and contrast words (`senses`: per token).
fn clauses(tokens: &[Token], senses: &[Sense]) -> Vec<Clause> {
    let ends = |(t, s): (&Token, &Sense)| t.kind == TokenKind::ClauseEnd || s.contrast;
    // Sized once: at most one clause more than the marks that end one.
    let mut out = Vec::with_capacity(tokens.iter().zip(senses).filter(|&pair| ends(pair)).count() + 1);
    let mut start = 0usize;
    let mut after_contrast = false;
    for (i, t) in tokens.iter().enumerate() {
        let contrast = senses.get(i).is_some_and(|s| s.contrast);
        if t.kind == TokenKind::ClauseEnd || contrast {
            if i > start {
                out.push(Clause { tokens: start..i, valence: 0.0, after_contrast });
            }
            start = i + 1;
            after_contrast = contrast;
        }
    }
    if tokens.len() > start {
        out.push(Clause { tokens: start..tokens.len(), valence: 0.0, after_contrast });
    }
    out
}


#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::tokenize;

    fn compound(text: &str) -> f32 {
        read(&tokenize(text)).compound
    }

    #[test]
    fn data_numbers_read_as_rust_reads_them() {
        let shipped = [include_str!("data/sentiment_lexicon.tsv"), include_str!("data/modifiers.tsv")];
        let numbers = shipped.iter().flat_map(|file| data_lines(file)).filter_map(|line| line.rsplit('\t').next());
        let mut checked = 0;
        for text in numbers.chain(["0", "-0.5", "4", "12.25", "0.001", "-3.0", "100000000"]) {
            if let Ok(expected) = text.parse::<f32>() {
                assert_eq!(decimal(text).map(f32::to_bits), Some(expected.to_bits()), "{text}");
                checked += 1;
            }
        }
        assert!(checked > 4500, "the lexicon's valences were checked ({checked})");
        for bad in ["", "-", ".", "1.2.3", "1e5", "+1", "1,5", "one", "1234567890"] {
            assert_eq!(decimal(bad), None, "{bad:?}");
        }
        assert_eq!(split_tab("word\t-1.5\textra"), Some(("word", "-1.5\textra")));
        assert_eq!(split_tab("no tab"), None);
    }

    #[test]
    fn the_sarcasm_scan_finds_every_phrase_and_passes_plain_text() {
        let lex = &*LEXICON;
        assert!(lex.sarcasm_any.is_some(), "the phrases make one valid pattern");
        for phrase in lex.sarcasm.iter().chain(&lex.sarcasm_if_complaint) {
            assert!(lex.may_be_sarcastic(&format!("well... {phrase}!")), "{phrase}");
        }
        assert!(!lex.may_be_sarcastic("the dress fits well and the colour is lovely"));
    }

    #[test]
    fn negation_flips_the_words_it_reaches() {
        assert!(compound("not bad at all") > 0.0);
        assert!(compound("not good") < 0.0);
        assert!(compound("it is good, not that I care") > 0.0);
    }

    #[test]
    fn what_follows_but_weighs_more() {
        let reading = read(&tokenize("I love the colour but the fabric is awful"));
        assert!(reading.compound < 0.0, "{}", reading.compound);
        assert_eq!(reading.clauses.len(), 2);
        assert!(reading.clauses[0].valence > 0.0 && reading.clauses[1].valence < 0.0);
    }

    #[test]
    fn boosters_and_capitals_strengthen() {
        assert!(compound("really bad") < compound("bad"));
        assert!(compound("it is BAD") < compound("it is bad"));
    }

    #[test]
    fn clause_marks_and_pauses_are_on_no_list() {
        let text = ". ! ? ; : \n \u{2026} , ( ) - \u{2013} \u{2014}";
        let marks: Vec<Token> = tokenize(text).into_iter().filter(|t| matches!(t.kind, TokenKind::ClauseEnd | TokenKind::Pause)).collect();
        assert_eq!(marks.len(), 13);
        for t in marks {
            assert!(!LEXICON.words.contains_key(t.norm.as_ref()), "{:?}", t.norm);
        }
    }

    #[test]
    fn every_word_of_the_data_file_is_spelled_out_with_its_valence() {
        // The last line of a word wins (our entries override VADER's).
        let mut expected = std::collections::HashMap::new();
        for line in data_lines(include_str!("data/sentiment_lexicon.tsv")) {
            let (word, valence) = split_tab(line).expect("word, tab, valence");
            expected.insert(word, decimal(valence).expect("a number"));
        }
        assert!(expected.len() > 4500);
        for (word, valence) in &expected {
            assert_eq!(LEXICON.sense(word).valence, Some(*valence), "{word}");
        }
        let with_valence = LEXICON.words.values().filter(|s| s.valence.is_some()).count();
        assert_eq!(with_valence, expected.len(), "no word the file does not have");
        assert_eq!(LEXICON.sense("junk").valence, Some(-2.0));
        assert!(LEXICON.is_negator("doesn't") && LEXICON.sense("but").contrast);
    }
}
