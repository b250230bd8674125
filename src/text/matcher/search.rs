//! The search: a Pike VM (Thompson simulation) over a compiled program. It
//! keeps every live thread in one list per position, in order of preference,
//! so time is linear in the text and memory in the program: no pattern or
//! text makes it backtrack or blow up.

use super::program::{Direction, Fork, Inst, Program};
use super::syntax::{is_word_byte, Look};

/// Threads at one position: a sparse set of program counters, each with
/// where its match began, in order of preference.
#[derive(Default)]
struct Threads {
    sparse: Vec<u32>,
    dense: Vec<(u32, usize)>,
}

impl Threads {
    fn reset(&mut self, size: usize) {
        if self.sparse.len() < size {
            self.sparse.resize(size, 0);
        }
        self.dense.clear();
    }

    fn contains(&self, pc: u32) -> bool {
        self.sparse.get(pc as usize).is_some_and(|&i| self.dense.get(i as usize).is_some_and(|&(p, _)| p == pc))
    }

    fn insert(&mut self, pc: u32, start: usize) {
        if let Some(slot) = self.sparse.get_mut(pc as usize) {
            *slot = self.dense.len() as u32;
            self.dense.push((pc, start));
        }
    }
}

thread_local! {
    // One scratch space a thread, for every pattern: searches are many and short.
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

/// Runs `f` with the thread's scratch space (a fresh one if it is in use).
pub fn with_scratch<T>(f: impl FnOnce(&mut Scratch) -> T) -> T {
    SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
        Ok(mut scratch) => f(&mut scratch),
        Err(_) => f(&mut Scratch::default()),
    })
}

/// Working memory for searches, reused from one to the next.
#[derive(Default)]
pub struct Scratch {
    now: Threads,
    next: Threads,
    stack: Vec<u32>,
}

/// What to report when several matches share a start.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Prefer {
    /// The one the pattern prefers (alternatives in order, greedy repeats): `regex`'s leftmost-first.
    First,
    /// The longest (reading backward: the one reaching furthest back).
    Longest,
}

/// What the assertions see at one position of the text.
#[derive(Clone, Copy)]
pub struct Context {
    pub word_before: bool,
    pub word_after: bool,
    pub at_start: bool,
    pub at_end: bool,
}

impl Context {
    pub fn at(hay: &[u8], at: usize) -> Context {
        Context {
            word_before: at.checked_sub(1).and_then(|i| hay.get(i)).is_some_and(|&b| is_word_byte(b)),
            word_after: hay.get(at).is_some_and(|&b| is_word_byte(b)),
            at_start: at == 0,
            at_end: at == hay.len(),
        }
    }

    fn holds(&self, look: Look) -> bool {
        match look {
            Look::WordBoundary => self.word_before != self.word_after,
            Look::NotWordBoundary => self.word_before == self.word_after,
            Look::Start => self.at_start,
            Look::End => self.at_end,
        }
    }
}

impl Program {
    /// Adds the thread at `pc` and everything reachable from it without
    /// reading a byte, in order of preference. `next` is the byte the threads
    /// will read (`None` at the window's end): threads that cannot read it are
    /// never added, and fork branches that cannot start with it are not taken.
    fn add(&self, list: &mut Threads, stack: &mut Vec<u32>, pc: u32, start: usize, context: Context, next: Option<u8>) {
        stack.clear();
        stack.push(pc);
        while let Some(pc) = stack.pop() {
            if list.contains(pc) {
                continue;
            }
            match self.insts.get(pc as usize) {
                Some(Inst::Byte(_) | Inst::Set(_)) if !next.is_some_and(|b| self.accepts(pc, b)) => continue,
                Some(Inst::Jump(to)) => stack.push(*to),
                Some(Inst::Split(a, b)) => stack.extend([*b, *a]),
                Some(Inst::Fork(f)) => match self.forks.get(*f as usize) {
                    Some(Fork { routes: Some(routes), .. }) => stack.extend(routes.get(next).iter().rev()),
                    Some(fork) => stack.extend(fork.branches.iter().rev().filter(|b| b.open_to(next)).map(|b| b.to)),
                    None => {}
                },
                Some(Inst::Look(look)) if context.holds(*look) => stack.push(pc + 1),
                _ => {}
            }
            list.insert(pc, start);
        }
    }

