//! Property test: any string classifies without a panic, a hang or a span
//! outside the text. Runs in `cargo test`; `FUZZ_CASES=200000 cargo test
//! --release --test fuzz` runs a longer campaign.

use reviewloop::classify;
use reviewloop::review::Review;

mod common;
use common::Rng;

/// Pieces that stress the tokenizer, offsets and rules: words the rules look
/// for, negators, emoji with modifiers, combining marks, other scripts,
/// control characters, the replacement character lone surrogates become.
const PIECES: &[&str] = &[
    "arrived broken", "not", "never", "refund", "still waiting for my refund", "charged me twice", "caught fire",
    "order #12345", "call 555-123-4567", "a@b.co", "runs small", "but", ".", "!", "?", ",", " ", "\n", "\t", "'", "’",
    "👍🏽", "😍", "🇬🇧", "e\u{301}", "\u{301}", "\u{200d}", "\u{fffd}", "日本語", "Доставка", "ß", "İ", "\u{0}", "\u{7f}",
    "\u{feff}", "SHOUTING", "1Z999AA10123456784", "12 Main Street", "doesn't", "can't", ":)", ":(", "(", ")", "—",
    // The clothing model's path (a garment, six words or more) and the word lists of other languages.
    "the dress is", "fabric", "sweater", "nothing like the picture", "overpriced", "ang", "je", "č",
];

fn random_text(rng: &mut Rng) -> String {
    let mut s = String::new();
    for _ in 0..rng.below(40) {
        if rng.below(4) == 0 {
            // Arbitrary scalar values, surrogates excluded by char::from_u32.
            let c = char::from_u32(rng.below(0x11_0000) as u32).unwrap_or('\u{fffd}');
            s.push(c);
        } else {
            s.push_str(PIECES[rng.below(PIECES.len())]);
        }
    }
    s
}

#[test]
fn any_text_classifies_with_spans_inside_it() {
    let cases: usize = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(3000);
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_1234_abcd_ef01);
    let mut rng = Rng(seed);
    for case in 0..cases {
        let text = random_text(&mut rng);
        let title = (rng.below(3) == 0).then(|| random_text(&mut rng));
        let review = Review { title: title.clone(), rating: Some(1.0 + rng.below(5) as f64), ..Review::from_text(text.clone()) };
        let Ok(c) = classify(&review) else { continue }; // a refusal is an answer
        let units = |s: &str| s.encode_utf16().collect::<Vec<u16>>();
        let (body, head) = (units(&text), units(title.as_deref().unwrap_or("")));
        let spans = c.categories.iter().flat_map(|l| &l.evidence).chain(c.risks.iter().flat_map(|l| &l.evidence));
        for span in spans {
            let field = if span.field.is_some() { &head } else { &body };
            assert!(span.start < span.end && span.end <= field.len(), "case {case} (seed {seed}): {span:?} in {text:?}");
            // Never half a surrogate pair.
            let slice = &field[span.start..span.end];
            assert!(String::from_utf16(slice).is_ok(), "case {case} (seed {seed}): split pair {span:?} in {text:?}");
        }
        assert!((-1.0..=1.0).contains(&c.sentiment.score));
        assert_eq!(classify(&review).ok(), Some(c), "case {case}: not deterministic");
    }
}

#[test]
fn long_repetitive_texts_keep_every_piece_of_evidence() {
    // Repetition is the worst case for quadratic code: thousands of matches,
    // each kept as evidence. (Time per KB is measured by the benchmark.)
    let text = "This broke after a day, still waiting for my refund! ".repeat(4000); // ~200 KB
    let c = classify(&Review::from_text(text)).expect("classifies");
    assert!(c.categories.iter().any(|l| l.evidence.len() >= 4000));
}

#[test]
fn any_reply_lints_and_any_review_drafts_without_a_panic() {
    use reviewloop::reply::{draft_reply, lint_reply, ReplyOptions, ReviewContext};
    let cases: usize = std::env::var("FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(3000) / 6;
    let seed: u64 = std::env::var("FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(0x5eed_1234_abcd_ef01);
    let mut rng = Rng(seed ^ 0x7e91);
    let platforms = ["generic", "amazon", "google", "trustpilot", "shopify"];
    for case in 0..cases {
        let text = random_text(&mut rng);
        let options = ReplyOptions {
            brand: (rng.below(2) == 0).then(|| random_text(&mut rng).chars().take(30).collect()),
            display_name: (rng.below(2) == 0).then(|| random_text(&mut rng).chars().take(20).collect()),
            platform: Some(platforms[rng.below(platforms.len())].into()),
            variant: Some(rng.below(7) as f64),
            ..Default::default()
        };
        let review = Review { rating: Some(1.0 + rng.below(5) as f64), product: Some(random_text(&mut rng)), ..Review::from_text(text.clone()) };
        if let Ok(draft) = draft_reply(&review, &options) {
            assert!(draft.lint.ok, "case {case} (seed {seed}): draft fails its own lint: {:?}\n{}", draft.lint.issues, draft.reply);
        }
        let Ok(settings) = options.settings() else { continue };
        let context = ReviewContext::new(review).ok();
        let result = lint_reply(&text, &settings, context.as_ref());
        let units: Vec<u16> = text.encode_utf16().collect();
        for issue in &result.issues {
            assert!(issue.start <= issue.end && issue.end <= units.len(), "case {case} (seed {seed}): {issue:?} in {text:?}");
            assert!(String::from_utf16(&units[issue.start..issue.end]).is_ok(), "case {case}: split pair {issue:?} in {text:?}");
        }
    }
}
