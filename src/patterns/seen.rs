//! The review ids a report has counted, so a repeated id is counted once.
//!
//! Exact de-duplication must remember every distinct id, so this is the one
//! part of a report that grows with the input; it is kept as small as that
//! allows: a 64-bit fingerprint of each id in open-addressing tables (no
//! keys, no allocation per id) kept 64-80% full, so 10 to 12.5 bytes an id,
//! split into 256 shards that each grow on their own, so growing never holds
//! two copies of the whole set, and made of 4 KB pages, so the memory a
//! shard frees when it grows is reused as it is (wasm memory, once grown, is
//! never returned, and holes between tables of many sizes would stay holes).
//!
//! Two different ids share a fingerprint with probability 2^-64 per pair: for
//! n distinct ids the chance that any one is wrongly taken for a repeat is
//! about n² / 2^65, 2.7e-8 for a million ids and 2.7e-4 for a hundred million.

use std::hash::{DefaultHasher, Hash, Hasher};

const SHARD_BITS: u32 = 8;
const SHARDS: usize = 1 << SHARD_BITS;
/// Empty slots hold 0; a fingerprint of 0 is stored as this instead.
const EMPTY: u64 = 0;
const ZERO_STANDS_AS: u64 = 1;

#[derive(Clone, Debug)]
pub struct SeenIds {
    shards: Vec<Shard>,
    len: usize,
}

#[derive(Clone, Debug, Default)]
struct Shard {
    /// Linear probing over the slots of all pages in turn; grows by a quarter at a time.
    pages: Vec<Box<[u64]>>,
    len: usize,
}

/// Slots a page holds (4 KB). Every table is made of pages of one size, so
/// the pages a shard frees when it grows are the ones the next shard to grow
/// takes: growing leaves no holes in wasm memory.
const PAGE: usize = 512;

/// The id's fingerprint: SipHash-1-3 with fixed keys, the same in every run,
/// of the id without surrounding spaces (" r1" and "r1" are one id).
pub fn fingerprint(id: &str) -> u64 {
    let mut h = DefaultHasher::new();
    id.trim().hash(&mut h);
    match h.finish() {
        EMPTY => ZERO_STANDS_AS,
        f => f,
    }
}

impl Default for SeenIds {
    fn default() -> Self {
        SeenIds { shards: vec![Shard::default(); SHARDS], len: 0 }
    }
}

impl SeenIds {
    /// Notes `id`; false when it was noted before.
    pub fn insert(&mut self, id: &str) -> bool {
        let f = fingerprint(id);
        let Some(shard) = self.shards.get_mut((f >> (64 - SHARD_BITS)) as usize) else { return true };
        let added = shard.insert(f);
        if added {
            self.len += 1;
        }
        added
    }

    /// Forgets `id` (a record that could not be counted, so a corrected copy later is not a repeat).
    pub fn remove(&mut self, id: &str) {
        let f = fingerprint(id);
        if let Some(shard) = self.shards.get_mut((f >> (64 - SHARD_BITS)) as usize) {
            if shard.remove(f) {
                self.len -= 1;
            }
        }
    }

    /// Distinct ids noted.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Bytes held by the tables.
    pub fn bytes(&self) -> usize {
        self.shards.iter().map(|s| s.slots() * 8 + s.pages.capacity() * std::mem::size_of::<Box<[u64]>>()).sum::<usize>()
            + self.shards.capacity() * std::mem::size_of::<Shard>()
    }
}

impl Shard {
    fn slots(&self) -> usize {
        self.pages.len() * PAGE
    }

    fn get(&self, at: usize) -> Option<u64> {
        self.pages.get(at / PAGE).and_then(|p| p.get(at % PAGE)).copied()
    }

    fn set(&mut self, at: usize, f: u64) {
        if let Some(slot) = self.pages.get_mut(at / PAGE).and_then(|p| p.get_mut(at % PAGE)) {
            *slot = f;
        }
    }

    /// Where `f` would sit with no collisions: its bits below the shard's, scaled to the table.
    fn home(&self, f: u64) -> usize {
        ((u128::from(f << SHARD_BITS) * self.slots() as u128) >> 64) as usize
    }

    fn next(&self, at: usize) -> usize {
        if at + 1 >= self.slots() {
            0
        } else {
            at + 1
        }
    }

    /// Slots from `from` forward (wrapping) to `to`.
    fn distance(&self, from: usize, to: usize) -> usize {
        if to >= from {
            to - from
        } else {
            to + self.slots() - from
        }
    }

    /// Where `f` is, or the empty slot where it would go.
    fn find(&self, f: u64) -> Option<(usize, bool)> {
        let mut at = self.home(f);
        for _ in 0..self.slots() {
            match self.get(at)? {
                s if s == f => return Some((at, true)),
                EMPTY => return Some((at, false)),
                _ => at = self.next(at),
            }
        }
        None
    }

    fn insert(&mut self, f: u64) -> bool {
        // Grow past 80% load (linear probing stays a few probes long), by a
        // quarter, so the load stays above 64% and an id costs 10 to 12.5 bytes.
        if (self.len + 1) * 5 > self.slots() * 4 {
            self.grow();
        }
        match self.find(f) {
            Some((_, true)) => false,
            Some((at, false)) => {
                self.set(at, f);
                self.len += 1;
                true
            }
            None => true,
        }
    }

    fn remove(&mut self, f: u64) -> bool {
        let Some((mut hole, true)) = self.find(f) else { return false };
        // Backward-shift deletion: later entries of the same run move up, so no tombstones.
        let mut next = self.next(hole);
        while let Some(s) = self.get(next).filter(|s| *s != EMPTY) {
            // `s` may fill the hole when the hole lies between its home and where it is.
            if self.distance(self.home(s), next) >= self.distance(hole, next) {
                self.set(hole, s);
                hole = next;
            }
            next = self.next(next);
        }
        self.set(hole, EMPTY);
        self.len -= 1;
        true
    }

    fn grow(&mut self) {
        let pages = (self.pages.len() + self.pages.len() / 4).max(self.pages.len() + 1);
        let old = std::mem::replace(&mut self.pages, (0..pages).map(|_| vec![EMPTY; PAGE].into_boxed_slice()).collect());
        self.len = 0;
        for f in old.iter().flat_map(|p| p.iter()).copied().filter(|f| *f != EMPTY) {
            if let Some((at, false)) = self.find(f) {
                self.set(at, f);
                self.len += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn agrees_with_a_hash_set() {
        let mut seen = SeenIds::default();
        let mut reference = HashSet::new();
        let mut x: u64 = 88172645463325252;
        for step in 0..200_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let id = format!("r{}", x % 50_000);
            if step % 7 == 0 {
                seen.remove(&id);
                reference.remove(&id);
            } else {
                assert_eq!(seen.insert(&id), reference.insert(id.clone()), "step {step}: {id}");
            }
            assert_eq!(seen.len(), reference.len());
        }
        for id in &reference {
            assert!(!seen.insert(id), "{id} forgotten");
        }
    }

    #[test]
    fn spaces_around_an_id_do_not_make_it_new() {
        let mut seen = SeenIds::default();
        assert!(seen.insert("a-1"));
        assert!(!seen.insert(" a-1 "));
    }

    #[test]
    fn ten_to_thirteen_bytes_an_id() {
        let mut seen = SeenIds::default();
        for i in 0..1_000_000 {
            seen.insert(&format!("b{i}"));
        }
        let per_id = seen.bytes() as f64 / 1e6;
        assert!((8.0..=13.0).contains(&per_id), "{per_id} bytes an id");
    }
}
