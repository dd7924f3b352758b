import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './src/browser.ts';

// One embedded server (`npm start`) per run, on its own port and a fresh temp data folder.
// Workers load this file again: they inherit the choice through the environment.
const port = Number(
  process.env['E2E_PORT'] ??
    (process.env['ATRIUM_E2E_URL']
      ? new URL(process.env['ATRIUM_E2E_URL']).port
      : 20000 + Math.floor(Math.random() * 9000)),
);
const given = process.env['E2E_DATA_DIR'] ?? process.env['ATRIUM_E2E_DATA_DIR'];
const dataDir = given ?? mkdtempSync(join(tmpdir(), 'atrium-e2e-'));
// The folder made here goes when the runner exits (after the web server has stopped).
if (given === undefined) process.on('exit', () => rmSync(dataDir, { recursive: true, force: true }));
const baseURL = `http://localhost:${port}`;
process.env['ATRIUM_E2E_URL'] = baseURL;
process.env['ATRIUM_E2E_DATA_DIR'] = dataDir;

export default defineConfig({
  testDir: './tests',
  outputDir: '../test-results/e2e',
  timeout: 60_000,
  expect: { timeout: 10_000 },
  // The scenarios share one server and its data; they run one after another.
  workers: 1,
  fullyParallel: false,
  reporter: [['list']],
  use: {
    baseURL,
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
  },
  webServer: {
    command: 'node services/embedded/src/main.ts',
    cwd: '..',
    url: `${baseURL}/readyz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { PORT: String(port), ATRIUM_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
  },
});
