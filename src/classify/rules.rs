//! Pattern rules, loaded from data files: the engine behind root causes and
//! risk flags. A rule file has one rule a line:
//! `label <TAB> weight <TAB> flags <TAB> regex`, flags comma-separated or `-`:
//! - `weak`: counts only in a clause that is not positive ("small" in "runs small, sadly");
//! - `exact`: matched against the original text, case and all (postcodes);
//! - `not_received`: the order never arrived (raises priority);
//! - `negation_ok`: a negator just before does not cancel it.
//!
//! Patterns run on the text in ASCII lower case, so they are written in lower case.
//!
//! Each rule is indexed by the words its matches start (or end) with, read off
//! the pattern by `build.rs`, which writes each rule file again without its
//! comments, one line for each top-level branch of a rule's pattern (a branch
//! is a rule of its own from then on), each behind the end its words are at
//! (`side <TAB> rule`), and beside them one index for both (`Rules::read_index`):
//! for each word, the rules it anchors and the rules that also need it. A
//! text runs only the rules whose words it holds, each searched from (or up
//! to) that word, so cost follows the words present, not the number of rules.

use std::sync::OnceLock;

use super::front_coding::spelled_out;
use super::lexicon::{data_lines, decimal, split_tab, LexiconReading, LEXICON};
use crate::fast_hash::{FastMap, WordMap};
use crate::text::matcher::{Direction, Matcher};
use crate::text::{Token, TokenKind};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags {
    pub weak: bool,
    pub exact: bool,
    pub not_received: bool,
    pub negation_ok: bool,
}

impl Flags {
    /// A rule file's flags column, or the flag it does not know.
    #[inline(never)]
    fn read(column: &str) -> Result<Flags, &str> {
        let mut f = Flags::default();
        for flag in column.split(',').filter(|s| *s != "-") {
            match flag {
                "weak" => f.weak = true,
                "exact" => f.exact = true,
                "not_received" => f.not_received = true,
                "negation_ok" => f.negation_ok = true,
                other => return Err(other),
            }
        }
        Ok(f)
    }
}

pub struct Rule {
    /// Its label's number in `RuleBook::labels` (or `NO_LABEL`), and its file.
    label: FileLabel,
    pub weight: f32,
    pub flags: Flags,
    /// As the rule file writes it: our pattern engine reads bytes and ASCII
    /// classes only, what the `(?-u)` flag asks of the `regex` crate.
    pub pattern: &'static str,
    /// Where its anchor words sit in a match: the search is pinned there.
    side: Side,
    /// Compiled on the rule's first candidate review: most rules are rarely
    /// needed. Reads backward for rules pinned to their last word.
    matcher: OnceLock<Option<Matcher>>,
}

/// Where a rule's anchor word sits in its matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Side {
    /// Matches start at the anchor word: searched from there, anchored.
    Start,
    /// Matches end at the anchor word: searched up to there, anchored at the end.
    End,
    /// No anchor: searched over the whole text.
    Anywhere,
}

/// A rule whose label did not load: it never reports (the data test fails on it).
const NO_LABEL: u16 = u16::MAX;

/// A label by its number in `RuleBook::labels`, and the rule file it comes
/// from: evidence is weighed within one file's labels.
#[derive(Clone, Copy, Debug, PartialEq)]
struct FileLabel {
    label: u16,
    file: u8,
}

impl Rule {
    fn matcher(&self) -> Option<&Matcher> {
        self.matcher.get_or_init(|| self.compile().ok()).as_ref()
    }

    fn compile(&self) -> Result<Matcher, crate::text::matcher::PatternError> {
        match self.side {
            // Run over whole texts (`find_iter`).
            Side::Anywhere => Matcher::new(self.pattern, Direction::Forward),
            Side::Start => Matcher::pinned(self.pattern, Direction::Forward),
            Side::End => Matcher::pinned(self.pattern, Direction::Backward),
        }
    }

    /// The match pinned at one end of `window` in `haystack`, as a byte span.
    fn find_pinned(&self, haystack: &[u8], window: std::ops::Range<usize>) -> Option<(usize, usize)> {
        let matcher = self.matcher()?;
        if self.side == Side::End {
            Some((matcher.match_back_from(haystack, window.clone())?, window.end))
        } else {
            Some((window.start, matcher.match_from(haystack, window.clone())?))
        }
    }
}

/// Compiled rule files. Each rule is indexed by the words its matches start
/// or end with, and the words they also need (read off the pattern by
/// build.rs), so a review only runs the few rules whose words it contains.
pub struct RuleBook<L> {
    /// The labels the rules raise, each once; rules name theirs by number.
    labels: Vec<L>,
    rules: Rules,
    /// Lines that failed to load, for the data test; empty in a good build.
    pub problems: Vec<String>,
}

