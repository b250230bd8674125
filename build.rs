//! Build step: reads the rule files' patterns and writes each rule file again,
//! without its comments, one line a branch, and beside them one index for both:
//! the words each branch's matches must start (or end) with and the words
//! they must also contain, so the classifier indexes its rules without
//! parsing a single pattern at start-up.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::{env, fs, path::Path};

use regex_syntax::hir::literal::{ExtractKind, Extractor, Literal};
use regex_syntax::hir::{Class, Hir, HirKind, Look};
use regex_syntax::ParserBuilder;

const RULE_FILES: [&str; 2] = ["src/classify/data/root_causes.tsv", "src/classify/data/risks.tsv"];

fn main() {
    let out_dir = env::var("OUT_DIR").unwrap_or_else(|_| ".".into());
    // The storefront widget's build (feature `compact-index`) keeps only which
    // end each rule is pinned to, not its words: a third of the rule data.
    let compact = env::var_os("CARGO_FEATURE_COMPACT_INDEX").is_some();
    // One index for both files: a rule's number counts on from the files before.
    let mut index = Index::default();
    let mut number = 0u32;
    for file in RULE_FILES {
        println!("cargo:rerun-if-changed={file}");
        let text = fs::read_to_string(file).unwrap_or_else(|e| panic!("cannot read {file}: {e}"));
        // The rule lines, comments dropped, each behind its side (the end
        // its anchor words are at), and the index of its words apart.
        let mut out = String::new();
        for line in text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')) {
            let cols: Vec<&str> = line.splitn(4, '\t').collect();
            let (Some(flags), Some(pattern)) = (cols.get(2), cols.get(3)) else {
                // Not a rule: passed on for the loader to report (it gets no number).
                let _ = writeln!(out, "anywhere\t{line}");
                continue;
            };
            // `exact` rules are matched on the original text, case and all: always run, whole.
            let exact = flags.split(',').any(|f| f == "exact");
            // Each branch of a rule is indexed (and searched) on its own: one
            // branch anchored on a common word ("i", "this") would otherwise
            // make the whole rule a candidate at every such word.
            let branches = if exact { vec![*pattern] } else { branches(pattern) };
            let head = cols.get(..3).map(|c| c.join("\t")).unwrap_or_default();
            for branch in branches {
                let mut side = "anywhere";
                if !exact {
                    let pattern = format!("(?-u){branch}");
                    // Hundreds of anchors (every digit pair of a tracking number) index
                    // nothing useful: such a rule runs on every text instead.
                    let anchors = anchors(&pattern).filter(|(a, ..)| a.words.len() + a.prefixes.len() <= MAX_ANCHORS);
                    if let Some((a, at_end, filter)) = anchors {
                        side = if at_end { "end" } else { "start" };
                        if !compact {
                            index.add(number, &a, &filter.unwrap_or_default());
                        }
                    }
                }
                let _ = writeln!(out, "{side}\t{head}\t{branch}");
                number += 1;
            }
        }
        let name = Path::new(file).file_stem().and_then(|s| s.to_str()).unwrap_or("rules");
        write(&out_dir, &format!("{name}.rules"), out.as_bytes());
    }
    // The compact build writes no index: each pinned rule is tried at every word.
    write(&out_dir, "rules.index", &if compact { Vec::new() } else { index.to_bytes(number) });
    let lexicon = fs::read_to_string(LEXICON).unwrap_or_else(|e| panic!("cannot read {LEXICON}: {e}"));
    write(&out_dir, "sentiment_lexicon.tsv", front_coding::front_coded(&lexicon).as_bytes());
    println!("cargo:rerun-if-changed={LEXICON}");
}

const LEXICON: &str = "src/classify/data/sentiment_lexicon.tsv";

// The lexicon's and the rule index's words as shipped, one home for writing and reading them.
#[path = "src/classify/front_coding.rs"]
mod front_coding;

fn write(out_dir: &str, name: &str, bytes: &[u8]) {
    let dest = Path::new(out_dir).join(name);
    if let Err(e) = fs::write(&dest, bytes) {
        panic!("cannot write {}: {e}", dest.display());
    }
}

