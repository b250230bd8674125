//! The suggested private first response to an unhappy customer, from the
//! ticket's root causes (sentences in `data/first_response.tsv`).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::{Reason, RootCause};
use crate::taxonomy::Risk;

static SENTENCES: LazyLock<BTreeMap<&'static str, &'static str>> = LazyLock::new(|| {
    include_str!("data/first_response.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .skip(1) // the header
        .filter_map(|l| l.split_once('\t'))
        .collect()
});

fn sentence(key: &str) -> Option<&'static str> {
    SENTENCES.get(key).copied()
}

/// Opening, safety first, one sentence per root cause (or per unhappy answer
/// when the comment names none), the offer of help, closing.
pub fn first_response(order_id: &str, causes: &[RootCause], risks: &[Risk], reasons: &[Reason]) -> String {
    let mut parts: Vec<String> = Vec::new();
    parts.extend(sentence("opening").map(|s| s.replace("{orderId}", order_id)));
    if risks.contains(&Risk::Safety) {
        parts.extend(sentence("safety").map(str::to_string));
    }
    for cause in causes.iter().take(3) {
        parts.extend(sentence(cause.id.id()).map(str::to_string));
    }
    if causes.is_empty() {
        for reason in [Reason::NotAsExpected, Reason::DeliveryNotSmooth] {
            if reasons.contains(&reason) {
                parts.extend(sentence(reason.id()).map(str::to_string));
            }
        }
    }
    if reasons.contains(&Reason::NeedsHelp) {
        parts.extend(sentence("needs_help").map(str::to_string));
    }
    parts.extend(sentence("closing").map(str::to_string));
    parts.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::Category;

    #[test]
    fn every_root_cause_has_a_sentence() {
        for c in Category::ALL {
            assert!(sentence(c.id()).is_some(), "first_response.tsv lacks {}", c.id());
        }
        for key in ["opening", "closing", "safety", "needs_help", "not_as_expected", "delivery_not_smooth"] {
            assert!(sentence(key).is_some(), "first_response.tsv lacks {key}");
        }
    }

    #[test]
    fn names_the_order_and_each_cause() {
        let causes = [RootCause { id: Category::DamagedInTransit, confidence: 0.9 }];
        let r = first_response("A-7", &causes, &[Risk::Safety], &[Reason::NegativeComment]);
        assert!(r.starts_with("Hello, thank you for telling us how order A-7 went."), "{r}");
        assert!(r.contains("arrived damaged") && r.contains("stop using"), "{r}");
        assert!(!r.contains("{orderId}"));
    }
}
