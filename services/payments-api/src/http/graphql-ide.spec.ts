import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  buildClientSchema,
  buildSchema,
  getIntrospectionQuery,
  lexicographicSortSchema,
  printSchema,
  type IntrospectionQuery,
} from 'graphql';
import { demoCaller, startTestIssuer, type TestIssuer } from '@atrium/test-kit';
import { startPayments, TEST_STORE, type PaymentsFixture } from '../payments-fixture.ts';

// GraphiQL and the SDL are development tools: served from this server's own files (no CDN at run
// time), and absent in production, where introspection is off too.

const BROWSER = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
/**
 * Hosts a page would load GraphiQL or its fonts from if it were not served locally (graphiql's
 * bundle names "jsdelivr, unpkg" in an error message about React 15, never as a host).
 */
const CDN =
  /unpkg\.com|cdn\.jsdelivr\.net|esm\.sh|cdnjs\.cloudflare|fonts\.googleapis|fonts\.gstatic|cdn\.skypack/i;

/** The URLs a page loads: scripts, stylesheets, images, anything with a src or href. */
function loadedUrls(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1] ?? '');
}

describe(`GraphiQL and the SDL on ${TEST_STORE}`, () => {
  let issuer: TestIssuer;
  let development: PaymentsFixture;
  let production: PaymentsFixture;
  let viewer: string;
  before(async () => {
    issuer = await startTestIssuer();
    [development, production] = await Promise.all([
      startPayments(issuer),
      startPayments(issuer, { production: true }),
    ]);
    viewer = await issuer.mint(demoCaller('A', 'viewer'));
  });
  after(async () => {
    await Promise.allSettled([development.close(), production.close()]);
    await issuer.close();
  });

  test('development: a browser at GET /graphql gets GraphiQL, every file of it from this server', async () => {
    const pageAnswer = await development.app.inject({ method: 'GET', url: '/graphql', headers: BROWSER });
    assert.equal(pageAnswer.statusCode, 200);
    assert.match(String(pageAnswer.headers['content-type']), /^text\/html/);
    // The browser enforces it: nothing outside this origin is loaded or connected to.
    const policy = String(pageAnswer.headers['content-security-policy']);
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /script-src 'self'(;|$)/);
    assert.match(policy, /connect-src 'self'(;|$)/);
    assert.doesNotMatch(pageAnswer.body, /https?:\/\//, 'no absolute URL in the page');
    const urls = loadedUrls(pageAnswer.body);
    assert.ok(urls.length >= 5, urls.join());
    for (const url of urls) {
      assert.match(url, /^\/graphql\/ide\/[\w.-]+$/, url);
      const asset = await development.app.inject({ method: 'GET', url });
      assert.equal(asset.statusCode, 200, url);
      assert.match(String(asset.headers['content-type']), /^text\/(css|javascript)/, url);
      assert.ok(asset.body.length > 50, url);
      assert.doesNotMatch(asset.body, CDN, `${url} names no CDN`);
      assert.doesNotMatch(asset.body, /@import|url\((["']?)(https?:)?\/\//, `${url} loads no remote CSS`);
    }
    // The pieces GraphiQL needs: React 18, GraphiQL itself, and the editor for the token.
    assert.ok(urls.some((u) => u.endsWith('react.production.min.js')));
    assert.ok(urls.some((u) => u.endsWith('graphiql.min.js')));
    const start = await development.app.inject({ method: 'GET', url: '/graphql/ide/start.js' });
    assert.match(start.body, /isHeadersEditorEnabled: true/);
    assert.match(start.body, /Authorization/);
  });

  test('development: only the IDE files are served from node_modules', async () => {
    for (const url of [
      '/graphql/ide/package.json',
      '/graphql/ide/..%2Fpackage.json',
      '/graphql/ide/graphiql.min.js.map',
      '/graphql/ide/__proto__',
    ]) {
      const answer = await development.app.inject({ method: 'GET', url });
      assert.equal(answer.statusCode, 404, url);
    }
  });

  test('development: GraphQL over GET and POST still answers beside the page', async () => {
    const get = await development.app.inject({
      method: 'GET',
      url: '/graphql?query=%7B__typename%7D',
      headers: { authorization: `Bearer ${viewer}`, accept: 'application/json' },
    });
    assert.equal(get.statusCode, 200, get.body);
    assert.deepEqual(get.json(), { data: { __typename: 'Query' } });
    const withoutToken = await development.app.inject({
      method: 'GET',
      url: '/graphql?query=%7B__typename%7D',
    });
    assert.equal(withoutToken.statusCode, 401);
    const post = await development.gql(viewer, '{ __typename }');
    assert.equal(post.status, 200);
  });

  test('development: /graphql/schema.graphql is the SDL of the schema that is served', async () => {
    const sdl = await development.app.inject({ method: 'GET', url: '/graphql/schema.graphql' });
    assert.equal(sdl.statusCode, 200);
    assert.match(String(sdl.headers['content-type']), /^text\/plain/);
    assert.match(sdl.body, /type Payment\b/);
    const introspected = await development.gql(viewer, getIntrospectionQuery({ descriptions: true }));
    assert.equal(introspected.status, 200, JSON.stringify(introspected.body.errors));
    const live = buildClientSchema(introspected.body.data as unknown as IntrospectionQuery);
    assert.equal(
      printSchema(lexicographicSortSchema(buildSchema(sdl.body))),
      printSchema(lexicographicSortSchema(live)),
    );
  });

  test('production: no GraphiQL, no IDE files, no SDL', async () => {
    const pageAnswer = await production.app.inject({ method: 'GET', url: '/graphql', headers: BROWSER });
    assert.doesNotMatch(String(pageAnswer.headers['content-type']), /text\/html/);
    assert.doesNotMatch(pageAnswer.body, /graphiql/i);
    for (const url of ['/graphql/ide/graphiql.min.js', '/graphql/ide/start.js', '/graphql/schema.graphql']) {
      const answer = await production.app.inject({ method: 'GET', url });
      assert.equal(answer.statusCode, 404, url);
    }
  });
});
