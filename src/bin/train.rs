//! Trains the shipped sentiment model on the development sets whose licences
//! allow it and writes `src/classify/data/sentiment_model.tsv`.
//!
//! `cargo run --profile tools --features tools --bin train`

use reviewloop::classify::sentiment::FeatureMap;
use reviewloop::tools::train::{examples, train, training_sets, write_model, Settings};

fn main() {
    let sets = match training_sets() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("train: {e}");
            std::process::exit(2);
        }
    };
    let mut names = FeatureMap::default();
    let per_set = examples(&sets, Some(&mut names));
    let all: Vec<_> = per_set.iter().flatten().collect();
    let model = train(&all, &Settings::default());
    let header = format!(
        "# Sentiment model weights: feature, then negative, neutral, positive.\n\
         # Written by `src/bin/train.rs` from {} reviews of: {}.\n\
         # w: word, n: word after a negator, b: word pair, @: bias and dense features.\n",
        all.len(),
        sets.iter().map(|(s, _)| s.name).collect::<Vec<_>>().join(", ")
    );
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/classify/data/sentiment_model.tsv");
    if let Err(e) = std::fs::write(path, write_model(&model, &names, &header)) {
        eprintln!("train: cannot write {path}: {e}");
        std::process::exit(2);
    }
    println!("wrote {path}: {} features from {} reviews", model.sparse.len(), all.len());
}
