//! Pinned searches as a lazily built DFA: the Pike VM's thread lists,
//! remembered. A state is the ordered list of program counters still to be
//! followed plus what the assertions need from the byte before; its move on
//! a byte is worked out once, by the Pike VM's own closure, and then looked
//! up, so a rule's thousandth search costs a table lookup per byte.
//!
//! Anchored searches (a rule pinned to its anchor word) use it to find their
//! match. Whole-text searches (emails, phone numbers) use an unanchored one,
//! which also starts a thread at every position, only to ask whether a text
//! holds a match at all: most do not, and those that do are then searched by
//! the Pike VM for the exact spans.

use std::sync::Mutex;

use super::program::{Direction, Inst, Program};
use super::search::{with_scratch, Context, Prefer};
use super::syntax::is_word_byte;
use crate::fast_hash::FastMap;

/// A state's id: where its moves begin in the move table (its number times
/// the class count, so a move costs no multiplication); the dead state
/// (nothing left to follow) is 0. Two bytes: a rule's move table is read on
/// almost every search, and half the size stays in cache twice as well.
type StateId = u16;
const DEAD: StateId = 0;
/// Set on a move when the state matched before reading the byte.
const MATCHED: u16 = 1 << 15;
const UNKNOWN: u16 = u16::MAX;
/// A rule whose DFA would outgrow this many states searches with the Pike VM
/// from then on: every rule keeps its cache for the life of the process (a
/// Worker's isolate), so each is bounded (a few hundred KB at most). A scan
/// starts its cache over instead (see `Cache::state`).
const MAX_STATES: usize = 1000;
/// State ids stay below this: clear of the `MATCHED` bit, and not `UNKNOWN`
/// with it (so a program of many classes may have fewer than `MAX_STATES`).
const MAX_ID: usize = (MATCHED - 1) as usize;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    pending: Vec<u32>,
    /// Whether the byte already read next to the position is a word byte.
    word_behind: bool,
    /// Whether the position is the text's edge where the search began (`^`
    /// reading forward from 0, `$` reading backward from the end).
    at_edge: bool,
}

struct Cache {
    /// A thread starts at every position, not only the first (a scan).
    unanchored: bool,
    /// The start state for each (word byte behind, at the edge), `UNKNOWN` until known.
    starts: [StateId; 4],
    /// Each state's key, by number (id / class count); `ids` finds the id of a key.
    keys: Vec<Key>,
    ids: FastMap<Key, StateId>,
    /// `keys.len() × classes` moves: the next state, `MATCHED` or'ed in.
    moves: Vec<u16>,
    /// Set when the DFA outgrew `MAX_STATES`: the Pike VM does the searches.
    too_big: bool,
    /// Whether a state matches where its window ends, by state and the
    /// context there (16 a state: 0 not known yet, 1 no, 2 yes). Every scan
    /// and most pinned searches end by asking, and the answer needs the Pike
    /// VM's closure.
    ends: Vec<u8>,
}

impl Default for Cache {
    fn default() -> Cache {
        Cache {
            unanchored: false,
            starts: [UNKNOWN; 4],
            keys: Vec::new(),
            ids: FastMap::default(),
            moves: Vec::new(),
            too_big: false,
            ends: Vec::new(),
        }
    }
}

pub struct Dfa {
    cache: Mutex<Cache>,
}

impl std::fmt::Debug for Dfa {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Dfa")
    }
}

impl Dfa {
    /// For pinned searches, the match from (or to) one place.
    pub fn pinned() -> Dfa {
        Dfa { cache: Mutex::new(Cache::default()) }
    }

    /// For scans: whether a window holds a match anywhere.
    pub fn scan() -> Dfa {
        Dfa { cache: Mutex::new(Cache { unanchored: true, ..Cache::default() }) }
    }

