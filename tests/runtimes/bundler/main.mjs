// The app as a browser script: bundled by esbuild, loaded with a classic <script src>.
import app from '../app/handler.mjs';

globalThis.app = app;
globalThis.appReady = true;