/// The rules and their index, with labels by number: the search code does
/// not depend on the label type.
struct Rules {
    rules: Vec<Rule>,
    /// Whole word (a match's first or last) -> the rules it anchors and the
    /// rules that also need it: one lookup a word of the text.
    by_word: WordMap<Word>,
    /// Each word's lists as runs of one table: a review's words read their
    /// rules in a row. A rule that needs more than its anchor word is
    /// marked `NEEDS_MORE` here, so a word's list is filtered without a
    /// lookup a rule.
    listed: Vec<u32>,
    /// Word starts (a first word the pattern cuts short, "refund" of
    /// "refund(s|ed)?") by their first two bytes (or first byte and 0), each
    /// with its rules.
    by_start: FastMap<usize, Vec<(&'static str, Vec<usize>)>>,
    /// Which first two bytes (or first byte) of a word some word start
    /// has, one bit each: most words start like none, and skip the lookup.
    prefix_heads: Vec<u64>,
    short_prefixes: [u64; 4],
    /// Rules whose matches can start anywhere (emails, phone numbers): always run.
    always: Vec<usize>,
    /// Those rules as one pattern each for the lower-case text and for the
    /// original (`exact` rules): one scan tells that none of them matches,
    /// the usual case, instead of one scan a rule. Compiled on first use.
    always_any: [OnceLock<Option<Matcher>>; 2],
    /// Rules pinned to an end but listed without words (`compact-index`):
    /// tried at every word.
    at_every_word: Vec<usize>,
    /// Rules that need a word besides their anchor (one of a list build.rs
    /// reads off a piece of the pattern every match passes through), one
    /// bit each: they run only where a word of the text lists them in
    /// `Word::needed_by`. Read that way round, a text's few index words are
    /// visited once, not each candidate's long list.
    needs_more: Vec<u64>,
}

/// A word of the index. One table for every word's rules, not a vector
/// (an allocation) a word.
struct Word {
    /// The rules it anchors.
    anchors: Chain,
    /// The rules that also need it.
    needed_by: Chain,
}

/// Rules in a list: the run `Rules::listed[first..last]`.
#[derive(Clone, Copy)]
struct Chain {
    first: u32,
    last: u32,
}

impl Chain {
    fn is_empty(self) -> bool {
        self.first == self.last
    }
}

/// One rule matching at one place.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Hit<L> {
    pub label: L,
    pub weight: f32,
    pub flags: Flags,
    /// Byte span in the text.
    pub start: usize,
    pub end: usize,
}

impl<L> Hit<L> {
    /// The same hit under another label type.
    pub fn relabel<M>(&self, label: M) -> Hit<M> {
        Hit { label, weight: self.weight, flags: self.flags, start: self.start, end: self.end }
    }
}

impl<L: Copy + PartialEq> RuleBook<L> {
    /// Loads rule files as `build.rs` writes them (each rule behind its side)
    /// with their one index, so a review's words are looked up once for all
    /// of them. No index (the `compact-index` build writes none) tries each pinned
    /// rule at every word. `parse_label` reads a label name of the file with
    /// that number.
    pub fn load(files: &[&'static str], index: &'static [u8], parse_label: impl Fn(usize, &str) -> Option<L>) -> Self {
        let (mut rules, names, mut problems) = Rules::load(files, index);
        let mut labels: Vec<L> = Vec::new();
        for (rule, name) in rules.rules.iter_mut().zip(names) {
            let Some(label) = parse_label(usize::from(rule.label.file), name) else {
                problems.push(format!("unknown label {name}: {}", rule.pattern));
                continue;
            };
            let number = labels.iter().position(|l| *l == label).unwrap_or_else(|| {
                labels.push(label);
                labels.len() - 1
            });
            rule.label.label = u16::try_from(number).unwrap_or(NO_LABEL);
        }
        RuleBook { labels, rules, problems }
    }

    /// Compiles every rule: the data test's check that each pattern is valid.
    pub fn check(&self) -> Vec<String> {
        let mut problems = self.problems.clone();
        for r in &self.rules.rules {
            if let Err(e) = r.compile() {
                problems.push(format!("bad pattern ({e}): {}", r.pattern));
            }
        }
        problems
    }

    /// The labels the rules raise, one per rule (a rule's branch counts as one).
    pub fn labels(&self) -> impl Iterator<Item = L> + '_ {
        self.rules.rules.iter().filter_map(|r| self.labels.get(usize::from(r.label.label)).copied())
    }

