//! The sentiment model: a multinomial logistic regression over words, word
//! pairs (with negation marked) and the lexicon's reading. Words and pairs are
//! hashed into a fixed table of buckets; the few thousand buckets that carry
//! weight are one compact blob (`data/sentiment_model.bin`), unpacked into the
//! table once at first use, trained by `src/bin/train.rs` on the development
//! sets whose licences allow shipping derived weights.

use super::lexicon::LexiconReading;
use super::rules::Hit;
use crate::taxonomy::Category;
use crate::fast_hash::{fnv1a, fnv1a_more};
use crate::text::{Token, TokenKind};

/// Negative, neutral, positive.
pub const CLASSES: usize = 3;
pub type Scores = [f32; CLASSES];

/// Names of the dense features, in order.
pub const DENSE_NAMES: [&str; 18] = [
    "compound",
    "positive",
    "negative",
    "last_clause",
    "complaints",
    "contrast",
    "question",
    "length",
    "strength",
    "both",
    "worst_clause",
    "best_clause",
    "title",
    "exclaim",
    "negative_clauses",
    "positive_clauses",
    "first_clause",
    "after_contrast",
];
pub const DENSE: usize = DENSE_NAMES.len();

/// Words and word pairs are hashed into 2^16 buckets; only the few thousand
/// buckets that earn their place carry weights (the trainer keeps the
/// strongest), so collisions are rare and the blob small.
pub const BUCKET_BITS: u32 = 16;
pub const BUCKETS: usize = 1 << BUCKET_BITS;
const MAGIC: &[u8; 4] = b"RLS2";
/// Magic, the i8 step, bias and dense rows (f32), then the number of weighted buckets.
const HEADER: usize = MAGIC.len() + 4 + (DENSE + 1) * CLASSES * 4 + 4;

/// FNV-1a of a feature's name, folded into a bucket.
pub fn feature_bucket(name: &str) -> u32 {
    bucket_of(fnv1a(name.as_bytes()))
}

/// The bucket of a word on its own (`w:word`, or `n:word` in a negator's scope).
pub fn word_bucket(word: &[u8], negated: bool) -> u32 {
    bucket_of(fnv1a_more(if negated { NEGATED } else { WORD }, word))
}

fn bucket_of(h: u64) -> u32 {
    ((h >> 32) ^ h) as u32 & (BUCKETS as u32 - 1)
}

// The kinds of feature names (`w:` of `w:word`), hashed: a feature is hashed
// on from its kind (`fnv1a_more`), the name never written out.
const WORD: u64 = fnv1a(b"w:");
const NEGATED: u64 = fnv1a(b"n:");
const OPENING: u64 = fnv1a(b"f:");
const IN_TITLE: u64 = fnv1a(b"t:");
const AFTER_CONTRAST: u64 = fnv1a(b"a:");
const NEGATED_AFTER_CONTRAST: u64 = fnv1a(b"A:");
const PAIR: u64 = fnv1a(b"b:");
const CAUSE: u64 = fnv1a(b"r:");
const SCORE_BIN: u64 = fnv1a(b"c:");
const LENGTH: u64 = fnv1a(b"L:");
const FIGURES: u64 = fnv1a(b"d:");

/// A trained model: bias, dense weights and the bucket table.
#[derive(Clone)]
pub struct SentimentModel {
    pub bias: Scores,
    pub dense: [Scores; DENSE],
    /// A bucket weight is its i8 times `step`.
    pub step: f32,
    /// BUCKETS rows of CLASSES i8 weights, mostly zero.
    pub table: Vec<i8>,
}

pub static SHIPPED_MODEL: std::sync::LazyLock<SentimentModel> = std::sync::LazyLock::new(|| {
    SentimentModel::from_bytes(include_bytes!("data/sentiment_model.bin")).unwrap_or_else(SentimentModel::empty)
});

impl SentimentModel {
    /// A model that knows nothing: every review gets the same scores.
    pub fn empty() -> Self {
        SentimentModel { bias: [0.0; CLASSES], dense: [[0.0; CLASSES]; DENSE], step: 1.0, table: vec![0; BUCKETS * CLASSES] }
    }