/// The rule files' index, by word: the rules each word anchors and the rules
/// that also need it (each rule by its number, counted over the files in
/// order, ascending).
/// Written as bytes the classifier reads with one map entry a word, not
/// one a word of every rule: building the index was most of a cold start.
#[derive(Default)]
struct Index {
    /// Whole words (the classifier also looks up the parts of a word with
    /// an apostrophe, "model" of "model's", so a `\b` closing a word needs
    /// no entry of its own).
    words: BTreeMap<String, (Vec<u32>, Vec<u32>)>,
    /// Word starts, with the rules they anchor.
    starts: BTreeMap<String, Vec<u32>>,
}

impl Index {
    fn add(&mut self, rule: u32, anchors: &Anchors, filter: &[String]) {
        fn push(list: &mut Vec<u32>, rule: u32) {
            if list.last() != Some(&rule) {
                list.push(rule);
            }
        }
        for (words, also) in [(anchors.words.as_slice(), false), (filter, true)] {
            for word in words {
                let (anchored, needed_by) = self.words.entry(word.clone()).or_default();
                push(if also { needed_by } else { anchored }, rule);
            }
        }
        for start in &anchors.prefixes {
            push(self.starts.entry(start.clone()).or_default(), rule);
        }
    }

    /// The number of rules it indexes (a check that it belongs to the rule
    /// files beside it), then the words behind their length in bytes, a line
    /// each, front-coded as the lexicon is (`front_coding`: the words are
    /// sorted, so "abandon", "abandoned", "abandoning" mostly share; 9.7 KB
    /// less in `js/pkg-classify` than spelled out, session 13); then an
    /// entry a word in the same order: a kind byte (0 word, 1 word start),
    /// then its lists (two for words, one for starts), each a count and the
    /// rule numbers as gaps. Numbers in LEB128.
    fn to_bytes(&self, rules: u32) -> Vec<u8> {
        fn number(out: &mut Vec<u8>, mut n: u32) {
            // The reader takes four bytes of a number at most.
            assert!(n < 1 << 28, "an index number too large to write: {n}");
            while n >= 0x80 {
                out.push((n as u8 & 0x7f) | 0x80);
                n >>= 7;
            }
            out.push(n as u8);
        }
        fn list(out: &mut Vec<u8>, rules: &[u32]) {
            number(out, rules.len() as u32);
            let mut before = 0;
            for &rule in rules {
                number(out, rule - before);
                before = rule;
            }
        }
        let mut words = String::new();
        let mut entries = Vec::new();
        let mut entry = |kind: u8, word: &str, lists: &[&Vec<u32>]| {
            words.push_str(word);
            words.push('\n');
            entries.push(kind);
            for rules in lists {
                list(&mut entries, rules);
            }
        };
        for (word, (anchored, needed_by)) in &self.words {
            entry(0, word, &[anchored, needed_by]);
        }
        for (start, rules) in &self.starts {
            entry(1, start, &[rules]);
        }
        let words = front_coding::front_coded(&words);
        let mut out = Vec::new();
        number(&mut out, rules);
        number(&mut out, words.len() as u32);
        out.extend_from_slice(words.as_bytes());
        out.extend(entries);
        out
    }
}

const MAX_ANCHORS: usize = 400;

