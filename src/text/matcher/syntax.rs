//! Reads the pattern language of our data files into a tree.
//!
//! The language is the byte-oriented subset of the `regex` crate's syntax that
//! the rule and phrase files are written in (run as `(?-u)`: ASCII classes,
//! `.` is any byte but a newline): literals, `.`, classes with ranges and
//! negation, `\d \w \s` and their negations, `\b \B ^ $ \A \z`, groups
//! `( )` and `(?: )`, alternation, and the quantifiers `? * + {n} {n,} {n,m}`,
//! greedy or lazy. Anything else (including what `regex` would read as more
//! syntax: `\<`, `\b{start}`, `&&` in a class) is refused with the place it
//! occurs. At run time a refused pattern never matches; the data tests
//! (`RuleBook::check`, the phrase and lint checks, tests/matcher.rs) fail on one.

/// A set of bytes, one bit each.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ByteSet(pub [u64; 4]);

impl ByteSet {
    pub const EMPTY: ByteSet = ByteSet([0; 4]);

    pub fn contains(&self, b: u8) -> bool {
        self.0[usize::from(b >> 6)] & (1 << (b & 63)) != 0
    }

    /// The bytes in the set, in order.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        self.0.iter().enumerate().flat_map(|(i, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                (rest != 0).then(|| {
                    let bit = rest.trailing_zeros();
                    rest &= rest - 1;
                    (i as u32 * 64 + bit) as u8
                })
            })
        })
    }

    /// Calls `visit` with each byte in the set, in order: a plain loop over
    /// the set bits, for the compiler's per-pattern work (`bytes` builds an
    /// iterator a word).
    pub(super) fn each(&self, mut visit: impl FnMut(u8)) {
        for (i, &word) in self.0.iter().enumerate() {
            let mut rest = word;
            while rest != 0 {
                visit((i as u32 * 64 + rest.trailing_zeros()) as u8);
                rest &= rest - 1;
            }
        }
    }

    pub(super) fn insert(&mut self, b: u8) {
        self.0[usize::from(b >> 6)] |= 1 << (b & 63);
    }

    fn insert_range(&mut self, from: u8, to: u8) {
        for b in from..=to {
            self.insert(b);
        }
    }

    pub(super) fn union(&mut self, other: &ByteSet) {
        for (a, b) in self.0.iter_mut().zip(other.0) {
            *a |= b;
        }
    }

    /// The bytes in both sets.
    pub(super) fn meet(&self, other: &ByteSet) -> ByteSet {
        ByteSet([self.0[0] & other.0[0], self.0[1] & other.0[1], self.0[2] & other.0[2], self.0[3] & other.0[3]])
    }

    /// The bytes of this set not in `other`.
    pub(super) fn minus(&self, other: &ByteSet) -> ByteSet {
        ByteSet([self.0[0] & !other.0[0], self.0[1] & !other.0[1], self.0[2] & !other.0[2], self.0[3] & !other.0[3]])
    }

    fn negated(&self) -> ByteSet {
        ByteSet(self.0.map(|w| !w))
    }

    fn of(ranges: &[(u8, u8)]) -> ByteSet {
        let mut set = ByteSet::EMPTY;
        for &(a, b) in ranges {
            set.insert_range(a, b);
        }
        set
    }
}

/// `\d`: ASCII digits.
const DIGIT: ByteSet = ByteSet([0x03ff_0000_0000_0000, 0, 0, 0]);
/// `\w`: ASCII letters, digits and `_` (as `is_word_byte`).
pub(super) const WORD: ByteSet = ByteSet([0x03ff_0000_0000_0000, 0x07ff_fffe_87ff_fffe, 0, 0]);
/// `\s`: tab to carriage return, and space.
const SPACE: ByteSet = ByteSet([0x0000_0001_0000_3e00, 0, 0, 0]);

/// ASCII `\w`: what `\b` counts as a word byte.
pub fn is_word_byte(b: u8) -> bool {
    // One bit test: every search asks this of the byte behind its window.
    WORD.contains(b)
}

