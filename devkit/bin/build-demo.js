#!/usr/bin/env node
// Thin launcher: the compiled demo builder lives in dist/ (`npm run demo:build` builds first).
//   node devkit/bin/build-demo.js               writes demo/tenant.json
//   node devkit/bin/build-demo.js <out.json>    writes the same snapshot elsewhere (used by the tests)
import { buildDemo } from '../../dist/devkit/demo/build.js';

buildDemo(process.argv.slice(2));
