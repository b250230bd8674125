//! Getting answers to the merchant exactly once: kept in localStorage before
//! the first attempt, POSTed with an idempotency key, retried with back-off
//! (and at once when the browser comes back online) until the endpoint
//! accepts them, then forgotten except for a marker that the order is answered.

use std::rc::Rc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, RequestInit, Response, Storage, Window};

use super::{view, Inner};
use crate::feedback::{FeedbackAnswers, Text};

const KEY_PREFIX: &str = "reviewloop.feedback.";
/// After this long without an answer the customer is told the shop is slow.
const SLOW_MS: i32 = 4_000;
/// After this long the request is abandoned and retried.
const TIMEOUT_MS: i32 = 20_000;
const FIRST_RETRY_MS: f64 = 1_000.0;
const MAX_RETRY_MS: f64 = 60_000.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum Status {
    /// Not yet accepted by the endpoint.
    Pending,
    /// Accepted (2xx).
    Sent,
    /// Refused for good (a 4xx other than 408, 425, 429): kept, not retried.
    Rejected,
}

/// One order's answers on their way, as kept in localStorage.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct Record {
    pub idempotency_key: String,
    pub endpoint: String,
    /// Dropped once delivered: the device keeps no customer text it no longer needs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answers: Option<FeedbackAnswers>,
    pub unhappy: bool,
    pub status: Status,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Body<'a> {
    idempotency_key: &'a str,
    answers: &'a FeedbackAnswers,
}

/// 128 random bits as hex: the same key on every attempt makes retries safe.
fn new_key(window: &Window) -> String {
    let mut bytes = [0u8; 16];
    let random = window.crypto().and_then(|c| c.get_random_values_with_u8_array(&mut bytes)).is_ok();
    if !random {
        for b in bytes.iter_mut() {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

impl Record {
    pub fn new(window: &Window, endpoint: &str, answers: FeedbackAnswers, unhappy: bool) -> Record {
        Record { idempotency_key: new_key(window), endpoint: endpoint.to_string(), answers: Some(answers), unhappy, status: Status::Pending }
    }
}

fn storage(window: &Window) -> Option<Storage> {
    window.local_storage().ok().flatten()
}

fn to_json<T: Serialize>(value: &T) -> Option<String> {
    let js = value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).ok()?;
    js_sys::JSON::stringify(&js).ok()?.as_string()
}

fn from_json(text: &str) -> Option<Record> {
    let js = js_sys::JSON::parse(text).ok()?;
    serde_wasm_bindgen::from_value(js).ok()
}

/// The record kept for an order, if any (an unreadable one counts as none).
pub(super) fn load(window: &Window, order_id: &str) -> Option<Record> {
    let text = storage(window)?.get_item(&format!("{KEY_PREFIX}{order_id}")).ok()??;
    from_json(&text)
}

/// Keeps the record. Without storage (blocked, full) the answers still go out
/// from memory while the page is open.
pub(super) fn save(window: &Window, order_id: &str, record: &Record) {
    if let (Some(s), Some(text)) = (storage(window), to_json(record)) {
        let _ = s.set_item(&format!("{KEY_PREFIX}{order_id}"), &text);
    }
}

/// Undelivered answers for other orders to the same endpoint.
pub(super) fn pending_elsewhere(window: &Window, order_id: &str, endpoint: &str) -> Vec<(String, Record)> {
    let Some(s) = storage(window) else { return Vec::new() };
    let own = format!("{KEY_PREFIX}{order_id}");
    let count = s.length().unwrap_or(0);
    (0..count)
        .filter_map(|i| s.key(i).ok().flatten())
        .filter(|k| k.starts_with(KEY_PREFIX) && *k != own)
        .filter_map(|k| {
            let record = from_json(&s.get_item(&k).ok()??)?;
            let order = k.strip_prefix(KEY_PREFIX)?.to_string();
            (record.status == Status::Pending && record.endpoint == endpoint).then_some((order, record))
        })
        .collect()
}

/// What one attempt came to.
enum Outcome {
    Accepted,
    Refused(u16),
    /// A 5xx, 408, 425 or 429: worth another try.
    Failed(u16),
    Offline,
    Unreachable,
    TimedOut,
}

/// A promise that resolves (to `undefined`) after `ms`; no closure to own.
fn timer(window: &Window, ms: i32) -> js_sys::Promise {
    js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    })
}

/// Lets the browser paint and handle input before going on.
pub(super) async fn next_task(window: &Window) {
    let _ = JsFuture::from(timer(window, 0)).await;
}

/// Notes on the kept record that the customer was unhappy, so a later visit
/// shows the help message again. Delivery may have moved the record on; only
/// this flag changes.
pub(super) fn mark_unhappy(window: &Window, order_id: &str) {
    if let Some(mut record) = load(window, order_id) {
        record.unhappy = true;
        save(window, order_id, &record);
    }
}