    /// Every thread reachable from `pending` (in order) that reads `next`,
    /// and the matches among them, in order of preference.
    pub fn closure(&self, scratch: &mut Scratch, pending: &[u32], context: Context, next: Option<u8>) -> Vec<u32> {
        let Scratch { now, stack, .. } = scratch;
        now.reset(self.insts.len());
        for &pc in pending {
            self.add(now, stack, pc, 0, context, next);
        }
        // Sized once: the list is at most every thread.
        let mut list = Vec::with_capacity(now.dense.len());
        list.extend(
            now.dense
                .iter()
                .map(|&(pc, _)| pc)
                .filter(|&pc| matches!(self.insts.get(pc as usize), Some(Inst::Match | Inst::Byte(_) | Inst::Set(_)))),
        );
        list
    }

    fn accepts(&self, pc: u32, byte: u8) -> bool {
        match self.insts.get(pc as usize) {
            Some(Inst::Byte(b)) => *b == byte,
            Some(Inst::Set(i)) => self.sets.get(*i as usize).is_some_and(|s| s.contains(byte)),
            _ => false,
        }
    }

    /// A match in `hay[window]` as a byte span. `anchored`: it must start at
    /// the window's start (reading forward) or end at its end (backward);
    /// otherwise the leftmost match is found. Bytes outside the window are
    /// still seen by `\b`, `^` and `$`.
    pub fn search(
        &self,
        scratch: &mut Scratch,
        hay: &[u8],
        window: std::ops::Range<usize>,
        anchored: bool,
        prefer: Prefer,
    ) -> Option<(usize, usize)> {
        let (lo, hi) = (window.start.min(hay.len()), window.end.min(hay.len()));
        if lo > hi {
            return None;
        }
        let forward = self.direction == Direction::Forward;
        let Scratch { now, next, stack } = scratch;
        now.reset(self.insts.len());
        next.reset(self.insts.len());
        let mut found: Option<(usize, usize)> = None;
        let mut at = if forward { lo } else { hi };
        // The byte read from a position, if the window has one.
        let read = |at: usize| -> Option<u8> {
            if forward {
                (at < hi).then(|| hay.get(at).copied()).flatten()
            } else {
                (at > lo).then(|| hay.get(at - 1).copied()).flatten()
            }
        };
        loop {
            if found.is_none() && (!anchored || at == if forward { lo } else { hi }) {
                if now.dense.is_empty() && !anchored {
                    // Nothing under way: skip to where a match could begin.
                    if let (Some(first), true) = (&self.first_bytes, forward) {
                        match hay.get(at..hi).and_then(|rest| rest.iter().position(|&b| first.contains(b))) {
                            Some(skip) => at += skip,
                            None => return None,
                        }
                    }
                }
                self.add(now, stack, 0, at, Context::at(hay, at), read(at));
            }
            if now.dense.is_empty() {
                break;
            }
            // The byte read here, and the position it leads to (none at the window's end).
            let step = read(at).map(|byte| {
                let to = if forward { at + 1 } else { at - 1 };
                (byte, to, Context::at(hay, to), read(to))
            });
            next.dense.clear();
            for k in 0..now.dense.len() {
                let Some(&(pc, start)) = now.dense.get(k) else { break };
                match self.insts.get(pc as usize) {
                    Some(Inst::Match) => {
                        found = Some(if forward { (start, at) } else { (at, start) });
                        if prefer == Prefer::First {
                            // Threads after this one are less preferred: drop them.
                            break;
                        }
                    }
                    Some(Inst::Byte(_) | Inst::Set(_)) => {
                        if let Some((_, _, context, after)) = step.filter(|&(byte, ..)| self.accepts(pc, byte)) {
                            self.add(next, stack, pc + 1, start, context, after);
                        }
                    }
                    _ => {}
                }
            }
            // The window is read to its end.
            let Some((_, to, ..)) = step else { break };
            std::mem::swap(now, next);
            at = to;
        }
        found
    }
}
