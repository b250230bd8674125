//! The feedback widget's DOM in a real browser (headless Chromium through
//! wasm-bindgen-test): `make test-wasm`. Natively this file is empty.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;

use reviewloop::feedback::{Settings, Value};
use reviewloop::widget::Widget;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;
use web_sys::{Element, Event, EventInit, ShadowRoot, ShadowRootInit, ShadowRootMode};

wasm_bindgen_test_configure!(run_in_browser);

const REVIEW_URL: &str = "https://reviews.example.com/write/test";

thread_local! {
    static ORDERS: Cell<u32> = const { Cell::new(0) };
}

fn window() -> web_sys::Window {
    web_sys::window().expect("a window")
}

/// A fresh host element with an open shadow root, in the page.
fn host() -> (Element, ShadowRoot) {
    let document = window().document().expect("a document");
    let host = document.create_element("div").expect("div");
    document.body().expect("body").append_child(&host).expect("append");
    let root = host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open)).expect("shadow root");
    (host, root)
}

/// Each test's own order and endpoint, so tests running side by side in one
/// page never see each other's requests or stored answers.
struct Case {
    settings: Settings,
    endpoint: String,
    order: String,
}

/// A case whose endpoint answers the statuses in `plan` in turn (the last one from then on).
fn case(pairs: &[(&str, &str)], plan: &[u16]) -> Case {
    install_fetch();
    let n = ORDERS.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let order = format!("DOM-{n}-{}", js_sys::Date::now());
    let endpoint = format!("/test-endpoint/{order}");
    let plan_js: js_sys::Array = plan.iter().map(|s| JsValue::from(*s)).collect();
    let plans = js_sys::Reflect::get(&window(), &"__plans".into()).expect("plans");
    js_sys::Reflect::set(&plans, &endpoint.as_str().into(), &plan_js).expect("plan");
    let mut settings: Settings = [("orderId", order.clone()), ("endpoint", endpoint.clone()), ("reviewUrl", REVIEW_URL.into())]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::Text(v)))
        .collect();
    for (k, v) in pairs {
        settings.insert(k.to_string(), Value::Text(v.to_string()));
    }
    Case { settings, endpoint, order }
}

/// Waits until `ready` holds (checking every 50 ms, 10 s at most): the help
/// message follows the thanks once the core has read the comment.
async fn eventually(what: &str, ready: impl Fn() -> bool) {
    for _ in 0..200 {
        if ready() {
            return;
        }
        sleep(50).await;
    }
    panic!("still not so after 10 s: {what}");
}

/// Replaces `fetch` (once per page) with one that records each call by URL
/// and answers from that URL's plan.
fn install_fetch() {
    if js_sys::Reflect::has(&window(), &"__plans".into()).unwrap_or(false) {
        return;
    }
    js_sys::Reflect::set(&window(), &"__plans".into(), &js_sys::Object::new()).expect("plans");
    js_sys::Reflect::set(&window(), &"__posts".into(), &js_sys::Object::new()).expect("posts");
    let f = js_sys::Function::new_with_args(
        "url, init",
        "(window.__posts[url] = window.__posts[url] || []).push({ headers: Object.fromEntries(new Headers(init.headers)), body: JSON.parse(init.body) });
         const plan = window.__plans[url] || [];
         const status = plan.length > 1 ? plan.shift() : (plan[0] || 200);
         return Promise.resolve(new Response('{}', { status }));",
    );
    js_sys::Reflect::set(&window(), &"fetch".into(), &f).expect("stub fetch");
}

fn posts(endpoint: &str) -> js_sys::Array {
    let all = js_sys::Reflect::get(&window(), &"__posts".into()).expect("posts");
    js_sys::Reflect::get(&all, &endpoint.into()).ok().and_then(|v| v.dyn_into().ok()).unwrap_or_default()
}

fn stored(order: &str) -> String {
    window()
        .local_storage()
        .ok()
        .flatten()
        .and_then(|s| s.get_item(&format!("reviewloop.feedback.{order}")).ok().flatten())
        .unwrap_or_default()
}