    /// The labels of the rules that have no anchor words and run on every text, one per rule.
    pub fn unindexed(&self) -> impl Iterator<Item = L> + '_ {
        let rules = self.rules.always.iter().filter_map(|&i| self.rules.rules.get(i));
        rules.filter_map(|r| self.labels.get(usize::from(r.label.label)).copied())
    }

    pub fn len(&self) -> usize {
        self.rules.rules.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rules.rules.is_empty()
    }

    /// Every rule that matches `text`, minus those cancelled by a negator or,
    /// for weak rules, by a positive clause.
    pub fn hits(&self, text: &str, lower: &str, tokens: &[Token], reading: &LexiconReading) -> Vec<Hit<L>> {
        let hits = self.rules.hits(text, lower, tokens, reading);
        hits.into_iter()
            .filter_map(|h| {
                Some(h.relabel(*self.labels.get(usize::from(h.label.label))?))
            })
            .collect()
    }
}

impl Rules {
    /// The rules of rule files, their label names (one per rule), and the
    /// lines that failed to load.
    fn load(files: &[&'static str], index: &'static [u8]) -> (Rules, Vec<&'static str>, Vec<String>) {
        let mut names = Vec::new();
        let mut problems = Vec::new();
        let mut book = Rules {
            rules: Vec::new(),
            by_word: WordMap::default(),
            listed: Vec::new(),
            by_start: FastMap::default(),
            prefix_heads: vec![0; 1 << 10],
            short_prefixes: [0; 4],
            always: Vec::new(),
            always_any: [OnceLock::new(), OnceLock::new()],
            at_every_word: Vec::new(),
            needs_more: Vec::new(),
        };
        for (number, file) in files.iter().enumerate() {
            let number = u8::try_from(number).unwrap_or(u8::MAX);
            for line in data_lines(file) {
                if let Err(problem) = book.add(line, number, &mut names) {
                    problems.push(problem);
                }
            }
        }
        // Rules some word or word start anchors.
        let mut indexed: Vec<u64> = Vec::new();
        if let Err(problem) = book.read_index(index, &mut indexed) {
            problems.push(format!("the rule index: {problem}"));
        }
        for (i, rule) in book.rules.iter().enumerate() {
            if rule.side != Side::Anywhere && !has_bit(&indexed, i) {
                book.at_every_word.push(i);
            }
        }
        book.mark_needs_more();
        (book, names, problems)
    }

    /// Marks in `listed` each rule that needs more than its anchor word.
    #[inline(never)]
    fn mark_needs_more(&mut self) {
        for rule in &mut self.listed {
            if has_bit(&self.needs_more, *rule as usize) {
                *rule |= NEEDS_MORE;
            }
        }
    }

    // Loading runs once: a line's steps are functions of their own
    // (`inline(never)`), each too small for V8 to spend its optimising
    // compiler on when a page starts (it optimises a function once it has
    // run a few megabytes of it).

    /// Adds one line's rule (and its label's name to `names`), or says what
    /// is wrong with it. A line with its columns gets a rule whatever else
    /// is wrong, so the index's rule numbers stay in step; one that cannot
    /// load runs nowhere.
    #[inline(never)]
    fn add(&mut self, line: &'static str, file: u8, names: &mut Vec<&'static str>) -> Result<(), String> {
        // Cut at the first four tabs (the pattern keeps any after): a plain
        // byte loop a column, cheaper than `splitn`'s searcher on a line this short.
        let columns = || -> Option<[&'static str; 5]> {
            let (side, rest) = split_tab(line)?;
            let (label, rest) = split_tab(rest)?;
            let (weight, rest) = split_tab(rest)?;
            let (flags, pattern) = split_tab(rest)?;
            Some([side, label, weight, flags, pattern])
        };
        let Some([side, label, weight, flags, pattern]) = columns() else {
            return Err(format!("not a side then the rule's four columns: {line}"));
        };
        let side = match side {
            "start" => Side::Start,
            "end" => Side::End,
            _ => Side::Anywhere,
        };
        let index = self.rules.len();
        names.push(label);
        let read = decimal(weight).ok_or_else(|| format!("bad weight: {line}")).and_then(|weight| {
            Ok((weight, Flags::read(flags).map_err(|other| format!("unknown flag {other}: {line}"))?))
        });
        let (weight, flags, runs) = match &read {
            Ok((weight, flags)) => (*weight, *flags, true),
            Err(_) => (0.0, Flags::default(), false),
        };
        if runs && side == Side::Anywhere {
            self.always.push(index);
        }
        // A rule that did not load keeps its number but never reports (`NO_LABEL`).
        let side = if runs { side } else { Side::Anywhere };
        self.rules.push(Rule { label: FileLabel { label: NO_LABEL, file }, weight, flags, pattern, side, matcher: OnceLock::new() });
        read.map(|_| ())
    }

    /// Reads the rule files' index (`build.rs`, `Index::to_bytes`): the
    /// number of rules it was written for, the words (front-coded as the
    /// lexicon's, `front_coding::spelled_out`: one buffer kept for the life of
    /// the process, which the maps borrow), then an entry a word: a kind byte (0 a whole word, 1 a
    /// word start), then its lists of rules (numbers as gaps), all numbers
    /// in LEB128. Marks in `indexed` the rules some word or start anchors.
    #[inline(never)]
    fn read_index(&mut self, index: &'static [u8], indexed: &mut Vec<u64>) -> Result<(), String> {
        if index.is_empty() {
            return Ok(());
        }
        let mut bytes = Bytes { rest: index };
        let written_for = bytes.number().ok_or("its rule count cut short")?;
        if written_for != self.rules.len() {
            return Err(format!("written for {written_for} rules, not {}", self.rules.len()));
        }
        let length = bytes.number().ok_or("its words' length cut short")?;
        let coded = bytes.take(length).and_then(|w| std::str::from_utf8(w).ok()).ok_or("its words cut short")?;
        let words: Vec<&'static str> = spelled_out(coded).map(|(word, _)| word).collect();
        // One entry a word, and a rule number takes one or two bytes: sized once, not regrown.
        self.by_word.reserve(words.len());
        self.listed.reserve(bytes.rest.len() / 2);
        let count = self.rules.len();
        let mut words = words.into_iter();
        while let Some(kind) = bytes.byte() {
            let word = words.next().ok_or("more entries than words")?;
            match kind {
                0 => {
                    let anchors = read_run(&mut bytes, count, &mut self.listed, indexed)?;
                    let needed_by = read_run(&mut bytes, count, &mut self.listed, &mut self.needs_more)?;
                    self.by_word.insert(word, Word { anchors, needed_by });
                }
                1 => {
                    let mut rules = Vec::new();
                    read_rules(&mut bytes, count, |rule| {
                        set_bit_growing(indexed, rule);
                        rules.push(rule);
                    })?;
                    self.word_start(word, rules);
                }
                other => return Err(format!("an entry of unknown kind {other}")),
            }
        }
        if words.next().is_some() {
            return Err("more words than entries".into());
        }
        Ok(())
    }

    /// Words starting with `start` anchor `rules`.
    #[inline(never)]
    fn word_start(&mut self, start: &'static str, rules: Vec<usize>) {
        let key = match start.as_bytes() {
            [a, b, ..] => {
                set_bit(&mut self.prefix_heads, head(*a, *b));
                head(*a, *b)
            }
            [a] => {
                set_bit(&mut self.short_prefixes, usize::from(*a));
                head(*a, 0)
            }
            [] => return,
        };
        let starts = self.by_start.entry(key).or_default();
        match starts.iter_mut().find(|(known, _)| *known == start) {
            Some((_, known)) => known.extend(rules),
            None => starts.push((start, rules)),
        }
    }

    /// Where rules may match: (rule, index of its anchor token), in text order.
    /// Rules that match anywhere are not listed (`always`). A function of its
    /// own: inlined into `hits`, it made the function V8 optimises during
    /// the first classification twice the size (an eighth of that
    /// classification's CPU, counted with valgrind).
    #[inline(never)]
    fn candidates(&self, tokens: &[Token]) -> Vec<(usize, usize)> {
        // Each word of the text looked up once; the rules that need more than
        // their anchor and have it here, one bit each.
        let words: Vec<Option<&Word>> =
            tokens.iter().map(|t| if t.kind == TokenKind::Word { self.by_word.get(t.norm.as_ref()) } else { None }).collect();
        // A `\b` holds at an apostrophe the tokenizer keeps inside a word, so
        // a word with one ("model's", "wouldn't've", "y'all") also holds the
        // index words before each apostrophe and after the last one. (Few
        // words have an apostrophe.)
        let mut parts: Vec<(usize, &Word)> = Vec::new();
        for (at, t) in tokens.iter().enumerate().filter(|(_, t)| t.apostrophe) {
            let norm = t.norm.as_ref();
            let befores = norm.match_indices('\'').filter_map(|(cut, _)| norm.get(..cut));
            let after = norm.rsplit_once('\'').map(|(_, tail)| tail);
            parts.extend(befores.chain(after).filter_map(|part| self.by_word.get(part)).map(|word| (at, word)));
        }
        let mut needs_met = vec![0u64; self.needs_more.len()];
        for word in words.iter().flatten().chain(parts.iter().map(|(_, word)| word)) {
            for r in self.rules_of(word.needed_by) {
                set_bit(&mut needs_met, r);
            }
        }
        let wanted = |&r: &usize| !has_bit(&self.needs_more, r) || has_bit(&needs_met, r);
        // A word's anchored rules that are wanted, as `wanted` for a rule as `listed` holds it.
        let anchored = |word: &Word| {
            self.listed_in(word.anchors).iter().filter(|&&r| r & NEEDS_MORE == 0 || has_bit(&needs_met, rule_of(r))).map(|&r| rule_of(r))
        };
        let mut out = Vec::with_capacity(tokens.len()); // about one candidate a word: grown once, not piece by piece
        for (at, t) in tokens.iter().enumerate().filter(|(_, t)| t.kind == TokenKind::Word) {
            let (from, mut lists) = (out.len(), 0);
            if !self.at_every_word.is_empty() {
                out.extend(self.at_every_word.iter().map(|&r| (r, at)));
                lists += 1;
            }
            if let Some(Some(word)) = words.get(at) {
                if !word.anchors.is_empty() {
                    out.extend(anchored(word).map(|r| (r, at)));
                    lists += 1;
                }
            }
            if t.apostrophe {
                for (_, word) in parts.iter().filter(|(of, _)| *of == at) {
                    out.extend(anchored(word).map(|r| (r, at)));
                    lists += 1;
                }
            }
            let heads = match t.norm.as_bytes() {
                [a, b, ..] => [
                    has_bit(&self.short_prefixes, usize::from(*a)).then(|| head(*a, 0)),
                    has_bit(&self.prefix_heads, head(*a, *b)).then(|| head(*a, *b)),
                ],
                [a] => [has_bit(&self.short_prefixes, usize::from(*a)).then(|| head(*a, 0)), None],
                [] => [None, None],
            };
            for starts in heads.into_iter().flatten().filter_map(|key| self.by_start.get(&key)) {
                for (_, rules) in starts.iter().filter(|(start, _)| t.norm.starts_with(start)) {
                    out.extend(rules.iter().filter(|r| wanted(r)).map(|&r| (r, at)));
                    lists += 1;
                }
            }
            // Each list is in rule order; a word reached by two (as a whole word
            // and by its start) may name a rule twice.
            if lists > 1 {
                if let Some(word) = out.get_mut(from..) {
                    word.sort_unstable();
                }
            }
        }
        out.dedup();
        out
    }

    /// A word's list of rules (laid out), in rule order.
    fn rules_of(&self, list: Chain) -> impl Iterator<Item = usize> + '_ {
        self.listed_in(list).iter().map(|&rule| rule_of(rule))
    }

