//! Classifying a review: sentiment, root causes, risk flags, priority, and
//! the evidence behind each label (`shared/spec/taxonomy.md`).

pub mod clothing;
mod front_coding;
pub mod lexicon;
pub mod rules;
pub mod sentiment;

use std::sync::LazyLock;

use serde::Serialize;

use crate::error::Error;
use crate::review::Review;
use crate::taxonomy::{Category, Priority, Risk, SentimentLabel};
use crate::text::{detect_language_in, tokenize, Token, TokenKind, Utf16Offsets};
use lexicon::LexiconReading;
use rules::{Hit, RuleBook};
use clothing::ClothingModel;
use sentiment::{Features, PartView, SentimentModel, SHIPPED_MODEL};

/// What a rule raises: a root cause or a risk flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Label {
    Cause(Category),
    Risk(Risk),
}

/// Both rule files as build.rs writes them (comments dropped, a line a
/// branch) with their one index: a review's words are looked up once for both.
pub static RULES: LazyLock<RuleBook<Label>> = LazyLock::new(|| rule_book(RULE_INDEX));

/// The index build.rs writes for the rule files (empty in the widget's
/// `compact-index` build).
pub const RULE_INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/rules.index"));

/// The rule files, in the order build.rs numbers their rules, with an index
/// (`RULE_INDEX`, or none: each pinned rule tried at every word).
pub fn rule_book(index: &'static [u8]) -> RuleBook<Label> {
    let files = [
        include_str!(concat!(env!("OUT_DIR"), "/root_causes.rules")),
        include_str!(concat!(env!("OUT_DIR"), "/risks.rules")),
    ];
    RuleBook::load(&files, index, |file, name| match file {
        0 => Category::from_id(name).map(Label::Cause),
        _ => Risk::from_id(name).map(Label::Risk),
    })
}

/// A model probability this high overrides the other half of a mixed review.
const CLEAR: f32 = 0.75;
/// A complaint tips a hesitant reading to negative when the model gives
/// negative at least this much (chosen by cross-validation, `make evaluate`).
const LEANS_NEGATIVE: f32 = 0.2;
/// The same when the review also praises: the complaint must weigh more.
const OUTWEIGHS_PRAISE: f32 = 0.35;
/// A clause this warm (summed valence) is real praise.
const PRAISE: f32 = 1.5;
/// The model under-calls negative: its P(negative) counts this much more when
/// the label is decided (cross-validated, `DUMP=1 make evaluate`).
const NEGATIVE_PRIOR: f32 = 1.2;
/// A model this unsure (no class reaches it) about a text that faults
/// nothing reads a remark, not a verdict: neutral.
const UNSURE: f32 = 0.45;

/// What the classifier says about one review.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Classification {
    pub id: Option<String>,
    pub language: String,
    pub sentiment: Sentiment,
    pub rating_mismatch: bool,
    pub categories: Vec<CategoryLabel>,
    pub risks: Vec<RiskLabel>,
    pub priority: Priority,
    pub needs_reply: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Sentiment {
    pub label: SentimentLabel,
    /// -1 (most negative) to 1 (most positive).
    pub score: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryLabel {
    pub id: Category,
    pub confidence: f64,
    pub evidence: Vec<Span>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RiskLabel {
    pub id: Risk,
    pub evidence: Vec<Span>,
}

/// Where evidence lies: UTF-16 offsets, so `text.slice(start, end)` in
/// JavaScript is the evidence. Spans in the title say so in `field`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
}

/// One part of a review (body or title), read once and shared by every stage.
pub struct Part<'a> {
    pub field: Option<&'static str>,
    pub text: &'a str,
    /// The text in ASCII lower case (same byte offsets).
    pub lower: String,
    pub tokens: Vec<Token<'a>>,
    pub reading: LexiconReading,
    pub causes: Vec<Hit<Category>>,
    pub risks: Vec<Hit<Risk>>,
}