/// Zero-width assertions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Look {
    /// `\b`: a word byte on one side only.
    WordBoundary,
    /// `\B`.
    NotWordBoundary,
    /// `^`, `\A`: the start of the text searched.
    Start,
    /// `$`, `\z`: its end.
    End,
}

/// A node of the tree. Children and literal bytes live in the `Tree`'s
/// tables, so reading a pattern allocates three tables, not one box or vector
/// a node (rule patterns are alternations of hundreds of words).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Node {
    Empty,
    /// Bytes in a row (`Tree::bytes`): one character (a multi-byte one stays whole under a quantifier).
    Bytes(Span),
    Set(ByteSet),
    Look(Look),
    Repeat { node: u32, min: u32, max: Option<u32>, greedy: bool },
    /// Items in a row (`Tree::kids`).
    Concat(Span),
    /// Alternatives in order of preference (leftmost-first), as `Tree::kids`.
    Alt(Span),
}

/// A range of one of the tree's tables.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from: u32,
    pub to: u32,
}

/// A pattern read: its root and the tables its nodes point into.
#[derive(Debug)]
pub struct Tree {
    pub root: Node,
    nodes: Vec<Node>,
    kids: Vec<u32>,
    bytes: Vec<u8>,
}

impl Tree {
    /// The node numbered `id` (a `Repeat`'s body).
    pub fn node(&self, id: u32) -> Node {
        self.nodes.get(id as usize).copied().unwrap_or(Node::Empty)
    }

    /// The nodes of a `Concat` or `Alt`, in order.
    pub fn kids(&self, span: Span) -> impl DoubleEndedIterator<Item = Node> + '_ {
        let ids = self.kids.get(span.from as usize..span.to as usize).unwrap_or(&[]);
        ids.iter().map(|&id| self.node(id))
    }

    pub fn bytes(&self, span: Span) -> &[u8] {
        self.bytes.get(span.from as usize..span.to as usize).unwrap_or(&[])
    }

    fn add(&mut self, node: Node) -> u32 {
        self.nodes.push(node);
        self.nodes.len() as u32 - 1
    }

    /// `bytes` as a literal node (appended to the byte table).
    fn literal(&mut self, bytes: &[u8]) -> Node {
        let from = self.bytes.len() as u32;
        self.bytes.extend_from_slice(bytes);
        Node::Bytes(Span { from, to: self.bytes.len() as u32 })
    }
}

/// Why a pattern cannot be read, and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyntaxError {
    pub at: usize,
    pub what: &'static str,
}

impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} at byte {}", self.what, self.at)
    }
}

/// Counted repetitions beyond this are refused: each copy is compiled out.
const MAX_REPEAT: u32 = 1000;
/// Groups nested deeper than this are refused (the reader recurses).
const MAX_DEPTH: usize = 100;

// Patterns are read once, most of them while the first reviews are
// classified: the reader's steps stay functions of their own
// (`inline(never)`), each too small for V8 to spend its optimising compiler
// on when a page starts. (The same goes for `program::compile`.)
#[inline(never)]
pub fn parse(pattern: &str) -> Result<Tree, SyntaxError> {
    // About a node a word and a byte a byte: sized once.
    let tree = Tree {
        root: Node::Empty,
        nodes: Vec::with_capacity(pattern.len() / 4),
        kids: Vec::with_capacity(pattern.len() / 4),
        bytes: Vec::with_capacity(pattern.len()),
    };
    let mut p = Parser { pattern, i: 0, depth: 0, tree, pending: Vec::new() };
    let root = p.alternation()?;
    match p.peek() {
        None => Ok(Tree { root, ..p.tree }),
        Some(_) => Err(p.error("unopened `)`")),
    }
}

/// Characters that start something other than a literal.
fn is_special(c: char) -> bool {
    matches!(c, '(' | '[' | '.' | '^' | '$' | '\\' | '?' | '*' | '+' | '{')
}

