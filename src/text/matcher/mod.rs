//! The pattern engine behind the rule and phrase files: a small regular
//! expression engine of our own, so the wasm carries no regex compiler.
//!
//! The files use a byte-oriented subset of the `regex` crate's syntax
//! (`syntax.rs` says which), and every search over them is short: pinned to a
//! word the rule index found, or over one chunk of a review. A Pike VM
//! (`search.rs`) runs them in time linear in the text with nothing to build
//! first, where a regex crate spends most of a cold start compiling automata
//! and adds hundreds of kilobytes of code; pinned searches, by far the most
//! frequent, remember its steps as a lazy DFA (`dfa.rs`). `tests/matcher.rs`
//! checks it finds exactly what the `regex` crate finds, on every pattern we ship.

mod dfa;
mod program;
mod search;
mod syntax;

pub use program::Direction;
use program::{compile, required_bytes, Program};
use search::{with_scratch, Prefer};

/// A compiled pattern.
#[derive(Debug)]
pub struct Matcher {
    program: Program,
    /// Pinned searches, memoised.
    dfa: dfa::Dfa,
    /// Whole-text searches' first question, whether there is a match at all, memoised.
    scan: dfa::Dfa,
}

/// A pattern that cannot be read or run, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError(pub String);

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Matcher {
    /// Compiles `pattern` to read forward (matches from a start) or backward (to an end).
    pub fn new(pattern: &str, direction: Direction) -> Result<Matcher, PatternError> {
        Matcher::compiled(pattern, direction, true)
    }

    /// A matcher for pinned searches alone (`match_from`, `match_back_from`):
    /// it skips working out the rare bytes that let whole-text searches
    /// (`could_match`, `find_iter`, `is_match`) pass over a text, which costs
    /// a sixth of compiling, and the branch tables that speed up building a
    /// long scan's states (`program::compile`). Those searches still work,
    /// without those shortcuts.
    pub fn pinned(pattern: &str, direction: Direction) -> Result<Matcher, PatternError> {
        Matcher::compiled(pattern, direction, false)
    }

    fn compiled(pattern: &str, direction: Direction, scans: bool) -> Result<Matcher, PatternError> {
        let tree = syntax::parse(pattern).map_err(|e| PatternError(e.to_string()))?;
        let mut program = compile(&tree, direction, pattern.len(), scans).map_err(|e| PatternError(e.to_string()))?;
        if scans {
            program.required = required_bytes(&tree);
        }
        Ok(Matcher { program, dfa: dfa::Dfa::pinned(), scan: dfa::Dfa::scan() })
    }

    /// The leftmost match in `hay[from..]`, reading forward.
    fn leftmost(&self, hay: &[u8], from: usize) -> Option<(usize, usize)> {
        with_scratch(|scratch| self.program.search(scratch, hay, from..hay.len(), false, Prefer::First))
    }

    /// Whether `hay` can hold a match at all: false means it holds none;
    /// true, that it may (a match needs one of the pattern's rare bytes, see
    /// `Program::required`, and the lazy DFA finds one unless it gave up).
    pub fn could_match(&self, hay: &[u8]) -> bool {
        self.program.direction == Direction::Forward
            && self.program.required.as_ref().is_none_or(|required| hay.iter().any(|&b| required.contains(b)))
            && self.scan.holds_match(&self.program, hay, 0..hay.len()) != Some(false)
    }

    /// A forward matcher: the end of the match that starts at `window.start`,
    /// as `regex` would report it (leftmost-first). Bytes outside the window
    /// are seen only by `\b`, `^` and `$`. `None` from a backward matcher.
    pub fn match_from(&self, hay: &[u8], window: std::ops::Range<usize>) -> Option<usize> {
        (self.program.direction == Direction::Forward).then(|| self.dfa.search(&self.program, hay, window))?.map(|(_, end)| end)
    }

    /// A backward matcher: the furthest-back start of a match that ends at
    /// `window.end`. `None` from a forward matcher.
    pub fn match_back_from(&self, hay: &[u8], window: std::ops::Range<usize>) -> Option<usize> {
        (self.program.direction == Direction::Backward).then(|| self.dfa.search(&self.program, hay, window))?.map(|(start, _)| start)
    }

    /// A forward matcher: every match, left to right and not overlapping, as
    /// `regex`'s `find_iter`. None from a backward matcher.
    pub fn find_iter(&self, hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        if !self.could_match(hay) {
            return out;
        }
        let mut from = 0;
        while from <= hay.len() {
            let Some((start, end)) = self.leftmost(hay, from) else { break };
            // An empty match right after the previous one is not reported.
            if start == end && out.last().is_some_and(|&(_, e)| e == end) {
                from = end + 1;
                continue;
            }
            out.push((start, end));
            from = if end > start { end } else { end + 1 };
        }
        out
    }

    /// A forward matcher: whether `hay` holds a match. False from a backward matcher.
    pub fn is_match(&self, hay: &[u8]) -> bool {
        self.could_match(hay) && self.leftmost(hay, 0).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// "a" then any 12 of a/b then "c": reading it unanchored, a DFA must
    /// remember where each of the last 13 "a"s was, so varied a/b text
    /// outgrows the state cap fast.
    #[test]
    fn a_scan_that_outgrows_its_cap_starts_over_and_still_filters() {
        let scan = Matcher::new("a[ab]{12}c", Direction::Forward).expect("a valid pattern");
        let mut seed = 12345u32;
        let text: Vec<u8> = (0..20_000)
            .map(|_| {
                seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                if seed >> 16 & 1 == 0 { b'a' } else { b'b' }
            })
            .chain(*b" c")
            .collect();
        // Reading it outgrows the cap (the answer is "maybe" then).
        scan.could_match(&text);
        // "c" is there (no skip by rare bytes), "a[ab]{12}c" is not: only a DFA
        // that started over, rather than gave up, can say so.
        assert!(!scan.could_match(b"cab cab ab c"));
        assert!(scan.could_match(b"aabababababab c aababababababc"));
    }
}
