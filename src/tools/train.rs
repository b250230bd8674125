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

/// A Fisher-Yates shuffle driven by xorshift64: the same order on every
/// machine for the same seed, so a retrained model is the same bytes.
fn shuffle(order: &mut [usize], seed: &mut u64) {
    for i in (1..order.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        order.swap(i, (*seed % (i as u64 + 1)) as usize);
    }
}

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
        shuffle(&mut order, &mut seed);
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

/// How the clothing model is trained (`train clothing`); each can be
/// overridden for experiments (`CLOTHING_KEEP`, …).
pub struct ClothingSettings {
    pub epochs: usize,
    pub rate: f32,
    pub l2: f32,
    /// Buckets seen in fewer labelled reviews are left out.
    pub min_count: usize,
    /// Only this many buckets a category ship (the strongest), retrained alone.
    pub keep: usize,
    /// A category is added at this probability.
    pub threshold: f32,
}

impl Default for ClothingSettings {
    fn default() -> Self {
        ClothingSettings {
            epochs: setting("CLOTHING_EPOCHS", 30.0) as usize,
            rate: setting("CLOTHING_RATE", 0.05),
            l2: setting("CLOTHING_L2", 1e-3),
            min_count: setting("CLOTHING_MIN_COUNT", 3.0) as usize,
            keep: setting("CLOTHING_KEEP", 400.0) as usize,
            threshold: setting("CLOTHING_THRESHOLD", 0.55),
        }
    }
}

/// A labelled clothing review, read once.
pub struct ClothingRow {
    /// `source#ref`, which also fixes the row's cross-validation fold.
    pub key: String,
    pub review: crate::review::Review,
    pub features: Features,
    pub categories: Vec<crate::taxonomy::Category>,
}

/// The women's clothing reviews of `tests/corpus/root_causes.tsv`'s dev part
/// (our labels; the held-out part is never trained on), with their features.
pub fn clothing_rows() -> Result<Vec<ClothingRow>, String> {
    use crate::taxonomy::Category;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus/root_causes.tsv");
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {path}: {e}"))?;
    let mut index = super::datasets::SourceIndex::new();
    let mut rows = Vec::new();
    for line in text.lines().skip(1) {
        let [source, reference, labels, part] = line.split('\t').collect::<Vec<_>>()[..] else { continue };
        if part != "dev" || !source.starts_with("womens_clothing/") {
            continue;
        }
        let review = index.review(source, reference)?;
        let categories = labels
            .split(',')
            .filter(|l| *l != "-")
            .map(|l| Category::from_id(l).ok_or_else(|| format!("{source}#{reference}: no category {l:?}")))
            .collect::<Result<Vec<_>, _>>()?;
        let features = example(&review, 0, 1.0).features;
        rows.push(ClothingRow { key: format!("{source}#{reference}"), review, features, categories });
    }
    Ok(rows)
}

/// The clothing model's cross-validation folds.
pub const CLOTHING_FOLDS: usize = 5;

/// Which fold a labelled row (`source#ref`) is in, by its reference alone, so
/// the trainer and `evaluate` hold out the same rows and adding rows moves none.
pub fn clothing_fold(key: &str) -> usize {
    (crate::fast_hash::fnv1a(key.as_bytes()) % CLOTHING_FOLDS as u64) as usize
}

/// Clothing models each trained without one fold of the rows (`clothing_fold`):
/// a labelled row is read by the model that never saw it.
pub fn clothing_fold_models(rows: &[ClothingRow], s: &ClothingSettings) -> Vec<crate::classify::clothing::ClothingModel> {
    (0..CLOTHING_FOLDS)
        .map(|fold| train_clothing(&rows.iter().filter(|r| clothing_fold(&r.key) != fold).collect::<Vec<_>>(), s))
        .collect()
}

/// One logistic regression a category of `clothing::CATEGORIES`, as it ships:
/// the strongest buckets, retrained alone, in i8 steps.
pub fn train_clothing(rows: &[&ClothingRow], s: &ClothingSettings) -> crate::classify::clothing::ClothingModel {
    use crate::classify::clothing::{CategoryWeights, ClothingModel, CATEGORIES};
    let mut counts: FastMap<u32, usize> = FastMap::default();
    for r in rows {
        for b in &r.features.sparse {
            *counts.entry(*b).or_default() += 1;
        }
    }
    let mut seen: Vec<u32> = counts.iter().filter(|(_, n)| **n >= s.min_count).map(|(b, _)| *b).collect();
    seen.sort_unstable();
    let categories = CATEGORIES
        .iter()
        .map(|&category| {
            let labels: Vec<bool> = rows.iter().map(|r| r.categories.contains(&category)).collect();
            let (_, first) = fit_binary(rows, &labels, &seen, s);
            // A bucket's worth: its weight times the reviews it speaks in; ties by bucket.
            let mut ranked: Vec<(u32, f32)> =
                first.iter().map(|(b, w)| (*b, w.abs() * counts.get(b).copied().unwrap_or(0) as f32)).collect();
            ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
            ranked.truncate(s.keep);
            let mut kept: Vec<u32> = ranked.iter().map(|(b, _)| *b).collect();
            kept.sort_unstable();
            let (bias, weights) = fit_binary(rows, &labels, &kept, s);
            let largest = weights.values().fold(0.0f32, |m, w| m.max(w.abs())).max(1e-6);
            let step = largest / 127.0;
            let mut weights: Vec<(u32, i8)> =
                weights.iter().map(|(b, w)| (*b, (w / step).round().clamp(-127.0, 127.0) as i8)).filter(|(_, w)| *w != 0).collect();
            weights.sort_unstable();
            CategoryWeights { category, bias, step, weights }
        })
        .collect();
    ClothingModel::new(s.threshold, categories)
}

/// AdaGrad for a binary logistic regression over `buckets` (ascending).
fn fit_binary(rows: &[&ClothingRow], labels: &[bool], buckets: &[u32], s: &ClothingSettings) -> (f32, FastMap<u32, f32>) {
    let mut w: FastMap<u32, f32> = buckets.iter().map(|b| (*b, 0.0)).collect();
    let mut g2: FastMap<u32, f32> = buckets.iter().map(|b| (*b, 1e-6)).collect();
    let (mut bias, mut g2_bias) = (0.0f32, 1e-6f32);
    let mut order: Vec<usize> = (0..rows.len()).collect();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for _ in 0..s.epochs {
        shuffle(&mut order, &mut seed);
        for &i in &order {
            let (Some(row), Some(&label)) = (rows.get(i), labels.get(i)) else { continue };
            let z = bias + row.features.sparse.iter().filter_map(|b| w.get(b)).sum::<f32>();
            let grad = 1.0 / (1.0 + (-z).exp()) - f32::from(u8::from(label));
            g2_bias += grad * grad;
            bias -= s.rate * grad / g2_bias.sqrt();
            for b in &row.features.sparse {
                if let (Some(wb), Some(gb)) = (w.get_mut(b), g2.get_mut(b)) {
                    let g = grad + s.l2 * *wb;
                    *gb += g * g;
                    *wb -= s.rate * g / gb.sqrt();
                }
            }
        }
    }
    (bias, w)
}
