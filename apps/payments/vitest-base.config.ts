import { defineConfig } from 'vitest/config';

// Typing into a form with user-event takes seconds on a loaded 2-core machine: vitest's 5 s default
// fails tests that pass alone. The tests wait on conditions; this is only their outer bound.
export default defineConfig({ test: { testTimeout: 30_000 } });
