#!/usr/bin/env node
// `npm run fuzz -- --cases N [--seed S] [--case I]`: thin launcher over the compiled harness (dist/devkit/fuzz).
import { fuzzMain } from '../../dist/devkit/fuzz/cli.js';

process.exitCode = await fuzzMain(process.argv.slice(2));
