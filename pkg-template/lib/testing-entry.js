// `asyntai-edge/testing`: the offline sandbox.
import * as core from '../wasm/testing/asyntai_edge_bg.js';
import { createMockAsyntai } from './testing.js';

export const MockAsyntai = createMockAsyntai(core);
