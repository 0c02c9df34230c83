// Test-only view of the package's wasm instance. The package exports no memory, so the
// instance is caught as it is created: install the observer before anything in the process
// imports `ankorstore-client`.

/**
 * Starts observing `new WebAssembly.Instance` and `WebAssembly.instantiate`. Returns
 * `{ package(), restore() }`: `package()` is the exports of the package's instance (the one
 * exporting `ankorstoreclient_new`; Node's fetch has a wasm instance of its own), or null.
 */
export function observeWasm() {
  const instances = [];
  const OriginalInstance = WebAssembly.Instance;
  const originalInstantiate = WebAssembly.instantiate;
  WebAssembly.Instance = new Proxy(OriginalInstance, {
    construct(target, args, newTarget) {
      const instance = Reflect.construct(target, args, newTarget);
      instances.push(instance);
      return instance;
    },
  });
  WebAssembly.instantiate = async (...args) => {
    const result = await originalInstantiate.apply(WebAssembly, args);
    instances.push(result.instance ?? result);
    return result;
  };
  return {
    package: () =>
      instances.map((i) => i.exports).find((e) => typeof e?.ankorstoreclient_new === "function") ?? null,
    restore() {
      WebAssembly.Instance = OriginalInstance;
      WebAssembly.instantiate = originalInstantiate;
    },
  };
}

/** First slot of wasm-bindgen's externref heap (below: the borrow stack and constants). */
const HEAP_START = 1028;

/**
 * JavaScript values the wasm holds right now: used slots of wasm-bindgen's externref table
 * (a freed slot is emptied). At rest, a leak-free client holds the same number whatever it
 * did before.
 */
export function liveHandles(exports) {
  const table = exports.__wbindgen_externrefs;
  let live = 0;
  for (let i = HEAP_START; i < table.length; i += 1) {
    const value = table.get(i);
    if (value !== undefined && value !== null) live += 1;
  }
  return live;
}

/** The live values themselves (for diagnosing a leak: what kinds of values are held). */
export function liveValues(exports) {
  const table = exports.__wbindgen_externrefs;
  const out = [];
  for (let i = HEAP_START; i < table.length; i += 1) {
    const value = table.get(i);
    if (value !== undefined && value !== null) out.push(value);
  }
  return out;
}

/** Bytes of the wasm linear memory (it only grows). */
export function memoryBytes(exports) {
  return exports.memory.buffer.byteLength;
}
