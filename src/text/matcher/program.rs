//! A pattern tree compiled to a small program for the search in `search.rs`:
//! byte tests, jumps and splits (Thompson's construction, with split order
//! carrying leftmost-first preference).

use super::syntax::{ByteSet, Look, Node, Tree};

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Inst {
    Byte(u8),
    /// A byte in `Program::sets[i]`.
    Set(u32),
    /// Try both: the first is preferred.
    Split(u32, u32),
    /// Try the branches of `Program::forks[i]` in order.
    Fork(u32),
    Jump(u32),
    Look(Look),
    Match,
}

/// Which way the program reads: forward from a match's start, or backward
/// from its end (for rules pinned to their last word).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Forward,
    Backward,
}

/// Compiled programs longer than this are refused, so one bad data line
/// cannot use unbounded memory.
const MAX_INSTS: usize = 1 << 20;

/// One way out of a fork.
#[derive(Clone, Copy, Debug)]
pub struct Branch {
    pub to: u32,
    /// The bytes it can go on with (as `Program::first_bytes`): the search
    /// follows it only when the next byte is one of them.
    pub first: Option<ByteSet>,
}

impl Branch {
    /// Whether a search goes this way when `next` is the byte to read (`None`: the window ends).
    pub fn open_to(&self, next: Option<u8>) -> bool {
        self.first.is_none_or(|first| next.is_some_and(|n| first.contains(n)))
    }
}

/// The branches of an alternation.
#[derive(Debug, Default)]
pub struct Fork {
    pub branches: Vec<Branch>,
    /// For alternations of many words: the branches worth taking for each next
    /// byte, so a search does not test them all.
    pub routes: Option<Routes>,
}

/// Branch targets by next byte (256 slots, then one for the window's end).
#[derive(Debug)]
pub struct Routes {
    offsets: Vec<u32>,
    targets: Vec<u32>,
}

impl Routes {
    #[inline(never)]
    fn new(branches: &[Branch]) -> Routes {
        // Count per slot, then fill in branch order, so each slot keeps the order of preference.
        let mut offsets = vec![0u32; 258];
        for b in branches {
            for_each_slot(b, |slot| {
                if let Some(n) = offsets.get_mut(slot + 1) {
                    *n += 1;
                }
            });
        }
        for i in 1..offsets.len() {
            let before = offsets.get(i - 1).copied().unwrap_or(0);
            if let Some(n) = offsets.get_mut(i) {
                *n += before;
            }
        }
        let mut filled: Vec<u32> = offsets.clone();
        let mut targets = vec![0u32; offsets.last().map_or(0, |&n| n as usize)];
        for b in branches {
            for_each_slot(b, |slot| {
                if let Some(at) = filled.get_mut(slot) {
                    if let Some(t) = targets.get_mut(*at as usize) {
                        *t = b.to;
                    }
                    *at += 1;
                }
            });
        }
        Routes { offsets, targets }
    }

    /// Where to go when `next` is the byte to read (`None`: the window ends).
    pub fn get(&self, next: Option<u8>) -> &[u32] {
        let slot = next.map_or(256, usize::from);
        match (self.offsets.get(slot), self.offsets.get(slot + 1)) {
            (Some(&from), Some(&to)) => self.targets.get(from as usize..to as usize).unwrap_or(&[]),
            _ => &[],
        }
    }
}

/// The slots a branch is open to: its first bytes, or all (then also the end).
fn for_each_slot(branch: &Branch, mut visit: impl FnMut(usize)) {
    match &branch.first {
        Some(first) => first.each(|b| visit(usize::from(b))),
        None => (0..=256).for_each(visit),
    }
}

/// Alternations with at least this many branches get `Routes`.
const ROUTED: usize = 6;

#[derive(Debug)]
pub struct Program {
    pub insts: Vec<Inst>,
    pub sets: Vec<ByteSet>,
    pub forks: Vec<Fork>,
    pub direction: Direction,
    /// The bytes a match can start with (reading in `direction`), or `None`
    /// when a match can be empty: lets a search skip ahead.
    pub first_bytes: Option<ByteSet>,
    /// Rare bytes of which every match holds at least one (digits for an
    /// order number, `@` for an email), when there are such: a text without
    /// any of them is not searched at all.
    pub required: Option<ByteSet>,
    /// Bytes no instruction tells apart share a class (word bytes and others
    /// never do): the lazy DFA keeps one move per class, not per byte.
    classes: [u8; 256],
    class_count: usize,
}

impl Program {
    pub fn class_of(&self, byte: u8) -> u8 {
        self.classes[usize::from(byte)]
    }

    pub fn class_count(&self) -> usize {
        self.class_count
    }
}