    /// A word's list as `listed` holds it (`NEEDS_MORE` marked).
    fn listed_in(&self, list: Chain) -> &[u32] {
        self.listed.get(list.first as usize..list.last as usize).unwrap_or(&[])
    }

    /// The rules that match anywhere, on the original text (`exact`) or not, as one pattern.
    fn always_pattern(&self, exact: bool) -> Option<Matcher> {
        let patterns: Vec<String> = self
            .always
            .iter()
            .filter_map(|&i| self.rules.get(i))
            .filter(|r| r.flags.exact == exact)
            .map(|r| format!("(?:{})", r.pattern))
            .collect();
        if patterns.is_empty() {
            return None;
        }
        Matcher::new(&patterns.join("|"), Direction::Forward).ok()
    }

    /// As `RuleBook::hits`, with labels by number.
    fn hits(&self, text: &str, lower: &str, tokens: &[Token], reading: &LexiconReading) -> Vec<Hit<FileLabel>> {
        let mut hits = Vec::new();
        // Long texts are read in sentence-bounded chunks, so each rule runs only
        // over the chunks holding its words: linear time however long the text.
        let (mut first, mut from) = (0usize, 0usize);
        for (i, t) in tokens.iter().enumerate() {
            let last = i + 1 == tokens.len();
            if last || (t.kind == TokenKind::ClauseEnd && t.end - from >= CHUNK_BYTES) {
                let to = if last { text.len() } else { t.end };
                let chunk = tokens.get(first..=i).unwrap_or(&[]);
                self.hits_in(text, lower, from..to, chunk, tokens, reading, &mut hits);
                (first, from) = (i + 1, to);
            }
        }
        hits
    }

