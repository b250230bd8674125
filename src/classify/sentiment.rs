//! The sentiment model: a multinomial logistic regression over words, word
//! pairs (with negation marked) and the lexicon's reading. The weights are
//! data (`data/sentiment_model.tsv`), trained by `src/bin/train.rs` on the
//! development sets whose licences allow shipping derived weights.

use std::sync::LazyLock;

use super::lexicon::{data_lines, LexiconReading};
use crate::fast_hash::FastMap;
use crate::text::{Token, TokenKind};

/// Negative, neutral, positive.
pub const CLASSES: usize = 3;
pub type Scores = [f32; CLASSES];

/// Names of the dense features, in order; the model file refers to them by name.
pub const DENSE_NAMES: [&str; 8] =
    ["compound", "positive", "negative", "last_clause", "complaints", "contrast", "question", "length"];
pub const DENSE: usize = DENSE_NAMES.len();

/// Maps keyed by feature hashes.
pub type FeatureMap<V> = FastMap<u64, V>;

/// FNV-1a: feature names are hashed, never stored at run time.
pub fn feature_hash(name: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in name.as_bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[derive(Clone, Default)]
pub struct SentimentModel {
    pub sparse: FeatureMap<Scores>,
    pub dense: [Scores; DENSE],
    pub bias: Scores,
}

pub static SHIPPED_MODEL: LazyLock<SentimentModel> =
    LazyLock::new(|| SentimentModel::parse(include_str!("data/sentiment_model.tsv")));

impl SentimentModel {
    /// Reads the model file: `name <TAB> negative <TAB> neutral <TAB> positive`;
    /// `@bias` and `@<dense name>` lines carry the bias and dense weights.
    pub fn parse(file: &str) -> Self {
        let mut model = SentimentModel::default();
        for line in data_lines(file) {
            let mut cols = line.split('\t');
            let name = cols.next().unwrap_or("");
            let mut w = [0.0f32; CLASSES];
            for slot in &mut w {
                *slot = cols.next().and_then(|c| c.parse().ok()).unwrap_or(0.0);
            }
            if let Some(dense) = name.strip_prefix('@') {
                if dense == "bias" {
                    model.bias = w;
                } else if let Some(i) = DENSE_NAMES.iter().position(|n| *n == dense) {
                    if let Some(slot) = model.dense.get_mut(i) {
                        *slot = w;
                    }
                }
            } else {
                model.sparse.insert(feature_hash(name), w);
            }
        }
        model
    }

    /// Class probabilities for one review's features.
    pub fn predict(&self, features: &Features) -> Scores {
        let mut z = self.bias;
        for h in &features.sparse {
            if let Some(w) = self.sparse.get(h) {
                add(&mut z, w, 1.0);
            }
        }
        for (x, w) in features.dense.iter().zip(&self.dense) {
            add(&mut z, w, *x);
        }
        softmax(z)
    }
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
    /// Hashes of the words and word pairs present, each once.
    pub sparse: Vec<u64>,
    pub dense: [f32; DENSE],
}

/// One part of a review (title or body) as the model reads it.
pub struct PartView<'a> {
    pub tokens: &'a [Token],
    pub reading: &'a LexiconReading,
    /// Summed weight of the complaint rules that matched.
    pub complaints: f32,
}

/// Builds the model's features; `names`, when given, receives each sparse
/// feature's name (the trainer writes them to the model file).
pub fn features(parts: &[PartView], mut names: Option<&mut FeatureMap<String>>) -> Features {
    let mut out = Features::default();
    let mut buf = String::with_capacity(32);
    let mut emit = |buf: &str, out: &mut Features| {
        let h = feature_hash(buf);
        out.sparse.push(h);
        if let Some(names) = names.as_deref_mut() {
            names.entry(h).or_insert_with(|| buf.to_string());
        }
    };
    let (mut compound, mut positive, mut negative, mut complaints) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
    let (mut last_clause, mut contrast, mut question, mut words) = (0.0f32, 0.0f32, 0.0f32, 0usize);
    for part in parts {
        let mut prev: Option<&str> = None;
        for (i, t) in part.tokens.iter().enumerate() {
            match t.kind {
                TokenKind::Word | TokenKind::Symbol => {
                    words += 1;
                    let negated = part.reading.negated.get(i).copied().unwrap_or(false);
                    buf.clear();
                    buf.push_str(if negated { "n:" } else { "w:" });
                    buf.push_str(&t.norm);
                    emit(&buf, &mut out);
                    if let Some(p) = prev {
                        buf.clear();
                        buf.push_str("b:");
                        buf.push_str(p);
                        buf.push(' ');
                        buf.push_str(&t.norm);
                        emit(&buf, &mut out);
                    }
                    prev = Some(&t.norm);
                }
                TokenKind::ClauseEnd => {
                    if t.norm == "?" {
                        question = 1.0;
                    }
                    prev = None;
                }
                TokenKind::Pause => prev = None,
            }
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
    }
    out.sparse.sort_unstable();
    out.sparse.dedup();
    out.dense = [
        compound,
        (positive / 5.0).tanh(),
        (negative / 5.0).tanh(),
        last_clause,
        (complaints / 2.0).tanh(),
        contrast,
        question,
        ((words as f32) + 1.0).ln() / 5.0,
    ];
    out
}
