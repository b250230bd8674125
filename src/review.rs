//! A customer's review as merchants' platforms export it (`shared/spec/interfaces.md`).

use serde::Deserialize;

use crate::error::Error;

/// The longest review text accepted in one call (time grows linearly with
/// length: see the benchmark). Beyond this the caller is almost certainly
/// sending something that is not a review.
pub const MAX_TEXT_BYTES: usize = 2 * 1_048_576;

/// One review. Only `text` is required; the rest is context the host may have.
#[derive(Clone, Debug, Default, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Review {
    /// The host's id, echoed in the classification. Strings or numbers.
    #[serde(default, deserialize_with = "id_as_string")]
    pub id: Option<String>,
    /// Missing or null reads as empty, which `validate` refuses with a message
    /// that names `text` (a report counts a record that carries its classification without it).
    #[serde(default, deserialize_with = "text_or_null")]
    pub text: String,
    #[serde(default)]
    pub title: Option<String>,
    /// Stars, 1 to 5; fractional values (4.5) are accepted, and text holding a number ("4").
    #[serde(default, deserialize_with = "rating")]
    pub rating: Option<f64>,
    /// The language the host already knows (ISO 639-1), trusted over detection.
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
    /// As exports write dates (`src/dates.rs` reads them), or Unix time as a number.
    #[serde(default, deserialize_with = "text_or_number")]
    pub created_at: Option<String>,
    #[serde(default)]
    pub author: Option<String>,
    #[serde(default)]
    pub platform: Option<String>,
}

impl Review {
    /// A review with just a text, as tests and tools make them.
    pub fn from_text(text: impl Into<String>) -> Self {
        Review { text: text.into(), ..Review::default() }
    }

    /// Checks what the classifier relies on; a refused review gets a clear error.
    pub fn validate(&self) -> Result<(), Error> {
        let title_len = self.title.as_deref().map_or(0, str::len);
        if self.text.len() + title_len > MAX_TEXT_BYTES {
            return Err(Error::TextTooLong { bytes: self.text.len() + title_len, limit: MAX_TEXT_BYTES });
        }
        let has_title = self.title.as_deref().is_some_and(|t| !t.trim().is_empty());
        if self.text.trim().is_empty() && !has_title {
            return Err(Error::EmptyText);
        }
        if let Some(r) = self.rating {
            if !(1.0..=5.0).contains(&r) {
                return Err(Error::RatingOutOfRange(r));
            }
        }
        Ok(())
    }
}

/// Platforms export ids as strings or numbers; both become strings.
pub(crate) fn id_as_string<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Id {
        Text(String),
        Number(f64),
    }
    Ok(match Option::<Id>::deserialize(d)? {
        Some(Id::Text(s)) => Some(s),
        Some(Id::Number(n)) => Some(id_from_number(n)),
        None => None,
    })
}

/// A numeric id as text: whole numbers without a decimal point.
pub(crate) fn id_from_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn text_or_null<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(Option::<String>::deserialize(d)?.unwrap_or_default())
}

/// Dates arrive as text or as Unix time numbers.
pub(crate) fn text_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
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

/// Stars as a number, or as text holding one ("4", "4.5", "4,5").
fn rating<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
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
