// The main entry: the client (a class of the wasm module), the webhook verifier and every error class.
import { Asyntai } from '../wasm/core/asyntai_edge_bg.js';
import * as core from '../wasm/core/asyntai_edge_bg.js';
import { createWebhook } from './webhook.js';

export * from './errors.js';
export { Asyntai };
export const Webhook = createWebhook(core);
export default Asyntai;
