//! The pattern engine behind the rule and phrase files: a small regular
//! expression engine of our own, so the wasm carries no regex compiler.
//!
//! The files use a byte-oriented subset of the `regex` crate's syntax
//! (`syntax.rs` says which), and every search over them is short: pinned to a
//! word the rule index found, or over one chunk of a review. A Pike VM
//! (`search.rs`) runs such searches in time linear in the text with nothing
//! to build first, where a regex crate spends most of a cold start compiling
//! automata and adds hundreds of kilobytes of code. `tests/matcher.rs` checks
//! it finds exactly what the `regex` crate finds, on every pattern we ship.

mod dfa;
mod program;
mod search;
mod syntax;

use std::cell::RefCell;

pub use program::Direction;
use program::{compile, Program};
use search::{Prefer, Scratch};

/// A compiled pattern.
#[derive(Debug)]
pub struct Matcher {
    program: Program,
    /// Pinned searches, memoised.
    dfa: dfa::Dfa,
}

/// A pattern that cannot be read or run, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PatternError(pub String);

impl std::fmt::Display for PatternError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

thread_local! {
    // One scratch space a thread: searches are many and short.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

impl Matcher {
    /// Compiles `pattern` to read forward (matches from a start) or backward (to an end).
    pub fn new(pattern: &str, direction: Direction) -> Result<Matcher, PatternError> {
        let tree = syntax::parse(pattern).map_err(|e| PatternError(e.to_string()))?;
        let program = compile(&tree, direction).map_err(|e| PatternError(e.to_string()))?;
        Ok(Matcher { program, dfa: dfa::Dfa::new() })
    }

    fn search(&self, hay: &[u8], window: std::ops::Range<usize>, anchored: bool, prefer: Prefer) -> Option<(usize, usize)> {
        SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.program.search(&mut scratch, hay, window.clone(), anchored, prefer),
            Err(_) => self.program.search(&mut Scratch::default(), hay, window, anchored, prefer),
        })
    }

    /// Reading forward: the end of the match that starts at `window.start`,
    /// as `regex` would report it (leftmost-first). Bytes outside the window
    /// are seen only by `\b`, `^` and `$`.
    pub fn match_from(&self, hay: &[u8], window: std::ops::Range<usize>) -> Option<usize> {
        self.dfa.search(&self.program, hay, window, Prefer::First).map(|(_, end)| end)
    }

    /// Reading backward: the furthest-back start of a match that ends at `window.end`.
    pub fn match_back_from(&self, hay: &[u8], window: std::ops::Range<usize>) -> Option<usize> {
        self.dfa.search(&self.program, hay, window, Prefer::Longest).map(|(start, _)| start)
    }

    /// Every match, left to right and not overlapping, as `regex`'s `find_iter`.
    pub fn find_iter(&self, hay: &[u8]) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut from = 0;
        while from <= hay.len() {
            let Some((start, end)) = self.search(hay, from..hay.len(), false, Prefer::First) else { break };
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

    pub fn is_match(&self, hay: &[u8]) -> bool {
        self.search(hay, 0..hay.len(), false, Prefer::First).is_some()
    }
}
