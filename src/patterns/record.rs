//! One line of a report's input: a review (or a widget answer) with the
//! context the host knows, optionally already classified, plus the host's
//! recovery timestamps.

use serde::{Deserialize, Deserializer};

use crate::classify::{classify, Classification};
use crate::error::Error;
use crate::review::{id_as_string, Review};
use crate::taxonomy::{Category, Priority, Risk, SentimentLabel};

/// A review or answer as the report reads it. Field names are those of
/// `Review` (`shared/spec/interfaces.md`) plus the report's own.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportRecord {
    #[serde(default, deserialize_with = "id_as_string")]
    pub id: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "rating")]
    pub rating: Option<f64>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub product: Option<String>,
    #[serde(default)]
    pub sku: Option<String>,
    #[serde(default)]
    pub variant: Option<String>,
    #[serde(default)]
    pub carrier: Option<String>,
    #[serde(default)]
    pub region: Option<String>,
    #[serde(default)]
    pub warehouse: Option<String>,
    /// The marketing campaign the order came from.
    #[serde(default)]
    pub campaign: Option<String>,
    /// The customer segment: "new", "returning", "VIP"…
    #[serde(default)]
    pub segment: Option<String>,
    #[serde(default, deserialize_with = "text_or_number")]
    pub created_at: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
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
        if let Some(c) = &self.classification {
            return Ok(c.clone());
        }
        if let (Some(sentiment), Some(priority)) = (&self.sentiment, self.priority) {
            return Ok(ClassifiedAs {
                sentiment: sentiment.clone(),
                categories: self.categories.clone().unwrap_or_default(),
                risks: self.risks.clone().unwrap_or_default(),
                priority,
                needs_reply: self.needs_reply.unwrap_or(false),
            });
        }
        let review = Review {
            id: self.id.clone(),
            text: self.text.clone().unwrap_or_default(),
            title: self.title.clone(),
            rating: self.rating,
            language: self.language.clone(),
            platform: self.platform.clone(),
            ..Review::default()
        };
        Ok(ClassifiedAs::from(&classify(&review)?))
    }

    pub fn is_answer(&self) -> bool {
        self.kind.as_deref().is_some_and(|k| k.trim().eq_ignore_ascii_case("answer"))
    }
}

/// Dates arrive as text or as Unix time numbers.
fn text_or_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Text(String),
        Number(f64),
    }
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Text(s)) => Some(s),
        Some(Value::Number(n)) if n.is_finite() && n.fract() == 0.0 => Some(format!("{}", n as i64)),
        Some(Value::Number(_)) | None => None,
    })
}

/// Stars as a number, or as text holding one ("4", "4.5").
fn rating<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Value {
        Number(f64),
        Text(String),
    }
    match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => Ok(Some(n)),
        Some(Value::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::Text(s)) => s.trim().replace(',', ".").parse().map(Some).map_err(|_| {
            serde::de::Error::custom(format!("the rating {s:?} is not a number: give stars as a number from 1 to 5, or leave it out"))
        }),
        None => Ok(None),
    }
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
