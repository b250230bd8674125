use super::*;
use crate::review::Review;

fn classified(label: SentimentLabel, causes: &[Category]) -> ClassifiedAs {
    ClassifiedAs {
        sentiment: SentimentIn { label },
        categories: causes.iter().map(|c| Labelled { id: *c }).collect(),
        risks: Vec::new(),
        priority: Priority::Normal,
        needs_reply: label != SentimentLabel::Positive,
    }
}

fn record(id: &str, sku: &str, date: &str, causes: &[Category]) -> ReportRecord {
    ReportRecord {
        review: Review { id: Some(id.into()), sku: Some(sku.into()), created_at: Some(date.into()), ..Review::default() },
        classification: Some(classified(if causes.is_empty() { SentimentLabel::Positive } else { SentimentLabel::Negative }, causes)),
        ..ReportRecord::default()
    }
}

#[test]
fn names_a_recurring_issue() {
    let mut p = Patterns::new(ReportOptions::default()).unwrap();
    for i in 0..7 {
        p.add(&record(&format!("r{i}"), "TEE-BLK-M", &format!("2024-05-{:02}", 1 + i * 2), &[Category::SizeFit])).unwrap();
    }
    p.add(&record("other", "MUG-01", "2024-05-14", &[Category::Quality])).unwrap();
    let s = p.summary();
    let issue = s.recurring.iter().find(|i| i.dimension == "sku").unwrap();
    assert_eq!(issue.value, "TEE-BLK-M");
    assert_eq!(issue.reviews, 7);
    assert_eq!(issue.sentence, "7 reviews of SKU TEE-BLK-M about size or fit in 14 days (to 2024-05-14)");
    assert!(s.recurring.iter().all(|i| i.value != "MUG-01"), "one review is not a pattern");
}

#[test]
fn counts_a_repeated_id_once() {
    let mut p = Patterns::new(ReportOptions::default()).unwrap();
    assert_eq!(p.add(&record("a", "X", "2024-05-01", &[Category::Quality])).unwrap(), Added::Counted);
    assert_eq!(p.add(&record(" a", "X", "2024-05-01", &[Category::Quality])).unwrap(), Added::Duplicate);
    let s = p.summary();
    assert_eq!(s.volume.reviews, 1);
    assert_eq!(s.skipped, vec![Skipped { reason: SkipReason::DuplicateId, count: 1, examples: vec![" a".into()] }]);
}

#[test]
fn undated_and_unreadable_dates_are_counted_but_said() {
    let mut p = Patterns::new(ReportOptions::default()).unwrap();
    p.add(&record("a", "X", "", &[Category::Quality])).unwrap();
    p.add(&record("b", "X", "next tuesday", &[Category::Quality])).unwrap();
    p.add(&record("c", "X", "3/4/2024", &[Category::Quality])).unwrap();
    let s = p.summary();
    assert_eq!(s.volume.reviews, 3);
    assert_eq!((s.dates.undated, s.dates.unreadable, s.dates.month_first_guesses), (1, 1, 1));
    assert_eq!(s.dates.unreadable_examples, vec!["next tuesday".to_string()]);
    assert_eq!(s.period.as_of.as_deref(), Some("2024-03-04"));
}

#[test]
fn values_past_the_cap_go_under_other() {
    let options = ReportOptions { max_values: 2, ..ReportOptions::default() };
    let mut p = Patterns::new(options).unwrap();
    for (i, sku) in ["A", "B", "C", "D"].iter().enumerate() {
        p.add(&record(&i.to_string(), sku, "2024-05-01", &[])).unwrap();
    }
    let s = p.summary();
    let skus = s.breakdowns.iter().find(|b| b.dimension == "sku").unwrap();
    assert_eq!(skus.values, 3);
    assert!(skus.items.iter().any(|i| i.value == OTHER && i.reviews == 2));
    assert_eq!(s.capped, vec!["sku"]);
}

#[test]
fn bad_options_are_refused_with_a_reason() {
    let e = Patterns::new(ReportOptions { window_days: 0, ..ReportOptions::default() }).unwrap_err();
    assert!(e.to_string().contains("windowDays"), "{e}");
    let e = Patterns::new(ReportOptions { as_of: Some("soon".into()), ..ReportOptions::default() }).unwrap_err();
    assert!(e.to_string().contains("asOf"), "{e}");
}

#[test]
fn poisson_tail_matches_known_values() {
    // P(X >= 10 | 3) = 0.0011025, P(X >= 12 | 3) = 0.0000714 (exact sums)
    assert!((poisson_tail(10, 3.0) - 0.0011025).abs() < 2e-6, "{}", poisson_tail(10, 3.0));
    assert!((poisson_tail(12, 3.0) - 0.0000714).abs() < 1e-7, "{}", poisson_tail(12, 3.0));
    assert!(poisson_tail(2000, 1000.0) < 1e-100);
    assert_eq!(poisson_tail(2, 5.0), 1.0);
}