/// Byte classes: bytes alike for every byte test of the program and for `\b`,
/// numbered in byte order (by each class's lowest byte).
#[inline(never)]
fn byte_classes(insts: &[Inst], sets: &[ByteSet]) -> ([u8; 256], usize) {
    // Each test splits every class so far in two, by whether it accepts a byte:
    // classes as sets of bytes, a few word operations a split.
    let mut parts = vec![ByteSet([u64::MAX; 4])];
    for set in std::iter::once(&super::syntax::WORD).chain(sets) {
        for i in 0..parts.len() {
            let Some(part) = parts.get_mut(i) else { continue };
            let (inside, outside) = (part.meet(set), part.minus(set));
            if inside != ByteSet::EMPTY && outside != ByteSet::EMPTY {
                *part = inside;
                parts.push(outside);
            }
        }
    }
    // Every byte an instruction names is a class of its own.
    let mut literal = ByteSet::EMPTY;
    for inst in insts {
        if let Inst::Byte(b) = inst {
            literal.insert(*b);
        }
    }
    // Which part each byte is in (at most 256 parts: they are disjoint).
    let mut part_of = [0u8; 256];
    for (i, part) in parts.iter().enumerate() {
        part.each(|b| {
            if let Some(slot) = part_of.get_mut(usize::from(b)) {
                *slot = i as u8;
            }
        });
    }
    // Classes numbered in byte order; a byte an instruction names is one of its own.
    let (mut table, mut renamed, mut next) = ([0u8; 256], [u8::MAX; 256], 0usize);
    for (b, (class, part)) in table.iter_mut().zip(part_of).enumerate() {
        let id = match renamed.get_mut(usize::from(part)) {
            _ if literal.contains(b as u8) => next,
            Some(known) if *known != u8::MAX => usize::from(*known),
            Some(known) => {
                *known = next as u8;
                next
            }
            None => next,
        };
        if id == next {
            next += 1;
        }
        *class = id as u8;
    }
    (table, next)
}

/// `node` compiled to read in `direction`; `size` (the pattern's length, about
/// one instruction a byte) sizes the program once instead of regrowing it.
/// `Program::required` is left for `required_bytes`: only scans use it.
/// `branch_tables`: work out each alternation branch's first bytes and the
/// routes by next byte. They speed up building the lazy DFA's states, which
/// pays on whole-text scans; a pinned search mostly dies within a few bytes
/// of its anchor, and its states are built once, so for pinned matchers the
/// tables cost more to make (6% of a typical first classification's work
/// natively) than they save. Searches find the same either way.
#[inline(never)]
pub fn compile(tree: &Tree, direction: Direction, size: usize, branch_tables: bool) -> Result<Program, &'static str> {
    let mut c = Compiler { tree, insts: Vec::with_capacity(size.min(MAX_INSTS) + 1), sets: Vec::new(), forks: Vec::new(), direction };
    c.node(tree.root)?;
    c.push(Inst::Match)?;
    let (classes, class_count) = byte_classes(&c.insts, &c.sets);
    let mut program =
        Program { insts: c.insts, sets: c.sets, forks: c.forks, direction, first_bytes: None, required: None, classes, class_count };
    let mut seen = Visits::default();
    program.first_bytes = first_bytes(&program, 0, &mut seen);
    if !branch_tables {
        return Ok(program);
    }
    // Each branch's first bytes, now that every branch's continuation is compiled.
    for f in 0..program.forks.len() {
        for b in 0..program.forks.get(f).map_or(0, |fork| fork.branches.len()) {
            let first = program.forks.get(f).and_then(|fork| fork.branches.get(b)).and_then(|branch| first_bytes(&program, branch.to, &mut seen));
            if let Some(branch) = program.forks.get_mut(f).and_then(|fork| fork.branches.get_mut(b)) {
                branch.first = first;
            }
        }
        if let Some(fork) = program.forks.get_mut(f).filter(|fork| fork.branches.len() >= ROUTED) {
            fork.routes = Some(Routes::new(&fork.branches));
        }
    }
    Ok(program)
}

struct Compiler<'t> {
    tree: &'t Tree,
    insts: Vec<Inst>,
    sets: Vec<ByteSet>,
    forks: Vec<Fork>,
    direction: Direction,
}