impl<'a> Part<'a> {
    fn read(text: &'a str, field: Option<&'static str>) -> Self {
        let lower = text.to_ascii_lowercase(); // keeps byte offsets
        let tokens = tokenize(text);
        let reading = lexicon::read(&tokens);
        let (mut causes, mut risks) = (Vec::new(), Vec::new());
        for hit in RULES.hits(text, &lower, &tokens, &reading) {
            match hit.label {
                Label::Cause(c) => causes.push(hit.relabel(c)),
                Label::Risk(r) => risks.push(hit.relabel(r)),
            }
        }
        let causes = outranked_removed(causes);
        Part { field, text, lower, tokens, reading, causes, risks }
    }

    /// What the sentiment model reads of this part.
    pub fn view(&self) -> PartView<'_> {
        PartView {
            title: self.field.is_some(),
            tokens: &self.tokens,
            reading: &self.reading,
            complaints: self.causes.iter().filter(|h| !h.flags.weak).map(|h| h.weight).sum(),
            causes: &self.causes,
        }
    }
}

/// Drops a match that lies inside a longer match of another category at least
/// as sure: "broken" (quality) inside "arrived broken" (damaged in transit),
/// "still waiting for my" (delivery) inside "still waiting for my refund".
/// A quality match that shares words with a damage-in-transit match goes
/// too: "the lid was cracked" in "the lid was cracked on arrival" is how it
/// came, not how it was made.
fn outranked_removed(mut hits: Vec<Hit<Category>>) -> Vec<Hit<Category>> {
    hits.sort_by_key(|h| h.start);
    let longest = hits.iter().map(|h| h.end - h.start).max().unwrap_or(0);
    let outranked = |h: &Hit<Category>| {
        // Only matches starting at most `longest` bytes before can contain it.
        let from = hits.partition_point(|o| o.start + longest < h.start);
        hits.get(from..).unwrap_or(&[]).iter().take_while(|o| o.start <= h.start).any(|o| {
            o.label != h.label && o.weight >= h.weight && h.end <= o.end && o.end - o.start > h.end - h.start
        })
    };
    let how_it_came = |h: &Hit<Category>| {
        h.label == Category::Quality
            && hits.iter().any(|o| o.label == Category::DamagedInTransit && o.start < h.end && h.start < o.end)
    };
    let keep: Vec<bool> = hits.iter().map(|h| !outranked(h) && !how_it_came(h)).collect();
    hits.into_iter().zip(keep).filter_map(|(h, k)| k.then_some(h)).collect()
}

/// Reads a review into its parts: the body, then the title when there is one.
pub fn read_review(review: &Review) -> Vec<Part<'_>> {
    let mut parts = vec![Part::read(&review.text, None)];
    if let Some(title) = review.title.as_deref().filter(|t| !t.trim().is_empty()) {
        parts.push(Part::read(title, Some("title")));
    }
    parts
}

/// Classifies one review with the shipped model.
pub fn classify(review: &Review) -> Result<Classification, Error> {
    classify_with(review, &SHIPPED_MODEL)
}

/// Classifies one review with a given sentiment model (evaluation trains its own).
pub fn classify_with(review: &Review, model: &SentimentModel) -> Result<Classification, Error> {
    classify_with_models(review, model, &clothing::SHIPPED)
}