    /// Reads the blob the trainer writes (`to_bytes`) into a full table, once.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.get(..MAGIC.len())? != MAGIC {
            return None;
        }
        let mut floats = bytes.get(MAGIC.len()..HEADER - 4)?.chunks_exact(4).filter_map(|c| c.try_into().ok()).map(f32::from_le_bytes);
        let step = floats.next()?;
        let mut row = || -> Scores { std::array::from_fn(|_| floats.next().unwrap_or(0.0)) };
        let bias = row();
        let dense = std::array::from_fn(|_| row());
        let n = u32::from_le_bytes(bytes.get(HEADER - 4..HEADER)?.try_into().ok()?) as usize;
        // The buckets as LEB128 gaps, then the weights class by class.
        let mut rest = bytes.get(HEADER..)?;
        let mut buckets = Vec::with_capacity(n);
        let mut bucket = 0usize;
        for _ in 0..n {
            let (mut gap, mut shift) = (0usize, 0);
            loop {
                let (&b, tail) = rest.split_first()?;
                rest = tail;
                gap |= usize::from(b & 0x7f) << shift;
                shift += 7;
                if b & 0x80 == 0 || shift > 21 {
                    break;
                }
            }
            bucket += gap;
            buckets.push(bucket);
        }
        if rest.len() != n * CLASSES {
            return None;
        }
        let mut table = vec![0i8; BUCKETS * CLASSES];
        for (c, column) in rest.chunks_exact(n.max(1)).enumerate().take(CLASSES) {
            for (b, w) in buckets.iter().zip(column) {
                *table.get_mut(b * CLASSES + c)? = *w as i8;
            }
        }
        Some(SentimentModel { bias, dense, step, table })
    }

    /// The blob `from_bytes` reads: only the buckets with a weight, ascending,
    /// each as the gap from the one before, then their weights class by class
    /// (a column of one class compresses better than interleaved rows).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&self.step.to_le_bytes());
        for w in std::iter::once(&self.bias).chain(&self.dense).flatten() {
            out.extend_from_slice(&w.to_le_bytes());
        }
        let rows: Vec<(usize, &[i8])> =
            self.table.chunks_exact(CLASSES).enumerate().filter(|(_, w)| w.iter().any(|v| *v != 0)).collect();
        out.extend_from_slice(&(rows.len() as u32).to_le_bytes());
        let mut last = 0;
        for (b, _) in &rows {
            let mut gap = b - last;
            last = *b;
            loop {
                let byte = (gap & 0x7f) as u8;
                gap >>= 7;
                if gap == 0 {
                    out.push(byte);
                    break;
                }
                out.push(byte | 0x80);
            }
        }
        for c in 0..CLASSES {
            out.extend(rows.iter().map(|(_, w)| w.get(c).copied().unwrap_or(0) as u8));
        }
        out
    }

    /// Buckets that carry a weight.
    pub fn buckets_used(&self) -> usize {
        self.table.chunks_exact(CLASSES).filter(|w| w.iter().any(|v| *v != 0)).count()
    }

    /// Class probabilities for one review's features.
    pub fn predict(&self, features: &Features) -> Scores {
        softmax(logits(&self.bias, &self.dense, features, |bucket| {
            let row = self.table.get(bucket as usize * CLASSES..bucket as usize * CLASSES + CLASSES)?;
            Some(std::array::from_fn(|c| f32::from(row.get(c).copied().unwrap_or(0)) * self.step))
        }))
    }
}

/// Raw class scores, with the bucket weights looked up by `weight`.
pub fn logits(bias: &Scores, dense: &[Scores; DENSE], features: &Features, weight: impl Fn(u32) -> Option<Scores>) -> Scores {
    let mut z = *bias;
    for &bucket in &features.sparse {
        if let Some(w) = weight(bucket) {
            add(&mut z, &w, 1.0);
        }
    }
    for (x, w) in features.dense.iter().zip(dense) {
        add(&mut z, w, *x);
    }
    z
}

fn add(z: &mut Scores, w: &Scores, x: f32) {
    for (zi, wi) in z.iter_mut().zip(w) {
        *zi += wi * x;
    }
}

pub fn softmax(z: Scores) -> Scores {
    let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let e = z.map(|v| (v - max).exp());
    let sum: f32 = e.iter().sum();
    e.map(|v| v / sum)
}

/// What the model sees of a review.
#[derive(Clone, Debug, Default)]
pub struct Features {
    /// Buckets of the words and word pairs present, each once.
    pub sparse: Vec<u32>,
    pub dense: [f32; DENSE],
}

