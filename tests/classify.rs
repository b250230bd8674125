//! Behaviour of the classifier on reviews we wrote, one case a line in
//! `tests/cases/reviews.jsonl`: the labels a merchant would expect.

use reviewloop::classify;
use reviewloop::review::Review;
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    text: String,
    #[serde(default)]
    rating: Option<f64>,
    #[serde(default)]
    sentiment: Option<String>,
    #[serde(default)]
    not_sentiment: Option<String>,
    #[serde(default)]
    categories: Option<Vec<String>>,
    #[serde(default)]
    not_categories: Vec<String>,
    #[serde(default)]
    risks: Option<Vec<String>>,
    #[serde(default)]
    priority: Option<String>,
    #[serde(default)]
    language: Option<String>,
}

fn id<T: serde::Serialize>(v: T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// `want` listed: each must be present; listed empty: none may be.
fn expect_labels(kind: &str, want: Option<&[String]>, got: &[String], wrong: &mut Vec<String>) {
    match want {
        Some([]) if !got.is_empty() => wrong.push(format!("{kind} labels {got:?} (want none)")),
        Some(want) => {
            for w in want.iter().filter(|w| !got.contains(w)) {
                wrong.push(format!("missing {kind} {w} (got {got:?})"));
            }
        }
        None => {}
    }
}

#[test]
fn reviews_get_the_labels_a_merchant_expects() {
    let mut failures = Vec::new();
    for line in include_str!("cases/reviews.jsonl").lines().filter(|l| !l.trim().is_empty()) {
        let case: Case = serde_json::from_str(line).expect("a valid case");
        let review = Review { rating: case.rating, ..Review::from_text(case.text.clone()) };
        let c = classify(&review).expect("classifies");
        let categories: Vec<String> = c.categories.iter().map(|l| id(l.id)).collect();
        let risks: Vec<String> = c.risks.iter().map(|l| id(l.id)).collect();
        let mut wrong = Vec::new();
        if let Some(s) = &case.sentiment {
            if id(c.sentiment.label) != *s {
                wrong.push(format!("sentiment {} (want {s})", id(c.sentiment.label)));
            }
        }
        if case.not_sentiment.as_deref() == Some(id(c.sentiment.label).as_str()) {
            wrong.push(format!("sentiment {}", id(c.sentiment.label)));
        }
        expect_labels("category", case.categories.as_deref(), &categories, &mut wrong);
        for n in case.not_categories.iter().filter(|n| categories.contains(n)) {
            wrong.push(format!("unwanted category {n}"));
        }
        expect_labels("risk", case.risks.as_deref(), &risks, &mut wrong);
        if let Some(p) = &case.priority {
            if id(c.priority) != *p {
                wrong.push(format!("priority {} (want {p})", id(c.priority)));
            }
        }
        if let Some(l) = &case.language {
            if c.language != *l {
                wrong.push(format!("language {} (want {l})", c.language));
            }
        }
        if !wrong.is_empty() {
            failures.push(format!("{:?}: {}", case.text, wrong.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{} cases failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn evidence_slices_to_the_words_that_triggered_it() {
    let text = "👍🏽 Love it 😍 but it arrived broken é\u{301}";
    let c = classify(&Review::from_text(text)).expect("classifies");
    let utf16: Vec<u16> = text.encode_utf16().collect();
    let damaged = c.categories.iter().find(|l| id(l.id) == "damaged_in_transit").expect("damaged_in_transit");
    let span = damaged.evidence.first().expect("evidence");
    let evidence = String::from_utf16(&utf16[span.start..span.end]).expect("whole characters");
    assert!(evidence.contains("broken"), "{evidence:?}");
}

#[test]
fn title_evidence_points_into_the_title() {
    let review = Review { title: Some("Arrived broken".into()), ..Review::from_text("Sad about this one.") };
    let c = classify(&review).expect("classifies");
    let span = c.categories.iter().flat_map(|l| &l.evidence).find(|s| s.field == Some("title")).expect("title span");
    assert_eq!(&"Arrived broken"[span.start..span.end], "Arrived broken");
}

#[test]
fn a_clear_rating_contradiction_is_flagged() {
    let review = Review { rating: Some(5.0), ..Review::from_text("Broke after a day, total junk, waste of money.") };
    assert!(classify(&review).expect("classifies").rating_mismatch);
    let review = Review { rating: Some(5.0), ..Review::from_text("Love it, perfect fit.") };
    assert!(!classify(&review).expect("classifies").rating_mismatch);
}

#[test]
fn bad_reviews_get_clear_errors() {
    use reviewloop::Error;
    assert_eq!(classify(&Review::from_text("   ")), Err(Error::EmptyText));
    let review = Review { rating: Some(6.0), ..Review::from_text("ok") };
    assert_eq!(classify(&review), Err(Error::RatingOutOfRange(6.0)));
    let huge = "a".repeat(reviewloop::review::MAX_TEXT_BYTES + 1);
    assert!(matches!(classify(&Review::from_text(huge)), Err(Error::TextTooLong { .. })));
    assert!(Error::EmptyText.to_string().contains("text"));
}
