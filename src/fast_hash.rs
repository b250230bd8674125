//! Hash maps for the hot path. The standard SipHash guards against hostile
//! keys; our keys are our own words and features, so a multiply-rotate hash
//! (the one rustc uses, "FxHash") does the job at a fraction of the cost.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Default, Clone, Copy)]
pub struct FxHasher(u64);

impl FxHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(c);
            self.add(u64::from_le_bytes(word));
        }
        // Most keys are short words: their tail is one padded word, not a byte
        // at a time, put together in a register (a copy of a length known only
        // here is a call to `memcpy`, most of the cost of hashing a short word).
        let rest = chunks.remainder();
        if !rest.is_empty() {
            self.add(first_byte_lowest(rest));
        }
    }
    fn write_u8(&mut self, n: u8) {
        self.add(u64::from(n));
    }
    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }
    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }
}

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FxHasher>>;
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FxHasher>>;

/// Words to values, for the maps every word of a review is looked up in
/// (the lexicon, the rule index, the language words). A word of eight bytes
/// or fewer, most words, is found by its bytes as one number: one multiply
/// to hash it and one comparison, where a string key costs a hash over its
/// bytes and a call to compare them. The words map to places in `values`,
/// so every value type shares one index's code (the wasm carries it once).
pub struct WordMap<V> {
    index: WordIndex,
    values: Vec<V>,
}

#[derive(Default)]
struct WordIndex {
    short: FastMap<u64, u32>,
    long: FastMap<&'static str, u32>,
}

impl WordIndex {
    // Inlined: a call a word to each of three maps cost a fifth of the saving.
    #[inline(always)]
    fn get(&self, word: &str) -> Option<u32> {
        match packed(word) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(word).copied(),
        }
    }

    /// The place of `word`, given `next` if it had none; and whether it is new.
    #[inline(never)]
    fn place(&mut self, word: &'static str, next: u32) -> (u32, bool) {
        let place = match packed(word) {
            Some(key) => *self.short.entry(key).or_insert(next),
            None => *self.long.entry(word).or_insert(next),
        };
        (place, place == next)
    }
}

impl<V> Default for WordMap<V> {
    fn default() -> Self {
        WordMap { index: WordIndex::default(), values: Vec::new() }
    }
}

impl<V> WordMap<V> {
    /// Room for `words` words, sized once when loading, not regrown: the
    /// table of short words for all of them (a fuller table costs more a
    /// lookup), the long words' for a quarter.
    pub fn with_capacity(words: usize) -> Self {
        let mut map = WordMap::default();
        map.reserve(words);
        map
    }

    pub fn reserve(&mut self, words: usize) {
        self.index.short.reserve(words);
        self.index.long.reserve(words / 4);
        self.values.reserve(words);
    }

    #[inline]
    pub fn get(&self, word: &str) -> Option<&V> {
        self.values.get(self.index.get(word)? as usize)
    }

    pub fn contains_key(&self, word: &str) -> bool {
        self.get(word).is_some()
    }

    /// Puts `value` at `word`, in place of any value it had.
    pub fn insert(&mut self, word: &'static str, value: V) {
        let (place, added) = self.index.place(word, self.values.len() as u32);
        if added {
            self.values.push(value);
        } else if let Some(old) = self.values.get_mut(place as usize) {
            *old = value;
        }
    }

    /// Changes the value of `word` by `change`, after putting `new()` there if it had none.
    pub fn update(&mut self, word: &'static str, new: impl FnOnce() -> V, change: impl FnOnce(&mut V)) {
        let (place, added) = self.index.place(word, self.values.len() as u32);
        if added {
            self.values.push(new());
        }
        if let Some(value) = self.values.get_mut(place as usize) {
            change(value);
        }
    }

    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.values.iter()
    }
}

/// A word of at most eight bytes as one number, its first byte lowest; `None`
/// for longer words and for one ending in a zero byte (it would read as the
/// word without it).
#[inline]
fn packed(word: &str) -> Option<u64> {
    let bytes = word.as_bytes();
    let n = bytes.len();
    if n > 8 || bytes.last() == Some(&0) {
        return None;
    }
    // Four to eight bytes: two loads that overlap in the middle (the same
    // bytes at the same places), not a byte at a time.
    if let (Some(first), Some(last)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        let (first, last) = (u64::from(u32::from_le_bytes(*first)), u64::from(u32::from_le_bytes(*last)));
        return Some(first | last << (8 * (n - 4)));
    }
    Some(first_byte_lowest(bytes))
}

/// Up to eight bytes as one number, the first byte lowest (as
/// `u64::from_le_bytes` of them padded with zeros), put together in a register.
#[inline]
fn first_byte_lowest(bytes: &[u8]) -> u64 {
    bytes.iter().rev().fold(0u64, |number, &b| number << 8 | u64::from(b))
}

/// FNV-1a, 64 bits: a stable hash of a name, the same in the trainer and at
/// run time (the sentiment model's buckets).
pub const fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_more(0xcbf2_9ce4_8422_2325, bytes)
}

/// FNV-1a of a name continued over more bytes: `fnv1a_more(fnv1a(a), b)` is
/// `fnv1a` of `a` and `b` joined, with no string built to join them.
pub const fn fnv1a_more(mut h: u64, bytes: &[u8]) -> u64 {
    let mut i = 0;
    while i < bytes.len() {
        h ^= bytes[i] as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
        i += 1;
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_short_and_long_are_found_apart() {
        let mut map = WordMap::default();
        for (i, w) in ["a", "a\0", "", "eightchr", "ninechars", "don't", "\0"].into_iter().enumerate() {
            assert!(!map.contains_key(w), "{w:?}");
            map.insert(w, i);
        }
        assert_eq!(map.get("a"), Some(&0));
        assert_eq!(map.get("a\0"), Some(&1));
        assert_eq!(map.get(""), Some(&2));
        assert_eq!(map.get("eightchr"), Some(&3));
        assert_eq!(map.get("ninechars"), Some(&4));
        assert_eq!(map.get("\0"), Some(&6));
        assert_eq!(map.get("b"), None);
        assert_eq!(map.get("eightchrs"), None);
        map.update("a", || 9, |v| *v += 10);
        map.insert("eightchr", 30);
        assert_eq!(map.get("eightchr"), Some(&30));
        map.update("new", || 9, |v| *v += 10);
        assert_eq!(map.get("new"), Some(&19));
        assert_eq!(map.get("a"), Some(&10));
        assert_eq!(map.values().count(), 8);
    }

    #[test]
    fn a_hash_continued_is_the_hash_of_the_joined_bytes() {
        assert_eq!(fnv1a_more(fnv1a(b"b:runs"), b" small"), fnv1a(b"b:runs small"));
        assert_eq!(fnv1a_more(fnv1a(b""), b""), fnv1a(b""));
    }
}
