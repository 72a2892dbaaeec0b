// What bench/page.mjs and bench/soak.mjs share: small statistics helpers, and the init-script
// hook that keeps every wasm instance's WebAssembly.Memory so its size can be read.

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The `q` quantile of the finite values of `xs` by nearest rank (NaN if there are none). */
export const quantile = (xs, q) => {
  const v = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (v.length === 0) return NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil(q * v.length) - 1))];
};

/**
 * Runs in the page: wraps WebAssembly.instantiateStreaming and WebAssembly.instantiate so
 * that every WebAssembly.Memory an instance exports (wasm-bindgen exports its linear memory)
 * is pushed onto `memories`. It reaches the page as source text (see initScript), so it uses
 * nothing outside itself.
 */
export function keepWasmMemories(memories) {
  const keep = (result) => {
    const exports = (result?.instance ?? result)?.exports;
    if (exports) for (const v of Object.values(exports)) if (v instanceof WebAssembly.Memory) memories.push(v);
    return result;
  };
  for (const name of ['instantiateStreaming', 'instantiate']) {
    const original = WebAssembly[name];
    if (typeof original === 'function') {
      WebAssembly[name] = function (...args) {
        return original.apply(this, args).then(keep);
      };
    }
  }
}

/**
 * An init script for playwright's page.addInitScript that calls `main(arg, keepWasmMemories)`
 * in every document before its own scripts. Playwright sends functions to the page as their
 * source text (toString), so `main` cannot use anything from the module it is written in:
 * it gets keepWasmMemories as its second argument instead, and `arg` goes through JSON.
 */
export function initScript(main, arg) {
  return { content: `(${main})(${JSON.stringify(arg) ?? 'undefined'}, ${keepWasmMemories});` };
}
