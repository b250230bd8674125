//! The post-delivery feedback widget: the questions rendered into a shadow
//! root through web-sys, the decision taken by the core (`crate::feedback`),
//! answers delivered by `delivery` until the endpoint accepts them once.
//!
//! The widget owns every `Closure` it hands the DOM and drops them (removing
//! the listeners) when the host element goes away; futures hold the state and
//! stop at their next step once `alive` is false.

mod delivery;
mod view;

use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{AbortController, Document, Element, Event, EventTarget, ShadowRoot, Window};

use crate::feedback::{assess, FeedbackError, Settings, Text, WidgetConfig};
use delivery::{Record, Status};

/// Where the widget is in its short life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// The configuration was refused; the widget says it is unavailable.
    Unavailable,
    /// The questions are on screen.
    Asking,
    /// Answered: thanks, invitation, and delivery going on in the background.
    Answered,
}

/// A DOM listener and the closure it calls; dropping it removes the listener.
struct Listener {
    target: EventTarget,
    kind: &'static str,
    closure: Closure<dyn FnMut(Event)>,
}

impl Drop for Listener {
    fn drop(&mut self) {
        let _ = self.target.remove_event_listener_with_callback(self.kind, self.closure.as_ref().unchecked_ref());
    }
}

pub(crate) struct Inner {
    window: Window,
    document: Document,
    root: ShadowRoot,
    config: Option<WidgetConfig>,
    phase: Cell<Phase>,
    alive: Cell<bool>,
    listeners: RefCell<Vec<Listener>>,
    /// Resolve the back-off waits early (the browser came back online).
    wake: RefCell<Vec<js_sys::Function>>,
    /// Aborts the request in flight on teardown.
    abort: RefCell<Option<AbortController>>,
    /// The polite live region that reports delivery.
    status: RefCell<Option<Element>>,
}

impl Inner {
    /// Calls `handler` on `kind` events at `target` for as long as the widget lives.
    fn listen(self: &Rc<Self>, target: &EventTarget, kind: &'static str, handler: fn(&Rc<Inner>, Event)) {
        let weak: Weak<Inner> = Rc::downgrade(self);
        let closure = Closure::<dyn FnMut(Event)>::new(move |event: Event| {
            if let Some(inner) = weak.upgrade() {
                if inner.alive.get() {
                    handler(&inner, event);
                }
            }
        });
        if target.add_event_listener_with_callback(kind, closure.as_ref().unchecked_ref()).is_ok() {
            self.listeners.borrow_mut().push(Listener { target: target.clone(), kind, closure });
        }
    }

    fn wake_up(&self) {
        let waiting: Vec<js_sys::Function> = self.wake.borrow_mut().drain(..).collect();
        for resolve in waiting {
            let _ = resolve.call0(&JsValue::UNDEFINED);
        }
    }
}

/// One mounted widget. Dropping it tears the widget down.
pub struct Widget {
    inner: Option<Rc<Inner>>,
}

/// The widget's stylesheet, adopted by the shadow root (CSP-safe: no inline style).
fn adopt_styles(root: &ShadowRoot) -> Result<(), JsValue> {
    let sheet = web_sys::CssStyleSheet::new()?;
    sheet.replace_sync(include_str!("widget.css"))?;
    root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    Ok(())
}

impl Widget {
    /// Renders into `root`: the questions, or (for an order already answered
    /// on this device) the thanks and the invitation, resuming any delivery
    /// still pending. A refused configuration is logged and the widget says
    /// it is unavailable rather than breaking the page.
    pub fn mount(root: ShadowRoot, settings: Result<Settings, FeedbackError>) -> Widget {
        let Some(window) = web_sys::window() else { return Widget { inner: None } };
        let Some(document) = window.document() else { return Widget { inner: None } };
        let config = settings.and_then(|s| WidgetConfig::from_settings(&s));
        let error = config.as_ref().err().map(|e| e.to_string());
        let inner = Rc::new(Inner {
            window,
            document,
            root,
            config: config.ok(),
            phase: Cell::new(Phase::Unavailable),
            alive: Cell::new(true),
            listeners: RefCell::new(Vec::new()),
            wake: RefCell::new(Vec::new()),
            abort: RefCell::new(None),
            status: RefCell::new(None),
        });
        if let Err(e) = adopt_styles(&inner.root) {
            web_sys::console::warn_2(&"reviewloop feedback: the stylesheet could not be adopted".into(), &e);
        }
        if let Err(why) = start(&inner, error) {
            web_sys::console::error_2(&"reviewloop feedback: the widget could not render:".into(), &why);
            let _ = view::unavailable(&inner);
            inner.phase.set(Phase::Unavailable);
        }
        Widget { inner: Some(inner) }
    }
}