struct Parser<'a> {
    pattern: &'a str,
    /// Byte offset of the next character.
    i: usize,
    depth: usize,
    tree: Tree,
    /// The items of the concatenations and alternations being read, innermost last.
    pending: Vec<Node>,
}

impl Parser<'_> {
    fn peek(&self) -> Option<char> {
        // Patterns are nearly all ASCII: decode only what is not.
        match self.pattern.as_bytes().get(self.i) {
            Some(&b) if b.is_ascii() => Some(char::from(b)),
            Some(_) => self.pattern.get(self.i..).and_then(|rest| rest.chars().next()),
            None => None,
        }
    }

    fn peek_at(&self, ahead: usize) -> Option<char> {
        self.pattern.get(self.i..).and_then(|rest| rest.chars().nth(ahead))
    }

    fn next(&mut self) -> Option<char> {
        let c = self.peek();
        self.i += c.map_or(0, char::len_utf8);
        c
    }

    fn eat(&mut self, c: char) -> bool {
        let ok = self.peek() == Some(c);
        if ok {
            self.i += c.len_utf8();
        }
        ok
    }

    fn eat_str(&mut self, s: &str) -> bool {
        let ok = self.pattern.get(self.i..).is_some_and(|rest| rest.starts_with(s));
        if ok {
            self.i += s.len();
        }
        ok
    }

    fn error(&self, what: &'static str) -> SyntaxError {
        SyntaxError { at: self.i.min(self.pattern.len()), what }
    }

    fn alternation(&mut self) -> Result<Node, SyntaxError> {
        let mark = self.pending.len();
        let first = self.concat()?;
        self.pending.push(first);
        while self.eat('|') {
            let branch = self.concat()?;
            self.pending.push(branch);
        }
        Ok(self.gather(mark, Node::Alt))
    }

    /// The items pending since `mark`, as one node.
    fn gather(&mut self, mark: usize, many: fn(Span) -> Node) -> Node {
        let Parser { pending, tree, .. } = self;
        match pending.len() - mark.min(pending.len()) {
            0 => Node::Empty,
            1 => pending.pop().unwrap_or(Node::Empty),
            _ => {
                let from = tree.kids.len() as u32;
                for item in pending.drain(mark..) {
                    let id = tree.add(item);
                    tree.kids.push(id);
                }
                many(Span { from, to: tree.kids.len() as u32 })
            }
        }
    }

    fn concat(&mut self) -> Result<Node, SyntaxError> {
        let mark = self.pending.len();
        while let Some(c) = self.peek() {
            if c == '|' || c == ')' {
                break;
            }
            // Letters in a row make one literal, not one node each: a plain
            // character with no quantifier after it joins the run. ASCII runs
            // are taken whole (most of a rule file is words), other
            // characters one at a time.
            let run = self.literal_run();
            let item = if run > 0 {
                let from = self.i;
                self.i += run;
                let bytes = self.pattern.as_bytes().get(from..self.i).unwrap_or(&[]);
                self.tree.literal(bytes)
            } else if !is_special(c) && !matches!(self.peek_at(1), Some('?' | '*' | '+' | '{')) {
                self.next();
                let mut buf = [0; 4];
                self.tree.literal(c.encode_utf8(&mut buf).as_bytes())
            } else {
                let atom = self.atom()?;
                self.quantified(atom)?
            };
            // A literal right after one whose bytes it follows in the table extends it.
            let last = if self.pending.len() > mark { self.pending.last_mut() } else { None };
            match (last, item) {
                (Some(Node::Bytes(run)), Node::Bytes(more)) if more.from == run.to => run.to = more.to,
                _ => self.pending.push(item),
            }
        }
        Ok(self.gather(mark, Node::Concat))
    }

    /// How many bytes from here are plain ASCII characters that no
    /// quantifier follows, up to the end of the branch: one literal.
    fn literal_run(&self) -> usize {
        let bytes = self.pattern.as_bytes().get(self.i..).unwrap_or(&[]);
        let mut n = 0;
        while let Some(&b) = bytes.get(n) {
            if !b.is_ascii() || is_special(char::from(b)) || matches!(b, b'|' | b')') {
                break;
            }
            if matches!(bytes.get(n + 1), Some(b'?' | b'*' | b'+' | b'{')) {
                break;
            }
            n += 1;
        }
        n
    }

    #[inline(never)]
    fn atom(&mut self) -> Result<Node, SyntaxError> {
        let Some(c) = self.next() else { return Err(self.error("pattern ends early")) };
        Ok(match c {
            '(' => self.group()?,
            '[' => Node::Set(self.class()?),
            '.' => Node::Set(ByteSet::of(&[(b'\n', b'\n')]).negated()),
            '^' => Node::Look(Look::Start),
            '$' => Node::Look(Look::End),
            '\\' => self.escape()?,
            '?' | '*' | '+' => return Err(self.error("quantifier with nothing to repeat")),
            '{' if self.peek().is_some_and(|c| c.is_ascii_digit() || c == ',') => {
                return Err(self.error("quantifier with nothing to repeat"))
            }
            c => {
                let mut buf = [0; 4];
                self.tree.literal(c.encode_utf8(&mut buf).as_bytes())
            }
        })
    }

    fn group(&mut self) -> Result<Node, SyntaxError> {
        if self.eat_str("?-u)") {
            // Byte mode is the only mode: the flag changes nothing.
            return Ok(Node::Empty);
        }
        if self.peek() == Some('?') && !self.eat_str("?:") {
            return Err(self.error("unsupported group flag (only `(?:` and `(?-u)`)"));
        }
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("groups nested too deep"));
        }
        let inner = self.alternation()?;
        self.depth -= 1;
        if !self.eat(')') {
            return Err(self.error("unclosed `(`"));
        }
        Ok(inner)
    }

    /// The atom with its quantifier, if one follows (one only: `a**` is refused).
    #[inline(never)]
    fn quantified(&mut self, atom: Node) -> Result<Node, SyntaxError> {
        let (min, max) = match self.peek() {
            Some('?') => (0, Some(1)),
            Some('*') => (0, None),
            Some('+') => (1, None),
            Some('{') if self.peek_at(1).is_some_and(|c| c.is_ascii_digit() || c == ',') => {
                self.next();
                let (min, max) = self.counted()?;
                return self.repeat(atom, min, max);
            }
            _ => return Ok(atom),
        };
        self.next();
        self.repeat(atom, min, max)
    }

    fn repeat(&mut self, atom: Node, min: u32, max: Option<u32>) -> Result<Node, SyntaxError> {
        if matches!(atom, Node::Look(_)) {
            return Err(self.error("quantifier on an assertion"));
        }
        let greedy = !self.eat('?');
        Ok(Node::Repeat { node: self.tree.add(atom), min, max, greedy })
    }

    /// `{n}`, `{n,}`, `{n,m}` after the `{`; leaves the reader after the `}`.
    fn counted(&mut self) -> Result<(u32, Option<u32>), SyntaxError> {
        let min = self.number()?.unwrap_or(0);
        let max = if self.eat(',') { self.number()? } else { Some(min) };
        if !self.eat('}') {
            return Err(self.error("unclosed `{`"));
        }
        if max.is_some_and(|m| m < min) {
            return Err(self.error("repetition range with min above max"));
        }
        if min.max(max.unwrap_or(0)) > MAX_REPEAT {
            return Err(self.error("repetition count too large"));
        }
        Ok((min, max))
    }

    fn number(&mut self) -> Result<Option<u32>, SyntaxError> {
        let mut n: Option<u32> = None;
        while let Some(d) = self.peek().and_then(|c| c.to_digit(10)) {
            self.next();
            n = Some(n.unwrap_or(0).saturating_mul(10).saturating_add(d));
        }
        Ok(n)
    }

    #[inline(never)]
    fn escape(&mut self) -> Result<Node, SyntaxError> {
        let Some(c) = self.next() else { return Err(self.error("pattern ends in `\\`")) };
        Ok(match c {
            // `\b{start}` and kin mean more to `regex` than `\b` then braces.
            'b' if self.peek() == Some('{') => return Err(self.error("unsupported `\\b{…}` assertion")),
            'b' => Node::Look(Look::WordBoundary),
            'B' => Node::Look(Look::NotWordBoundary),
            'A' => Node::Look(Look::Start),
            'z' => Node::Look(Look::End),
            _ => match self.escaped_set(c) {
                Some(set) => Node::Set(set),
                None => {
                    let byte = self.escaped_byte(c)?;
                    self.tree.literal(&[byte])
                }
            },
        })
    }

    /// `\d \w \s` and their negations.
    fn escaped_set(&self, c: char) -> Option<ByteSet> {
        Some(match c {
            'd' => DIGIT,
            'D' => DIGIT.negated(),
            'w' => WORD,
            'W' => WORD.negated(),
            's' => SPACE,
            'S' => SPACE.negated(),
            _ => return None,
        })
    }

    /// A one-byte escape: punctuation stands for itself; `\n \t \r \f \v`.
    fn escaped_byte(&self, c: char) -> Result<u8, SyntaxError> {
        Ok(match c {
            'n' => b'\n',
            't' => b'\t',
            'r' => b'\r',
            'f' => b'\x0c',
            'v' => b'\x0b',
            // `\<` and `\>` are word-start and word-end assertions to `regex`.
            '<' | '>' => return Err(self.error("unsupported escape")),
            c if c.is_ascii_punctuation() || c == ' ' => c as u8,
            _ => return Err(self.error("unsupported escape")),
        })
    }

    /// A class after its `[`; leaves the reader after the `]`.
    #[inline(never)]
    fn class(&mut self) -> Result<ByteSet, SyntaxError> {
        let negate = self.eat('^');
        let mut set = ByteSet::EMPTY;
        let mut first = true;
        loop {
            let Some(c) = self.next() else { return Err(self.error("unclosed `[`")) };
            if c == ']' && !first {
                break;
            }
            first = false;
            let from = match c {
                '\\' => {
                    let Some(e) = self.next() else { return Err(self.error("unclosed `[`")) };
                    if let Some(s) = self.escaped_set(e) {
                        set.union(&s);
                        continue;
                    }
                    self.escaped_byte(e)?
                }
                '[' => return Err(self.error("nested classes are not supported")),
                // Set operations to `regex`: intersection, difference, symmetric difference.
                '&' | '-' | '~' if self.peek() == Some(c) => return Err(self.error("class set operations are not supported")),
                c if c.is_ascii() => c as u8,
                _ => return Err(self.error("non-ASCII character in a class")),
            };
            // A range, unless the `-` ends the class.
            if self.peek() == Some('-') && self.peek_at(1).is_some_and(|c| c != ']') {
                self.next();
                let to = match self.next() {
                    Some('\\') => {
                        let e = self.next().ok_or_else(|| self.error("unclosed `[`"))?;
                        self.escaped_byte(e)?
                    }
                    Some(c) if c.is_ascii() => c as u8,
                    _ => return Err(self.error("bad class range")),
                };
                if to < from {
                    return Err(self.error("class range out of order"));
                }
                set.insert_range(from, to);
            } else {
                set.insert(from);
            }
        }
        Ok(if negate { set.negated() } else { set })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_escape_classes_hold_the_bytes_they_name() {
        for b in 0..=255u8 {
            assert_eq!(DIGIT.contains(b), b.is_ascii_digit(), "\\d and byte {b}");
            assert_eq!(WORD.contains(b), is_word_byte(b), "\\w and byte {b}");
            assert_eq!(SPACE.contains(b), matches!(b, b'\t'..=b'\r' | b' '), "\\s and byte {b}");
        }
    }
}
