//! The feedback widget's DOM in a real browser (headless Chromium through
//! wasm-bindgen-test): `make test-wasm`. Natively this file is empty.
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;

use reviewloop::feedback::{Settings, Value};
use reviewloop::widget::Widget;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
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

fn settings(pairs: &[(&str, &str)]) -> Settings {
    let order = ORDERS.with(|n| {
        n.set(n.get() + 1);
        n.get()
    });
    let mut s: Settings = [("orderId", format!("DOM-{order}-{}", js_sys::Date::now())), ("endpoint", "/api/feedback".into()), ("reviewUrl", REVIEW_URL.into())]
        .into_iter()
        .map(|(k, v)| (k.to_string(), Value::Text(v)))
        .collect();
    for (k, v) in pairs {
        s.insert(k.to_string(), Value::Text(v.to_string()));
    }
    s
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

/// Replaces `fetch` with one that records each call and answers `status`.
fn stub_fetch(status: u16) {
    let f = js_sys::Function::new_with_args(
        "url, init",
        &format!(
            "(window.__posts = window.__posts || []).push({{ url, headers: Object.fromEntries(new Headers(init.headers)), body: JSON.parse(init.body) }});
             return Promise.resolve(new Response('{{}}', {{ status: {status} }}));"
        ),
    );
    js_sys::Reflect::set(&window(), &"fetch".into(), &f).expect("stub fetch");
    js_sys::Reflect::set(&window(), &"__posts".into(), &js_sys::Array::new()).expect("reset posts");
}

fn posts() -> js_sys::Array {
    js_sys::Reflect::get(&window(), &"__posts".into()).ok().and_then(|v| v.dyn_into().ok()).unwrap_or_default()
}

fn check(root: &ShadowRoot, selector: &str) {
    let input: web_sys::HtmlInputElement = find(root, selector).expect(selector).dyn_into().expect("an input");
    input.set_checked(true);
}

fn submit(root: &ShadowRoot) {
    let form = find(root, "form").expect("the form");
    let init = EventInit::new();
    init.set_cancelable(true);
    form.dispatch_event(&Event::new_with_event_init_dict("submit", &init).expect("event")).expect("dispatch");
}

#[wasm_bindgen_test]
fn renders_every_question_labelled_in_the_configured_order() {
    let (_host, root) = host();
    let _widget = Widget::mount(root.clone(), Ok(settings(&[("questions", "satisfaction,needsHelp,comment")])));
    assert_eq!(
        texts(&root, "legend"),
        vec!["How satisfied are you with the product?", "Do you need help with anything?"]
    );
    assert_eq!(root.query_selector_all("input[name=satisfaction]").expect("q").length(), 5);
    assert!(find(&root, "input[name=arrivedAsExpected]").is_none());
    // Every control has a label the browser associates with it.
    let controls = root.query_selector_all("input, textarea").expect("q");
    for i in 0..controls.length() {
        let id = controls.item(i).and_then(|n| n.dyn_into::<Element>().ok()).map(|e| e.id()).unwrap_or_default();
        assert!(find(&root, &format!("label[for=\"{id}\"]")).is_some(), "no label for #{id}");
    }
    assert_eq!(find(&root, "[role=alert]").map(|e| e.id()), Some("reviewloop-error".to_string()));
}

#[wasm_bindgen_test]
fn a_refused_configuration_renders_unavailable() {
    for bad in [
        settings(&[("endpoint", "")]),
        settings(&[("reviewUrl", "http://insecure.example/")]),
        settings(&[("hideReviewLinkWhenUnhappy", "true")]),
        settings(&[("locale", "de")]),
    ] {
        let (_host, root) = host();
        let _widget = Widget::mount(root.clone(), Ok(bad));
        assert_eq!(texts(&root, ".unavailable"), vec!["The feedback form is not available right now."]);
        assert!(find(&root, "form").is_none());
    }
}

#[wasm_bindgen_test]
fn merchant_strings_are_text_never_markup() {
    let (_host, root) = host();
    let title = "<img src=x onerror=alert(1)>Your order?";
    let strings: std::collections::BTreeMap<String, Value> =
        [("title".to_string(), Value::Text(title.into()))].into_iter().collect();
    let mut s = settings(&[]);
    s.insert("strings".into(), Value::Map(strings));
    let _widget = Widget::mount(root.clone(), Ok(s));
    assert_eq!(texts(&root, "h2"), vec![title.to_string()]);
    assert!(find(&root, "img").is_none());
}

#[wasm_bindgen_test]
async fn an_unhappy_submission_sends_once_and_shows_help_and_the_invitation() {
    stub_fetch(200);
    let (_host, root) = host();
    let _widget = Widget::mount(root.clone(), Ok(settings(&[])));
    check(&root, "input[name=arrivedAsExpected][value=no]");
    check(&root, "input[name=satisfaction][value='1']");
    let comment: web_sys::HtmlTextAreaElement = find(&root, "textarea").expect("comment").dyn_into().expect("textarea");
    comment.set_value("Arrived broken, the box was crushed.");
    submit(&root);
    submit(&root); // a double submit
    assert_eq!(texts(&root, "h2"), vec!["Thank you for your answers."]);
    assert_eq!(texts(&root, ".help"), vec!["Help is on its way: our support team will contact you within one business day."]);
    assert_eq!(texts(&root, ".invitation p"), vec!["Tell other shoppers about your experience."]);
    assert_eq!(find(&root, "a.review-link").and_then(|a| a.get_attribute("href")), Some(REVIEW_URL.to_string()));
    sleep(50).await;
    assert_eq!(posts().length(), 1, "one POST for a double submit");
    let post = posts().get(0);
    let body = js_sys::Reflect::get(&post, &"body".into()).expect("body");
    let key = js_sys::Reflect::get(&body, &"idempotencyKey".into()).expect("key").as_string().expect("a string");
    let headers = js_sys::Reflect::get(&post, &"headers".into()).expect("headers");
    assert_eq!(js_sys::Reflect::get(&headers, &"idempotency-key".into()).expect("header").as_string(), Some(key));
    let answers = js_sys::Reflect::get(&body, &"answers".into()).expect("answers");
    assert_eq!(js_sys::Reflect::get(&answers, &"arrivedAsExpected".into()).expect("a").as_bool(), Some(false));
    assert_eq!(js_sys::Reflect::get(&answers, &"satisfaction".into()).expect("s").as_f64(), Some(1.0));
    assert_eq!(texts(&root, ".status"), vec!["Your answers have reached the shop."]);
}

#[wasm_bindgen_test]
async fn a_happy_submission_gets_the_same_invitation_and_no_help_message() {
    stub_fetch(200);
    let (_host, root) = host();
    let _widget = Widget::mount(root.clone(), Ok(settings(&[])));
    check(&root, "input[name=arrivedAsExpected][value=yes]");
    check(&root, "input[name=satisfaction][value='5']");
    submit(&root);
    assert!(find(&root, ".help").is_none());
    assert_eq!(texts(&root, ".invitation p"), vec!["Tell other shoppers about your experience."]);
    assert_eq!(find(&root, "a.review-link").and_then(|a| a.get_attribute("href")), Some(REVIEW_URL.to_string()));
}

#[wasm_bindgen_test]
fn nothing_answered_is_refused_with_an_announced_message() {
    stub_fetch(200);
    let (_host, root) = host();
    let _widget = Widget::mount(root.clone(), Ok(settings(&[])));
    submit(&root);
    assert_eq!(texts(&root, "[role=alert]"), vec!["Please answer at least one question, or write a comment, before sending."]);
    assert!(find(&root, "form").is_some());
    assert_eq!(posts().length(), 0);
}

#[wasm_bindgen_test]
async fn teardown_empties_the_root_and_stops_listening() {
    stub_fetch(200);
    let (_host, root) = host();
    let widget = Widget::mount(root.clone(), Ok(settings(&[])));
    check(&root, "input[name=satisfaction][value='3']");
    let form = find(&root, "form").expect("form");
    drop(widget);
    assert_eq!(root.child_nodes().length(), 0);
    let init = EventInit::new();
    init.set_cancelable(true);
    form.dispatch_event(&Event::new_with_event_init_dict("submit", &init).expect("event")).expect("dispatch");
    sleep(50).await;
    assert_eq!(posts().length(), 0, "a torn-down widget sends nothing");
}

#[wasm_bindgen_test]
async fn a_server_error_is_retried_with_the_same_key_until_accepted() {
    // 503 first, then 200.
    let f = js_sys::Function::new_with_args(
        "url, init",
        "(window.__posts = window.__posts || []).push({ body: JSON.parse(init.body) });
         return Promise.resolve(new Response('{}', { status: window.__posts.length === 1 ? 503 : 200 }));",
    );
    js_sys::Reflect::set(&window(), &"fetch".into(), &f).expect("stub");
    js_sys::Reflect::set(&window(), &"__posts".into(), &js_sys::Array::new()).expect("reset");
    let (_host, root) = host();
    let s = settings(&[]);
    let order = match s.get("orderId") {
        Some(Value::Text(t)) => t.clone(),
        _ => unreachable!(),
    };
    let _widget = Widget::mount(root.clone(), Ok(s));
    check(&root, "input[name=needsHelp][value=yes]");
    submit(&root);
    sleep(50).await;
    assert_eq!(texts(&root, ".status"), vec!["The shop could not take your answers just now (HTTP 503). They are saved on this device and we will try again automatically."]);
    let stored = window().local_storage().ok().flatten().and_then(|s| s.get_item(&format!("reviewloop.feedback.{order}")).ok().flatten()).expect("kept");
    assert!(stored.contains("\"status\":\"pending\"") && stored.contains("\"needsHelp\":true"), "{stored}");
    sleep(1600).await; // the first back-off is 1 to 1.2 s
    assert_eq!(posts().length(), 2);
    let key = |i: u32| js_sys::Reflect::get(&js_sys::Reflect::get(&posts().get(i), &"body".into()).expect("b"), &"idempotencyKey".into()).expect("k").as_string();
    assert_eq!(key(0), key(1));
    assert_eq!(texts(&root, ".status"), vec!["Your answers have reached the shop."]);
    let stored = window().local_storage().ok().flatten().and_then(|s| s.get_item(&format!("reviewloop.feedback.{order}")).ok().flatten()).expect("kept");
    assert!(stored.contains("\"status\":\"sent\"") && !stored.contains("needsHelp"), "{stored}");
}