/// The fetch, or `None` if `ms` pass first.
async fn within(window: &Window, fetch: &js_sys::Promise, ms: i32) -> Result<Option<Response>, JsValue> {
    let race = js_sys::Promise::race(&js_sys::Array::of2(fetch, &timer(window, ms)));
    let value = JsFuture::from(race).await?;
    Ok(value.dyn_into::<Response>().ok())
}

async fn attempt(inner: &Inner, record: &Record, show: bool) -> Outcome {
    let Some(answers) = &record.answers else { return Outcome::Accepted };
    let Some(body) = to_json(&Body { idempotency_key: &record.idempotency_key, answers }) else {
        return Outcome::Refused(0);
    };
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(&JsValue::from_str(&body));
    if let Ok(headers) = Headers::new() {
        let _ = headers.set("Content-Type", "application/json");
        let _ = headers.set("Idempotency-Key", &record.idempotency_key);
        init.set_headers(&headers);
    }
    let controller = AbortController::new().ok();
    if let Some(c) = &controller {
        init.set_signal(Some(&c.signal()));
    }
    *inner.abort.borrow_mut() = controller.clone();
    let fetch = inner.window.fetch_with_str_and_init(&record.endpoint, &init);
    let offline = || if inner.window.navigator().on_line() { Outcome::Unreachable } else { Outcome::Offline };
    let response = match within(&inner.window, &fetch, SLOW_MS).await {
        Ok(Some(r)) => r,
        Ok(None) => {
            if show && inner.alive.get() {
                view::set_status(inner, Text::Slow, "");
            }
            match within(&inner.window, &fetch, TIMEOUT_MS - SLOW_MS).await {
                Ok(Some(r)) => r,
                Ok(None) => {
                    if let Some(c) = controller {
                        c.abort();
                    }
                    return Outcome::TimedOut;
                }
                Err(_) => return offline(),
            }
        }
        Err(_) => return offline(),
    };
    inner.abort.borrow_mut().take();
    match response.status() {
        200..=299 => Outcome::Accepted,
        s @ (408 | 425 | 429 | 500..=599) => Outcome::Failed(s),
        s => Outcome::Refused(s),
    }
}

/// 1 s, 2 s, 4 s… up to a minute, with a fifth of jitter so a shop's
/// customers do not all come back at once after an outage.
fn backoff(tries: u32) -> i32 {
    let base = (FIRST_RETRY_MS * 2f64.powi(tries.min(16) as i32)).min(MAX_RETRY_MS);
    (base * (1.0 + 0.2 * js_sys::Math::random())) as i32
}

/// Waits `ms`, or less if the browser comes back online or the widget goes.
async fn pause(inner: &Inner, ms: i32) {
    let window = inner.window.clone();
    let mut resolver = None;
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        resolver = Some(resolve);
    });
    inner.wake.borrow_mut().extend(resolver);
    let _ = JsFuture::from(promise).await;
}

/// Sends `record` until the endpoint accepts or refuses it. `show` reports
/// progress in the widget (the order on screen); other orders go quietly.
pub(super) async fn deliver(inner: Rc<Inner>, (order_id, mut record): (String, Record), show: bool) {
    if show {
        view::set_status(&inner, Text::Sending, "");
    }
    let mut tries = 0;
    while inner.alive.get() {
        let outcome = attempt(&inner, &record, show).await;
        if !inner.alive.get() {
            return;
        }
        // The decision may have marked the kept record unhappy meanwhile.
        record.unhappy |= load(&inner.window, &order_id).is_some_and(|r| r.idempotency_key == record.idempotency_key && r.unhappy);
        let (message, detail) = match outcome {
            Outcome::Accepted => {
                record.status = Status::Sent;
                record.answers = None;
                save(&inner.window, &order_id, &record);
                if show {
                    view::set_status(&inner, Text::Sent, "");
                }
                return;
            }
            Outcome::Refused(code) => {
                record.status = Status::Rejected;
                save(&inner.window, &order_id, &record);
                if show {
                    view::set_status(&inner, Text::Rejected, &format!("HTTP {code}"));
                }
                web_sys::console::error_1(&format!("reviewloop feedback: the endpoint {} refused the answers with HTTP {code}; they are kept in localStorage under {KEY_PREFIX}{order_id}.", record.endpoint).into());
                return;
            }
            Outcome::Failed(code) => (Text::Retrying, format!("HTTP {code}")),
            Outcome::Offline => (Text::Offline, String::new()),
            Outcome::Unreachable => (Text::Retrying, "no connection".to_string()),
            Outcome::TimedOut => (Text::Slow, String::new()),
        };
        if show {
            view::set_status(&inner, message, &detail);
        }
        pause(&inner, backoff(tries)).await;
        tries += 1;
        // Another tab may have delivered it meanwhile.
        if load(&inner.window, &order_id).is_some_and(|r| r.idempotency_key == record.idempotency_key && r.status == Status::Sent) {
            if show && inner.alive.get() {
                view::set_status(&inner, Text::Sent, "");
            }
            return;
        }
    }
}
