import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { OidcSession } from '@atrium/test-kit';
import { startIdentity, type RunningIdentity } from './test-server.ts';

let identity: RunningIdentity;

before(async () => {
  identity = await startIdentity();
});
after(() => identity.stop());

/** A GET that sends Accept-Encoding as given (fetch() adds its own and decodes the answer). */
function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** The page's links: its stylesheet and its icon, as absolute URLs. */
function linksOf(html: string): { stylesheet: string; icon: string } {
  const href = (rel: string) => new RegExp(`<link rel="${rel}"[^>]* href="([^"]+)"`).exec(html)?.[1];
  const origin = new URL(identity.issuer).origin;
  const stylesheet = href('stylesheet');
  const icon = href('icon');
  assert.ok(stylesheet, 'the page links its stylesheet');
  assert.ok(icon, 'the page names its icon, so the browser does not ask for /favicon.ico');
  return { stylesheet: new URL(stylesheet, origin).href, icon: new URL(icon, origin).href };
}

const IMMUTABLE = 'public, max-age=31536000, immutable';

describe("the login pages' assets", () => {
  test('the login and signed-out pages link a content-named stylesheet and icon', async () => {
    const { page } = await OidcSession.discover({
      issuer: identity.issuer,
      redirectUri: identity.redirectUri,
      username: 'userTenantA',
      password: 'demo-password',
    }).then((rp) => rp.start());
    const login = linksOf(page.html);
    assert.match(login.stylesheet, /\/assets\/login-[0-9a-f]{12}\.css$/);
    assert.match(login.icon, /\/assets\/favicon-[0-9a-f]{12}\.svg$/);
    const signedOut = await fetch(`${identity.issuer}/session/end/success`);
    assert.equal(signedOut.status, 200);
    assert.deepEqual(linksOf(await signedOut.text()), login);

    const icon = await get(login.icon);
    assert.equal(icon.status, 200);
    assert.equal(icon.headers['content-type'], 'image/svg+xml');
    assert.equal(icon.headers['cache-control'], IMMUTABLE);
    assert.match(icon.body.toString(), /^<svg /);
  });

  test('the stylesheet is sent compressed as the browser accepts it, cached for a year as immutable', async () => {
    const { page } = await OidcSession.discover({
      issuer: identity.issuer,
      redirectUri: identity.redirectUri,
      username: 'userTenantA',
      password: 'demo-password',
    }).then((rp) => rp.start());
    const { stylesheet } = linksOf(page.html);
    const plain = await get(stylesheet);
    assert.equal(plain.status, 200);
    assert.equal(plain.headers['content-type'], 'text/css; charset=utf-8');
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers['cache-control'], IMMUTABLE);
    assert.equal(plain.headers['vary'], 'Accept-Encoding');
    assert.match(plain.body.toString(), /--atrium-color-primary/);

    const br = await get(stylesheet, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['cache-control'], IMMUTABLE);
    assert.ok(br.body.length < plain.body.length / 2, `${br.body.length} of ${plain.body.length} bytes`);
    assert.deepEqual(brotliDecompressSync(br.body), plain.body);

    const gzip = await get(stylesheet, { 'accept-encoding': 'gzip, br;q=0' });
    assert.equal(gzip.headers['content-encoding'], 'gzip');
    assert.deepEqual(gunzipSync(gzip.body), plain.body);
  });

  test('an asset name whose content hash is not the current one is a 404', async () => {
    const stale = await get(`${identity.issuer}/assets/login-000000000000.css`);
    assert.equal(stale.status, 404);
  });
});
