// POST /api/edge/chat on Next's edge runtime (staged into <next project>/app/ by the driver).
export { chat as POST } from '../../../../shared/app.js';
export const runtime = 'edge';
