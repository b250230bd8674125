//! Trains the sentiment model: multinomial logistic regression with AdaGrad
//! and L2, over the features `classify::sentiment::features` extracts.

use crate::classify::read_review;
use crate::classify::sentiment::{self, logits, softmax, Features, Scores, SentimentModel, BUCKETS, CLASSES, DENSE, QUANT};
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
    /// Classes are weighted by (share of the average class)^-class_power.
    pub class_power: f32,
}

/// Settings chosen by cross-validation (`evaluate`); each can be overridden
/// for experiments by an environment variable (`TRAIN_EPOCHS`, `TRAIN_RATE`, …).
fn setting(name: &str, default: f32) -> f32 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            epochs: setting("TRAIN_EPOCHS", 20.0) as usize,
            rate: setting("TRAIN_RATE", 0.05),
            l2: setting("TRAIN_L2", 1e-4),
            min_count: setting("TRAIN_MIN_COUNT", 3.0) as usize,
            prune: setting("TRAIN_PRUNE", 0.05),
            class_power: setting("TRAIN_CLASS_POWER", 0.75),
        }
    }
}

/// Extracts a review's features once.
pub fn example(review: &crate::review::Review, class: usize, weight: f32) -> Example {
    let parts = read_review(review);
    let views: Vec<_> = parts.iter().map(|p| p.view()).collect();
    Example { features: sentiment::features(&views), class, weight }
}

/// Trains on `examples` and returns the model as it ships: quantized buckets.
pub fn train(examples: &[&Example], s: &Settings) -> SentimentModel {
    let mut counts: FastMap<u32, usize> = FastMap::default();
    for e in examples {
        for b in &e.features.sparse {
            *counts.entry(*b).or_default() += 1;
        }
    }
    let mut sparse: FastMap<u32, Scores> = FastMap::default();
    let mut g2_sparse: FastMap<u32, Scores> = FastMap::default();
    for (b, n) in &counts {
        if *n >= s.min_count {
            sparse.insert(*b, [0.0; CLASSES]);
            g2_sparse.insert(*b, [1e-6; CLASSES]);
        }
    }
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
    let mut table = vec![0u8; BUCKETS * CLASSES];
    for (b, w) in sparse.iter().filter(|(_, w)| w.iter().any(|v| v.abs() >= s.prune)) {
        for (c, v) in w.iter().enumerate() {
            if let Some(slot) = table.get_mut(*b as usize * CLASSES + c) {
                *slot = ((v * QUANT).round().clamp(-127.0, 127.0) as i8) as u8;
            }
        }
    }
    SentimentModel { bias, dense, table: table.into() }
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
    Ok(vec![(womens_clothing()?, 1.0), (vader_amazon()?, 3.0), (uci_sentences()?, 2.0), (amazon_aspects()?, 1.0)])
}

/// Examples for every item, weighted by set and by class rarity so the
/// model does not learn that everything is positive.
pub fn examples(sets: &[(super::datasets::Dataset, f32)]) -> Vec<Vec<Example>> {
    let mut per_class = [0usize; CLASSES];
    for (set, _) in sets {
        for item in &set.items {
            per_class[item.class] += 1;
        }
    }
    let total: usize = per_class.iter().sum();
    let power = Settings::default().class_power;
    let class_weight: Scores =
        std::array::from_fn(|c| ((total as f32) / (CLASSES as f32 * per_class[c].max(1) as f32)).powf(power));
    sets.iter()
        .map(|(set, w)| {
            set.items
                .iter()
                .map(|item| example(&item.review, item.class, w * class_weight[item.class]))
                .collect()
        })
        .collect()
}