fn start(inner: &Rc<Inner>, error: Option<String>) -> Result<(), JsValue> {
    let Some(config) = &inner.config else {
        let message = error.unwrap_or_else(|| "the configuration could not be read".into());
        web_sys::console::error_1(&format!("reviewloop feedback: {message}").into());
        return view::unavailable(inner);
    };
    inner.listen(inner.window.as_ref(), "online", |inner, _| inner.wake_up());
    match delivery::load(&inner.window, &config.order_id) {
        Some(record) => {
            // Answered before on this device: one request per order, and the
            // invitation stays in reach.
            inner.phase.set(Phase::Answered);
            view::answered(inner, Some(record.unhappy), false)?;
            if record.status == Status::Pending {
                wasm_bindgen_futures::spawn_local(delivery::deliver(inner.clone(), (config.order_id.clone(), record), true));
            } else if record.status == Status::Rejected {
                view::set_status(inner, Text::Rejected, "");
            }
        }
        None => {
            inner.phase.set(Phase::Asking);
            view::form(inner)?;
        }
    }
    // Answers for other orders left undelivered on this device go out too.
    for pending in delivery::pending_elsewhere(&inner.window, &config.order_id, &config.endpoint) {
        wasm_bindgen_futures::spawn_local(delivery::deliver(inner.clone(), pending, false));
    }
    Ok(())
}

/// The form's submit: read, keep, thank, invite, deliver; then decide. Runs
/// once: a second click finds the phase moved on. The thanks and the
/// invitation never wait for the decision (the comment's first reading can
/// take a few hundred milliseconds while the classifier compiles its rules),
/// so the click answers at once and the help message follows.
fn submit(inner: &Rc<Inner>, event: Event) {
    event.prevent_default();
    if inner.phase.get() != Phase::Asking {
        return;
    }
    let Some(config) = &inner.config else { return };
    let answers = view::read_answers(inner, config);
    if answers.is_empty() {
        view::show_error(inner, config.options.strings.get(Text::NeedOneAnswer));
        return;
    }
    if let Err(e) = answers.validate() {
        view::show_error(inner, &e.to_string());
        return;
    }
    inner.phase.set(Phase::Answered);
    let record = Record::new(&inner.window, &config.endpoint, answers.clone(), false);
    delivery::save(&inner.window, &config.order_id, &record);
    if let Err(why) = view::answered(inner, None, true) {
        web_sys::console::error_2(&"reviewloop feedback: the thanks could not render:".into(), &why);
    }
    wasm_bindgen_futures::spawn_local(delivery::deliver(inner.clone(), (config.order_id.clone(), record), true));
    wasm_bindgen_futures::spawn_local(decide(inner.clone(), answers));
}

/// Decides on the answers after the thanks has painted, and tells an unhappy
/// customer that help is on its way and when.
async fn decide(inner: Rc<Inner>, answers: crate::feedback::FeedbackAnswers) {
    delivery::next_task(&inner.window).await;
    let Some(config) = &inner.config else { return };
    if !inner.alive.get() {
        return;
    }
    match assess(&answers, &config.options) {
        Ok(assessment) if assessment.unhappy => {
            view::show_help(&inner, &config.options.follow_up());
            delivery::mark_unhappy(&inner.window, &config.order_id);
        }
        Ok(_) => {}
        Err(e) => web_sys::console::error_1(&format!("reviewloop feedback: {e}").into()),
    }
}

/// A click on the review link, reported (when configured) so the merchant can
/// count invitations taken up; the link itself is never held back.
fn invitation_clicked(inner: &Rc<Inner>, _event: Event) {
    let Some(config) = &inner.config else { return };
    let Some(url) = &config.invite_click_endpoint else { return };
    let key = delivery::load(&inner.window, &config.order_id).map(|r| r.idempotency_key).unwrap_or_default();
    let body = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&body, &"orderId".into(), &config.order_id.as_str().into());
    let _ = js_sys::Reflect::set(&body, &"idempotencyKey".into(), &key.into());
    let _ = js_sys::Reflect::set(&body, &"url".into(), &config.options.review_url.as_str().into());
    let text = js_sys::JSON::stringify(&body).ok().and_then(|s| s.as_string());
    let _ = inner.window.navigator().send_beacon_with_opt_str(url, text.as_deref());
}

impl Drop for Widget {
    fn drop(&mut self) {
        let Some(inner) = self.inner.take() else { return };
        inner.alive.set(false);
        inner.listeners.borrow_mut().clear();
        if let Some(controller) = inner.abort.borrow_mut().take() {
            controller.abort();
        }
        inner.wake_up();
        view::clear(&inner);
    }
}
