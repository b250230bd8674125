//! Build step: reads the rule files' patterns and writes each rule file again,
//! without its comments and with, before each rule, the words its matches must
//! start (or end) with and the words they must also contain, so the classifier
//! indexes its rules without parsing a single pattern at start-up.

use std::fmt::Write as _;
use std::{env, fs, path::Path};

use regex_syntax::hir::literal::{ExtractKind, Extractor, Literal};
use regex_syntax::ParserBuilder;

const RULE_FILES: [&str; 2] = ["src/classify/data/root_causes.tsv", "src/classify/data/risks.tsv"];

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    // The storefront widget's build (feature `compact-index`) keeps only which
    // end each rule is pinned to, not its words: a third of the rule data.
    let compact = env::var_os("CARGO_FEATURE_COMPACT_INDEX").is_some();
    for file in RULE_FILES {
        println!("cargo:rerun-if-changed={file}");
        let text = fs::read_to_string(file).unwrap_or_default();
        // The rule lines, comments dropped, each behind its index columns:
        // side, whole words, word starts, words that must also be present.
        let mut out = String::new();
        for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let cols: Vec<&str> = line.splitn(4, '\t').collect();
            let (mut side, mut words, mut prefixes, mut also) = ("anywhere", String::new(), String::new(), String::new());
            // `exact` rules are matched on the original text, case and all: always run.
            if let (Some(flags), Some(pattern)) = (cols.get(2), cols.get(3)) {
                if !flags.split(',').any(|f| f == "exact") {
                    let pattern = format!("(?-u){pattern}");
                    // Hundreds of anchors (every digit pair of a tracking number) index
                    // nothing useful: such a rule runs on every text instead.
                    let anchors = anchors(&pattern).filter(|(a, ..)| a.words.len() + a.prefixes.len() <= MAX_ANCHORS);
                    if let Some((a, at_end, filter)) = anchors {
                        side = if at_end { "end" } else { "start" };
                        words = a.words.join(" ");
                        prefixes = a.prefixes.join(" ");
                        also = filter.unwrap_or_default().join(" ");
                    }
                }
            }
            if compact {
                (words, prefixes, also) = (String::new(), String::new(), String::new());
            }
            let _ = writeln!(out, "{side}\t{words}\t{prefixes}\t{also}\t{line}");
        }
        let name = Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("rules");
        let dest = Path::new(&out_dir).join(format!("{name}.rules"));
        if let Err(e) = fs::write(&dest, out) {
            panic!("cannot write {}: {e}", dest.display());
        }
    }
}

const MAX_ANCHORS: usize = 400;

/// Words so common that a rule anchored on them would run on most reviews.
const COMMON: &[&str] = &[
    "a", "an", "and", "at", "be", "did", "do", "for", "got", "has", "i", "in", "is", "it", "my", "no", "not", "of",
    "on", "one", "so", "the", "to", "too", "two", "very", "was", "way", "were", "with", "you",
];

/// The words a rule's matches contain for sure, to index it by: whole words
/// and word starts, or `None` when its matches can start anywhere.
struct Anchors {
    words: Vec<String>,
    prefixes: Vec<String>,
}

impl Anchors {
    /// How often the rule would run in vain: common words and many anchors cost.
    fn cost(&self) -> usize {
        let common = self.words.iter().chain(&self.prefixes).filter(|w| COMMON.contains(&w.as_str())).count();
        common * 100 + self.words.len() + 3 * self.prefixes.len()
    }
}

/// Reads a pattern's literal prefixes (its first words) and literal suffixes
/// (its last words), and keeps whichever makes the rarer index. Patterns must
/// start and end at word boundaries for their first or last word to count.
/// The anchors, whether they are the match's last words (else its first), and
/// the filter words of the other end.
fn anchors(pattern: &str) -> Option<(Anchors, bool, Option<Vec<String>>)> {
    let body = pattern.strip_prefix("(?-u)")?;
    let hir = ParserBuilder::new().utf8(false).build().parse(pattern).ok()?;
    // Generous limits: this runs at build time, and finite literal sets make better indexes.
    let extract = |kind| Extractor::new().kind(kind).limit_total(20_000).limit_class(64).limit_repeat(4).limit_literal_len(24).extract(&hir);
    let prefix = body
        .starts_with("\\b")
        .then(|| extract(ExtractKind::Prefix))
        .and_then(|seq| literal_words(seq.literals()?, body.ends_with("\\b"), |bytes| bytes.to_vec()));
    let suffix = body
        .ends_with("\\b")
        .then(|| extract(ExtractKind::Suffix))
        .and_then(|seq| literal_words(seq.literals()?, body.starts_with("\\b"), |bytes| bytes.iter().rev().copied().collect()))
        .filter(|a| a.prefixes.is_empty()); // a word's tail cannot be looked up
    // Index by the rarer end; the other end, when it names whole words, filters.
    match (prefix, suffix) {
        (Some(p), Some(s)) if s.cost() < p.cost() => {
            let filter = p.prefixes.is_empty().then_some(p.words);
            Some((s, true, filter))
        }
        (Some(p), Some(s)) => Some((p, false, Some(s.words))),
        (Some(p), None) => Some((p, false, None)),
        (None, Some(s)) => Some((s, true, None)),
        (None, None) => None,
    }
}

/// A curly apostrophe (U+2019) as the tokenizer reads it: `'`, so "i’m" is
/// looked up as the word "i'm" rather than as any word starting with "i".
/// (A literal ending in one, "customers’ ", gives a word the tokenizer never
/// makes; the rule files write `(?:'|’)?`, so the bare word is indexed too.)
fn straight_apostrophes(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if bytes.get(i..i + 3) == Some("\u{2019}".as_bytes()) {
            out.push(b'\'');
            i += 3;
        } else {
            out.push(b);
            i += 1;
        }
    }
    out
}

fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'\''
}

/// The first word of each literal (for suffixes, `orient` reverses the bytes
/// so the last word comes first). A literal that goes on past its word names
/// the whole word; one cut short inside it only the word's start.
/// `bounded`: the pattern's far end is a word boundary, so a literal that is
/// the whole match ("hips" of "hips?\\b") is a whole word too.
fn literal_words(literals: &[Literal], bounded: bool, orient: impl Fn(&[u8]) -> Vec<u8>) -> Option<Anchors> {
    let mut anchors = Anchors { words: Vec::new(), prefixes: Vec::new() };
    for lit in literals {
        let bytes = orient(&straight_apostrophes(lit.as_bytes()));
        let len = bytes.iter().take_while(|b| is_word_byte(**b)).count();
        // A non-ASCII byte (a curly apostrophe, an accent) continues the word as
        // the tokenizer sees it: only the part before it is known, as a start.
        let cut = bytes.get(len).is_some_and(|b| !b.is_ascii());
        let word = orient(bytes.get(..len)?);
        let word = String::from_utf8(word).ok()?;
        if word.is_empty() {
            return None;
        }
        let whole = (len < bytes.len() && !cut) || (len == bytes.len() && lit.is_exact() && bounded);
        let list = if whole { &mut anchors.words } else { &mut anchors.prefixes };
        if !list.contains(&word) {
            list.push(word);
        }
    }
    Some(anchors)
}

