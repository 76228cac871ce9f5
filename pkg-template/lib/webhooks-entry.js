// `asyntai-edge/webhooks`: only the verifier, over its own small wasm module (no HTTP client).
import * as core from '../wasm/webhooks/asyntai_edge_bg.js';
import { createWebhook } from './webhook.js';

export { WebhookVerificationError } from './errors.js';
export const Webhook = createWebhook(core);
