//! The widget's DOM. Every text goes in through `set_text_content`, so a
//! customer's words (or a merchant's strings) are never parsed as markup.

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlTextAreaElement};

use super::{invitation_clicked, submit, Inner};
use crate::feedback::{FeedbackAnswers, Question, Text, WidgetConfig, MAX_COMMENT_CHARS};

fn el(inner: &Inner, tag: &str, attributes: &[(&str, &str)]) -> Result<Element, JsValue> {
    let e = inner.document.create_element(tag)?;
    for (name, value) in attributes {
        e.set_attribute(name, value)?;
    }
    Ok(e)
}

fn text_el(inner: &Inner, tag: &str, attributes: &[(&str, &str)], text: &str) -> Result<Element, JsValue> {
    let e = el(inner, tag, attributes)?;
    e.set_text_content(Some(text));
    Ok(e)
}

fn add(parent: &web_sys::Node, child: &Element) -> Result<(), JsValue> {
    parent.append_child(child)?;
    Ok(())
}

/// Empties the shadow root.
pub(super) fn clear(inner: &Inner) {
    while let Some(child) = inner.root.first_child() {
        if inner.root.remove_child(&child).is_err() {
            break;
        }
    }
    inner.status.borrow_mut().take();
}

fn text(inner: &Inner, t: Text) -> String {
    inner.config.as_ref().map_or_else(|| crate::feedback::strings::english(t).to_string(), |c| c.options.strings.get(t).to_string())
}

pub(super) fn unavailable(inner: &Inner) -> Result<(), JsValue> {
    clear(inner);
    let card = el(inner, "div", &[("class", "card unavailable"), ("role", "status")])?;
    card.set_text_content(Some(&text(inner, Text::Unavailable)));
    inner.root.append_child(&card)?;
    Ok(())
}

/// A yes/no or 1-5 question as a fieldset of radio buttons.
fn choices(inner: &Inner, config: &WidgetConfig, q: Question) -> Result<Element, JsValue> {
    let strings = &config.options.strings;
    let fieldset = el(inner, "fieldset", &[])?;
    add(&fieldset, &text_el(inner, "legend", &[], strings.get(q.text()))?)?;
    let options: Vec<(&str, Text)> = if q == Question::Satisfaction {
        vec![("1", Text::Satisfaction1), ("2", Text::Satisfaction2), ("3", Text::Satisfaction3), ("4", Text::Satisfaction4), ("5", Text::Satisfaction5)]
    } else {
        vec![("yes", Text::Yes), ("no", Text::No)]
    };
    let class = if q == Question::Satisfaction { "choices scale" } else { "choices yes-no" };
    let group = el(inner, "div", &[("class", class)])?;
    for (value, label) in options {
        let id = format!("{}-{value}", q.id());
        let wrapper = el(inner, "label", &[("class", "choice"), ("for", &id)])?;
        add(&wrapper, &el(inner, "input", &[("type", "radio"), ("name", q.id()), ("value", value), ("id", &id)])?)?;
        add(&wrapper, &text_el(inner, "span", &[], strings.get(label))?)?;
        group.append_child(&wrapper)?;
    }
    fieldset.append_child(&group)?;
    Ok(fieldset)
}

/// The questions, in the merchant's order.
pub(super) fn form(inner: &Rc<Inner>) -> Result<(), JsValue> {
    let Some(config) = &inner.config else { return unavailable(inner) };
    let strings = &config.options.strings;
    clear(inner);
    let card = el(inner, "section", &[("class", "card"), ("aria-labelledby", "reviewloop-title")])?;
    add(&card, &text_el(inner, "h2", &[("id", "reviewloop-title"), ("tabindex", "-1")], strings.get(Text::Title))?)?;
    add(&card, &text_el(inner, "p", &[("class", "intro")], strings.get(Text::Intro))?)?;
    let form = el(inner, "form", &[("novalidate", ""), ("aria-labelledby", "reviewloop-title")])?;
    for q in &config.options.questions {
        if *q == Question::Comment {
            add(&form, &text_el(inner, "label", &[("class", "label"), ("for", "reviewloop-comment")], strings.get(Text::Comment))?)?;
            let max = MAX_COMMENT_CHARS.to_string();
            let area = el(inner, "textarea", &[("id", "reviewloop-comment"), ("name", "comment"), ("rows", "4"), ("maxlength", &max)])?;
            let field = el(inner, "div", &[("class", "field")])?;
            field.append_child(&area)?;
            form.append_child(&field)?;
        } else {
            add(&form, &choices(inner, config, *q)?)?;
        }
    }
    add(&form, &el(inner, "p", &[("class", "error"), ("id", "reviewloop-error"), ("role", "alert")])?)?;
    add(&form, &text_el(inner, "button", &[("type", "submit")], strings.get(Text::Submit))?)?;
    card.append_child(&form)?;
    inner.root.append_child(&card)?;
    inner.listen(form.as_ref(), "submit", submit);
    Ok(())
}