fn find(root: &ShadowRoot, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

fn texts(root: &ShadowRoot, selector: &str) -> Vec<String> {
    let list = root.query_selector_all(selector).expect("selector");
    (0..list.length()).filter_map(|i| list.item(i)).filter_map(|n| n.text_content()).collect()
}

async fn sleep(ms: i32) {
    let p = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = JsFuture::from(p).await;
}

fn check(root: &ShadowRoot, selector: &str) {
    let input: web_sys::HtmlInputElement = find(root, selector).expect(selector).dyn_into().expect("an input");
    input.set_checked(true);
}

fn submit(root: &ShadowRoot) {
    submit_form(&find(root, "form").expect("the form"));
}

fn submit_form(form: &Element) {
    let init = EventInit::new();
    init.set_cancelable(true);
    form.dispatch_event(&Event::new_with_event_init_dict("submit", &init).expect("event")).expect("dispatch");
}

#[wasm_bindgen_test]
fn renders_every_question_labelled_in_the_configured_order() {
    let (_host, root) = host();
    let c = case(&[("questions", "satisfaction,needsHelp,comment")], &[200]);
    let _widget = Widget::mount(root.clone(), Ok(c.settings));
    assert_eq!(
        texts(&root, "legend"),
        vec!["How satisfied are you with the product?", "Do you need help with anything?"]
    );
    assert_eq!(root.query_selector_all("input[name=satisfaction]").expect("q").length(), 5);
    assert!(find(&root, "input[name=arrivedAsExpected]").is_none());
    // Every control has a label the browser associates with it.
    let controls = root.query_selector_all("input, textarea").expect("q");
    assert_eq!(controls.length(), 8);
    for i in 0..controls.length() {
        let id = controls.item(i).and_then(|n| n.dyn_into::<Element>().ok()).map(|e| e.id()).unwrap_or_default();
        assert!(find(&root, &format!("label[for=\"{id}\"]")).is_some(), "no label for #{id}");
    }
    assert_eq!(find(&root, "[role=alert]").map(|e| e.id()), Some("reviewloop-error".to_string()));
}

#[wasm_bindgen_test]
fn a_refused_configuration_renders_unavailable() {
    for pairs in [
        [("endpoint", "")],
        [("reviewUrl", "http://insecure.example/")],
        [("hideReviewLinkWhenUnhappy", "true")],
        [("locale", "de")],
    ] {
        let (_host, root) = host();
        let _widget = Widget::mount(root.clone(), Ok(case(&pairs, &[200]).settings));
        assert_eq!(texts(&root, ".unavailable"), vec!["The feedback form is not available right now."], "{pairs:?}");
        assert!(find(&root, "form").is_none());
    }
}

#[wasm_bindgen_test]
fn merchant_strings_are_text_never_markup() {
    let (_host, root) = host();
    let title = "<img src=x onerror=alert(1)>Your order?";
    let strings: std::collections::BTreeMap<String, Value> =
        [("title".to_string(), Value::Text(title.into()))].into_iter().collect();
    let mut c = case(&[], &[200]);
    c.settings.insert("strings".into(), Value::Map(strings));
    let _widget = Widget::mount(root.clone(), Ok(c.settings));
    assert_eq!(texts(&root, "h2"), vec![title.to_string()]);
    assert!(find(&root, "img").is_none());
}

fn body_field(post: &JsValue, field: &str) -> JsValue {
    let body = js_sys::Reflect::get(post, &"body".into()).expect("body");
    js_sys::Reflect::get(&body, &field.into()).expect("field")
}

#[wasm_bindgen_test]
async fn an_unhappy_submission_sends_once_and_shows_help_and_the_invitation() {
    let (_host, root) = host();
    let c = case(&[], &[200]);
    let _widget = Widget::mount(root.clone(), Ok(c.settings));
    check(&root, "input[name=arrivedAsExpected][value=no]");
    check(&root, "input[name=satisfaction][value='1']");
    let comment: web_sys::HtmlTextAreaElement = find(&root, "textarea").expect("comment").dyn_into().expect("textarea");
    comment.set_value("Arrived broken, the box was crushed.");
    // A double submit: both reach the form before it is replaced.
    let form = find(&root, "form").expect("the form");
    submit_form(&form);
    submit_form(&form);
    assert_eq!(texts(&root, "h2"), vec!["Thank you for your answers."]);
    assert_eq!(texts(&root, ".invitation p"), vec!["Tell other shoppers about your experience."], "the invitation does not wait for the decision");
    eventually("the help message", || texts(&root, ".help") == vec!["Help is on its way: our support team will contact you within one business day."]).await;
    eventually("the record marked unhappy", || stored(&c.order).contains("\"unhappy\":true")).await;
    assert_eq!(texts(&root, ".invitation p"), vec!["Tell other shoppers about your experience."]);
    assert_eq!(find(&root, "a.review-link").and_then(|a| a.get_attribute("href")), Some(REVIEW_URL.to_string()));
    sleep(50).await;
    assert_eq!(posts(&c.endpoint).length(), 1, "one POST for a double submit");
    let post = posts(&c.endpoint).get(0);
    let key = body_field(&post, "idempotencyKey").as_string().expect("a key");
    let headers = js_sys::Reflect::get(&post, &"headers".into()).expect("headers");
    assert_eq!(js_sys::Reflect::get(&headers, &"idempotency-key".into()).expect("header").as_string(), Some(key));
    let answers = body_field(&post, "answers");
    assert_eq!(js_sys::Reflect::get(&answers, &"orderId".into()).expect("o").as_string(), Some(c.order.clone()));
    assert_eq!(js_sys::Reflect::get(&answers, &"arrivedAsExpected".into()).expect("a").as_bool(), Some(false));
    assert_eq!(js_sys::Reflect::get(&answers, &"satisfaction".into()).expect("s").as_f64(), Some(1.0));
    assert_eq!(texts(&root, ".status"), vec!["Your answers have reached the shop."]);
}

#[wasm_bindgen_test]
async fn a_happy_submission_gets_the_same_invitation_and_no_help_message() {
    let (_host, root) = host();
    let c = case(&[], &[200]);
    let _widget = Widget::mount(root.clone(), Ok(c.settings));
    check(&root, "input[name=arrivedAsExpected][value=yes]");
    check(&root, "input[name=satisfaction][value='5']");
    submit(&root);
    sleep(300).await;
    assert_eq!(texts(&root, ".help"), vec![String::new()], "no help message for a happy customer");
    assert_eq!(texts(&root, ".invitation p"), vec!["Tell other shoppers about your experience."]);
    assert_eq!(find(&root, "a.review-link").and_then(|a| a.get_attribute("href")), Some(REVIEW_URL.to_string()));
    sleep(50).await;
    assert_eq!(posts(&c.endpoint).length(), 1);
}

#[wasm_bindgen_test]
fn nothing_answered_is_refused_with_an_announced_message() {
    let (_host, root) = host();
    let c = case(&[], &[200]);
    let _widget = Widget::mount(root.clone(), Ok(c.settings));
    submit(&root);
    assert_eq!(texts(&root, "[role=alert]"), vec!["Please answer at least one question, or write a comment, before sending."]);
    assert!(find(&root, "form").is_some());
    assert_eq!(posts(&c.endpoint).length(), 0);
}

#[wasm_bindgen_test]
async fn teardown_empties_the_root_and_stops_listening() {
    let (_host, root) = host();
    let c = case(&[], &[200]);
    let widget = Widget::mount(root.clone(), Ok(c.settings));
    check(&root, "input[name=satisfaction][value='3']");
    let form = find(&root, "form").expect("form");
    drop(widget);
    assert_eq!(root.child_nodes().length(), 0);
    submit_form(&form);
    sleep(50).await;
    assert_eq!(posts(&c.endpoint).length(), 0, "a torn-down widget sends nothing");
    assert_eq!(stored(&c.order), "");
}

#[wasm_bindgen_test]
async fn a_server_error_is_retried_with_the_same_key_until_accepted() {
    let (_host, root) = host();
    let c = case(&[], &[503, 200]);
    let _widget = Widget::mount(root.clone(), Ok(c.settings));
    check(&root, "input[name=needsHelp][value=yes]");
    submit(&root);
    sleep(50).await;
    assert_eq!(texts(&root, ".status"), vec!["The shop could not take your answers just now (HTTP 503). They are saved on this device and we will try again automatically."]);
    let kept = stored(&c.order);
    assert!(kept.contains("\"status\":\"pending\"") && kept.contains("\"needsHelp\":true"), "{kept}");
    sleep(1600).await; // the first back-off is 1 to 1.2 s
    assert_eq!(posts(&c.endpoint).length(), 2);
    let key = |i: u32| body_field(&posts(&c.endpoint).get(i), "idempotencyKey").as_string();
    assert_eq!(key(0), key(1));
    assert_eq!(texts(&root, ".status"), vec!["Your answers have reached the shop."]);
    let kept = stored(&c.order);
    assert!(kept.contains("\"status\":\"sent\"") && !kept.contains("needsHelp"), "{kept}");
}

#[wasm_bindgen_test]
async fn a_refusal_is_kept_and_not_retried() {
    let (_host, root) = host();
    let c = case(&[], &[422]);
    let _widget = Widget::mount(root.clone(), Ok(c.settings));
    check(&root, "input[name=deliverySmooth][value=no]");
    submit(&root);
    sleep(1500).await;
    assert_eq!(posts(&c.endpoint).length(), 1);
    assert!(texts(&root, ".status")[0].contains("(HTTP 422)"));
    assert!(stored(&c.order).contains("\"status\":\"rejected\""));
}

#[wasm_bindgen_test]
async fn answers_left_pending_are_sent_on_the_next_visit() {
    let (_host, root) = host();
    let c = case(&[], &[200]);
    let record = format!(
        r#"{{"idempotencyKey":"0123456789abcdef0123456789abcdef","endpoint":"{}","answers":{{"orderId":"{}","satisfaction":2}},"unhappy":true,"status":"pending"}}"#,
        c.endpoint, c.order
    );
    window().local_storage().ok().flatten().expect("storage").set_item(&format!("reviewloop.feedback.{}", c.order), &record).expect("set");
    let _widget = Widget::mount(root.clone(), Ok(c.settings));
    assert_eq!(texts(&root, "h2"), vec!["Thank you for your answers."], "an answered order is not asked again");
    assert_eq!(texts(&root, ".invitation p"), vec!["Tell other shoppers about your experience."]);
    assert_eq!(texts(&root, ".help"), vec!["Help is on its way: our support team will contact you within one business day."]);
    sleep(50).await;
    assert_eq!(posts(&c.endpoint).length(), 1);
    assert_eq!(body_field(&posts(&c.endpoint).get(0), "idempotencyKey").as_string().as_deref(), Some("0123456789abcdef0123456789abcdef"));
    assert!(stored(&c.order).contains("\"status\":\"sent\""));
}
