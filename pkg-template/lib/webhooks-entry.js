// `asyntai-edge/webhooks`: only the verifier, over its own small wasm module (no HTTP client).
export { Webhook } from '../wasm/webhooks/asyntai_edge_bg.js';
export { WebhookVerificationError } from './errors.js';
