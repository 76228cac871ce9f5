// The main entry: the client and the webhook verifier (classes of the wasm module) and every error class.
export { Asyntai, Webhook } from '../wasm/core/asyntai_edge_bg.js';
export * from './errors.js';
export { Asyntai as default } from '../wasm/core/asyntai_edge_bg.js';
