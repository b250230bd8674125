//! The learned reading of clothing complaints: one logistic regression a
//! category (fit, "not like the photo", price) over
//! the buckets the sentiment model already hashes, trained by
//! `src/bin/train.rs` on the women's clothing reviews we hand-labelled
//! (`tests/corpus/root_causes.tsv`, dev part). It adds a category the rules
//! missed, in reviews about clothes (`data/clothing_words.txt`) that do not
//! read as glowing: rules name the phrasings their writers saw; the model
//! weighs the words around them.

use std::sync::LazyLock;

use super::lexicon::LexiconReading;
use super::sentiment::{word_bucket, BUCKETS};
use crate::taxonomy::Category;
use crate::text::{Token, TokenKind};

/// The categories the model reads, in the blob's order. Not quality: of 45
/// quality findings it added to unlabelled reviews, read one by one, 4 were
/// plainly right and 24 wrong (praise of the fabric, a disliked design, a
/// colour unlike the photo), though it gained on our labels (README).
pub const CATEGORIES: [Category; 3] = [Category::NotAsDescribed, Category::SizeFit, Category::PriceValue];

const MAGIC: &[u8; 4] = b"RLC2";

/// Reviews shorter than this many words are left to the rules.
pub const MIN_WORDS: usize = 6;

/// One category's weights: bias, then bucket weights as i8 steps.
#[derive(Clone, Debug, PartialEq)]
pub struct CategoryWeights {
    pub category: Category,
    pub bias: f32,
    pub step: f32,
    /// Ascending by bucket.
    pub weights: Vec<(u32, i8)>,
}

impl CategoryWeights {
    fn weight(&self, bucket: u32) -> f32 {
        self.weights.binary_search_by_key(&bucket, |(b, _)| *b).map_or(0.0, |i| self.weights.get(i).map_or(0.0, |(_, w)| f32::from(*w) * self.step))
    }

    /// P(category) for a review's buckets (ascending, as `sentiment::features` gives them).
    pub fn probability(&self, sparse: &[u32]) -> f32 {
        // Both lists ascend: one walk through each.
        let (mut z, mut at) = (self.bias, 0);
        for b in sparse {
            while self.weights.get(at).is_some_and(|(w, _)| w < b) {
                at += 1;
            }
            if let Some((w, v)) = self.weights.get(at).filter(|(w, _)| w == b) {
                debug_assert_eq!(w, b);
                z += f32::from(*v) * self.step;
            }
        }
        1.0 / (1.0 + (-z).exp())
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ClothingModel {
    /// A category is added when the model gives it this much (chosen by the
    /// trainer's cross-validation; the empty model adds none).
    pub threshold: f32,
    pub categories: Vec<CategoryWeights>,
    table: WeightTable,
}

/// Every category's weights, by bucket, for reading a review in one pass
/// over its buckets: a bucket's bit says whether any category weighs it, and
/// the bits set before it say where its row is. Walking each category's
/// list beside the review's buckets was 2% of `classify`.
#[derive(Clone, Debug, Default, PartialEq)]
struct WeightTable {
    bits: Vec<u64>,
    /// Bits set in the words before each word of `bits`.
    before: Vec<u32>,
    /// A row a weighed bucket, a weight a category (0 where one does not weigh it).
    rows: Vec<f32>,
}

impl WeightTable {
    fn new(categories: &[CategoryWeights]) -> Self {
        let mut bits = vec![0u64; BUCKETS / 64];
        for (bucket, _) in categories.iter().flat_map(|c| &c.weights) {
            if let Some(word) = bits.get_mut(*bucket as usize / 64) {
                *word |= 1 << (bucket % 64);
            }
        }
        let before = bits.iter().scan(0, |count, word| Some(std::mem::replace(count, *count + word.count_ones()))).collect();
        let weighed = bits.iter().map(|w| w.count_ones() as usize).sum::<usize>();
        let mut table = WeightTable { bits, before, rows: vec![0.0; weighed * categories.len()] };
        for (k, c) in categories.iter().enumerate() {
            for (bucket, w) in &c.weights {
                if let Some(slot) = table.row(*bucket).and_then(|row| table.rows.get_mut(row * categories.len() + k)) {
                    *slot = f32::from(*w) * c.step;
                }
            }
        }
        table
    }

    /// The row of a bucket some category weighs.
    fn row(&self, bucket: u32) -> Option<usize> {
        let at = bucket as usize / 64;
        let word = *self.bits.get(at)?;
        let bit = 1u64 << (bucket % 64);
        (word & bit != 0).then(|| (self.before.get(at).copied().unwrap_or(0) + (word & (bit - 1)).count_ones()) as usize)
    }
}

pub static SHIPPED: LazyLock<ClothingModel> =
    LazyLock::new(|| ClothingModel::from_bytes(include_bytes!("data/clothing_model.bin")).unwrap_or_default());

/// Words that say a review is about clothes: the model learned from clothing
/// reviews only, and reads food or laptops wrongly ("small portions"). The
/// file keeps them in byte order (a test checks), so they are searched as read.
static CLOTHING_WORDS: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    include_str!("data/clothing_words.txt").lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect()
});