    #[allow(clippy::too_many_arguments)]
    fn hits_in(
        &self,
        text: &str,
        lower: &str,
        chunk: std::ops::Range<usize>,
        chunk_tokens: &[Token],
        tokens: &[Token],
        reading: &LexiconReading,
        hits: &mut Vec<Hit<FileLabel>>,
    ) {
        let first = hits.len();
        let mut keep = |rule: &Rule, start: usize, end: usize| {
            if rule.label.label == NO_LABEL {
                return;
            }
            // Byte-level patterns may stop inside a character: widen to whole ones.
            let (start, end) = (char_floor(text, start), char_ceil(text, end));
            if !rule.flags.negation_ok && negated_before(tokens, start) {
                return;
            }
            if rule.flags.weak && clause_is_positive(tokens, reading, start) {
                return;
            }
            hits.push(Hit { label: rule.label, weight: rule.weight, flags: rule.flags, start, end });
        };
        let none_match = |exact: bool| {
            let source = if exact { text } else { lower };
            let any = self.always_any.get(usize::from(exact)).and_then(|any| any.get_or_init(|| self.always_pattern(exact)).as_ref());
            any.zip(source.as_bytes().get(chunk.clone())).is_some_and(|(any, hay)| !any.could_match(hay))
        };
        let skip = [none_match(false), none_match(true)];
        for &i in &self.always {
            let Some(rule) = self.rules.get(i) else { continue };
            if skip.get(usize::from(rule.flags.exact)) == Some(&true) {
                continue;
            }
            let source = if rule.flags.exact { text } else { lower };
            let (Some(haystack), Some(matcher)) = (source.as_bytes().get(chunk.clone()), rule.matcher()) else { continue };
            for (start, end) in matcher.find_iter(haystack) {
                keep(rule, chunk.start + start, chunk.start + end);
            }
        }
        let candidates = self.candidates(chunk_tokens);
        let sentence_before = if candidates.is_empty() { Vec::new() } else { sentence_before(chunk_tokens) };
        for (i, at) in candidates {
            let (Some(rule), Some(anchor)) = (self.rules.get(i), chunk_tokens.get(at)) else { continue };
            // The search is pinned to the anchor word: from its start to the end
            // of the chunk, or from the previous sentence up to its end.
            let window = match rule.side {
                Side::Start => anchor.start..chunk.end,
                _ => sentence_before.get(at).copied().unwrap_or(chunk.start).max(chunk.start)..anchor.end,
            };
            let mut found = rule.find_pinned(lower.as_bytes(), window.clone());
            // A rule pinned to its last word, anchored by the part of a word
            // before an apostrophe ("refund" of "refund's"), ends at the apostrophe.
            if found.is_none() && rule.side == Side::End && anchor.apostrophe {
                let word = lower.as_bytes().get(anchor.start..anchor.end).unwrap_or(&[]);
                let cuts = (0..word.len()).filter(|&i| word.get(i) == Some(&b'\'') || word.get(i..i + 3) == Some("\u{2019}".as_bytes()));
                found = cuts.map(|cut| window.start..anchor.start + cut).find_map(|window| rule.find_pinned(lower.as_bytes(), window));
            }
            if let Some((start, end)) = found {
                keep(rule, start, end);
            }
        }
        // One rule found twice over the same words (from two of its anchors)
        // is one piece of evidence.
        if let Some(found) = hits.get_mut(first..) {
            found.sort_by_key(|h| (h.start, std::cmp::Reverse(h.end)));
        }
        let mut kept: Vec<Hit<FileLabel>> = hits.drain(first..).collect();
        let mut out: Vec<Hit<FileLabel>> = Vec::with_capacity(kept.len());
        for h in kept.drain(..) {
            let same_file = |o: &&Hit<FileLabel>| o.label.file == h.label.file;
            let inside = out.iter().rev().filter(same_file).take_while(|o| o.end > h.start).any(|o| {
                o.label == h.label && o.weight == h.weight && o.flags == h.flags && o.start <= h.start && h.end <= o.end
            });
            if !inside {
                out.push(h);
            }
        }
        hits.extend(out);
    }
}

