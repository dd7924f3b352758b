import { PUBLISH_API_PREFIX, UPLOAD_LIMIT_BYTES } from './publish-api.ts';

/**
 * What every nginx configuration Atrium generates (split topology, cluster) sets alike: its temp
 * folders under its own prefix, and the headers each proxied request carries.
 */

/** The temp folders of an `http` block, under the `-p` prefix (nothing in nginx's system folders). */
export function nginxTempPaths(prefix: string, indent = '  '): string {
  return ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']
    .map((kind) => `${indent}${kind}_temp_path ${prefix}/${kind};`)
    .join('\n');
}

/**
 * HTTP/1.1 to the upstream with the original host and scheme (the services trust X-Forwarded-* with
 * TRUST_PROXY, one hop), the client's address as nginx saw it, and WebSocket upgrades through `$connection_upgrade` (a `map` of `$http_upgrade`).
 */
export function nginxProxyHeaders(indent = '  '): string {
  return [
    'proxy_http_version 1.1;',
    'proxy_set_header Host $http_host;',
    // nginx faces the clients: the address it saw replaces whatever X-Forwarded-For a client sent
    // (the services trust one hop, TRUST_PROXY=true).
    'proxy_set_header X-Forwarded-For $remote_addr;',
    'proxy_set_header X-Forwarded-Proto $scheme;',
    'proxy_set_header X-Forwarded-Host $http_host;',
    '# WebSocket upgrades (payments GraphQL subscriptions) pass through; other requests keep-alive.',
    'proxy_set_header Upgrade $http_upgrade;',
    'proxy_set_header Connection $connection_upgrade;',
  ]
    .map((line) => indent + line)
    .join('\n');
}

/**
 * The host's publish API takes a whole build in one request (up to UPLOAD_LIMIT_BYTES), above the
 * 1 MiB every other route is held to: a team publishing through the public origin got 413 from
 * nginx for a build the host accepts.
 */
export function nginxPublishApiLocation(proxyPass: string, indent = '    '): string {
  return [
    `location ${PUBLISH_API_PREFIX}/ {`,
    `  client_max_body_size ${Math.ceil(UPLOAD_LIMIT_BYTES / (1024 * 1024))}m;`,
    `  proxy_pass ${proxyPass};`,
    '}',
  ]
    .map((line) => indent + line)
    .join('\n');
}
