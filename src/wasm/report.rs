//! `ReviewReport`: the patterns-and-recovery report, fed in batches from JS.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::{js_error, record_id, to_js};
use crate::patterns::{Added, Patterns, ReportOptions, ReportRecord, SkipReason};

/// A report being built: `add` batches of reviews, read `summary()` at any point.
#[wasm_bindgen(js_name = ReviewReport)]
pub struct ReviewReport(Patterns);

/// A record of a batch that was not counted, and why.
#[derive(Serialize)]
struct NotCounted {
    index: u32,
    id: Option<String>,
    error: String,
}

#[wasm_bindgen(js_class = ReviewReport)]
impl ReviewReport {
    /// `options`: `{ windowDays?, minReviews?, responseTargetHours?, asOf?, top?, maxValues? }`.
    #[wasm_bindgen(constructor)]
    pub fn new(options: JsValue) -> Result<ReviewReport, JsError> {
        let options: ReportOptions = if options.is_undefined() || options.is_null() {
            ReportOptions::default()
        } else {
            serde_wasm_bindgen::from_value(options).map_err(|e| {
                let why = e.to_string();
                JsError::new(&format!("The report options could not be read: {}.", why.strip_prefix("Error: ").unwrap_or(&why)))
            })?
        };
        Ok(ReviewReport(Patterns::new(options).map_err(js_error)?))
    }

    /// Counts an array of records (reviews with context, optionally carrying
    /// `classification`). Returns the records not counted: `[{ index, id, error }]`;
    /// repeated ids are not errors (the summary lists them).
    pub fn add(&mut self, records: JsValue) -> Result<JsValue, JsError> {
        let array: js_sys::Array = records.dyn_into().map_err(|_| JsError::new("ReviewReport.add expects an array of reviews."))?;
        let mut refused = Vec::new();
        for (index, item) in array.iter().enumerate() {
            let id = record_id(&item);
            let outcome = match serde_wasm_bindgen::from_value::<ReportRecord>(item) {
                Ok(record) => self.0.add(&record).map_err(|e| e.to_string()),
                Err(e) => {
                    self.0.skip(SkipReason::Unreadable, id.as_deref().unwrap_or("(no id)"));
                    let why = e.to_string();
                    Err(format!("The review could not be read: {}.", why.strip_prefix("Error: ").unwrap_or(&why)))
                }
            };
            match outcome {
                Ok(Added::Counted | Added::Duplicate) => {}
                Err(error) => refused.push(NotCounted { index: index as u32, id, error }),
            }
        }
        to_js(&refused)
    }

    /// Counts the reviews of JSON Lines bytes (our own format: `ReportRecord`
    /// field names), parsed in the core; `firstLine` numbers the first line
    /// for messages; `cut` says the bytes end the input without a line break.
    /// Returns the lines not counted: `[{ line, id, error }]`.
    #[wasm_bindgen(js_name = addJsonLines)]
    pub fn add_json_lines(&mut self, bytes: &[u8], first_line: f64, cut: bool) -> Result<JsValue, JsError> {
        to_js(&self.0.add_json_lines(bytes, first_line.max(1.0) as u64, cut))
    }

    /// Notes a record the caller could not read at all: `reason` is
    /// `"unreadable"` or `"cutOff"`; `example` a line number or id to find it by.
    pub fn skip(&mut self, reason: &str, example: &str) -> Result<(), JsError> {
        let reason = match reason {
            "unreadable" => SkipReason::Unreadable,
            "cutOff" => SkipReason::CutOff,
            other => return Err(JsError::new(&format!("Unknown skip reason {other:?}: use \"unreadable\" or \"cutOff\"."))),
        };
        self.0.skip(reason, example);
        Ok(())
    }

    /// The report so far.
    pub fn summary(&self) -> Result<JsValue, JsError> {
        to_js(&self.0.summary())
    }
}
