//! Trains the shipped sentiment model on the development sets whose licences
//! allow it and writes `src/classify/data/sentiment_model.bin`.
//!
//! `cargo run --profile tools --features tools --bin train`

use reviewloop::tools::train::{examples, train, training_sets, Settings};

fn main() {
    let sets = match training_sets() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("train: {e}");
            std::process::exit(2);
        }
    };
    let per_set = examples(&sets);
    let all: Vec<_> = per_set.iter().flatten().collect();
    let model = train(&all, &Settings::default());
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/src/classify/data/sentiment_model.bin");
    if let Err(e) = std::fs::write(path, model.to_bytes()) {
        eprintln!("train: cannot write {path}: {e}");
        std::process::exit(2);
    }
    let used = model.buckets_used();
    let names: Vec<&str> = sets.iter().map(|(s, _)| s.name).collect();
    println!("wrote {path}: {used} buckets in use, from {} reviews of {}", all.len(), names.join(", "));
}
