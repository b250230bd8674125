//! Trains the sentiment model: multinomial logistic regression with AdaGrad
//! and L2, over the features `classify::sentiment::features` extracts.

use crate::classify::read_review;
use crate::classify::sentiment::{self, logits, softmax, Features, Scores, SentimentModel, BUCKETS, CLASSES, DENSE};
use crate::fast_hash::FastMap;

/// A review reduced to what the trainer needs.
pub struct Example {
    pub features: Features,
    pub class: usize,
    pub weight: f32,
}

pub struct Settings {
    pub epochs: usize,
    pub rate: f32,
    pub l2: f32,
    /// Features seen in fewer training reviews are left out.
    pub min_count: usize,
    /// Weights smaller than this (in every class) are dropped from the table.
    pub prune: f32,
    /// Classes are weighted within each set by (share of the average class)^-class_power:
    /// 0.8, not full balance (1.0), so a set's rare class does not pull the others'
    /// borderline texts to it (cross-validated: 0.6-0.85 beat 1.0 on the clothing,
    /// unhappy-customer and UCI figures; VADER's moves 0.646-0.653 among them).
    pub class_power: f32,
    /// Only this many buckets (the strongest weights) ship; the model is then
    /// trained again on them alone, so the kept weights absorb what the
    /// dropped ones carried.
    pub keep: usize,
    /// Bucket weights are stored as i8 steps of 1/quant.
    pub quant: f32,
}

/// Settings chosen by cross-validation (`evaluate`); each can be overridden
/// for experiments by an environment variable (`TRAIN_EPOCHS`, `TRAIN_RATE`, …).
fn setting(name: &str, default: f32) -> f32 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            epochs: setting("TRAIN_EPOCHS", 30.0) as usize,
            rate: setting("TRAIN_RATE", 0.02),
            l2: setting("TRAIN_L2", 1e-4),
            min_count: setting("TRAIN_MIN_COUNT", 3.0) as usize,
            prune: setting("TRAIN_PRUNE", 0.05),
            class_power: setting("TRAIN_CLASS_POWER", 0.8),
            keep: setting("TRAIN_KEEP", 9000.0) as usize,
            quant: setting("TRAIN_QUANT", 12.0),
        }
    }
}

/// Extracts a review's features once.
pub fn example(review: &crate::review::Review, class: usize, weight: f32) -> Example {
    let parts = read_review(review);
    let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    Example { features: sentiment::features(&views), class, weight }
}

/// Trains on `examples` and returns the model as it ships: the strongest
/// buckets, quantized.
pub fn train(examples: &[&Example], s: &Settings) -> SentimentModel {
    let mut counts: FastMap<u32, usize> = FastMap::default();
    let mut weighted: FastMap<u32, f32> = FastMap::default();
    for e in examples {
        for b in &e.features.sparse {
            *counts.entry(*b).or_default() += 1;
            *weighted.entry(*b).or_default() += e.weight;
        }
    }
    let seen: Vec<u32> = counts.iter().filter(|(_, n)| **n >= s.min_count).map(|(b, _)| *b).collect();
    let (_, _, first) = fit(examples, &seen, s);
    let strength = |w: &Scores| w.iter().fold(0.0f32, |m, v| m.max(v.abs()));
    let mut ranked: Vec<(u32, f32)> =
        first.iter().filter(|(_, w)| strength(w) >= s.prune).map(|(b, w)| {
            // A bucket's worth: its weight times the training reviews it speaks
            // in (ranking by weight alone keeps rare, overfitted words), each
            // review counted at its training weight, so the VADER sentences'
            // words are not crowded out by the far more numerous clothing reviews'.
            (*b, strength(w) * weighted.get(b).copied().unwrap_or(0.0))
        }).collect();
    // Strongest first; ties by bucket so the result does not depend on hashing order.
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    ranked.truncate(s.keep);
    let kept: Vec<u32> = ranked.iter().map(|(b, _)| *b).collect();
    let (bias, dense, sparse) = fit(examples, &kept, s);
    let mut table = vec![0i8; BUCKETS * CLASSES];
    for (b, w) in &sparse {
        for (c, v) in w.iter().enumerate() {
            if let Some(slot) = table.get_mut(*b as usize * CLASSES + c) {
                *slot = (v * s.quant).round().clamp(-127.0, 127.0) as i8;
            }
        }
    }
    SentimentModel { bias, dense, step: 1.0 / s.quant, table }
}

