// The main entry: the client, the webhook verifier and every error class.
import * as core from '../wasm/core/asyntai_edge_bg.js';
import { createAsyntai } from './client.js';
import { createWebhook } from './webhook.js';

export * from './errors.js';
export const Asyntai = createAsyntai(core);
export const Webhook = createWebhook(core);
export default Asyntai;