    /// Whether `hay[window]` holds a match of a forward program, or `None`
    /// when the DFA outgrew its cap (the caller searches with the Pike VM).
    pub fn holds_match(&self, program: &Program, hay: &[u8], window: std::ops::Range<usize>) -> Option<bool> {
        let (lo, hi) = (window.start.min(hay.len()), window.end.min(hay.len()));
        if lo > hi || program.direction != Direction::Forward {
            return None;
        }
        let mut cache = self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if cache.too_big {
            return None;
        }
        let cache = &mut *cache;
        let word_behind = lo.checked_sub(1).and_then(|i| hay.get(i)).is_some_and(|&b| is_word_byte(b));
        let mut state = cache.start(program, word_behind, lo == 0)?;
        let mut bytes = hay.get(lo..hi)?;
        loop {
            match cache.scan(program, &mut state, &mut bytes) {
                Stop::End => break,
                Stop::Off => return None,
                Stop::On(byte, mut next) => {
                    if next == UNKNOWN {
                        next = cache.work_out(program, state, byte)?;
                    }
                    if next & MATCHED != 0 {
                        return Some(true);
                    }
                    state = next;
                }
            }
        }
        Some(cache.matches_at_end(program, state, Context::at(hay, hi)))
    }

    /// As `Program::search` anchored, with the program's `preference`: the
    /// match from `window.start` (forward) or up to `window.end` (backward),
    /// as a byte span.
    pub fn search(&self, program: &Program, hay: &[u8], window: std::ops::Range<usize>) -> Option<(usize, usize)> {
        let (lo, hi) = (window.start.min(hay.len()), window.end.min(hay.len()));
        if lo > hi {
            return None;
        }
        let forward = program.direction == Direction::Forward;
        let prefer = preference(program);
        let pike_vm = || with_scratch(|scratch| program.search(scratch, hay, lo..hi, true, prefer));
        let mut cache = self.cache.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if cache.too_big {
            return pike_vm();
        }
        let cache = &mut *cache;
        let byte_behind = if forward { lo.checked_sub(1).and_then(|i| hay.get(i)) } else { hay.get(hi) };
        let word_behind = byte_behind.is_some_and(|&b| is_word_byte(b));
        let Some(mut state) = cache.start(program, word_behind, if forward { lo == 0 } else { hi == hay.len() }) else {
            return pike_vm();
        };
        // Each way round is a loop of its own, so the byte loop has no branch on it.
        let bytes = hay.get(lo..hi).unwrap_or(&[]);
        let walked = if forward {
            // A match is where the byte read was.
            cache.walk(program, &mut state, bytes.iter(), |left| hi - left - 1).map(|found| (found, hi))
        } else {
            // A match is just past the byte read.
            cache.walk(program, &mut state, bytes.iter().rev(), |left| lo + left + 1).map(|found| (found, lo))
        };
        let Some((mut found, at)) = walked else { return pike_vm() };
        // The window's end: its last position may still match (before `$`, `\b`).
        if state != DEAD && cache.matches_at_end(program, state, Context::at(hay, at)) {
            found = Some(at);
        }
        found.map(|at| if forward { (lo, at) } else { (at, hi) })
    }
}

impl Cache {
    /// The state a search begins in, looked up once per kind of start.
    fn start(&mut self, program: &Program, word_behind: bool, at_edge: bool) -> Option<StateId> {
        let slot = usize::from(word_behind) << 1 | usize::from(at_edge);
        if let Some(&id) = self.starts.get(slot).filter(|&&id| id != UNKNOWN) {
            return Some(id);
        }
        // A scan's threads start implicitly at every position (see `close`).
        let pending = if self.unanchored { Vec::new() } else { vec![0] };
        let id = self.state(program, Key { pending, word_behind, at_edge })?;
        if let Some(start) = self.starts.get_mut(slot) {
            *start = id;
        }
        Some(id)
    }