/// One list of the index (a count, then rule numbers as gaps), each rule
/// checked against the number of rules and passed to `each`.
fn read_rules(bytes: &mut Bytes, count: usize, mut each: impl FnMut(usize)) -> Result<(), String> {
    let mut rule = 0;
    for _ in 0..bytes.number().ok_or("a list cut short")? {
        rule += bytes.number().ok_or("a list cut short")?;
        if rule >= count {
            return Err(format!("rule {rule}: only {count} rules"));
        }
        each(rule);
    }
    Ok(())
}

/// One list of the index laid out as a run of `listed`, each rule marked in `marks`.
fn read_run(bytes: &mut Bytes, count: usize, listed: &mut Vec<u32>, marks: &mut Vec<u64>) -> Result<Chain, String> {
    let first = listed.len() as u32;
    read_rules(bytes, count, |rule| {
        listed.push(rule as u32);
        set_bit_growing(marks, rule);
    })?;
    Ok(Chain { first, last: listed.len() as u32 })
}

/// The rule files' index, read front to back.
struct Bytes {
    rest: &'static [u8],
}

impl Bytes {
    fn byte(&mut self) -> Option<u8> {
        let (&b, rest) = self.rest.split_first()?;
        self.rest = rest;
        Some(b)
    }

    /// A LEB128 number (at most 28 bits: rule numbers and word lengths).
    fn number(&mut self) -> Option<usize> {
        let mut n = 0usize;
        for shift in [0, 7, 14, 21] {
            let b = self.byte()?;
            n |= usize::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(n);
            }
        }
        None
    }

    fn take(&mut self, n: usize) -> Option<&'static [u8]> {
        let (taken, rest) = (self.rest.get(..n)?, self.rest.get(n..)?);
        self.rest = rest;
        Some(taken)
    }
}

