//! Trains the shipped models on the development data whose licences allow it:
//! the sentiment model (`src/classify/data/sentiment_model.bin`) and the
//! clothing model (`src/classify/data/clothing_model.bin`, from the women's
//! clothing reviews we hand-labelled).
//!
//! `cargo run --profile tools --features tools --bin train` trains both;
//! `… --bin train clothing` the clothing model alone, and with `CV=1` first
//! prints its 5-fold cross-validated figures against the rules alone.

use reviewloop::classify::clothing::{ClothingModel, CATEGORIES};
use reviewloop::classify::{classify_with_models, sentiment::SHIPPED_MODEL};
use reviewloop::taxonomy::Category;
use reviewloop::tools::metrics::LabelCounts;
use reviewloop::tools::train::{
    clothing_fold, clothing_fold_models, clothing_rows, examples, train, train_clothing, training_sets, ClothingRow, ClothingSettings, Settings, CLOTHING_FOLDS,
};

fn main() {
    let only_clothing = std::env::args().nth(1).as_deref() == Some("clothing");
    let done = if only_clothing { clothing() } else { sentiment().and_then(|_| clothing()) };
    if let Err(e) = done {
        eprintln!("train: {e}");
        std::process::exit(2);
    }
}

fn sentiment() -> Result<(), String> {
    let sets = training_sets()?;
    let per_set = examples(&sets);
    let all: Vec<_> = per_set.iter().flatten().collect();
    let model = train(&all, &Settings::default());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/classify/data/sentiment_model.bin");
    std::fs::write(path, model.to_bytes()).map_err(|e| format!("cannot write {path}: {e}"))?;
    let used = model.buckets_used();
    let names: Vec<&str> = sets.iter().map(|(s, _)| s.name).collect();
    println!("wrote {path}: {used} buckets in use, from {} reviews of {}", all.len(), names.join(", "));
    Ok(())
}

fn clothing() -> Result<(), String> {
    let rows = clothing_rows()?;
    let settings = ClothingSettings::default();
    if std::env::var_os("CV").is_some() {
        cross_validate(&rows, &settings)?;
    }
    let model = train_clothing(&rows.iter().collect::<Vec<_>>(), &settings);
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/classify/data/clothing_model.bin");
    let bytes = model.to_bytes();
    std::fs::write(path, &bytes).map_err(|e| format!("cannot write {path}: {e}"))?;
    let weights: Vec<String> = model.categories.iter().map(|c| format!("{} {}", c.category.id(), c.weights.len())).collect();
    println!("wrote {path} ({} bytes): weights {}, from {} labelled clothing reviews", bytes.len(), weights.join(", "), rows.len());
    Ok(())
}

/// Each labelled review classified by a model trained without it: the rules
/// alone against the rules with the model, per category.
fn cross_validate(rows: &[ClothingRow], settings: &ClothingSettings) -> Result<(), String> {
    // Per category: the rules alone, then the rules with the model.
    let mut counts = [[LabelCounts::default(); 2]; CATEGORIES.len()];
    let models = clothing_fold_models(rows, settings);
    for row in rows {
        let model = models.get(clothing_fold(&row.key)).ok_or("no model for a fold")?;
        let read = |m: &ClothingModel| -> Result<Vec<Category>, String> {
            Ok(classify_with_models(&row.review, &SHIPPED_MODEL, m).map_err(|e| e.to_string())?.categories.iter().map(|c| c.id).collect())
        };
        for (k, got) in [read(&ClothingModel::default())?, read(model)?].iter().enumerate() {
            for (counts, category) in counts.iter_mut().zip(&CATEGORIES) {
                if let Some(n) = counts.get_mut(k) {
                    n.count(row.categories.contains(category), got.contains(category));
                }
            }
        }
    }
    println!("clothing model, {CLOTHING_FOLDS}-fold cross-validated on {} labelled clothing reviews: F1 (precision / recall)", rows.len());
    println!("{:<20} {:>8} {:>24} {:>24}", "category", "support", "rules alone", "rules and model");
    for ([rules, with_model], category) in counts.iter().zip(&CATEGORIES) {
        let cell = |n: &LabelCounts| format!("{:.3} ({:.3} / {:.3})", n.f1(), n.precision(), n.recall());
        println!("{:<20} {:>8} {:>24} {:>24}", category.id(), rules.support(), cell(rules), cell(with_model));
    }
    Ok(())
}