/// Rough frequencies of the commonest words of English reviews, per 1,000
/// words (clothing and food-delivery reviews, counted once on the development
/// sets): what an anchor word costs, in searches that find nothing.
const FREQUENT: &[(&str, f32)] = &[
    ("the", 54.0), ("i", 42.0), ("and", 35.0), ("a", 31.0), ("it", 30.0), ("to", 30.0), ("is", 22.0), ("this", 19.0),
    ("my", 17.0), ("order", 16.0), ("in", 15.0), ("they", 13.0), ("but", 13.0), ("for", 12.0), ("food", 12.0),
    ("on", 11.0), ("app", 11.0), ("was", 10.0), ("of", 10.0), ("you", 9.0), ("with", 9.0), ("so", 9.0), ("not", 9.0),
    ("dress", 9.0), ("me", 8.0), ("love", 8.0), ("that", 7.0), ("service", 7.0), ("grubhub", 7.0), ("delivery", 7.0),
    ("have", 7.0), ("time", 6.0), ("very", 6.0), ("size", 6.0), ("top", 6.0), ("get", 6.0), ("great", 5.0),
    ("an", 5.0), ("fit", 5.0), ("your", 5.0), ("no", 5.0), ("never", 5.0), ("are", 5.0), ("like", 5.0), ("up", 5.0),
    ("be", 5.0), ("as", 5.0), ("from", 5.0), ("or", 5.0), ("wear", 5.0), ("it's", 5.0), ("too", 5.0), ("use", 4.0),
    ("driver", 4.0), ("when", 4.0), ("just", 4.0), ("i'm", 4.0), ("customer", 4.0), ("am", 4.0), ("had", 4.0),
    ("at", 4.0), ("if", 4.0), ("orders", 4.0), ("will", 4.0), ("then", 4.0), ("small", 4.0), ("drivers", 4.0),
    ("fabric", 4.0), ("restaurant", 3.0), ("would", 3.0), ("even", 3.0), ("color", 3.0), ("don't", 3.0), ("all", 3.0),
    ("cute", 3.0), ("perfect", 3.0), ("after", 3.0), ("beautiful", 3.0), ("look", 2.9), ("them", 2.9),
    ("really", 2.8), ("refund", 2.8), ("more", 2.8), ("do", 2.8), ("flattering", 2.8), ("ordered", 2.7),
    ("little", 2.7), ("money", 2.7), ("again", 2.7), ("soft", 2.7), ("out", 2.6), ("these", 2.6), ("one", 2.6),
    ("their", 2.5), ("only", 2.5), ("comfortable", 2.5), ("wrong", 2.5), ("well", 2.4), ("nice", 2.4),
    ("because", 2.4), ("times", 2.4), ("got", 2.4), ("2", 2.4), ("delivered", 2.3), ("shirt", 2.3), ("can", 2.3),
    ("back", 2.3), ("there", 2.3), ("than", 2.2), ("large", 2.2), ("fees", 2.1), ("hour", 2.1), ("bought", 2.1),
    ("down", 2.1), ("looks", 2.1), ("sweater", 2.1), ("bit", 2.1), ("fits", 2.1), ("has", 2.1), ("now", 2.0),
    ("pretty", 2.0), ("much", 2.0), ("material", 2.0), ("restaurants", 2.0), ("can't", 2.0), ("over", 2.0),
    ("which", 2.0), ("been", 2.0), ("5", 2.0), ("hours", 1.9), ("using", 1.9), ("length", 1.9), ("what", 1.9),
    ("always", 1.9), ("canceled", 1.9), ("off", 1.8), ("jeans", 1.8), ("also", 1.8), ("long", 1.8), ("quality", 1.8),
    ("give", 1.8), ("colors", 1.8), ("i've", 1.7), ("3", 1.7), ("petite", 1.7), ("said", 1.7), ("go", 1.7),
    ("first", 1.7), ("way", 1.7), ("cold", 1.7), ("still", 1.7), ("waist", 1.6), ("we", 1.6), ("work", 1.6),
    ("medium", 1.6), ("by", 1.6), ("every", 1.6), ("think", 1.5), ("cancel", 1.5), ("pants", 1.5), ("xs", 1.5),
    ("about", 1.5), ("minutes", 1.5), ("skirt", 1.5), ("late", 1.5), ("didn't", 1.5), ("retailer", 1.5),
    ("runs", 1.5), ("place", 1.5), ("10", 1.5), ("tried", 1.5), ("terrible", 1.5), ("cancelled", 1.5), ("good", 1.5),
    ("big", 1.5), ("horrible", 1.5), ("short", 1.5), ("doordash", 1.5), ("ever", 1.4), ("worst", 1.4), ("store", 1.4),
    ("any", 1.4), ("super", 1.4), ("usually", 1.4), ("doesn't", 1.4), ("tip", 1.4), ("made", 1.4), ("other", 1.4),
    ("summer", 1.4), ("could", 1.4), ("fee", 1.4), ("cut", 1.4), ("deliver", 1.3), ("see", 1.3), ("right", 1.3),
    ("address", 1.3), ("pay", 1.3), ("black", 1.3), ("last", 1.3), ("take", 1.3), ("make", 1.3), ("style", 1.3),
    ("want", 1.3), ("items", 1.3), ("missing", 1.3), ("door", 1.3), ("used", 1.2), ("were", 1.2), ("card", 1.2),
    ("wait", 1.2), ("through", 1.2), ("told", 1.2), ("true", 1.2), ("design", 1.2), ("did", 1.2), ("try", 1.2),
    ("sleeves", 1.2), ("called", 1.2), ("1", 1.2), ("account", 1.2), ("getting", 1.1), ("online", 1.1), ("call", 1.1),
    ("won't", 1.1), ("free", 1.1), ("before", 1.1), ("30", 1.1), ("company", 1.1), ("white", 1.1), ("how", 1.1),
    ("lovely", 1.1), ("closed", 1.1), ("days", 1.1), ("bad", 1.1), ("half", 1.1), ("wearing", 1.1), ("why", 1.1),
    ("better", 1.1), ("feel", 1.1), ("however", 1.1), ("does", 1.0), ("gorgeous", 1.0), ("tight", 1.0),
    ("something", 1.0), ("nothing", 1.0), ("purchased", 1.0), ("enough", 1.0), ("experience", 1.0), ("let", 1.0),
    ("going", 1.0), ("grub", 1.0), ("person", 1.0), ("people", 1.0), ("know", 1.0), ("fall", 1.0), ("jacket", 1.0),
    ("perfectly", 1.0), ("definitely", 1.0), ("pick", 1.0), ("hub", 1.0), ("looked", 1.0), ("model", 1.0),
    ("20", 1.0), ("some", 1.0), ("another", 1.0), ("being", 1.0), ("help", 1.0), ("charge", 1.0), ("loved", 1.0),
    ("4", 0.9), ("blue", 0.9), ("he", 0.9), ("support", 0.9), ("sale", 0.9), ("price", 0.9), ("ordering", 0.9),
    ("placed", 0.9), ("waiting", 0.9), ("front", 0.9), ("same", 0.9), ("though", 0.9), ("its", 0.9), ("comfy", 0.9),
    ("our", 0.9), ("high", 0.9), ("lbs", 0.9), ("issue", 0.9), ("body", 0.9), ("charged", 0.9), ("anything", 0.9),
    ("credit", 0.9), ("piece", 0.9), ("casual", 0.9), ("bottom", 0.9), ("wanted", 0.8), ("says", 0.8), ("say", 0.8),
    ("loose", 0.8), ("find", 0.8), ("away", 0.8), ("light", 0.8), ("took", 0.8), ("should", 0.8), ("meal", 0.8),
    ("many", 0.8), ("where", 0.8), ("worn", 0.8), ("blouse", 0.8), ("shape", 0.8), ("two", 0.8), ("business", 0.8),
    ("6", 0.8), ("dash", 0.8), ("regular", 0.8), ("tell", 0.8), ("thin", 0.8), ("uber", 0.8), ("looking", 0.8),
    ("received", 0.8), ("both", 0.8), ("later", 0.8), ("twice", 0.8), ("around", 0.8), ("s", 0.8), ("chest", 0.8),
    ("recommend", 0.8), ("shoulders", 0.8), ("without", 0.8), ("arms", 0.8), ("thought", 0.8), ("saw", 0.7),
    ("compliments", 0.7), ("print", 0.7), ("fun", 0.7), ("makes", 0.7), ("pattern", 0.7), ("need", 0.7),
    ("bust", 0.7), ("unique", 0.7), ("sure", 0.7), ("buy", 0.7), ("run", 0.7),
];

