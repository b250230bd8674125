//! The rule files are data: this checks the data itself.

use reviewloop::classify::{RISKS, ROOT_CAUSES};

#[test]
fn every_rule_loads_and_every_pattern_compiles() {
    assert_eq!(ROOT_CAUSES.check(), Vec::<String>::new());
    assert_eq!(RISKS.check(), Vec::<String>::new());
}

#[test]
fn every_category_and_risk_has_rules() {
    use reviewloop::taxonomy::{Category, Risk};
    for c in Category::ALL {
        assert!(ROOT_CAUSES.labels().any(|l| l == c), "no rule for {}", c.id());
    }
    for r in Risk::ALL {
        assert!(RISKS.labels().any(|l| l == r), "no rule for {}", r.id());
    }
}

#[test]
fn most_rules_are_indexed_by_their_words() {
    // A rule without anchor words runs on every review: fine for phone numbers,
    // a speed bug for anything else.
    for (name, book) in [("root causes", ROOT_CAUSES.unindexed()), ("risks", RISKS.unindexed())] {
        assert!(book <= 12, "{name}: {book} rules run on every review");
    }
}