type Fitted = (Scores, [Scores; DENSE], FastMap<u32, Scores>);

/// AdaGrad over the examples, with bucket weights only for `buckets`.
fn fit(examples: &[&Example], buckets: &[u32], s: &Settings) -> Fitted {
    let mut sparse: FastMap<u32, Scores> = buckets.iter().map(|b| (*b, [0.0; CLASSES])).collect();
    let mut g2_sparse: FastMap<u32, Scores> = buckets.iter().map(|b| (*b, [1e-6; CLASSES])).collect();
    let (mut bias, mut dense) = ([0.0f32; CLASSES], [[0.0f32; CLASSES]; DENSE]);
    let mut g2_dense = [[1e-6f32; CLASSES]; DENSE];
    let mut g2_bias = [1e-6f32; CLASSES];
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for _ in 0..s.epochs {
        for i in (1..order.len()).rev() {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            order.swap(i, (seed % (i as u64 + 1)) as usize);
        }
        for &i in &order {
            let e = examples[i];
            let p = softmax(logits(&bias, &dense, &e.features, |b| sparse.get(&b).copied()));
            let grad: Scores = std::array::from_fn(|c| e.weight * (p[c] - f32::from(u8::from(c == e.class))));
            step(&mut bias, &mut g2_bias, &grad, 1.0, s.rate, 0.0);
            for (d, x) in e.features.dense.iter().enumerate() {
                step(&mut dense[d], &mut g2_dense[d], &grad, *x, s.rate, s.l2);
            }
            for b in &e.features.sparse {
                if let (Some(w), Some(g2)) = (sparse.get_mut(b), g2_sparse.get_mut(b)) {
                    step(w, g2, &grad, 1.0, s.rate, s.l2);
                }
            }
        }
    }
    (bias, dense, sparse)
}

fn step(w: &mut Scores, g2: &mut Scores, grad: &Scores, x: f32, rate: f32, l2: f32) {
    for c in 0..CLASSES {
        let g = grad[c] * x + l2 * w[c];
        g2[c] += g * g;
        w[c] -= rate * g / g2[c].sqrt();
    }
}

/// The sets the shipped model learns from: those whose licences allow shipping
/// derived weights (`shared/data/README.md`), each with a weight.
pub fn training_sets() -> Result<Vec<(super::datasets::Dataset, f32)>, String> {
    use super::datasets::*;
    Ok(vec![
        (womens_clothing()?, setting("TRAIN_W_WOMENS", 1.0)),
        (vader_amazon()?, setting("TRAIN_W_VADER", 6.0)),
        (uci_sentences()?, setting("TRAIN_W_UCI", 2.0)),
        (amazon_aspects()?, setting("TRAIN_W_ASPECTS", 1.0)),
    ])
}

/// Examples for every item, weighted by set and by class rarity so the
/// model does not learn that everything is positive.
pub fn examples(sets: &[(super::datasets::Dataset, f32)]) -> Vec<Vec<Example>> {
    let power = Settings::default().class_power;
    let weights = |items: &[&super::datasets::Labelled]| -> Scores {
        let mut per_class = [0usize; CLASSES];
        for item in items {
            per_class[item.class] += 1;
        }
        let total: usize = per_class.iter().sum();
        let present = per_class.iter().filter(|n| **n > 0).count().max(1);
        std::array::from_fn(|c| ((total as f32) / (present as f32 * per_class[c].max(1) as f32)).powf(power))
    };
    sets.iter()
        .map(|(set, w)| {
            // Within each set: pooled, the clothing reviews' many positives
            // would set every set's balance.
            let class_weight = weights(&set.items.iter().collect::<Vec<_>>());
            set.items
                .iter()
                .map(|item| example(&item.review, item.class, w * class_weight[item.class]))
                .collect()
        })
        .collect()
}
