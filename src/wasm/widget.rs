//! `FeedbackWidget`: the handle js/widget.js holds for one mounted widget.

use wasm_bindgen::prelude::*;

use super::feedback::read_settings;
use crate::feedback::{FeedbackError, Settings};
use crate::widget::Widget;

/// Settings from the element: its `config` JSON (if any), then its attributes
/// on top (already camelCased by js/widget.js).
fn settings(attributes: &JsValue, config_json: Option<String>) -> Result<Settings, FeedbackError> {
    let mut settings = match config_json.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(text) => {
            let value = js_sys::JSON::parse(text).map_err(|e| {
                let why = js_sys::Error::from(e).message().as_string().unwrap_or_default();
                FeedbackError::Unreadable(format!("the `config` JSON is malformed ({why})"))
            })?;
            read_settings(&value)?
        }
        None => Settings::new(),
    };
    settings.extend(read_settings(attributes)?);
    Ok(settings)
}

/// One feedback widget, rendered into a shadow root and owning its listeners.
#[wasm_bindgen]
pub struct FeedbackWidget {
    widget: Option<Widget>,
}

#[wasm_bindgen]
impl FeedbackWidget {
    /// Renders the widget into `root`. A bad configuration is logged to the
    /// console and the widget says it is unavailable; this never throws.
    pub fn mount(root: web_sys::ShadowRoot, attributes: JsValue, config_json: Option<String>) -> FeedbackWidget {
        FeedbackWidget { widget: Some(Widget::mount(root, settings(&attributes, config_json))) }
    }

    /// Tears the widget down: listeners removed, retries stopped (undelivered
    /// answers stay in localStorage for the next visit), the root emptied.
    pub fn unmount(&mut self) {
        self.widget = None;
    }
}
