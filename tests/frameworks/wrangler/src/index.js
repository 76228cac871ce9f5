// A Worker: the shared app (../shared/app.js, staged by the driver) as the module's fetch handler.
export { default } from '../shared/app.js';
