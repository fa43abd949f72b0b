#!/usr/bin/env -S node --max-semi-space-size=64
// Thin launcher: the compiled CLI lives in dist/ (built by `npm install` through the prepare script).
// A larger young generation roughly halves garbage-collection time on big tenants (millions of
// short-lived objects while loading and reporting); `env -S` passes the flag where shebangs allow it.
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
