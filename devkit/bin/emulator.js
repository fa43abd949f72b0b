#!/usr/bin/env node
// Thin launcher: the compiled emulator CLI lives in dist/ (built by `npm install` through the prepare script).
import { emulatorMain } from '../../dist/devkit/emulator/cli.js';

process.exitCode = await emulatorMain(process.argv.slice(2));
