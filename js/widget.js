// <reviewloop-feedback>: the post-delivery feedback widget as a custom element.
// One script tag defines it; the Rust core renders into the element's shadow
// root and owns every listener, released on removal. It loads the core's
// storefront build (js/pkg-widget: the classifier, feedback and the widget,
// without the replies and reports the rest of the package needs).
//
//   <script type="module" src="/js/widget.js"></script>
//   <reviewloop-feedback order-id="A-1001" endpoint="/api/feedback"
//                        review-url="https://reviews.example.com/write"></reviewloop-feedback>
import initWasm, { FeedbackWidget } from './pkg-widget/reviewloop.js';

/** Attributes that are the element's own, not widget settings. */
const NOT_SETTINGS = new Set(['config', 'class', 'id', 'style', 'hidden', 'slot', 'lang', 'dir', 'title', 'tabindex', 'part']);

/** `review-url` → `reviewUrl`. */
const camelCase = (name) => name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());

// Start loading the wasm as soon as the script runs, so the widget is ready
// by the time its element appears. A failure is reported when an element mounts.
const loading = initWasm().then(
  () => null,
  (error) => new Error(`reviewloop could not load its wasm core: ${error.message}`, { cause: error }),
);

/**
 * The feedback widget element. Settings come from its attributes (kebab-case:
 * `order-id`, `endpoint`, `review-url`, `locale`, `response-time`, `questions`,
 * `invite-click-endpoint`, `product`, …) and/or a JSON `config` attribute or
 * a child `<script type="application/json">`; attributes win. It fires
 * `reviewloop-ready` once rendered.
 */
export class ReviewloopFeedback extends HTMLElement {
  #widget = null;
  #mounts = 0;

  async connectedCallback() {
    const mount = ++this.#mounts;
    const root = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    const failed = await loading;
    if (mount !== this.#mounts || !this.isConnected) return; // removed while loading
    if (failed instanceof Error) {
      console.error(failed.message);
      root.replaceChildren(Object.assign(document.createElement('p'), {
        textContent: 'The feedback form is not available right now.',
      }));
      root.firstChild.setAttribute('role', 'status');
      return;
    }
    const attributes = {};
    for (const { name, value } of this.attributes) {
      if (!NOT_SETTINGS.has(name) && !name.startsWith('aria-') && !name.startsWith('data-')) {
        attributes[camelCase(name)] = value;
      }
    }
    const json = this.getAttribute('config') ?? this.querySelector('script[type="application/json"]')?.textContent ?? undefined;
    this.#widget = FeedbackWidget.mount(root, attributes, json);
    this.dispatchEvent(new CustomEvent('reviewloop-ready', { bubbles: true, composed: true }));
  }

  disconnectedCallback() {
    this.#mounts++;
    this.#widget?.free(); // drops the Rust side: listeners removed, retries stopped
    this.#widget = null;
  }
}

if (!customElements.get('reviewloop-feedback')) {
  customElements.define('reviewloop-feedback', ReviewloopFeedback);
}