/// One part of a review (title or body) as the model reads it.
pub struct PartView<'a> {
    /// A title speaks for the whole review: its words get features of their own.
    pub title: bool,
    pub tokens: &'a [Token<'a>],
    pub reading: &'a LexiconReading,
    /// Summed weight of the complaint rules that matched.
    pub complaints: f32,
    /// The causes the rules found (weak hints are skipped): a wrong size is
    /// a 3-star complaint more often than a broken zip is.
    pub causes: &'a [Hit<Category>],
}

/// The buckets a review's features fall in, one bit each: a review's few
/// hundred buckets come out ascending and each once without sorting them.
/// Reading them back leaves the table empty, so one table serves every
/// review without clearing its 8 KB each time.
// `words` has one bit per word of `bits`: whole words of them.
const _: () = assert!(BUCKETS.is_multiple_of(64 * 64));

struct Buckets {
    bits: [u64; BUCKETS / 64],
    /// Which words of `bits` hold a bit, so reading them back skips the empty ones.
    words: [u64; BUCKETS / 64 / 64],
    /// How many inserts since the table was last read: room enough for the buckets.
    inserted: usize,
}

impl Buckets {
    const fn new() -> Self {
        Buckets { bits: [0; BUCKETS / 64], words: [0; BUCKETS / 64 / 64], inserted: 0 }
    }

    fn insert(&mut self, bucket: u32) {
        let (word, bit) = (bucket as usize / 64, 1u64 << (bucket % 64));
        self.inserted += 1;
        if let Some(w) = self.bits.get_mut(word) {
            *w |= bit;
            if let Some(s) = self.words.get_mut(word / 64) {
                *s |= 1 << (word % 64);
            }
        }
    }

    /// The buckets inserted, ascending; the table is empty again after.
    fn take_ascending(&mut self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.inserted);
        for (i, summary) in self.words.iter_mut().enumerate() {
            for word in set_bits(std::mem::take(summary)).map(|w| i * 64 + w) {
                let bits = self.bits.get_mut(word).map_or(0, std::mem::take);
                out.extend(set_bits(bits).map(|b| (word * 64 + b) as u32));
            }
        }
        self.inserted = 0;
        out
    }
}

/// The positions of the bits set in `bits`, lowest first.
fn set_bits(mut bits: u64) -> impl Iterator<Item = usize> {
    std::iter::from_fn(move || {
        let at = bits.trailing_zeros() as usize;
        bits &= bits.wrapping_sub(1);
        (at < 64).then_some(at)
    })
}

thread_local! {
    static PRESENT: std::cell::RefCell<Buckets> = const { std::cell::RefCell::new(Buckets::new()) };
}