/// What a word not in `FREQUENT` costs, per 1,000 words.
const RARE: f32 = 0.15;

fn frequency(word: &str) -> f32 {
    FREQUENT.iter().find(|(w, _)| *w == word).map_or(RARE, |(_, f)| *f)
}

/// What a word start costs: the frequent words it starts, plus the many
/// rarer ones a short start also catches.
fn start_frequency(start: &str) -> f32 {
    let listed: f32 = FREQUENT.iter().filter(|(w, _)| w.starts_with(start)).map(|(_, f)| f).sum();
    let rarer = match start.len() {
        0 | 1 => 20.0,
        2 => 3.0,
        3 => 0.8,
        _ => 0.2,
    };
    listed + rarer
}

/// The chance that a review of about 60 words holds one of `words`.
fn presence(words: &[String]) -> f32 {
    (words.iter().map(|w| frequency(w)).sum::<f32>() * 0.06).min(1.0)
}

/// The top-level branches of a pattern (`a|b|c`), as written: cut where
/// regex-syntax's own parser says each branch starts and ends, so classes
/// and escapes (`[|]`, `\\|`) are read as the pattern engine reads them.
/// A pattern it cannot parse is passed on whole (the data test reports it).
fn branches(pattern: &str) -> Vec<&str> {
    let Ok(ast) = regex_syntax::ast::parse::Parser::new().parse(pattern) else { return vec![pattern] };
    let regex_syntax::ast::Ast::Alternation(ref alternation) = ast else { return vec![pattern] };
    let cut: Option<Vec<&str>> =
        alternation.asts.iter().map(|branch| pattern.get(branch.span().start.offset..branch.span().end.offset)).collect();
    cut.unwrap_or_else(|| vec![pattern])
}