/// Classifies one review with given sentiment and clothing models (the
/// trainer's cross-validation scores its own clothing models).
pub fn classify_with_models(review: &Review, model: &SentimentModel, clothing: &ClothingModel) -> Result<Classification, Error> {
    review.validate()?;
    let parts = read_review(review);
    let language = match review.language.as_deref().map(str::trim).filter(|l| !l.is_empty()) {
        Some(given) => given.to_ascii_lowercase(),
        None => {
            // Each part read with its own tokens: no joined text, no copied tokens.
            let texts: Vec<(&str, &[Token])> = parts.iter().map(|p| (p.text, p.tokens.as_slice())).collect();
            detect_language_in(&texts).to_string()
        }
    };
    let english = language == "en" || language.starts_with("en-");

    let risks = risks(&parts, english);
    // Read once, for the sentiment model and the clothing model.
    let features = english.then(|| sentiment::features(&parts.iter().map(Part::view).collect::<Vec<_>>()));
    let mut sentiment = match &features {
        Some(features) => decide_sentiment(&inputs_from(&parts, model, features)),
        None => sentiment_from_rating(review.rating),
    };
    // Someone hurt, a lawsuit, a scam or a lost customer is never good news,
    // however warmly it is worded ("love how it caught fire" is sarcasm).
    if risks.iter().any(|(r, _, _)| *r != Risk::PersonalData) {
        let praise = has_praise(&parts);
        sentiment.label = match sentiment.label {
            SentimentLabel::Positive | SentimentLabel::Neutral if praise => SentimentLabel::Mixed,
            SentimentLabel::Positive | SentimentLabel::Neutral => SentimentLabel::Negative,
            other => other,
        };
        sentiment.score = positive_zero(sentiment.score.min(0.0));
    }
    let rating_mismatch = review.rating.is_some_and(|r| {
        (r >= 4.0 && sentiment.label == SentimentLabel::Negative && sentiment.score <= -0.4)
            || (r <= 2.0 && sentiment.label == SentimentLabel::Positive && sentiment.score >= 0.4)
    });

    let mut categories = if english { categories(&parts, sentiment) } else { Vec::new() };
    if let Some(features) = &features {
        add_clothing_categories(&mut categories, &parts, features, sentiment, clothing);
    }
    let not_received = parts.iter().flat_map(|p| &p.causes).any(|h| h.flags.not_received);
    let priority = priority(sentiment.label, &categories, &risks, not_received);
    let needs_reply = matches!(sentiment.label, SentimentLabel::Negative | SentimentLabel::Mixed)
        || risks.iter().any(|(r, _, _)| *r != Risk::PersonalData)
        || (sentiment.label == SentimentLabel::Neutral && review.text.contains('?'));

    Ok(Classification {
        id: review.id.clone(),
        language,
        sentiment,
        rating_mismatch,
        categories: to_utf16(review, categories),
        risks: to_utf16(review, risks),
        priority,
        needs_reply,
    })
}

/// What the sentiment label is decided from: the model's probabilities and
/// what the lexicon and the rules found. Public so evaluation can study the
/// decision apart from the model.
#[derive(Clone, Copy, Debug)]
pub struct SentimentInputs {
    /// Negative, neutral, positive.
    pub probs: [f32; 3],
    pub compound: f32,
    pub praise: bool,
    pub complaint: bool,
    pub contrasted: bool,
    pub question: bool,
    pub sarcastic: bool,
}

pub fn sentiment_inputs(parts: &[Part], model: &SentimentModel) -> SentimentInputs {
    let views: Vec<PartView> = parts.iter().map(Part::view).collect();
    inputs_from(parts, model, &sentiment::features(&views))
}

