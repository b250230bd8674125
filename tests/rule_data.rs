//! The rule files are data: this checks the data itself.

use reviewloop::classify::{Label, RULES};

#[test]
fn every_rule_loads_and_every_pattern_compiles() {
    assert_eq!(RULES.check(), Vec::<String>::new());
}

#[test]
fn every_category_and_risk_has_rules() {
    use reviewloop::taxonomy::{Category, Risk};
    for c in Category::ALL {
        assert!(RULES.labels().any(|l| l == Label::Cause(c)), "no rule for {}", c.id());
    }
    for r in Risk::ALL {
        assert!(RULES.labels().any(|l| l == Label::Risk(r)), "no rule for {}", r.id());
    }
}

#[test]
fn most_rules_are_indexed_by_their_words() {
    // A rule without anchor words runs on every review: fine for phone numbers,
    // a speed bug for anything else.
    let causes = RULES.unindexed().filter(|l| matches!(l, Label::Cause(_))).count();
    let risks = RULES.unindexed().filter(|l| matches!(l, Label::Risk(_))).count();
    assert!(causes <= 12, "root causes: {causes} rules run on every review");
    assert!(risks <= 12, "risks: {risks} rules run on every review");
}
