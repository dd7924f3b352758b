import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { printSchema, type GraphQLSchema } from 'graphql';
import { isWebSocketHandshake } from './caller-authentication.ts';

// GraphiQL for development, served from node_modules: nothing is fetched from a CDN at run time
// (mercurius' own `graphiql` option loads it from unpkg). graphiql 4's prebuilt bundle expects
// React 18's globals, hence the pinned react@18 beside the shell's React 19.

const require = createRequire(import.meta.url);
const packageFolder = (name: string): string => dirname(require.resolve(`${name}/package.json`));

/** The IDE's files, by the name they are served under: nothing else under the folder is reachable. */
const ASSETS: Readonly<Record<string, { readonly file: () => string; readonly type: string }>> = {
  'graphiql.min.css': { file: () => join(packageFolder('graphiql'), 'graphiql.min.css'), type: 'text/css' },
  'graphiql.min.js': {
    file: () => join(packageFolder('graphiql'), 'graphiql.min.js'),
    type: 'text/javascript',
  },
  'react.production.min.js': {
    file: () => join(packageFolder('react'), 'umd/react.production.min.js'),
    type: 'text/javascript',
  },
  'react-dom.production.min.js': {
    file: () => join(packageFolder('react-dom'), 'umd/react-dom.production.min.js'),
    type: 'text/javascript',
  },
};

/**
 * Starts GraphiQL on the page's #graphiql element. A file of its own, not an inline script, so the
 * page's Content-Security-Policy can say `script-src 'self'`. The token is pasted into the headers
 * editor; it is not persisted (a token in localStorage outlives the session it belongs to).
 */
const START_SCRIPT = `'use strict';
(function () {
  var root = document.getElementById('graphiql');
  var fetcher = GraphiQL.createFetcher({ url: root.dataset.endpoint });
  root.textContent = '';
  ReactDOM.createRoot(root).render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultHeaders: JSON.stringify({ Authorization: 'Bearer <paste an access token>' }, null, 2),
      defaultEditorToolsVisibility: 'headers',
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: false,
      defaultQuery: '{\\n  listPayments(limit: 10) {\\n    items { id amount currency dueDate status }\\n    nextToken\\n  }\\n}\\n',
    }),
  );
})();
`;

/** Everything the page loads comes from this server; the API itself is the only thing it connects to. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  // GraphiQL and CodeMirror set style attributes; its fonts and icons are data: URLs in the CSS.
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function page(endpoint: string, assets: string): string {
  const script = (name: string): string => `<script src="${escapeAttribute(`${assets}/${name}`)}"></script>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Payments GraphQL (development)</title>
<link rel="stylesheet" href="${escapeAttribute(`${assets}/graphiql.min.css`)}">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
</head>
<body>
<div id="graphiql" data-endpoint="${escapeAttribute(endpoint)}">Loading GraphiQL…</div>
${script('react.production.min.js')}
${script('react-dom.production.min.js')}
${script('graphiql.min.js')}
${script('start.js')}
</body>
</html>
`;
}

/** True for a browser navigating to the GraphQL path (not a GraphQL GET, not a WebSocket). */
function wantsPage(request: FastifyRequest): boolean {
  const query = request.query as Record<string, unknown> | undefined;
  return (
    request.method === 'GET' &&
    (request.headers.accept ?? '').includes('text/html') &&
    query?.['query'] === undefined &&
    request.headers.upgrade === undefined &&
    !isWebSocketHandshake(request)
  );
}

export interface GraphqlIdeOptions {
  /** The GraphQL path as routed in this plugin (e.g. `/graphql`). */
  readonly path: string;
  /** The path a browser reaches it under (the embedding server's prefix included). */
  readonly publicPath: string;
  /** The served schema (mercurius builds it when registered). */
  readonly schema: () => GraphQLSchema;
}

/**
 * Development tooling beside the GraphQL endpoint: GraphiQL at GET `<path>` for a browser
 * (Accept: text/html), its files under `<path>/ide/`, and the schema's SDL at
 * `<path>/schema.graphql`. Call it inside the payments plugin (its hook must see the GraphQL route)
 * and never in production, where introspection is off and so is the SDL.
 */
export function registerGraphqlIde(app: FastifyInstance, options: GraphqlIdeOptions): void {
  const assets = `${options.publicPath}/ide`;
  const html = page(options.publicPath, assets);
  const loaded = new Map<string, Promise<Buffer>>();

  // Before authentication: a browser's navigation carries no bearer token; the page holds no data.
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.url !== options.path || !wantsPage(request)) return;
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', CONTENT_SECURITY_POLICY)
      .header('cache-control', 'no-store')
      .send(html);
  });

  app.get(`${options.path}/ide/start.js`, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send(START_SCRIPT),
  );

  app.get<{ Params: { file: string } }>(`${options.path}/ide/:file`, async (request, reply) => {
    const asset = Object.hasOwn(ASSETS, request.params.file) ? ASSETS[request.params.file] : undefined;
    if (asset === undefined) return reply.code(404).send({ code: 'NOT_FOUND', message: 'No such file.' });
    let body = loaded.get(request.params.file);
    if (body === undefined) {
      body = readFile(asset.file());
      loaded.set(request.params.file, body);
      // A failed read is retried by the next request, not remembered.
      body.catch(() => loaded.delete(request.params.file));
    }
    return reply
      .type(`${asset.type}; charset=utf-8`)
      .header('cache-control', 'no-cache')
      .send(await body);
  });

  app.get(`${options.path}/schema.graphql`, async (_request, reply) =>
    reply
      .type('text/plain; charset=utf-8')
      .header('cache-control', 'no-cache')
      .send(printSchema(options.schema())),
  );
}
