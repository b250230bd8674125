// reviewloop/classify: the classifier alone (init, classify, classifyBatch,
// rebuild, rebuilds), the same calls and errors as js/index.js, on its own
// build (js/pkg-classify: no replies, feedback or reports), so a page that
// only classifies downloads only the classifier. Node, browsers and Workers alike.
import initWasm, * as core from './pkg-classify/reviewloop.js';
import { bindEngine } from './lib/engine.js';

export const { init, rebuild, rebuilds, classify, classifyBatch } = bindEngine(
  core,
  initWasm,
  () => new URL('./pkg-classify/reviewloop_bg.wasm', import.meta.url),
);