/// Whether a review's parts name a garment, a fabric or how clothes are worn.
/// Not "top": food-delivery reviews pile fees "on top", "to top it off".
pub fn about_clothes<'a>(tokens: impl IntoIterator<Item = &'a Token<'a>>) -> bool {
    let words = &*CLOTHING_WORDS;
    tokens.into_iter().any(|t| t.kind == TokenKind::Word && words.binary_search(&t.norm.as_ref()).is_ok())
}

impl ClothingModel {
    pub fn new(threshold: f32, categories: Vec<CategoryWeights>) -> Self {
        let table = WeightTable::new(&categories);
        ClothingModel { threshold, categories, table }
    }

    /// The blob `to_bytes` writes; `None` if it is cut short or damaged.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let mut rest = bytes.strip_prefix(MAGIC)?;
        let mut take = |n: usize| -> Option<&[u8]> {
            let (head, tail) = (rest.get(..n)?, rest.get(n..)?);
            rest = tail;
            Some(head)
        };
        let threshold = f32::from_le_bytes(take(4)?.try_into().ok()?);
        let count = usize::from(*take(1)?.first()?);
        let mut categories = Vec::with_capacity(count);
        for _ in 0..count {
            let category = *Category::ALL.get(usize::from(*take(1)?.first()?))?;
            let bias = f32::from_le_bytes(take(4)?.try_into().ok()?);
            let step = f32::from_le_bytes(take(4)?.try_into().ok()?);
            let n = usize::from(u16::from_le_bytes(take(2)?.try_into().ok()?));
            // Each bucket as its distance past the one before (LEB128): they
            // ascend, so most take one byte where a whole bucket takes two.
            let mut buckets = Vec::with_capacity(n);
            let mut next = 0u32;
            for _ in 0..n {
                let mut gap = 0u32;
                for shift in (0..21).step_by(7) {
                    let byte = *take(1)?.first()?;
                    gap |= u32::from(byte & 0x7f) << shift;
                    if byte < 0x80 {
                        break;
                    }
                    if shift == 14 {
                        return None;
                    }
                }
                let bucket = next.checked_add(gap).filter(|&b| (b as usize) < BUCKETS)?;
                buckets.push(bucket);
                next = bucket + 1;
            }
            let weights = take(n)?.iter().zip(buckets).map(|(w, b)| (b, *w as i8)).collect();
            categories.push(CategoryWeights { category, bias, step, weights });
        }
        rest.is_empty().then(|| ClothingModel::new(threshold, categories))
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        out.extend_from_slice(&self.threshold.to_le_bytes());
        out.push(self.categories.len() as u8);
        for c in &self.categories {
            out.push(Category::ALL.iter().position(|a| *a == c.category).unwrap_or(0) as u8);
            out.extend_from_slice(&c.bias.to_le_bytes());
            out.extend_from_slice(&c.step.to_le_bytes());
            out.extend_from_slice(&(c.weights.len() as u16).to_le_bytes());
            let mut next = 0;
            for (b, _) in &c.weights {
                let mut gap = b.saturating_sub(next);
                while gap >= 0x80 {
                    out.push((gap & 0x7f) as u8 | 0x80);
                    gap >>= 7;
                }
                out.push(gap as u8);
                next = b + 1;
            }
            out.extend(c.weights.iter().map(|(_, w)| *w as u8));
        }
        out
    }

    /// The categories the model is sure of, each with its probability.
    pub fn read(&self, sparse: &[u32]) -> Vec<(Category, f32)> {
        let n = self.categories.len();
        let mut z: Vec<f32> = self.categories.iter().map(|c| c.bias).collect();
        for row in sparse.iter().filter_map(|b| self.table.row(*b)) {
            let weights = self.table.rows.get(row * n..row * n + n).unwrap_or_default();
            for (z, w) in z.iter_mut().zip(weights) {
                *z += w;
            }
        }
        self.categories
            .iter()
            .zip(z)
            .map(|(c, z)| (c.category, 1.0 / (1.0 + (-z).exp())))
            .filter(|(_, p)| *p >= self.threshold)
            .collect()
    }

    pub fn weights_of(&self, category: Category) -> Option<&CategoryWeights> {
        self.categories.iter().find(|c| c.category == category)
    }
}

