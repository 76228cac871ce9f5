// `asyntai-edge/testing`: the offline sandbox (a class of its own wasm module).
export { MockAsyntai } from '../wasm/testing/asyntai_edge_bg.js';