/// The words a rule's matches contain for sure, to index it by: whole words
/// and word starts, or `None` when its matches can start anywhere.
struct Anchors {
    words: Vec<String>,
    prefixes: Vec<String>,
}

impl Anchors {
    /// How many searches a rule indexed by these would run per 1,000 words.
    fn cost(&self) -> f32 {
        self.words.iter().map(|w| frequency(w)).sum::<f32>() + self.prefixes.iter().map(|p| start_frequency(p)).sum::<f32>()
    }
}

/// Reads a pattern's literal prefixes (its first words) and literal suffixes
/// (its last words), and keeps whichever makes the rarer index. Patterns must
/// start and end at word boundaries for their first or last word to count.
/// The anchors, whether they are the match's last words (else its first), and
/// the filter words (`required_words`).
fn anchors(pattern: &str) -> Option<(Anchors, bool, Option<Vec<String>>)> {
    let body = pattern.strip_prefix("(?-u)")?;
    let hir = ParserBuilder::new().utf8(false).build().parse(pattern).ok()?;
    // Generous limits: this runs at build time, and finite literal sets make better indexes.
    let extract = |kind, hir: &Hir| Extractor::new().kind(kind).limit_total(20_000).limit_class(64).limit_repeat(4).limit_literal_len(24).extract(hir);
    // A first (last) group of words closed by `\b` names whole words, though
    // the literals of the whole pattern go on past it, inexact ("advertised"
    // of `\b(advertised|marketed)\b[^.]{0,60}…`, else read as a word start).
    // The words of one end (the last, `from_end`); `far_bounded`: the other
    // end is a word boundary.
    let end_words = |from_end: bool, far_bounded: bool| {
        let kind = || if from_end { ExtractKind::Suffix } else { ExtractKind::Prefix };
        let orient = |bytes: &[u8]| if from_end { bytes.iter().rev().copied().collect() } else { bytes.to_vec() };
        let bounded = || {
            let seq = extract(kind(), bounded_element(&hir, from_end)?);
            let literals = seq.literals()?;
            literals.iter().all(|l| l.is_exact()).then_some(())?;
            literal_words(literals, true, orient)
        };
        bounded().or_else(|| literal_words(extract(kind(), &hir).literals()?, far_bounded, orient))
    };
    let (starts, ends) = (body.starts_with("\\b"), body.ends_with("\\b"));
    let prefix = starts.then(|| end_words(false, ends)).flatten();
    // A word's tail cannot be looked up: a suffix must name whole words.
    let suffix = ends.then(|| end_words(true, starts)).flatten().filter(|a| a.prefixes.is_empty());
    // Index by the end that runs fewer searches, counting that a match must
    // also hold one of the filter words, wherever they are in it.
    let filtered = |anchors: &Anchors| {
        let filter = required_words(&hir, &anchors.words);
        let cost = anchors.cost() * filter.as_deref().map_or(1.0, presence);
        (cost, filter)
    };
    let (by_start, start_filter) = prefix.as_ref().map(filtered).unzip();
    let (by_end, end_filter) = suffix.as_ref().map(filtered).unzip();
    match (prefix, suffix) {
        (Some(_), Some(s)) if by_end < by_start => Some((s, true, end_filter.flatten())),
        (Some(p), _) => Some((p, false, start_filter.flatten())),
        (None, Some(s)) => Some((s, true, end_filter.flatten())),
        (None, None) => None,
    }
}

