//! The drafter on real unhappy reviews from `../shared/data`, judged by rules
//! written here, independent of the linter: is each reply compliant, does it
//! name the customer's issue, apologise and give the private channel, and do
//! different problems get different replies? Prints the figures
//! (`make evaluate`); fails on any non-compliant reply or a reply reused for
//! another problem, and below a floor on naming the issue.

use std::collections::{BTreeSet, HashMap};

use regex::bytes::{Regex, RegexBuilder};
use reviewloop::reply::{draft_reply, ReplyOptions};
use reviewloop::review::Review;
use reviewloop::tools::datasets::{data_dir, parse_csv};

const SUPPORT: &str = "care@shop.example";

/// Real unhappy reviews: 1-2 star clothing reviews and 1-star food-delivery app reviews.
fn unhappy_reviews() -> Vec<(String, Review)> {
    let mut out = Vec::new();
    // The stars are context a merchant has: pass them.
    let path = data_dir().join("womens_clothing/reviews_dev.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let unhappy = parse_csv(&text).into_iter().skip(1).filter_map(|r| {
        let (id, title, body, rating) = (r.first()?, r.get(3)?, r.get(4)?, r.get(5)?.parse::<f64>().ok()?);
        (rating <= 2.0 && !body.trim().is_empty()).then(|| Review {
            id: Some(id.clone()),
            title: (!title.trim().is_empty()).then(|| title.clone()),
            rating: Some(rating),
            ..Review::from_text(body.clone())
        })
    });
    out.extend(unhappy.take(250).map(|r| ("womens_clothing".to_string(), r)));
    let path = data_dir().join("grubhub_llm_labelled/reviews_15000_gemini_labels.csv");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    for (n, row) in parse_csv(&text).into_iter().skip(1).step_by(97).take(100).enumerate() {
        if let Some(body) = row.get(1).filter(|b| b.split_whitespace().count() >= 4) {
            // Every review in this set gave one star.
            out.push(("grubhub".to_string(), Review { id: Some(format!("grubhub-{n}")), rating: Some(1.0), ..Review::from_text(body.clone()) }));
        }
    }
    out
}

fn re(pattern: &str) -> Regex {
    RegexBuilder::new(pattern).case_insensitive(true).unicode(false).build().unwrap_or_else(|e| panic!("{pattern}: {e}"))
}

/// What a compliant public reply never contains (compliance.md), as this test reads it.
fn violations(reply: &str, escalated: bool) -> Vec<&'static str> {
    let without_support = reply.replace(SUPPORT, "");
    let mut found = Vec::new();
    let checks: &[(&str, &str)] = &[
        ("asks to change the review", r"(remov|delet|edit|chang|updat|revis|reconsider|rais)\w*[^.!?]{0,40}\b(review|rating|stars?)\b"),
        ("offers an incentive", r"\b(offer|give|send|get|receive|enjoy|here('s| is))\w*\b[^.!?]{0,30}\b(coupon|discount|voucher|gift card|% off|promo|store credit|free gift|code)\b"),
        ("personal data: long number", r"\d{4,}"),
        ("personal data: email", r"@"),
        ("link", r"https?://|www\."),
        ("threat or accusation", r"\b(lawyer|legal|defam\w*|sue|court|fake|liar|lying|competitor|libel|slander)\b"),
        ("blame", r"\b(carrier|courier|usps|fedex|dhl|warehouse|our policy|you should|your fault|not our fault)\b"),
        ("boilerplate", r"\binconvenience\b"),
        ("marketing", r"\b(new collection|check out our|follow us|newsletter|shop now)\b"),
    ];
    for (what, pattern) in checks {
        if re(pattern).is_match(without_support.as_bytes()) {
            found.push(*what);
        }
    }
    if escalated && re(r"\b(fault|liab\w*|responsib\w*|compensat\w*|refund|replacement|reimburs\w*)\b").is_match(reply.as_bytes()) {
        found.push("liability or compensation on an escalation");
    }
    if reply.chars().count() >= 900 {
        found.push("900 characters or more");
    }
    found
}

/// Topics a complaint can be about, with the words that say so in a review
/// and in a reply: a reply names the issue when it shares a topic with the review.
const TOPICS: &[(&str, &str)] = &[
    ("fit", r"\b(fit|fits|fitting|size|sizes|sizing|small|smaller|large|larger|big|bigger|tight|loose|baggy|boxy|huge|tiny|petite|long|short|length|shoulders?|waist|bust|hips?)\b"),
    ("fabric and quality", r"\b(fabric|material|quality|thin|cheap|flimsy|broke|broken|stitch\w*|seams?|tore|torn|holes?|wash\w*|pill\w*|itchy|scratchy|see[- ]through|sheer|lining|shrank|shrunk|shrink\w*|shed\w*|fuzz\w*|fell apart|defect\w*)\b"),
    ("colour", r"\b(colou?rs?|shade)\b"),
    ("look", r"\b(look|looks|looked|unflattering|ugly|frumpy|style|cut|pattern|print|design|shape|shapeless)\b"),
    ("listing", r"\b(pictures?|photos?|pictured|described|description|listing|advertised|online|model)\b"),
    ("delivery", r"\b(late|delay\w*|eta|deliver\w*|arriv\w*|shipping|shipped|wait\w*|driver|took \w+ (hours?|minutes|days|weeks)|never came|lost|tracking|on time|cold|reach\w*)\b"),
    ("order accuracy", r"\b(wrong|missing|forgot|incorrect|left out|instead)\b"),
    ("refund", r"\b(refund\w*|money back|reimburs\w*)\b"),
    ("billing", r"\b(charg\w*|billed|payment|card|paid|pay)\b"),
    ("support", r"\b(support|customer service|service|agent|reply|respond\w*|answer\w*|contact\w*|help)\b"),
    ("price", r"\b(price|pric\w*|expensive|fees?|cost\w*|worth|value|money)\b"),
    ("app", r"\b(app|website|site|log ?in|account|crash\w*|glitch\w*|bug\w*|update)\b"),
    ("food", r"\b(food|meal|restaurant|eat)\b"),
];