#[test]
fn reads_json_lines_in_the_core() {
    let mut p = Patterns::new(ReportOptions::default()).unwrap();
    let text = concat!(
        r#"{"id":"a","text":"x","sku":"TEE","createdAt":"2024-05-01","rating":"2","classification":{"sentiment":{"label":"negative","score":-0.8},"categories":[{"id":"size_fit","confidence":0.9,"evidence":[{"start":0,"end":1}]}],"risks":[],"priority":"normal","needsReply":true}}"#,
        "\n\n",
        r#"{"id":"b","text":"y","sku":"TEE","createdAt":"2024-05-02","sentiment":{"label":"negative"},"categories":[{"id":"size_fit"}],"risks":[],"priority":"normal","needsReply":true,"unknown":[1,2]}"#,
        "\r\n",
        r#"{"id":"b","text":"again","sentiment":{"label":"positive"},"priority":"low"}"#,
        "\n",
        r#"{"id":"c","text":"z","rating":"five"}"#,
        "\n",
        r#"{"id":"d","text":"cut of"#,
    );
    let errors = p.add_json_lines(text.as_bytes(), 10, true);
    assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![14, 15]);
    assert!(errors[0].error.contains("the rating \"five\" is not a number"), "{}", errors[0].error);
    assert!(errors[1].error.contains("looks cut off"), "{}", errors[1].error);
    let s = p.summary();
    assert_eq!(s.volume.reviews, 2);
    assert_eq!(s.root_causes.iter().map(|c| (c.id, c.reviews)).collect::<Vec<_>>(), vec![(Category::SizeFit, 2)]);
    let reasons: Vec<(SkipReason, u64)> = s.skipped.iter().map(|k| (k.reason, k.count)).collect();
    assert_eq!(reasons, vec![(SkipReason::DuplicateId, 1), (SkipReason::Unreadable, 1), (SkipReason::CutOff, 1)]);
}

#[test]
fn lines_classified_elsewhere_count_as_if_classified_here() {
    let text = concat!(
        r#"{"id":"a","text":"The shirt shrank after one wash and the seams came apart.","sku":"TEE","createdAt":"2024-05-01","rating":2,"note":"kept"}"#,
        "\n\n",
        r#"{"id":"b","text":"Arrived two weeks late.","classification":null,"createdAt":1714608000}"#,
        "\r\n",
        r#"{"id":"c","text":"","rating":1}"#,
        "\n",
        r#"{"id":"d","text":"fine","sentiment":{"label":"positive"},"priority":"low"}"#,
        "\n",
        r#"{"id":"e","text":"broken"#,
    );
    let out = classify_lines(text.as_bytes());
    let lines: Vec<&str> = std::str::from_utf8(&out).unwrap().split('\n').collect();
    assert_eq!(lines.len(), text.split('\n').count(), "one line out for each line in");
    assert!(lines[0].starts_with(r#"{"classification":{"sentiment":{"label":"#), "{}", lines[0]);
    assert!(lines[0].ends_with(r#","id":"a","text":"The shirt shrank after one wash and the seams came apart.","sku":"TEE","createdAt":"2024-05-01","rating":2,"note":"kept"}"#), "{}", lines[0]);
    assert!(lines[0].contains(r#""categories":[{"id":"quality"}"#), "{}", lines[0]);
    assert_eq!(lines[2], "{\"id\":\"b\",\"text\":\"Arrived two weeks late.\",\"classification\":null,\"createdAt\":1714608000}\r", "a classification key already there: left to the report");
    assert_eq!(&lines[1..], &text.split('\n').collect::<Vec<_>>()[1..], "blank, refused, classified and broken lines come back as they were");

    let mut here = Patterns::new(ReportOptions::default()).unwrap();
    let mut elsewhere = Patterns::new(ReportOptions::default()).unwrap();
    let errors_here = here.add_json_lines(text.as_bytes(), 1, true);
    let errors_elsewhere = elsewhere.add_json_lines(&out, 1, true);
    assert_eq!(errors_here, errors_elsewhere);
    assert_eq!(errors_here.iter().map(|e| e.line).collect::<Vec<_>>(), vec![4, 6]);
    assert_eq!(here.summary(), elsewhere.summary());
    assert_eq!(here.summary().volume.reviews, 3);
    assert_eq!(classify_lines(b"{ }"), b"{ }".to_vec(), "no text: left to the report");
    let one = classify_lines(br#"{"text":"Cold food."}"#);
    assert!(serde_json::from_slice::<ReportRecord>(&one).unwrap().classification.is_some());
}

#[test]
fn a_classified_record_needs_no_text() {
    let mut p = Patterns::new(ReportOptions::default()).unwrap();
    let text = concat!(
        r#"{"id":"a","text":null,"kind":"answer","classification":{"sentiment":{"label":"negative"},"categories":[{"id":"delivery_delay"}],"priority":"normal"}}"#,
        "\n",
        r#"{"id":"b","rating":4,"sentiment":{"label":"positive"},"priority":"low"}"#,
        "\n",
        r#"{"id":"c","text":null}"#,
    );
    let errors = p.add_json_lines(text.as_bytes(), 1, false);
    assert_eq!(errors.len(), 1);
    assert!(errors[0].error.contains("no text"), "{}", errors[0].error);
    let s = p.summary();
    assert_eq!((s.volume.reviews, s.volume.answers), (1, 1));
}