impl Compiler<'_> {
    fn push(&mut self, inst: Inst) -> Result<u32, &'static str> {
        if self.insts.len() >= MAX_INSTS {
            return Err("pattern compiles too large");
        }
        self.insts.push(inst);
        Ok(self.insts.len() as u32 - 1)
    }

    fn next(&self) -> u32 {
        self.insts.len() as u32
    }

    fn patch(&mut self, at: u32, inst: Inst) {
        if let Some(slot) = self.insts.get_mut(at as usize) {
            *slot = inst;
        }
    }

    /// A split whose targets are patched in later.
    fn hole(&mut self) -> Result<u32, &'static str> {
        self.push(Inst::Split(0, 0))
    }

    fn node(&mut self, node: Node) -> Result<(), &'static str> {
        let tree = self.tree;
        match node {
            Node::Empty => {}
            Node::Bytes(span) => {
                let forward = self.direction == Direction::Forward;
                let mut put = |b: &u8| self.push(Inst::Byte(*b)).map(drop);
                if forward {
                    tree.bytes(span).iter().try_for_each(&mut put)?;
                } else {
                    tree.bytes(span).iter().rev().try_for_each(&mut put)?;
                }
            }
            Node::Set(set) => {
                let i = match self.sets.iter().position(|s| *s == set) {
                    Some(i) => i,
                    None => {
                        self.sets.push(set);
                        self.sets.len() - 1
                    }
                };
                self.push(Inst::Set(i as u32))?;
            }
            Node::Look(look) => {
                self.push(Inst::Look(look))?;
            }
            Node::Concat(items) => match self.direction {
                Direction::Forward => tree.kids(items).try_for_each(|n| self.node(n))?,
                Direction::Backward => tree.kids(items).rev().try_for_each(|n| self.node(n))?,
            },
            Node::Alt(branches) => {
                // fork(b1 … bn), each branch but the last jumping to the end.
                let fork = self.forks.len() as u32;
                self.forks.push(Fork::default());
                self.push(Inst::Fork(fork))?;
                let count = branches.to.saturating_sub(branches.from) as usize;
                let (mut starts, mut jumps) = (Vec::with_capacity(count), Vec::with_capacity(count));
                for (k, branch) in tree.kids(branches).enumerate() {
                    starts.push(Branch { to: self.next(), first: None });
                    self.node(branch)?;
                    if k + 1 < count {
                        jumps.push(self.push(Inst::Jump(0))?);
                    }
                }
                let end = self.next();
                for j in jumps {
                    self.patch(j, Inst::Jump(end));
                }
                if let Some(slot) = self.forks.get_mut(fork as usize) {
                    slot.branches = starts;
                }
            }
            Node::Repeat { node, min, max, greedy } => self.repeat(tree.node(node), min, max, greedy)?,
        }
        Ok(())
    }

    fn split(&self, body: u32, exit: u32, greedy: bool) -> Inst {
        if greedy {
            Inst::Split(body, exit)
        } else {
            Inst::Split(exit, body)
        }
    }

    fn repeat(&mut self, node: Node, min: u32, max: Option<u32>, greedy: bool) -> Result<(), &'static str> {
        for _ in 0..min {
            self.node(node)?;
        }
        match max {
            // x*: loop: split(body, exit); body; jump loop
            None => {
                let top = self.hole()?;
                self.node(node)?;
                self.push(Inst::Jump(top))?;
                let exit = self.next();
                self.patch(top, self.split(top + 1, exit, greedy));
            }
            // x{0,k}: k nested optionals, every one exiting to the end.
            Some(max) => {
                let mut holes = Vec::new();
                for _ in min..max {
                    holes.push(self.hole()?);
                    self.node(node)?;
                }
                let exit = self.next();
                for h in holes {
                    self.patch(h, self.split(h + 1, exit, greedy));
                }
            }
        }
        Ok(())
    }
}

/// The bytes the first consuming step from `pc` can accept, looking through
/// jumps, splits and assertions; `None` if a match is reachable without consuming.
#[inline(never)]
fn first_bytes(program: &Program, pc: u32, seen: &mut Visits) -> Option<ByteSet> {
    seen.start(program.insts.len());
    // One stack for every walk of a compile, not one a walk.
    let mut stack = std::mem::take(&mut seen.stack);
    stack.clear();
    stack.push(pc);
    let found = walk_first_bytes(program, &mut stack, seen);
    seen.stack = stack;
    found
}

fn walk_first_bytes(program: &Program, stack: &mut Vec<u32>, seen: &mut Visits) -> Option<ByteSet> {
    let mut set = ByteSet::EMPTY;
    while let Some(pc) = stack.pop() {
        if !seen.first_time(pc) {
            continue;
        }
        match program.insts.get(pc as usize)? {
            Inst::Byte(b) => set.insert(*b),
            Inst::Set(i) => set.union(program.sets.get(*i as usize)?),
            Inst::Split(a, b) => stack.extend([*b, *a]),
            Inst::Fork(f) => stack.extend(program.forks.get(*f as usize)?.branches.iter().map(|b| b.to)),
            Inst::Jump(to) => stack.push(*to),
            Inst::Look(_) => stack.push(pc + 1),
            Inst::Match => return None,
        }
    }
    Some(set)
}

