//! One line of a report's input: a review (or a widget answer) with the
//! context the host knows, optionally already classified, plus the host's
//! recovery timestamps.

use serde::{Deserialize, Deserializer};

use crate::classify::{classify, Classification};
use crate::error::Error;
use crate::review::{text_or_number, Review};
use crate::taxonomy::{Category, Priority, Risk, SentimentLabel};

/// A review or answer as the report reads it: the `Review` fields
/// (`shared/spec/interfaces.md`, read in one place: `src/review.rs`) at the
/// top level, plus what only a report reads.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRecord {
    #[serde(flatten)]
    pub review: Review,
    /// The marketing campaign the order came from.
    #[serde(default)]
    pub campaign: Option<String>,
    /// The customer segment: "new", "returning", "VIP"…
    #[serde(default)]
    pub segment: Option<String>,
    /// "review" (the default) or "answer" (a post-delivery widget answer).
    #[serde(default)]
    pub kind: Option<String>,
    /// What the order was worth: the money at stake when the customer is unhappy.
    #[serde(default, deserialize_with = "number_or_text")]
    pub order_value: Option<f64>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub replied_at: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub contacted_at: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub resolved_at: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub followed_up_at: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub closed_at: Option<String>,
    /// A classification from `reviewloop classify` or `classify()`; absent, the report classifies.
    #[serde(default)]
    pub classification: Option<ClassifiedAs>,
    /// A line of `reviewloop classify` output merged into its review: the classification's fields at the top level.
    #[serde(default)]
    pub sentiment: Option<SentimentIn>,
    #[serde(default)]
    pub categories: Option<Vec<Labelled<Category>>>,
    #[serde(default)]
    pub risks: Option<Vec<Labelled<Risk>>>,
    #[serde(default)]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub needs_reply: Option<bool>,
}

/// The parts of a classification a report reads (extra fields are ignored).
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ClassifiedAs {
    pub sentiment: SentimentIn,
    #[serde(default)]
    pub categories: Vec<Labelled<Category>>,
    #[serde(default)]
    pub risks: Vec<Labelled<Risk>>,
    pub priority: Priority,
    #[serde(default)]
    pub needs_reply: bool,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct SentimentIn {
    pub label: SentimentLabel,
}

#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct Labelled<T> {
    pub id: T,
}

impl From<&Classification> for ClassifiedAs {
    fn from(c: &Classification) -> Self {
        ClassifiedAs {
            sentiment: SentimentIn { label: c.sentiment.label },
            categories: c.categories.iter().map(|l| Labelled { id: l.id }).collect(),
            risks: c.risks.iter().map(|l| Labelled { id: l.id }).collect(),
            priority: c.priority,
            needs_reply: c.needs_reply,
        }
    }
}

impl ReportRecord {
    /// The record's classification: the one it carries, or the classifier's.
    pub fn classified(&self) -> Result<ClassifiedAs, Error> {
        match self.carried() {
            Some(c) => Ok(c),
            None => Ok(ClassifiedAs::from(&classify(&self.review)?)),
        }
    }

    /// The classification the record carries, in either form.
    fn carried(&self) -> Option<ClassifiedAs> {
        if let Some(c) = &self.classification {
            return Some(c.clone());
        }
        let (Some(sentiment), Some(priority)) = (&self.sentiment, self.priority) else { return None };
        Some(ClassifiedAs {
            sentiment: sentiment.clone(),
            categories: self.categories.clone().unwrap_or_default(),
            risks: self.risks.clone().unwrap_or_default(),
            priority,
            needs_reply: self.needs_reply.unwrap_or(false),
        })
    }

    pub fn is_answer(&self) -> bool {
        self.kind.as_deref().is_some_and(|k| k.trim().eq_ignore_ascii_case("answer"))
    }
}

/// Classifies the records of JSON Lines that carry no classification, so
/// other threads can do the slow part of a report: the same lines come back,
/// each readable record without a classification with its `classification`
/// added first inside its braces (the rest of the line as it was). Every other line
/// (blank, unreadable, refused by the classifier, already classified) comes
/// back as it was, for the report to count or to refuse with its own reason.
pub fn classify_lines(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len() + text.len() / 4);
    for (i, raw) in text.split(|b| *b == b'\n').enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        match with_classification(raw) {
            Some(line) => out.extend_from_slice(&line),
            None => out.extend_from_slice(raw),
        }
    }
    out
}

fn with_classification(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.len() > super::MAX_LINE_BYTES || raw.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let record: ReportRecord = serde_json::from_slice(raw).ok()?;
    // A `"classification"` key already there (null, or not one we read) would be a repeated key: the report classifies that line itself.
    if record.carried().is_some() || raw.windows(CLASSIFICATION_KEY.len()).any(|w| w == CLASSIFICATION_KEY) {
        return None;
    }
    let c = classify(&record.review).ok()?;
    // It parsed as a record and was classified, so it is an object with a text
    // or a title: the classification goes first inside its brace, then a comma.
    let open = raw.iter().position(|b| *b == b'{')?;
    let (head, rest) = raw.split_at(open + 1);
    let mut line = Vec::with_capacity(raw.len() + 160);
    line.extend_from_slice(head);
    line.extend_from_slice(CLASSIFICATION_KEY);
    write_classification(&mut line, &ClassifiedAs::from(&c));
    line.push(b',');
    line.extend_from_slice(rest);
    Some(line)
}

const CLASSIFICATION_KEY: &[u8] = b"\"classification\":";

/// The classification as the report reads it back, written by hand: every value is one of our own ids.
fn write_classification(out: &mut Vec<u8>, c: &ClassifiedAs) {
    let ids = |out: &mut Vec<u8>, ids: &mut dyn Iterator<Item = &'static str>| {
        out.push(b'[');
        for (i, id) in ids.enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"id\":\"");
            out.extend_from_slice(id.as_bytes());
            out.extend_from_slice(b"\"}");
        }
        out.push(b']');
    };
    out.extend_from_slice(b"{\"sentiment\":{\"label\":\"");
    out.extend_from_slice(c.sentiment.label.id().as_bytes());
    out.extend_from_slice(b"\"},\"categories\":");
    ids(out, &mut c.categories.iter().map(|l| l.id.id()));
    out.extend_from_slice(b",\"risks\":");
    ids(out, &mut c.risks.iter().map(|l| l.id.id()));
    out.extend_from_slice(b",\"priority\":\"");
    out.extend_from_slice(c.priority.id().as_bytes());
    out.extend_from_slice(b"\",\"needsReply\":");
    out.extend_from_slice(if c.needs_reply { b"true" } else { b"false" });
    out.push(b'}');
}

/// Money arrives as a number or as text ("49.90", "$49.90", "49,90"); anything else is left out.
fn number_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Number(f64),
        Text(String),
    }
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => Some(n),
        Some(Value::Text(s)) => {
            let digits: String = s.trim().trim_start_matches(|c: char| !c.is_ascii_digit() && c != '-').replace(',', ".");
            digits.trim().parse().ok()
        }
        None => None,
    }
    .filter(|n: &f64| n.is_finite() && *n >= 0.0))
}