/// A word's first two bytes as a bit number.
fn head(a: u8, b: u8) -> usize {
    usize::from(a) << 8 | usize::from(b)
}

/// Marks a rule in `Rules::listed` that needs more than its anchor word.
const NEEDS_MORE: u32 = 1 << 31;

/// A rule's number, from `Rules::listed`.
fn rule_of(listed: u32) -> usize {
    (listed & !NEEDS_MORE) as usize
}

fn set_bit(bits: &mut [u64], i: usize) {
    if let Some(word) = bits.get_mut(i / 64) {
        *word |= 1 << (i % 64);
    }
}

/// Sets bit `i`, growing `bits` to hold it.
fn set_bit_growing(bits: &mut Vec<u64>, i: usize) {
    if bits.len() <= i / 64 {
        bits.resize(i / 64 + 1, 0);
    }
    set_bit(bits, i);
}

fn has_bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|word| word & (1 << (i % 64)) != 0)
}

/// For each token, the byte offset where the sentence before its own starts.
fn sentence_before(tokens: &[Token]) -> Vec<usize> {
    let first = tokens.first().map_or(0, |t| t.start);
    // The ends of the last two sentences passed.
    let (mut last, mut before_last) = (None, None);
    let mut out = Vec::with_capacity(tokens.len());
    for t in tokens {
        out.push(before_last.unwrap_or(first));
        if t.kind == TokenKind::ClauseEnd && matches!(t.norm.as_ref(), "." | "!" | "?" | "\n") {
            (before_last, last) = (last, Some(t.end));
        }
    }
    out
}

/// Chunk size for long texts: far longer than any one rule's match.
const CHUNK_BYTES: usize = 2048;