    fn state(&mut self, program: &Program, key: Key) -> Option<StateId> {
        if self.keys.is_empty() {
            // The dead state: id 0.
            self.keys.push(Key { pending: Vec::new(), word_behind: false, at_edge: false });
            self.moves.resize(program.class_count(), DEAD);
        }
        // A scan never dies: a match may start at any later position.
        if key.pending.is_empty() && !self.unanchored {
            return Some(DEAD);
        }
        if let Some(&id) = self.ids.get(&key) {
            return Some(id);
        }
        let id = self.keys.len() * program.class_count();
        if self.keys.len() >= MAX_STATES || id >= MAX_ID {
            // Give the memory back. A pinned search's rule searches with the
            // Pike VM from now on; a scan starts over (this search answers
            // "maybe"), since a long stream of varied texts (numbers, codes)
            // would otherwise switch its prefilter off for good. Each restart
            // comes after 1,000 new states, so the cost per byte stays bounded.
            *self = Cache { too_big: !self.unanchored, unanchored: self.unanchored, ..Cache::default() };
            return None;
        }
        let id = id as StateId;
        self.ids.insert(key.clone(), id);
        self.keys.push(key);
        self.moves.resize(self.keys.len() * program.class_count(), UNKNOWN);
        Some(id)
    }

    /// Follows known moves from `state` along `bytes` until one is out of
    /// the ordinary: a match, a move not worked out yet, or (`PINNED`) the
    /// dead state. The hot loop of every search, so it reads the table as a
    /// local slice and tests each move once.
    #[inline(always)]
    /// A pinned search's reading of `bytes` from `state` until the state dies
    /// or the bytes end: the last match, placed by `place` from the number
    /// of bytes left, or `None` when the DFA gave up (the Pike VM searches).
    fn walk<'h>(
        &mut self,
        program: &Program,
        state: &mut StateId,
        mut bytes: impl ExactSizeIterator<Item = &'h u8>,
        place: impl Fn(usize) -> usize,
    ) -> Option<Option<usize>> {
        let mut found = None;
        loop {
            match self.run::<true>(program, state, &mut bytes) {
                Stop::End => return Some(found),
                Stop::Off => return None,
                Stop::On(byte, mut next) => {
                    if next == UNKNOWN {
                        next = self.work_out(program, *state, byte)?;
                    }
                    if next & MATCHED != 0 {
                        found = Some(place(bytes.len()));
                    }
                    *state = next & !MATCHED;
                    if *state == DEAD {
                        return Some(found);
                    }
                }
            }
        }
    }

    fn run<'h, const PINNED: bool>(&self, program: &Program, state: &mut StateId, bytes: &mut impl Iterator<Item = &'h u8>) -> Stop {
        let moves = self.moves.as_slice();
        let mut at = usize::from(*state);
        let stop = loop {
            let Some(&byte) = bytes.next() else { break Stop::End };
            let Some(&next) = moves.get(at + usize::from(program.class_of(byte))) else { break Stop::Off };
            // Dead (0) wraps round to the top, beside `MATCHED` and `UNKNOWN`.
            let rare = if PINNED { next.wrapping_sub(1) >= MATCHED - 1 } else { next >= MATCHED };
            if rare {
                break Stop::On(byte, next);
            }
            at = usize::from(next);
        };
        *state = at as StateId;
        stop
    }

    /// As `run` for a scan, which reads whole texts: eight bytes a round, so
    /// the loop's own tests come once per eight; `bytes` is left after the
    /// byte it stopped on.
    #[inline(always)]
    fn scan(&self, program: &Program, state: &mut StateId, bytes: &mut &[u8]) -> Stop {
        let moves = self.moves.as_slice();
        let mut at = usize::from(*state);
        while let Some((eight, rest)) = bytes.split_first_chunk::<8>() {
            for (k, &byte) in eight.iter().enumerate() {
                let Some(&next) = moves.get(at + usize::from(program.class_of(byte))) else {
                    *state = at as StateId;
                    return Stop::Off;
                };
                if next >= MATCHED {
                    *state = at as StateId;
                    *bytes = bytes.get(k + 1..).unwrap_or(&[]);
                    return Stop::On(byte, next);
                }
                at = usize::from(next);
            }
            *bytes = rest;
        }
        *state = at as StateId;
        let mut tail = bytes.iter();
        let stop = self.run::<false>(program, state, &mut tail);
        *bytes = tail.as_slice();
        stop
    }

    /// A move not yet known: the Pike VM's closure, remembered.
    #[inline(never)]
    fn work_out(&mut self, program: &Program, state: StateId, byte: u8) -> Option<u16> {
        let slot = usize::from(state) + usize::from(program.class_of(byte));
        let key = self.keys.get(number(program, state))?;
        let context = match program.direction {
            Direction::Forward => Context {
                word_before: key.word_behind,
                word_after: is_word_byte(byte),
                at_start: key.at_edge,
                at_end: false,
            },
            Direction::Backward => Context {
                word_before: is_word_byte(byte),
                word_after: key.word_behind,
                at_start: false,
                at_end: key.at_edge,
            },
        };
        let (pending, matched) = self.close(program, state, context, Some(byte))?;
        let next = Key { pending, word_behind: is_word_byte(byte), at_edge: false };
        let next = self.state(program, next)?;
        let m = next | if matched { MATCHED } else { 0 };
        if let Some(slot) = self.moves.get_mut(slot) {
            *slot = m;
        }
        Some(m)
    }

    fn matches_at_end(&mut self, program: &Program, state: StateId, context: Context) -> bool {
        let slot = number(program, state) << 4
            | usize::from(context.word_before) << 3
            | usize::from(context.word_after) << 2
            | usize::from(context.at_start) << 1
            | usize::from(context.at_end);
        if let Some(&known @ 1..=2) = self.ends.get(slot) {
            return known == 2;
        }
        let matched = self.close(program, state, context, None).is_some_and(|(_, matched)| matched);
        if self.ends.len() < self.keys.len() << 4 {
            self.ends.resize(self.keys.len() << 4, 0);
        }
        if let Some(known) = self.ends.get_mut(slot) {
            *known = if matched { 2 } else { 1 };
        }
        matched
    }

    /// Where the threads of `state` that read `next` go on after it (in
    /// order: the next state's pending list), and whether a match comes first
    /// (for `Prefer::First`, threads after it are dropped).
    fn close(&mut self, program: &Program, state: StateId, context: Context, next: Option<u8>) -> Option<(Vec<u32>, bool)> {
        let pending = &self.keys.get(number(program, state))?.pending;
        let list = if self.unanchored {
            // The thread starting here comes last: it is the least preferred.
            let pending: Vec<u32> = pending.iter().copied().chain([0]).collect();
            with_scratch(|scratch| program.closure(scratch, &pending, context, next))
        } else {
            with_scratch(|scratch| program.closure(scratch, pending, context, next))
        };
        let (mut threads, mut matched) = (Vec::with_capacity(list.len()), false);
        for pc in list {
            if program.insts.get(pc as usize) != Some(&Inst::Match) {
                threads.push(pc + 1);
            } else {
                matched = true;
                if preference(program) == Prefer::First {
                    break;
                }
            }
        }
        Some((threads, matched))
    }
}

/// Where `Cache::run` stopped.
enum Stop {
    /// The bytes ran out.
    End,
    /// On this byte, whose move is out of the ordinary.
    On(u8, u16),
    /// The table is not as it should be: the caller falls back to the Pike VM.
    Off,
}

/// A state's number, from its id.
fn number(program: &Program, state: StateId) -> usize {
    usize::from(state) / program.class_count().max(1)
}

/// What a pinned search reports: reading forward, the match the pattern
/// prefers; reading backward, the longest (what the rules pinned to each end
/// need). One preference a program, so a cached move always means one thing.
fn preference(program: &Program) -> Prefer {
    match program.direction {
        Direction::Forward => Prefer::First,
        Direction::Backward => Prefer::Longest,
    }
}