fn inputs_from(parts: &[Part], model: &SentimentModel, features: &Features) -> SentimentInputs {
    let probs = model.predict(features);
    let compound: f32 = parts.iter().map(|p| p.reading.compound).sum::<f32>().clamp(-1.0, 1.0);
    let praise = has_praise(parts);
    let named_complaint = parts.iter().any(|p| p.causes.iter().any(|h| !h.flags.weak));
    let complaint = named_complaint || parts.iter().flat_map(|p| &p.reading.clauses).any(|c| c.valence <= -1.0);
    // "Love the dress, but it came a week late": the product praised, the
    // service faulted, on either side of a contrast.
    let service_complaint = parts.iter().flat_map(|p| &p.causes).any(|h| !h.flags.weak && h.label.is_service());
    let contrasted = praise
        && service_complaint
        && parts.iter().flat_map(|p| &p.reading.clauses).any(|c| c.after_contrast);
    // A plain question with no feeling in it ("does it come in blue?").
    let question = parts.first().is_some_and(|p| p.text.trim_end().ends_with('?'))
        && !complaint
        && parts.iter().all(|p| p.reading.compound.abs() < 0.3);
    // "Thanks for nothing", "love how it fell apart": warm words, sour meaning.
    let lex = &*lexicon::LEXICON;
    // The parts that may hold a phrase, scanned once for both checks below.
    let maybe: Vec<&Part> = parts.iter().filter(|p| lex.may_be_sarcastic(&p.lower)).collect();
    let parts_sarcastic = || maybe.iter().copied();
    let said = |phrases: &[String]| parts_sarcastic().any(|p| phrases.iter().any(|s| p.lower.contains(s.as_str())));
    // "love how" is sarcasm only with the complaint right after it.
    let said_of_complaint = parts_sarcastic().any(|p| {
        lex.sarcasm_if_complaint.iter().any(|s| {
            p.lower.match_indices(s.as_str()).any(|(at, _)| {
                p.causes.iter().any(|h| !h.flags.weak && h.start >= at && h.start <= at + s.len() + 30)
            })
        })
    });
    let sarcastic = said(&lex.sarcasm) || said_of_complaint;
    SentimentInputs { probs, compound, praise, complaint, contrasted, question, sarcastic }
}

pub fn decide_sentiment(i: &SentimentInputs) -> Sentiment {
    let [neg, neu, pos] = i.probs;
    let SentimentInputs { compound, praise, complaint, contrasted, question, sarcastic, .. } = *i;
    // The model's lean, nudged by the lexicon, which reads negation well.
    let score = round2((0.75 * (pos - neg) + 0.25 * compound).clamp(-1.0, 1.0));
    let neg = neg * NEGATIVE_PRIOR;
    // The lexicon reads it as warm ("not bad at all") and nothing is faulted.
    let reads_positive = !complaint && compound >= 0.3;
    // Mixed needs both halves present and neither side clear-cut.
    let label = if sarcastic {
        SentimentLabel::Negative
    } else if question {
        SentimentLabel::Neutral
    } else if neg >= neu && neg >= pos && !(reads_positive && neg < CLEAR) {
        let mixed = contrasted || (praise && pos >= 0.1 && neg < CLEAR);
        if mixed { SentimentLabel::Mixed } else { SentimentLabel::Negative }
    } else if pos >= neu {
        if complaint && pos < CLEAR && neg > 0.15 { SentimentLabel::Mixed } else { SentimentLabel::Positive }
    } else if complaint && !contrasted && neg > pos && neg > if praise { OUTWEIGHS_PRAISE } else { LEANS_NEGATIVE } {
        // The model hesitates, but leans to the complaint: an unhappy customer
        // ("bought this only to have it break within a month"), even one who
        // liked the colour.
        SentimentLabel::Negative
    } else if praise && complaint {
        SentimentLabel::Mixed
    } else {
        SentimentLabel::Neutral
    };
    let unsure = i.probs.iter().all(|p| *p < UNSURE) && !complaint && !sarcastic;
    let label = match label {
        SentimentLabel::Positive | SentimentLabel::Negative if unsure => SentimentLabel::Neutral,
        other => other,
    };
    let score = if sarcastic { -score.abs() } else { score };
    Sentiment { label, score: positive_zero(score) }
}

/// A score that rounds to zero from below is -0.0, which JSON cannot carry: a
/// Worker's answer (through JSON) and the Node API's would differ.
fn positive_zero(score: f64) -> f64 {
    if score == 0.0 { 0.0 } else { score }
}

/// A clause warm enough to be real praise, anywhere in the review.
fn has_praise(parts: &[Part]) -> bool {
    parts.iter().flat_map(|p| &p.reading.clauses).any(|c| c.valence >= PRAISE)
}