/// Instructions visited by one walk, stamped so the next walk needs no clearing
/// (a rule's alternation may have hundreds of branches to walk from).
#[derive(Default)]
struct Visits {
    stamps: Vec<u32>,
    walk: u32,
    stack: Vec<u32>,
}

impl Visits {
    fn start(&mut self, len: usize) {
        self.stamps.resize(len, 0);
        self.walk += 1;
    }

    fn first_time(&mut self, pc: u32) -> bool {
        match self.stamps.get_mut(pc as usize) {
            Some(stamp) if *stamp != self.walk => {
                *stamp = self.walk;
                true
            }
            _ => false,
        }
    }
}

/// How common a byte is in review text, per 10,000 bytes (letters by English
/// letter frequency; space; everything else rare).
fn frequency(b: u8) -> u32 {
    const LETTERS: [u32; 26] = [
        650, 120, 220, 340, 1000, 180, 160, 490, 560, 10, 60, 320, 190, 540, 600, 150, 10, 480, 510, 730, 220, 80, 190,
        10, 160, 10,
    ];
    match b {
        b'a'..=b'z' => LETTERS.get(usize::from(b - b'a')).copied().unwrap_or(100),
        b' ' => 1500,
        b'\n' | b'.' | b',' => 150,
        _ => 20,
    }
}

/// How common a set's bytes are together, counted no further than what
/// already rules a prefilter out (sets of a hundred bytes are common).
fn rarity(set: &ByteSet) -> u32 {
    let mut sum = 0;
    for b in set.bytes() {
        sum += frequency(b);
        if sum >= RARE_ENOUGH {
            break;
        }
    }
    sum
}

/// Prefilter only when a text would lack all the bytes often enough (5%).
const RARE_ENOUGH: u32 = 500;

/// Rare bytes of which every match of `node` holds one (`Program::required`),
/// when there are such.
pub fn required_bytes(tree: &Tree) -> Option<ByteSet> {
    required(tree, tree.root)
}

/// A set of bytes every match of `node` holds one of, as rare as we can
/// tell, if rare enough to prefilter. (A common set can neither win a
/// concatenation nor leave an alternation rare, so it is dropped at once,
/// and an alternation stops at its first common branch.)
fn required(tree: &Tree, node: Node) -> Option<ByteSet> {
    let set = match node {
        Node::Empty | Node::Look(_) => None,
        Node::Bytes(span) => {
            let b = tree.bytes(span).iter().copied().min_by_key(|&b| frequency(b))?;
            let mut set = ByteSet::EMPTY;
            set.insert(b);
            Some(set)
        }
        Node::Set(set) => Some(set),
        Node::Repeat { node, min, .. } => if min > 0 { required(tree, tree.node(node)) } else { None },
        Node::Concat(items) => tree.kids(items).filter_map(|n| required(tree, n)).min_by_key(rarity),
        Node::Alt(branches) => {
            let mut union = ByteSet::EMPTY;
            for b in tree.kids(branches) {
                union.union(&required(tree, b)?);
                if rarity(&union) >= RARE_ENOUGH {
                    return None;
                }
            }
            Some(union)
        }
    };
    set.filter(|set| rarity(set) < RARE_ENOUGH)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::matcher::syntax::{is_word_byte, parse};

    /// Two bytes share a class exactly when `\b` and every byte test of the
    /// program treat them alike, and classes are numbered in byte order.
    #[test]
    fn byte_classes_are_the_coarsest_that_tell_every_test_apart() {
        for pattern in [r"\bno(t| longer) [a-c]\w+ [^.!?\n]{0,40}refund", r"[0-9]{3}[- .]?\d{4}", "x", r"(?:café|ü)\s*[^a-z]"] {
            let tree = parse(pattern).expect("a valid pattern");
            let program = compile(&tree, Direction::Forward, pattern.len(), true).expect("it compiles");
            let alike = |a: u8, b: u8| {
                is_word_byte(a) == is_word_byte(b)
                    && program.sets.iter().all(|s| s.contains(a) == s.contains(b))
                    && program.insts.iter().all(|i| !matches!(i, Inst::Byte(x) if (*x == a) != (*x == b)))
            };
            let mut highest = None;
            for a in 0..=255u8 {
                let class = program.class_of(a);
                assert!(usize::from(class) < program.class_count(), "{pattern}: byte {a}");
                // A class first met at byte `a` is the next number.
                if highest.is_none_or(|h| class > h) {
                    assert_eq!(Some(class), highest.map_or(Some(0), |h: u8| h.checked_add(1)), "{pattern}: byte {a}");
                    highest = Some(class);
                }
                for b in 0..=255u8 {
                    assert_eq!(program.class_of(b) == class, alike(a, b), "{pattern}: bytes {a} and {b}");
                }
            }
        }
    }
}