/// Reads what the customer chose; unanswered questions stay `None`.
pub(super) fn read_answers(inner: &Inner, config: &WidgetConfig) -> FeedbackAnswers {
    let checked = |name: &str| -> Option<String> {
        inner
            .root
            .query_selector(&format!("input[name=\"{name}\"]:checked"))
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
            .map(|i| i.value())
    };
    let yes_no = |q: Question| checked(q.id()).map(|v| v == "yes");
    let comment = inner
        .root
        .query_selector("textarea")
        .ok()
        .flatten()
        .and_then(|e| e.dyn_into::<HtmlTextAreaElement>().ok())
        .map(|t| t.value())
        .filter(|c| !c.trim().is_empty());
    let context = |name: &str| config.context.get(name).cloned();
    let locale = inner.config.as_ref().map(|c| c.options.locale.clone());
    FeedbackAnswers {
        order_id: config.order_id.clone(),
        arrived_as_expected: yes_no(Question::ArrivedAsExpected),
        delivery_smooth: yes_no(Question::DeliverySmooth),
        // The radios are ours, "1" to "5": read as whole numbers (no float parser in the page).
        satisfaction: checked(Question::Satisfaction.id()).and_then(|v| v.parse::<u8>().ok()).map(f64::from),
        needs_help: yes_no(Question::NeedsHelp),
        comment,
        product: context("product"),
        sku: context("sku"),
        variant: context("variant"),
        carrier: context("carrier"),
        region: context("region"),
        warehouse: context("warehouse"),
        locale,
    }
}

/// Announces a problem with the answers and puts the customer back on the form.
pub(super) fn show_error(inner: &Inner, message: &str) {
    if let Ok(Some(e)) = inner.root.query_selector("#reviewloop-error") {
        e.set_text_content(Some(message));
    }
    let first = inner.root.query_selector("input, textarea").ok().flatten();
    if let Some(first) = first.and_then(|e| e.dyn_into::<HtmlElement>().ok()) {
        let _ = first.focus();
    }
}

/// Thanks, help on its way (when unhappy: `None` while still deciding), the
/// review invitation (always), and the delivery status. `focus` moves
/// keyboard and screen-reader users to the new heading when they just submitted.
pub(super) fn answered(inner: &Rc<Inner>, unhappy: Option<bool>, focus: bool) -> Result<(), JsValue> {
    let Some(config) = &inner.config else { return unavailable(inner) };
    let strings = &config.options.strings;
    clear(inner);
    let card = el(inner, "section", &[("class", "card"), ("aria-labelledby", "reviewloop-title")])?;
    let heading = text_el(inner, "h2", &[("id", "reviewloop-title"), ("tabindex", "-1")], strings.get(Text::Thanks))?;
    card.append_child(&heading)?;
    // A live region from the start, so help decided a moment later is announced.
    let help = el(inner, "p", &[("class", "help"), ("aria-live", "polite")])?;
    if unhappy == Some(true) {
        help.set_text_content(Some(&config.options.follow_up()));
    }
    card.append_child(&help)?;
    let invitation = el(inner, "div", &[("class", "invitation")])?;
    add(&invitation, &text_el(inner, "p", &[], strings.get(Text::Invitation))?)?;
    let link = text_el(
        inner,
        "a",
        &[("class", "review-link"), ("href", &config.options.review_url), ("target", "_blank"), ("rel", "noopener noreferrer")],
        strings.get(Text::InvitationLink),
    )?;
    add(&link, &text_el(inner, "span", &[("class", "visually-hidden")], &format!(" {}", strings.get(Text::NewTab)))?)?;
    invitation.append_child(&link)?;
    card.append_child(&invitation)?;
    let status = el(inner, "p", &[("class", "status"), ("role", "status"), ("aria-live", "polite")])?;
    card.append_child(&status)?;
    inner.root.append_child(&card)?;
    *inner.status.borrow_mut() = Some(status);
    inner.listen(link.as_ref(), "click", invitation_clicked);
    if focus {
        if let Ok(h) = heading.dyn_into::<HtmlElement>() {
            let _ = h.focus();
        }
    }
    Ok(())
}

/// Tells an unhappy customer that help is on its way.
pub(super) fn show_help(inner: &Inner, message: &str) {
    if let Ok(Some(help)) = inner.root.query_selector(".help") {
        help.set_text_content(Some(message));
    }
}

/// Says where the answers are, in the polite live region.
pub(super) fn set_status(inner: &Inner, t: Text, detail: &str) {
    let message = inner.config.as_ref().map(|c| c.options.strings.fill(t, "status", detail));
    if let (Some(status), Some(message)) = (inner.status.borrow().as_ref(), message) {
        status.set_text_content(Some(&message));
        let _ = status.set_attribute("data-state", t.key());
    }
}
