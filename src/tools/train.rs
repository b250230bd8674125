//! Trains the sentiment model: multinomial logistic regression with AdaGrad
//! and L2, over the features `classify::sentiment::features` extracts.

use crate::classify::read_review;
use crate::classify::sentiment::{self, FeatureMap, Features, Scores, SentimentModel, CLASSES, DENSE, DENSE_NAMES};

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
    /// Weights smaller than this (in every class) are dropped from the file.
    pub prune: f32,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { epochs: 10, rate: 0.2, l2: 2e-5, min_count: 5, prune: 0.25 }
    }
}

/// Extracts a review's features once; `names` collects feature names.
pub fn example(review: &crate::review::Review, class: usize, weight: f32, names: Option<&mut FeatureMap<String>>) -> Example {
    let parts = read_review(review);
    let views: Vec<_> = parts.iter().map(|p| sentiment::PartView {
        tokens: &p.tokens,
        reading: &p.reading,
        complaints: p.causes.iter().filter(|h| !h.flags.weak).map(|h| h.weight).sum(),
    }).collect();
    Example { features: sentiment::features(&views, names), class, weight }
}

pub fn train(examples: &[&Example], s: &Settings) -> SentimentModel {
    let mut counts: FeatureMap<usize> = FeatureMap::default();
    for e in examples {
        for h in &e.features.sparse {
            *counts.entry(*h).or_default() += 1;
        }
    }
    let mut model = SentimentModel::default();
    let mut g2_sparse: FeatureMap<Scores> = FeatureMap::default();
    for (h, n) in &counts {
        if *n >= s.min_count {
            model.sparse.insert(*h, [0.0; CLASSES]);
            g2_sparse.insert(*h, [1e-6; CLASSES]);
        }
    }
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
            let p = model.predict(&e.features);
            let grad: Scores = std::array::from_fn(|c| e.weight * (p[c] - f32::from(u8::from(c == e.class))));
            step(&mut model.bias, &mut g2_bias, &grad, 1.0, s.rate, 0.0);
            for (d, x) in e.features.dense.iter().enumerate() {
                step(&mut model.dense[d], &mut g2_dense[d], &grad, *x, s.rate, s.l2);
            }
            for h in &e.features.sparse {
                if let (Some(w), Some(g2)) = (model.sparse.get_mut(h), g2_sparse.get_mut(h)) {
                    step(w, g2, &grad, 1.0, s.rate, s.l2);
                }
            }
        }
    }
    model.sparse.retain(|_, w| w.iter().any(|v| v.abs() >= s.prune));
    model
}

fn step(w: &mut Scores, g2: &mut Scores, grad: &Scores, x: f32, rate: f32, l2: f32) {
    for c in 0..CLASSES {
        let g = grad[c] * x + l2 * w[c];
        g2[c] += g * g;
        w[c] -= rate * g / g2[c].sqrt();
    }
}

/// The model file, readable and diffable: see `SentimentModel::parse`.
pub fn write_model(model: &SentimentModel, names: &FeatureMap<String>, header: &str) -> String {
    let mut out = String::from(header);
    let fmt = |w: &Scores| w.iter().map(|v| format!("{:.3}", v)).collect::<Vec<_>>().join("\t");
    out.push_str(&format!("@bias\t{}\n", fmt(&model.bias)));
    for (name, w) in DENSE_NAMES.iter().zip(&model.dense) {
        out.push_str(&format!("@{name}\t{}\n", fmt(w)));
    }
    let mut rows: Vec<(&String, &Scores)> =
        model.sparse.iter().filter_map(|(h, w)| names.get(h).map(|n| (n, w))).collect();
    rows.sort_by(|a, b| a.0.cmp(b.0));
    for (name, w) in rows {
        out.push_str(&format!("{name}\t{}\n", fmt(w)));
    }
    out
}

/// The sets the shipped model learns from: those whose licences allow shipping
/// derived weights (`shared/data/README.md`), each with a weight.
pub fn training_sets() -> Result<Vec<(super::datasets::Dataset, f32)>, String> {
    use super::datasets::*;
    Ok(vec![(womens_clothing()?, 1.0), (vader_amazon()?, 2.0), (uci_sentences()?, 2.0), (amazon_aspects()?, 1.0)])
}

/// Examples for every item, weighted by set and by class rarity so the
/// model does not learn that everything is positive.
pub fn examples(sets: &[(super::datasets::Dataset, f32)], mut names: Option<&mut FeatureMap<String>>) -> Vec<Vec<Example>> {
    let mut per_class = [0usize; CLASSES];
    for (set, _) in sets {
        for item in &set.items {
            per_class[item.class] += 1;
        }
    }
    let total: usize = per_class.iter().sum();
    let class_weight: Scores =
        std::array::from_fn(|c| ((total as f32) / (CLASSES as f32 * per_class[c].max(1) as f32)).sqrt());
    sets.iter()
        .map(|(set, w)| {
            set.items
                .iter()
                .map(|item| example(&item.review, item.class, w * class_weight[item.class], names.as_deref_mut()))
                .collect()
        })
        .collect()
}