fn topics(text: &str) -> BTreeSet<&'static str> {
    TOPICS.iter().filter(|(_, p)| re(p).is_match(text.as_bytes())).map(|(t, _)| *t).collect()
}

#[test]
fn drafts_for_real_unhappy_reviews() {
    let reviews = unhappy_reviews();
    assert!(reviews.len() >= 300, "only {} reviews", reviews.len());
    let options = ReplyOptions { brand: Some("Shop".into()), support: Some(SUPPORT.into()), ..Default::default() };
    let (mut compliant, mut named, mut with_topic, mut apologised, mut private) = (0, 0, 0, 0, 0);
    let mut misses: Vec<String> = Vec::new();
    let mut bad: Vec<String> = Vec::new();
    // The same reply text for reviews with different root causes.
    let mut by_reply: HashMap<String, BTreeSet<String>> = HashMap::new();
    for (source, review) in &reviews {
        let draft = draft_reply(review, &options).unwrap_or_else(|e| panic!("{source} {:?}: {e}", review.id));
        let reply = &draft.reply;
        let broken = violations(reply, draft.escalated);
        if broken.is_empty() && draft.lint.ok {
            compliant += 1;
        } else {
            bad.push(format!("{source} {:?}: {broken:?} lint ok {}\n{reply}", review.id, draft.lint.ok));
        }
        let review_topics = topics(&format!("{} {}", review.title.as_deref().unwrap_or(""), review.text));
        if !review_topics.is_empty() {
            with_topic += 1;
            // The issue is named where the reply apologises, not in the
            // fixed words around it ("with your order details", "help").
            let apology: String = reply.split_inclusive(['.', '!', '?']).filter(|s| re(r"\b(sorry|apolog\w*)\b").is_match(s.as_bytes())).collect();
            if !review_topics.is_disjoint(&topics(&apology)) {
                named += 1;
            } else {
                misses.push(format!("{review_topics:?} | {} | {}", review.text.chars().take(160).collect::<String>(), reply.replace('\n', " ")));
            }
        }
        if re(r"\b(sorry|apolog\w*)\b").is_match(reply.as_bytes()) || draft.escalated {
            apologised += 1;
        }
        if reply.contains(SUPPORT) {
            private += 1;
        }
        // The surest root cause is the problem a reply is about.
        let causes = reviewloop::classify(review)
            .map(|c| {
                let surest = c.categories.iter().max_by(|a, b| a.confidence.total_cmp(&b.confidence));
                format!("{:?}", surest.map(|l| l.id))
            })
            .unwrap_or_default();
        by_reply.entry(reply.clone()).or_default().insert(causes);
    }
    let n = reviews.len();
    let reused: Vec<_> = by_reply.iter().filter(|(_, causes)| causes.len() > 1).collect();
    let pct = |k: usize, of: usize| 100.0 * k as f64 / of.max(1) as f64;
    println!("replies drafted for real unhappy reviews: {n} ({} clothing, {} food delivery)", reviews.iter().filter(|(s, _)| s == "womens_clothing").count(), reviews.iter().filter(|(s, _)| s == "grubhub").count());
    println!("  compliant (this test's rules and the linter): {compliant}/{n} = {:.1}% (target 100%)", pct(compliant, n));
    println!("  name the issue (share a topic with the review): {named}/{with_topic} = {:.1}% (target >= 95%; {} reviews name no topic this test knows)", pct(named, with_topic), n - with_topic);
    println!("  apologise (or escalate): {apologised}/{n} = {:.1}%", pct(apologised, n));
    println!("  give the private channel: {private}/{n} = {:.1}%", pct(private, n));
    println!("  distinct replies: {} for {n} reviews; replies reused for a different main root cause: {}", by_reply.len(), reused.len());
    if std::env::var_os("VERBOSE").is_some() {
        for m in &misses {
            println!("  MISS {m}");
        }
        for (reply, causes) in &reused {
            println!("  REUSED {causes:?}: {}", reply.replace('\n', " "));
        }
    }
    assert!(bad.is_empty(), "{} replies not compliant:\n{}", bad.len(), bad.iter().take(5).cloned().collect::<Vec<_>>().join("\n\n"));
    // Naming is a measured figure (target 95%, printed above); this floor
    // only catches a regression.
    assert!(pct(named, with_topic) >= 90.0, "{} of {with_topic} replies miss the issue; first:\n{}", with_topic - named, misses.iter().take(8).cloned().collect::<Vec<_>>().join("\n"));
    assert!(reused.is_empty(), "the same reply for different root causes: {reused:?}");
    assert_eq!(private, n, "every reply gives the private channel");
}
