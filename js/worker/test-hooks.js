// What the Worker's tests need to reach inside it, loaded always but used only
// when REVIEWLOOP_TEST_HOOKS is set (js/worker.js): a real trap in the live
// wasm instance, since no review makes the core trap (that is the point).
import { ReviewReport } from '../pkg/reviewloop.js';

/**
 * Calls a report method on a pointer past the end of wasm memory: the core's
 * first load from it traps ("memory access out of bounds"), a
 * `WebAssembly.RuntimeError` like any core bug's.
 */
export function trapWasm() {
  ReviewReport.prototype.summary.call({ __wbg_ptr: 0xfffffff0 });
}
