//! `ReviewReport`: the patterns-and-recovery report, fed in batches from JS.

use wasm_bindgen::prelude::*;

use super::{js_error, to_js};
use crate::patterns::{classify_lines, Patterns, ReportOptions, SkipReason};

/// A report being built: feed it JSON Lines, read `summary()` at any point.
/// (JS objects reach it as JSON too: `JSON.stringify` and one parse in the
/// core beat reading each field across the boundary, and keep one reader.)
#[wasm_bindgen(js_name = ReviewReport)]
pub struct ReviewReport(Patterns);

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

/// Classifies the records of JSON Lines bytes that carry no classification,
/// for a report fed from several threads (each with its own wasm instance):
/// the same lines come back, readable unclassified records with their
/// `classification` added, every other line as it was (the report refuses
/// those with its own reason).
#[wasm_bindgen(js_name = classifyReportLines)]
pub fn classify_report_lines(bytes: &[u8]) -> Vec<u8> {
    classify_lines(bytes)
}