/// The evidence for a category the model added: the clause whose words
/// weigh most towards it, with that weight and its byte span in its part,
/// if any clause weighs towards it at all.
pub fn evidence(weights: &CategoryWeights, tokens: &[Token], reading: &LexiconReading) -> Option<(f32, usize, usize)> {
    let mut best: Option<(f32, usize, usize)> = None;
    for clause in &reading.clauses {
        let mut sum = 0.0;
        let (mut start, mut end) = (None, 0);
        for i in clause.tokens.clone() {
            let Some(t) = tokens.get(i).filter(|t| matches!(t.kind, TokenKind::Word | TokenKind::Symbol)) else { continue };
            let negated = reading.negated.get(i).copied().unwrap_or(false);
            sum += weights.weight(word_bucket(t.norm.as_bytes(), negated));
            start.get_or_insert(t.start);
            end = t.end;
        }
        if let Some(start) = start.filter(|_| sum > 0.0 && best.is_none_or(|(b, _, _)| sum > b)) {
            best = Some((sum, start, end));
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model() -> ClothingModel {
        ClothingModel::new(0.6, vec![CategoryWeights { category: Category::SizeFit, bias: -1.5, step: 0.05, weights: vec![(3, 40), (900, -20), (65_000, 127)] }])
    }

    #[test]
    fn a_model_survives_its_blob_and_a_damaged_blob_is_refused() {
        let m = model();
        let bytes = m.to_bytes();
        assert_eq!(ClothingModel::from_bytes(&bytes), Some(m));
        for cut in 0..bytes.len() {
            assert_eq!(ClothingModel::from_bytes(bytes.get(..cut).unwrap_or(&[])), None, "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(ClothingModel::from_bytes(&longer), None);
    }

    #[test]
    fn the_probability_adds_the_weights_of_the_buckets_present() {
        let m = model();
        let c = &m.categories[0];
        let p = |sparse: &[u32]| c.probability(sparse);
        assert!((p(&[]) - 1.0 / (1.0 + 1.5f32.exp())).abs() < 1e-6);
        // 3 and 65,000 weigh 2.0 and 6.35; 7 weighs nothing.
        let z: f32 = -1.5 + 2.0 + 6.35;
        assert!((p(&[3, 7, 65_000]) - 1.0 / (1.0 + (-z).exp())).abs() < 1e-5);
        assert!(p(&[900]) < p(&[]));
        // `read` finds each weighed bucket's row and passes over the rest.
        assert_eq!(m.read(&[3, 7, 64, 65_000]), vec![(Category::SizeFit, p(&[3, 7, 64, 65_000]))]);
        assert_eq!(m.read(&[7, 900]), vec![]);
    }

    #[test]
    fn the_shipped_model_reads_as_each_category_alone_would() {
        let m = &*SHIPPED;
        // Buckets every category weighs, some none does, the first and the last.
        let mut sparse: Vec<u32> = m.categories.iter().flat_map(|c| c.weights.iter().step_by(3).map(|(b, _)| *b)).collect();
        sparse.extend([0, 1, 777, 4_095, 65_535]);
        sparse.sort_unstable();
        sparse.dedup();
        let slow: Vec<(Category, f32)> = m.categories.iter().map(|c| (c.category, c.probability(&sparse))).collect();
        let fast = ClothingModel { threshold: 0.0, ..m.clone() }.read(&sparse);
        assert_eq!(fast, slow);
    }

    #[test]
    fn the_shipped_model_loads_every_category() {
        let got: Vec<Category> = SHIPPED.categories.iter().map(|c| c.category).collect();
        assert_eq!(got, CATEGORIES);
        assert!(SHIPPED.categories.iter().all(|c| !c.weights.is_empty()));
    }

    #[test]
    fn the_clothing_words_are_in_byte_order_each_once() {
        assert!(CLOTHING_WORDS.windows(2).all(|w| w[0] < w[1]), "sort data/clothing_words.txt (LC_ALL=C sort -u)");
        assert!(CLOTHING_WORDS.len() > 20);
    }

    #[test]
    fn clothes_are_told_from_food() {
        let words = |text: &str| about_clothes(&crate::text::tokenize(text));
        assert!(words("The dress runs small in the bust"));
        assert!(words("Love the fabric"));
        assert!(!words("The portions were small and the fries cold"));
        assert!(!words("The laptop screen is too small"));
        assert!(!words("Fees piled on top of the delivery price"));
        assert!(!words("Top of the line headphones, too small for my ears"));
        assert!(words("The top of the dress is tight"));
    }
}