/// Outside English the text is not read for feelings: the stars speak.
fn sentiment_from_rating(rating: Option<f64>) -> Sentiment {
    match rating {
        Some(r) => {
            let score = ((r - 3.0) / 2.0).clamp(-1.0, 1.0);
            let label = if r < 2.5 {
                SentimentLabel::Negative
            } else if r < 3.5 {
                SentimentLabel::Neutral
            } else {
                SentimentLabel::Positive
            };
            Sentiment { label, score }
        }
        None => Sentiment { label: SentimentLabel::Neutral, score: 0.0 },
    }
}

/// Evidence spans in bytes, grouped per label, before UTF-16 conversion.
type Grouped<L> = Vec<(L, f32, Vec<(Option<&'static str>, usize, usize)>)>;

fn group<L: Copy + PartialEq + Ord>(parts: &[Part], hits: impl Fn(&Part) -> Vec<Hit<L>>) -> Grouped<L> {
    let mut out: Grouped<L> = Vec::new();
    for part in parts {
        for h in hits(part) {
            let span = (part.field, h.start, h.end);
            match out.iter_mut().find(|(l, _, _)| *l == h.label) {
                Some((_, miss, spans)) => {
                    *miss *= 1.0 - h.weight;
                    spans.push(span);
                }
                None => out.push((h.label, 1.0 - h.weight, vec![span])),
            }
        }
    }
    for (_, _, spans) in &mut out {
        spans.sort_unstable();
        // Overlapping matches of one label are one piece of evidence.
        spans.dedup_by(|next, kept| {
            let overlap = next.0 == kept.0 && next.1 < kept.2;
            if overlap {
                kept.2 = kept.2.max(next.2);
            }
            overlap
        });
    }
    out.sort_by_key(|a| a.0);
    out
}

fn categories(parts: &[Part], sentiment: Sentiment) -> Grouped<Category> {
    group(parts, |p| p.causes.clone())
        .into_iter()
        .map(|(c, miss, spans)| (c, 1.0 - miss, spans))
        // A glowing review's passing remark is not a complaint.
        .filter(|(_, confidence, _)| sentiment.label != SentimentLabel::Positive || *confidence >= 0.7 || sentiment.score < 0.5)
        .collect()
}

/// The clothing model's categories the rules missed, in a review about
/// clothes that does not read as glowing, each with the clause that weighs
/// most towards it as evidence (`clothing.rs`).
fn add_clothing_categories(found: &mut Grouped<Category>, parts: &[Part], features: &Features, sentiment: Sentiment, model: &ClothingModel) {
    let tokens = || parts.iter().flat_map(|p| &p.tokens);
    // A few words carry too little for a model ("It's a shirt." is no price complaint).
    let too_short = || tokens().filter(|t| t.kind == TokenKind::Word).count() < clothing::MIN_WORDS;
    if sentiment.label == SentimentLabel::Positive || too_short() || !clothing::about_clothes(tokens()) {
        return;
    }
    for (category, p) in model.read(&features.sparse) {
        if found.iter().any(|(c, _, _)| *c == category) {
            continue;
        }
        let Some(weights) = model.weights_of(category) else { continue };
        let weighed = parts.iter().filter_map(|part| {
            clothing::evidence(weights, &part.tokens, &part.reading).map(|(weight, start, end)| (weight, (part.field, start, end)))
        });
        if let Some((_, span)) = weighed.max_by(|a, b| a.0.total_cmp(&b.0)) {
            // In category order, as `group` leaves them (no second sort to ship).
            let at = found.partition_point(|(c, _, _)| *c < category);
            found.insert(at, (category, p, vec![span]));
        }
    }
}

fn risks(parts: &[Part], english: bool) -> Grouped<Risk> {
    group(parts, |p| p.risks.iter().filter(|h| english || h.label == Risk::PersonalData).copied().collect())
}

fn priority(label: SentimentLabel, categories: &Grouped<Category>, risks: &Grouped<Risk>, not_received: bool) -> Priority {
    if risks.iter().any(|(r, _, _)| r.is_urgent()) {
        return Priority::Urgent;
    }
    let at_stake = categories.iter().any(|(c, _, _)| {
        matches!(c, Category::Refund | Category::Billing | Category::WrongOrMissingItem | Category::DamagedInTransit)
            || (*c == Category::DeliveryDelay && not_received)
    });
    match label {
        SentimentLabel::Negative if at_stake => Priority::High,
        SentimentLabel::Negative | SentimentLabel::Mixed => Priority::Normal,
        SentimentLabel::Neutral | SentimentLabel::Positive => Priority::Low,
    }
}

/// Two decimals are all a confidence or a score means.
fn round2(x: f32) -> f64 {
    (f64::from(x) * 100.0).round() / 100.0
}

/// Labels whose evidence is converted to UTF-16 offsets of their own field.
trait FromGrouped<L> {
    fn from_grouped(label: L, confidence: f32, evidence: Vec<Span>) -> Self;
}
impl FromGrouped<Category> for CategoryLabel {
    fn from_grouped(id: Category, confidence: f32, evidence: Vec<Span>) -> Self {
        CategoryLabel { id, confidence: round2(confidence), evidence }
    }
}
impl FromGrouped<Risk> for RiskLabel {
    fn from_grouped(id: Risk, _: f32, evidence: Vec<Span>) -> Self {
        RiskLabel { id, evidence }
    }
}

fn to_utf16<L, T: FromGrouped<L>>(review: &Review, grouped: Grouped<L>) -> Vec<T> {
    let body = Utf16Offsets::new(&review.text);
    let title = review.title.as_deref().map(Utf16Offsets::new);
    grouped
        .into_iter()
        .map(|(label, confidence, spans)| {
            let evidence = spans
                .into_iter()
                .map(|(field, start, end)| {
                    let map = if field.is_some() { title.as_ref().unwrap_or(&body) } else { &body };
                    Span { start: map.utf16(start), end: map.utf16(end), field }
                })
                .collect();
            T::from_grouped(label, confidence, evidence)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inputs(probs: [f32; 3], complaint: bool) -> SentimentInputs {
        SentimentInputs { probs, compound: 0.0, praise: false, complaint, contrasted: false, question: false, sarcastic: false }
    }

    #[test]
    fn an_unsure_model_on_a_text_that_faults_nothing_reads_neutral() {
        // No class reaches UNSURE: a remark, not a verdict.
        assert_eq!(decide_sentiment(&inputs([0.40, 0.25, 0.35], false)).label, SentimentLabel::Neutral);
        assert_eq!(decide_sentiment(&inputs([0.30, 0.26, 0.44], false)).label, SentimentLabel::Neutral);
        // A named complaint keeps the lean; a sure model keeps its class.
        assert_eq!(decide_sentiment(&inputs([0.40, 0.25, 0.35], true)).label, SentimentLabel::Negative);
        assert_eq!(decide_sentiment(&inputs([0.25, 0.25, 0.50], false)).label, SentimentLabel::Positive);
        // The score is the model's lean all the same.
        assert!(decide_sentiment(&inputs([0.40, 0.25, 0.35], false)).score < 0.0);
    }

    #[test]
    fn a_score_that_rounds_to_zero_is_plain_zero() {
        // 0.75 × (0.333 - 0.334) rounds to -0.0 before it is made plain.
        for sarcastic in [false, true] {
            let score = decide_sentiment(&SentimentInputs { sarcastic, ..inputs([0.334, 0.333, 0.333], false) }).score;
            assert!(score == 0.0 && score.is_sign_positive(), "{score:?}");
        }
    }

    #[test]
    fn the_negative_probability_counts_more_when_a_complaint_is_weighed() {
        // P(negative) 0.13 is 0.156 after NEGATIVE_PRIOR: past the 0.15 that makes
        // a complaint in a warm review mixed.
        assert_eq!(decide_sentiment(&inputs([0.13, 0.27, 0.60], true)).label, SentimentLabel::Mixed);
        assert_eq!(decide_sentiment(&inputs([0.12, 0.28, 0.60], true)).label, SentimentLabel::Positive);
    }
}
