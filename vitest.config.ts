import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

// Every scan records in the state store by default: tests (and the CLI processes they start, which
// inherit process.env) record in a temporary directory, never in the user's data directory.
const stateDir = process.env.MFAGUARD_STATE_DIR ?? mkdtempSync(join(tmpdir(), 'mfaguard-test-state-'));

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    env: { MFAGUARD_STATE_DIR: stateDir },
  },
});
