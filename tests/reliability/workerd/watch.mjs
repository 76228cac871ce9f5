// Evaluated before the package (the worker imports it first): keeps the WebAssembly instances the
// package makes, so their linear memory can be measured, and counts the timers armed and still pending.
export const instances = [];
const Original = WebAssembly.Instance;
function Watched(module, imports) {
  const instance = new Original(module, imports);
  instances.push(instance);
  return instance;
}
Watched.prototype = Original.prototype;
WebAssembly.Instance = Watched;

export const timers = { armed: 0, live: new Set() };
const set = globalThis.setTimeout;
const clear = globalThis.clearTimeout;
globalThis.setTimeout = (fn, ms, ...args) => {
  let t;
  t = set((...a) => { timers.live.delete(t); fn(...a); }, ms, ...args);
  timers.armed++;
  timers.live.add(t);
  return t;
};
globalThis.clearTimeout = (t) => {
  timers.live.delete(t);
  clear(t);
};