/// Words every match of the pattern holds as whole words, one of them at
/// least: the filter that spares a search when none is in the text. Read
/// piece by piece (`pieces`): of a piece every match must pass through, the
/// rarest word in each of its literals, when each has one the tokenizer
/// would cut out whole (spaces or punctuation on both sides, or the piece's
/// neighbours: a `\b`, or pieces that end or start with such a byte). Of all
/// pieces, the set a review is least likely to hold. `anchors` (the index
/// words) are no filter: the search only runs where they are.
fn required_words(hir: &Hir, anchors: &[String]) -> Option<Vec<String>> {
    let pieces = pieces(hir);
    let best = (0..pieces.len()).filter_map(|k| piece_words(&pieces, k, anchors)).min_by(|a, b| presence(a).total_cmp(&presence(b)))?;
    (presence(&best) < 1.0).then_some(best)
}

/// A pattern as the sequence of pieces a match passes through in order:
/// groups of several pieces opened up, so `(for (this|that) price)` is four.
fn pieces(hir: &Hir) -> Vec<&Hir> {
    match hir.kind() {
        HirKind::Concat(parts) => parts.iter().flat_map(pieces).collect(),
        HirKind::Capture(group) if matches!(group.sub.kind(), HirKind::Concat(_) | HirKind::Capture(_)) => pieces(&group.sub),
        _ => vec![hir],
    }
}

/// Whether piece `k`'s neighbours on its left (`before`) or its right end
/// any word it starts or ends with.
fn closed(pieces: &[&Hir], k: usize, before: bool) -> bool {
    let neighbours = if before { pieces.get(..k) } else { pieces.get(k + 1..) };
    cuts(neighbours.unwrap_or(&[]).to_vec(), before)
}

/// Whether a sequence of pieces begins (ends, `from_end`) by ending a word,
/// over every way a match can go: with a byte no word holds, the text's
/// edge or a `\b`. (At an apostrophe the tokenizer keeps in a word,
/// "model's", "y'all", a `\b` holds inside it; the classifier also looks up
/// the parts of such a word. A non-ASCII letter next to a `\b`, "baré", is
/// a known gap, as for anchor words.)
fn cuts(mut seq: Vec<&Hir>, from_end: bool) -> bool {
    let first = if from_end { seq.pop() } else if seq.is_empty() { None } else { Some(seq.remove(0)) };
    // The pattern's end: what lies beyond is not known.
    let Some(first) = first else { return false };
    let then = |inner: &[&Hir], rest: &[&Hir]| {
        let mut next: Vec<&Hir> = if from_end { rest.to_vec() } else { inner.to_vec() };
        next.extend(if from_end { inner } else { rest });
        cuts(next, from_end)
    };
    let cutting = |b: u8| b.is_ascii() && !is_word_byte(b);
    match first.kind() {
        HirKind::Look(Look::WordAscii | Look::WordUnicode) => true,
        HirKind::Look(Look::Start | Look::StartLF | Look::StartCRLF) => from_end,
        HirKind::Look(Look::End | Look::EndLF | Look::EndCRLF) => !from_end,
        HirKind::Look(_) => false,
        HirKind::Empty => cuts(seq, from_end),
        HirKind::Literal(literal) => match if from_end { literal.0.last() } else { literal.0.first() } {
            Some(&b) => cutting(b),
            None => cuts(seq, from_end),
        },
        HirKind::Class(Class::Bytes(class)) => class.ranges().iter().all(|r| (r.start()..=r.end()).all(cutting)),
        HirKind::Class(Class::Unicode(class)) => class
            .ranges()
            .iter()
            .all(|r| (u32::from(r.start())..=u32::from(r.end())).all(|c| u8::try_from(c).is_ok_and(cutting))),
        HirKind::Capture(group) => then(&[&group.sub], &seq),
        HirKind::Concat(parts) => then(&parts.iter().collect::<Vec<_>>(), &seq),
        HirKind::Alternation(branches) => branches.iter().all(|b| then(&[b], &seq)),
        HirKind::Repetition(repeat) => then(&[&repeat.sub], &seq) && (repeat.min > 0 || cuts(seq, from_end)),
    }
}

