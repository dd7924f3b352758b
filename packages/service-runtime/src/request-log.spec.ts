import { test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { serviceLoggerOptions } from './request-log.ts';

const SECRETS = {
  code: 'c0de-4Uth0r1zat10n',
  state: 'st4te-v4lue',
  id_token_hint: 'eyJpZC10b2tlbi1oaW50.payload.signature',
  access_token: 'acc3ss-t0ken',
  refresh_token: 'r3fresh-t0ken',
  token: 'plain-t0ken',
  client_secret: 'cl1ent-s3cret',
  password: 'pa55w0rd-typed',
  login_hint: 'someone-typed-this',
};

test('request URLs and messages are logged without the values of credential parameters', async () => {
  const lines: string[] = [];
  const app = Fastify({ logger: serviceLoggerOptions('info', { write: (line) => void lines.push(line) }) });
  app.get('/callback', async (request) => {
    // A route that quotes its own URL in a message (as Fastify's 404 does) is redacted too.
    request.log.info(`handling ${request.url}`);
    return { ok: true };
  });
  const query = new URLSearchParams({ ...SECRETS, page: '2' }).toString();
  assert.equal((await app.inject({ method: 'GET', url: `/callback?${query}` })).statusCode, 200);
  assert.equal(
    (await app.inject({ method: 'GET', url: `/nowhere?CODE=${SECRETS.code}&x=1` })).statusCode,
    404,
  );
  await app.close();

  const log = lines.join('');
  for (const [name, value] of Object.entries(SECRETS)) {
    assert.ok(!log.includes(value), `${name}'s value is in the log:\n${log}`);
  }
  // What is not a credential stays, so the lines still say what was asked.
  const incoming = lines.map((line) => JSON.parse(line) as { req?: { url: string } }).find((l) => l.req);
  assert.match(incoming?.req?.url ?? '', /^\/callback\?code=\[redacted\]&state=\[redacted\]/);
  assert.match(incoming?.req?.url ?? '', /&page=2$/);
  assert.match(log, /Route GET:\/nowhere\?CODE=\[redacted\]&x=1 not found/);
});
