export * from './errors.js';
export * from './client.js';
export * from './webhooks.js';
import { Asyntai } from './client.js';
export default Asyntai;