fn char_floor(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn char_ceil(text: &str, mut i: usize) -> usize {
    while i < text.len() && !text.is_char_boundary(i) {
        i += 1;
    }
    i.min(text.len())
}

/// Index of the first token starting at or after `byte`.
fn token_at(tokens: &[Token], byte: usize) -> usize {
    tokens.partition_point(|t| t.start < byte)
}

/// A negator among the few words before `byte`, in the same clause:
/// "no problems with delivery", "didn't arrive damaged".
fn negated_before(tokens: &[Token], byte: usize) -> bool {
    let i = token_at(tokens, byte);
    tokens
        .get(..i)
        .unwrap_or(&[])
        .iter()
        .rev()
        .take_while(|t| t.kind == TokenKind::Word)
        .take(3)
        .any(|t| LEXICON.is_negator(&t.norm))
}

fn clause_is_positive(tokens: &[Token], reading: &LexiconReading, byte: usize) -> bool {
    let i = token_at(tokens, byte);
    let at = reading.clauses.partition_point(|c| c.tokens.end <= i);
    reading.clauses.get(at).is_some_and(|c| c.tokens.contains(&i) && c.valence > 1.0)
}



#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::{lexicon, Label};
    use crate::taxonomy::Category;
    use crate::text::tokenize;

    /// The shipped index, and the `compact-index` build's: none, each pinned
    /// rule tried at every word.
    const INDEX: &[u8] = crate::classify::RULE_INDEX;
    const COMPACT: &[u8] = &[];

    fn load(index: &'static [u8]) -> RuleBook<Label> {
        crate::classify::rule_book(index)
    }

    #[test]
    fn one_scan_passes_a_review_with_nothing_the_anywhere_rules_want() {
        let risks = load(INDEX).rules;
        let plain = "the dress runs small, the colour is lovely and it washed well";
        let real = texts(600);
        for exact in [false, true] {
            let any = risks.always_pattern(exact).expect("risks has rules of both kinds that match anywhere");
            for text in &real {
                any.could_match(text.as_bytes());
            }
            // False only if the lazy DFA read the whole text: it has not
            // outgrown its state cap on real reviews.
            assert!(!any.could_match(plain.as_bytes()), "exact: {exact}");
        }
        let any = risks.always_pattern(false).expect("lower-case rules");
        assert!(any.could_match(b"mail me at jo@example.com"));
    }

    /// Real review text, any shape: lines of the development sets.
    fn texts(limit: usize) -> Vec<String> {
        let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
        let mut out = Vec::new();
        for file in ["womens_clothing/reviews_dev.csv", "grubhub_llm_labelled/reviews_15000_gemini_labels.csv"] {
            let text = std::fs::read_to_string(data.join(file)).expect("development data in ../shared/data");
            out.extend(text.lines().skip(1).take(limit / 2).map(str::to_string));
        }
        out
    }

    /// What `book` finds in `text`, read as the classifier reads a part.
    fn hits_in(book: &RuleBook<Label>, text: &str) -> Vec<Hit<Label>> {
        let (lower, tokens) = (text.to_ascii_lowercase(), tokenize(text));
        book.hits(text, &lower, &tokens, &lexicon::read(&tokens))
    }

    fn same_hits(indexed: &RuleBook<Label>, compact: &RuleBook<Label>, texts: &[String]) -> usize {
        let mut found = 0;
        for text in texts {
            let want = hits_in(indexed, text);
            found += want.len();
            assert_eq!(hits_in(compact, text), want, "{text}");
        }
        found
    }

    /// The widget's compact index tries every rule at every word; it must find
    /// exactly what the word index finds, or the index is missing a word.
    #[test]
    fn the_compact_index_finds_what_the_word_index_finds() {
        let texts = texts(600);
        let found = same_hits(&load(INDEX), &load(COMPACT), &texts);
        assert!(found > 100, "only {found} hits compared");
    }

    /// A rule pinned to its last word finds it before an apostrophe the
    /// tokenizer keeps ("refund's"), and a filter word after one ("y'all")
    /// counts: the word index and the compact one agree, and find the refund.
    #[test]
    fn words_next_to_an_apostrophe_count_at_either_end() {
        let texts: Vec<String> = [
            "The refund's still pending after two weeks.",
            "They said the refund’s on its way, a month ago.",
            "Look at y'all the fees on this order",
        ]
        .map(String::from)
        .to_vec();
        let indexed = load(INDEX);
        same_hits(&indexed, &load(COMPACT), &texts);
        for text in texts.iter().take(2) {
            let hits = hits_in(&indexed, text);
            assert!(hits.iter().any(|h| h.label == Label::Cause(Category::Refund)), "{text}: {hits:?}");
        }
    }

    /// A damaged index is reported, not a panic; an index cut between
    /// entries reads as far as it goes.
    #[test]
    fn a_damaged_index_is_reported() {
        let cuts = [1, 2, 100, INDEX.len() / 2, INDEX.len() - 1];
        let reported = cuts.iter().filter(|&&cut| !load(Box::leak(INDEX[..cut].to_vec().into_boxed_slice())).problems.is_empty()).count();
        assert!(reported >= 3, "{reported} of {} cut indexes reported", cuts.len());
        let mut seed = 7u32;
        for _ in 0..50 {
            let junk: Vec<u8> = (0..300)
                .map(|_| {
                    seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (seed >> 16) as u8
                })
                .collect();
            load(Box::leak(junk.into_boxed_slice()));
        }
        assert!(load(INDEX).problems.is_empty(), "{:?}", load(INDEX).problems);
    }

    /// A word a pattern's `\b` closes is found before an apostrophe the
    /// tokenizer keeps in the word, as the compact index (every rule at
    /// every word) finds it.
    #[test]
    fn words_before_an_apostrophe_are_found() {
        let texts: Vec<String> = [
            "Lovely in the picture's colours, but in person it looked washed out.",
            "The seller's reply never came and the coupon's code was declined twice.",
            "It hit below the model's knee but on me it was far too long.",
            "My hip's too wide for it and the waist's way too small.",
        ]
        .map(String::from)
        .to_vec();
        let indexed = load(INDEX);
        let found = same_hits(&indexed, &load(COMPACT), &texts);
        assert!(found >= 3, "only {found} hits compared");
        let hits = hits_in(&indexed, texts.first().map_or("", String::as_str));
        assert!(hits.iter().any(|h| h.label == Label::Cause(Category::NotAsDescribed)), "{hits:?}");
    }
}
