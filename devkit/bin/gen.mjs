#!/usr/bin/env node
// `npm run gen -- --users N --seed S --out DIR [--policies P] [--gzip] [--security-defaults]`
// Thin launcher: the generator is compiled to dist/ (built by `npm ci` through the prepare script).
import { genMain } from '../../dist/devkit/gen/cli.js';

process.exitCode = await genMain(process.argv.slice(2));
