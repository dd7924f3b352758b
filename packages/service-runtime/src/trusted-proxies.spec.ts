import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { parseTrustProxy, trustProxyOption } from './trusted-proxies.ts';

/** The client address a Fastify app with this TRUST_PROXY works out for a request. */
async function clientAddress(setting: string, remoteAddress: string, forwardedFor: string): Promise<string> {
  const parsed = parseTrustProxy(setting);
  assert.ok('value' in parsed, JSON.stringify(parsed));
  const app = Fastify({ trustProxy: trustProxyOption(parsed.value) });
  app.get('/', async (request) => request.ip);
  const response = await app.inject({
    url: '/',
    remoteAddress,
    headers: { 'x-forwarded-for': forwardedFor },
  });
  await app.close();
  return response.body;
}

describe('TRUST_PROXY', () => {
  test('true trusts the one proxy in front: the client is the address it appended, not what the client wrote', async () => {
    assert.equal(await clientAddress('true', '127.0.0.1', '6.6.6.6, 203.0.113.7'), '203.0.113.7');
    assert.equal(await clientAddress('true', '127.0.0.1', '203.0.113.7'), '203.0.113.7');
  });

  test('a list trusts every hop through those proxies, and a peer outside it is the client', async () => {
    // A CDN (10.1.2.3) in front of nginx (loopback): the client is what the CDN appended.
    assert.equal(
      await clientAddress('loopback, 10.0.0.0/8', '127.0.0.1', '6.6.6.6, 198.51.100.9, 10.1.2.3'),
      '198.51.100.9',
    );
    // Someone reaching the service directly is the client, whatever they send.
    assert.equal(await clientAddress('loopback', '198.51.100.50', '6.6.6.6'), '198.51.100.50');
  });

  test('false or unset: the socket peer is the client', async () => {
    assert.equal(await clientAddress('false', '198.51.100.50', '6.6.6.6'), '198.51.100.50');
    assert.deepEqual(parseTrustProxy(undefined), { value: false });
  });

  test('anything else is refused by name', () => {
    for (const bad of ['yes', '2', '10.0.0.0/33', 'loopback, nginx']) {
      const parsed = parseTrustProxy(bad);
      assert.ok(
        'problem' in parsed && parsed.problem.startsWith('TRUST_PROXY:'),
        `${bad}: ${JSON.stringify(parsed)}`,
      );
    }
  });
});
