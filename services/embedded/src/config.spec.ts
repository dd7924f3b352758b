import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from './config.ts';

test('an empty PORT is the default 8080, not 0 (a random port), as in every service', () => {
  assert.equal(loadConfig({ PORT: '' }).port, 8080);
  assert.throws(() => loadConfig({ PORT: 'eighty' }), /PORT: an integer 0-65535, got "eighty"/);
});

test('production mode is decided as in every service: ATRIUM_MODE when set, else NODE_ENV', () => {
  assert.equal(loadConfig({ ATRIUM_MODE: 'development', NODE_ENV: 'production' }).production, false);
  assert.equal(loadConfig({ ATRIUM_MODE: 'production' }).production, true);
  assert.equal(loadConfig({ NODE_ENV: 'production' }).production, true);
  assert.throws(() => loadConfig({ ATRIUM_MODE: 'staging' }), /ATRIUM_MODE: development or production/);
});