/// Piece `k`'s filter words: of each of its literals, the rarest word it
/// holds whole, not an anchor; `None` when a literal holds none, or the
/// piece may be skipped or has too many literals to list.
fn piece_words(pieces: &[&Hir], k: usize, anchors: &[String]) -> Option<Vec<String>> {
    let piece = pieces.get(k)?;
    if matches!(piece.kind(), HirKind::Look(_)) || piece.properties().minimum_len().unwrap_or(0) == 0 {
        return None;
    }
    let seq = Extractor::new().kind(ExtractKind::Prefix).limit_class(64).limit_total(2_000).limit_literal_len(64).extract(piece);
    let (left, right) = (closed(pieces, k, true), closed(pieces, k, false));
    let mut words: Vec<String> = Vec::new();
    for literal in seq.literals()? {
        let bytes = straight_apostrophes(literal.as_bytes());
        let mut rarest: Option<(f32, String)> = None;
        let mut start = 0;
        while start < bytes.len() {
            let len = bytes.get(start..)?.iter().take_while(|b| is_word_byte(**b)).count();
            let end = start + len;
            // A byte of a literal next to the word cuts it unless it is part of
            // a character the tokenizer may read as a letter.
            let cut_by = |at: usize| bytes.get(at).is_some_and(u8::is_ascii);
            let closed_left = if start > 0 { cut_by(start - 1) } else { left };
            let closed_right = if end < bytes.len() { cut_by(end) } else { literal.is_exact() && right };
            let word = bytes.get(start..end).and_then(|w| std::str::from_utf8(w).ok()).unwrap_or("");
            // The tokenizer keeps an apostrophe only between letters or digits.
            let plain = !word.is_empty() && !word.starts_with('\'') && !word.ends_with('\'') && !word.contains("''") && word.is_ascii();
            let word = closed_right.then(|| word.to_string());
            if let Some(word) = word.filter(|w| plain && closed_left && !anchors.contains(w)) {
                let cost = frequency(&word);
                if rarest.as_ref().is_none_or(|(c, _)| cost < *c) {
                    rarest = Some((cost, word));
                }
            }
            start = end + 1;
        }
        let (_, word) = rarest?;
        if !words.contains(&word) {
            words.push(word);
        }
    }
    (!words.is_empty()).then_some(words)
}

/// The pattern's first element (its last, `from_end`) after its `\b`, when
/// a `\b` closes it: `(a|b)` of `\b(a|b)\b…`.
fn bounded_element(hir: &Hir, from_end: bool) -> Option<&Hir> {
    let HirKind::Concat(parts) = hir.kind() else { return None };
    let is_boundary = |h: &Hir| matches!(h.kind(), HirKind::Look(Look::WordAscii | Look::WordUnicode));
    let (first, element, after) = if from_end {
        let mut rest = parts.iter().rev();
        (rest.next()?, rest.next()?, rest.next()?)
    } else {
        let mut rest = parts.iter();
        (rest.next()?, rest.next()?, rest.next()?)
    };
    (is_boundary(first) && is_boundary(after)).then_some(element)
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
/// the whole match ("hips" of "hips?\\b") is a whole word too, closed by
/// that `\\b` (it also matches before an apostrophe the tokenizer keeps in
/// the word, "hip's": the classifier looks up the parts of such a word).
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