/// FNV-1a (`fnv1a_more`) continued from several starts over the same bytes in
/// one pass, since a word's features all hash it; and whether it holds a digit.
fn fnv1a_lanes<const N: usize>(mut lanes: [u64; N], bytes: &[u8]) -> ([u64; N], bool) {
    let mut digit = false;
    for &b in bytes {
        digit |= b.is_ascii_digit();
        for h in &mut lanes {
            *h = (*h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    (lanes, digit)
}

/// Builds the model's features.
pub fn features(parts: &[PartView]) -> Features {
    PRESENT.with(|table| match table.try_borrow_mut() {
        Ok(mut present) => {
            // Left unread only if a review's features were cut short by a panic.
            if present.inserted != 0 {
                *present = Buckets::new();
            }
            features_into(parts, &mut present)
        }
        Err(_) => features_into(parts, &mut Buckets::new()),
    })
}

/// `features`, with the buckets gathered in `present` (empty, and left empty).
fn features_into(parts: &[PartView], present: &mut Buckets) -> Features {
    let mut out = Features::default();
    let emit = |kind: u64, rest: &[u8], out: &mut Buckets| out.insert(bucket_of(fnv1a_more(kind, rest)));
    let (mut compound, mut positive, mut negative, mut complaints) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    let (mut last_clause, mut contrast, mut question, mut words) = (0.0f32, 0.0f32, 0.0f32, 0usize);
    let (mut worst, mut best, mut title, mut exclaim) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    // How many clauses lean each way, the opening clause, and the half after a contrast.
    let (mut clauses, mut sour, mut warm) = (0usize, 0usize, 0usize);
    let (mut first_clause, mut after_contrast) = (None::<f32>, 0.0f32);
    let mut digits = false;
    for part in parts {
        // The word before, as the hashed start of a pair's name (`b:word `).
        let mut prev: Option<u64> = None;
        // The opening word says what kind of sentence it is: advice ("if",
        // "buy"), a story ("i", "we"), a verdict ("great", "worst").
        let mut opening = !part.title;
        // Words after a contrast ("…, but the fabric pills") carry the verdict:
        // features of their own. Clauses run in token order, so one cursor finds them.
        let mut contrasts = part.reading.clauses.iter().filter(|c| c.after_contrast).map(|c| c.tokens.clone()).peekable();
        for (i, t) in part.tokens.iter().enumerate() {
            match t.kind {
                TokenKind::Word | TokenKind::Symbol => {
                    words += 1;
                    let negated = part.reading.negated.get(i).copied().unwrap_or(false);
                    let word = t.norm.as_bytes();
                    if opening {
                        opening = false;
                        emit(OPENING, word, present);
                    }
                    while contrasts.next_if(|span| span.end <= i).is_some() {}
                    let after_contrast = contrasts.peek().is_some_and(|span| span.contains(&i));
                    let marked = if part.title {
                        Some(IN_TITLE)
                    } else if after_contrast {
                        Some(if negated { NEGATED_AFTER_CONTRAST } else { AFTER_CONTRAST })
                    } else {
                        None
                    };
                    let kind = if negated { NEGATED } else { WORD };
                    // Most words are neither in a title nor after a contrast: three lanes do.
                    let ([alone, pair_start, pair], digit) = match marked {
                        Some(marked) => {
                            let ([alone, pair_start, pair, marked_word], digit) =
                                fnv1a_lanes([kind, PAIR, prev.unwrap_or(0), marked], word);
                            present.insert(bucket_of(marked_word));
                            ([alone, pair_start, pair], digit)
                        }
                        None => fnv1a_lanes([kind, PAIR, prev.unwrap_or(0)], word),
                    };
                    digits |= digit;
                    present.insert(bucket_of(alone));
                    if prev.is_some() {
                        present.insert(bucket_of(pair));
                    }
                    prev = Some(fnv1a_more(pair_start, b" "));
                }
                TokenKind::ClauseEnd => {
                    if t.norm == "?" {
                        question = 1.0;
                    } else if t.norm == "!" {
                        exclaim = 1.0;
                    }
                    prev = None;
                }
                TokenKind::Pause => prev = None,
            }
        }
        for hit in part.causes.iter().filter(|h| !h.flags.weak) {
            emit(CAUSE, hit.label.id().as_bytes(), present);
        }
        compound += part.reading.compound;
        positive += part.reading.positive;
        negative += part.reading.negative;
        complaints += part.complaints;
        if let Some(c) = part.reading.clauses.last() {
            last_clause = (c.valence / 3.0).tanh();
        }
        if part.reading.clauses.iter().any(|c| c.after_contrast) {
            contrast = 1.0;
        }
        for c in &part.reading.clauses {
            worst = worst.min(c.valence);
            best = best.max(c.valence);
            if c.valence != 0.0 && !part.title {
                clauses += 1;
                sour += usize::from(c.valence < 0.0);
                warm += usize::from(c.valence > 0.0);
                first_clause.get_or_insert(c.valence);
            }
            if c.after_contrast {
                after_contrast += c.valence;
            }
        }
        if part.title {
            title = part.reading.compound;
        }
    }
    // The lexicon's score in bins: how far from neutral matters in steps, not a line.
    let bin = ((compound.clamp(-1.0, 1.0) + 1.0) * 4.0).round() as i32;
    // Length in steps: a one-line remark and a long review lean differently
    // at the same score (short texts are more often neutral).
    let length = match words {
        0..=6 => 0,
        7..=12 => 1,
        13..=25 => 2,
        26..=50 => 3,
        51..=100 => 4,
        _ => 5,
    };
    let digit = |n: i32| b'0' + n.clamp(0, 9) as u8;
    emit(SCORE_BIN, &[digit(bin)], present);
    emit(LENGTH, &[digit(length)], present);
    emit(SCORE_BIN, &[digit(bin), b':', digit(length)], present);
    // Figures (prices, sizes, model numbers) mark a factual statement.
    if digits {
        emit(FIGURES, b"1", present);
    }
    out.sparse = present.take_ascending();
    out.dense = [
        compound,
        (positive / 5.0).tanh(),
        (negative / 5.0).tanh(),
        last_clause,
        (complaints / 2.0).tanh(),
        contrast,
        question,
        ((words as f32) + 1.0).ln() / 5.0,
        compound.abs(),
        (positive / 5.0).tanh() * (negative / 5.0).tanh(),
        (worst / 3.0).tanh(),
        (best / 3.0).tanh(),
        title,
        exclaim,
        sour as f32 / clauses.max(1) as f32,
        warm as f32 / clauses.max(1) as f32,
        (first_clause.unwrap_or(0.0) / 3.0).tanh(),
        (after_contrast / 3.0).tanh(),
    ];
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_blob_loads_with_its_weights() {
        let model = SentimentModel::from_bytes(include_bytes!("data/sentiment_model.bin"));
        // A blob that fails to load falls back to the empty model in silence.
        let used = model.map(|m| m.buckets_used()).unwrap_or(0);
        assert!(used > 1000, "{used} weighted buckets");
    }

    #[test]
    fn a_model_survives_its_blob() {
        let mut model = SentimentModel::empty();
        model.step = 0.25;
        model.bias = [0.5, -1.0, 2.0];
        // The first and last buckets, and gaps of one, two and three LEB128 bytes.
        for (bucket, w) in [(0usize, [1i8, 0, -1]), (1, [127, -127, 3]), (200, [0, 0, 5]), (20_000, [-7, 8, 9]), (BUCKETS - 1, [4, 0, 0])] {
            model.table[bucket * CLASSES..bucket * CLASSES + CLASSES].copy_from_slice(&w);
        }
        let back = SentimentModel::from_bytes(&model.to_bytes()).map(|m| (m.step, m.bias, m.table));
        assert_eq!(back, Some((model.step, model.bias, model.table.clone())));
    }

    fn sparse_of(body: &str, title: Option<&str>) -> Vec<u32> {
        let parts: Vec<(bool, Vec<Token>)> =
            std::iter::once((false, crate::text::tokenize(body))).chain(title.map(|t| (true, crate::text::tokenize(t)))).collect();
        let readings: Vec<LexiconReading> = parts.iter().map(|(_, t)| super::super::lexicon::read(t)).collect();
        let views: Vec<PartView> = parts
            .iter()
            .zip(&readings)
            .map(|((title, tokens), reading)| PartView { title: *title, tokens, reading, complaints: 0.0, causes: &[] })
            .collect();
        features(&views).sparse
    }

    #[test]
    fn the_opening_word_and_figures_are_features_of_their_own() {
        let advice = sparse_of("if you buy one, get the 64gb model", None);
        assert!(advice.contains(&feature_bucket("f:if")));
        assert!(advice.contains(&feature_bucket("d:1")));
        assert!(!advice.contains(&feature_bucket("f:you")));
        // Only the body's opening word: a title has features of its own.
        let titled = sparse_of("works well", Some("great phone"));
        assert!(titled.contains(&feature_bucket("f:works")));
        assert!(!titled.contains(&feature_bucket("f:great")));
        assert!(!titled.contains(&feature_bucket("d:1")));
    }

    #[test]
    fn buckets_come_ascending_each_once_and_the_table_is_left_empty() {
        let text = "the fit is great, the fit is great but the zip broke after 2 days";
        let first = sparse_of(text, Some("great fit"));
        assert!(first.windows(2).all(|w| w[0] < w[1]), "{first:?}");
        assert!(first.contains(&feature_bucket("w:fit")) && first.contains(&feature_bucket("b:fit is")));
        // A second review sees none of the first's buckets unless it has them itself.
        assert_eq!(sparse_of(text, Some("great fit")), first);
        assert!(!sparse_of("ok", None).contains(&feature_bucket("w:fit")));
    }

    #[test]
    fn a_word_hashed_in_lanes_is_hashed_as_alone() {
        for word in ["", "fit", "64gb", "café"] {
            let starts = [WORD, PAIR, 0, fnv1a(b"b:runs ")];
            let (lanes, digit) = fnv1a_lanes(starts, word.as_bytes());
            assert_eq!(lanes, starts.map(|h| fnv1a_more(h, word.as_bytes())));
            assert_eq!(digit, word.contains("64"));
        }
    }

    #[test]
    fn a_cut_or_foreign_blob_is_refused() {
        let bytes = SentimentModel::empty().to_bytes();
        let mut model = SentimentModel::empty();
        model.table[3] = 9;
        let one = model.to_bytes();
        assert!(SentimentModel::from_bytes(&one[..one.len() - 1]).is_none());
        assert!(SentimentModel::from_bytes(&bytes[..bytes.len() - 1]).is_none());
        assert!(SentimentModel::from_bytes(b"RLS1").is_none());
    }
}
