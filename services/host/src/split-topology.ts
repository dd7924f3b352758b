/**
 * The split topology, as the articles deployed it: every service and every micro-frontend on its
 * own origin. One description here derives each process's environment (URLs, CORS, CSP) and the
 * nginx configuration, so the three can never disagree.
 */
import { nginxProxyHeaders, nginxPublishApiLocation, nginxTempPaths } from './nginx-proxy-settings.ts';

/** One origin of the layout: where browsers reach it, and where its process listens. */
export interface SplitOrigin {
  /** What browsers use, e.g. `http://localhost:8100`. */
  readonly origin: string;
  /** The port the service process listens on (differs from the public one behind nginx). */
  readonly listenPort: number;
}

export interface SplitTopology {
  readonly shell: SplitOrigin;
  readonly identity: SplitOrigin & { readonly issuer: string };
  readonly paymentsApi: SplitOrigin & { readonly graphql: string; readonly graphqlWs: string };
  readonly accountsApi: SplitOrigin & { readonly base: string };
  /** One origin per micro-frontend, by name. */
  readonly microFrontends: Readonly<Record<string, SplitOrigin>>;
}

export interface SplitTopologyOptions {
  /** Host name in the public URLs (`localhost` on one machine). */
  readonly hostname?: string;
  /** `https` when TLS terminates in front (nginx with a certificate). */
  readonly scheme?: 'http' | 'https';
  /** First public port; the others follow (shell, identity, payments API, accounts API, then each element). */
  readonly basePort?: number;
  /** Behind nginx the processes listen on `basePort + listenOffset + i`; 0 = no proxy in front. */
  readonly listenOffset?: number;
  readonly microFrontends?: readonly string[];
}

/** The default layout: shell 8100, identity 8101, payments API 8102, accounts API 8103, elements 8104+. */
export function splitTopology(options: SplitTopologyOptions = {}): SplitTopology {
  const hostname = options.hostname ?? 'localhost';
  const base = options.basePort ?? 8100;
  const offset = options.listenOffset ?? 0;
  const scheme = options.scheme ?? 'http';
  const at = (i: number): SplitOrigin => ({
    origin: `${scheme}://${hostname}:${base + i}`,
    listenPort: base + offset + i,
  });
  const identity = at(1);
  const payments = at(2);
  const accounts = at(3);
  const names = options.microFrontends ?? ['accounts', 'payments'];
  return {
    shell: at(0),
    identity: { ...identity, issuer: `${identity.origin}/auth` },
    paymentsApi: {
      ...payments,
      graphql: `${payments.origin}/graphql`,
      graphqlWs: `${payments.origin.replace(/^http/, 'ws')}/graphql`,
    },
    accountsApi: { ...accounts, base: `${accounts.origin}/api/accounts` },
    microFrontends: Object.fromEntries(names.map((name, i) => [name, at(4 + i)])),
  };
}

/** One process of the split topology: the service's standalone server and its environment. */
export interface SplitProcess {
  readonly name: string;
  /** Workspace-relative path of the service's `server.ts`. */
  readonly server: string;
  readonly env: Readonly<Record<string, string>>;
  /** Health path to wait for after start. */
  readonly health: string;
  readonly origin: SplitOrigin;
}

/**
 * The environment of every process. Each service reads only its own documented variables; the
 * APIs get their issuer, audience and the shell origin for CORS from here.
 */
export function splitProcesses(
  topology: SplitTopology,
  dataDir: string,
  behindProxy = false,
): SplitProcess[] {
  const shellOrigin = topology.shell.origin;
  const common = { ATRIUM_DATA_DIR: dataDir, HOST: '127.0.0.1', TRUST_PROXY: String(behindProxy) };
  const api = {
    OIDC_ISSUER: topology.identity.issuer,
    OIDC_AUDIENCE: 'atrium-api',
    CORS_ORIGINS: shellOrigin,
  };
  const mfeOrigins = Object.entries(topology.microFrontends)
    .map(([name, o]) => `${name}=${o.origin}`)
    .join(',');
  const processes: SplitProcess[] = [
    {
      name: 'identity',
      server: 'services/identity/src/server.ts',
      health: '/auth/healthz',
      origin: topology.identity,
      env: {
        ...common,
        PORT: String(topology.identity.listenPort),
        ATRIUM_PUBLIC_URL: topology.identity.origin,
        IDENTITY_ISSUER: topology.identity.issuer,
        SHELL_ORIGIN: shellOrigin,
      },
    },
    {
      name: 'payments-api',
      server: 'services/payments-api/src/server.ts',
      health: '/healthz',
      origin: topology.paymentsApi,
      env: {
        ...common,
        ...api,
        PORT: String(topology.paymentsApi.listenPort),
        ATRIUM_PUBLIC_URL: topology.paymentsApi.origin,
        // Server to server (a payment's from_account must be a tenant account): straight to the
        // accounts API's process over loopback, not through the public origin.
        ACCOUNTS_API_URL: `http://127.0.0.1:${topology.accountsApi.listenPort}${new URL(topology.accountsApi.base).pathname}`,
      },
    },
    {
      name: 'accounts-api',
      server: 'services/accounts-api/src/server.ts',
      health: '/api/accounts/healthz',
      origin: topology.accountsApi,
      env: {
        ...common,
        ...api,
        PORT: String(topology.accountsApi.listenPort),
        ATRIUM_PUBLIC_URL: topology.accountsApi.origin,
      },
    },
    {
      name: 'shell',
      server: 'services/host/src/server.ts',
      health: '/healthz',
      origin: topology.shell,
      env: {
        ...common,
        PORT: String(topology.shell.listenPort),
        ATRIUM_PUBLIC_URL: shellOrigin,
        OIDC_ISSUER: topology.identity.issuer,
        IDENTITY_ADMIN_URL: `${topology.identity.issuer}/admin`,
        PAYMENTS_GRAPHQL_URL: topology.paymentsApi.graphql,
        PAYMENTS_GRAPHQL_WS_URL: topology.paymentsApi.graphqlWs,
        ACCOUNTS_API_URL: topology.accountsApi.base,
        MFE_ORIGINS: mfeOrigins,
        // The topology's micro-frontends have origins of their own and are not served here; one
        // published later (a third team's) is served from the shell's origin.
        HOST_SERVED_MFES: 'unassigned',
        HSTS: behindProxy ? 'auto' : 'off',
      },
    },
    ...Object.entries(topology.microFrontends).map(([name, origin]) => ({
      name: `mfe-${name}`,
      server: 'services/host/src/server.ts',
      health: '/healthz',
      origin,
      env: {
        ...common,
        PORT: String(origin.listenPort),
        ATRIUM_PUBLIC_URL: origin.origin,
        HOST_SERVE_SHELL: 'false',
        HOST_SERVED_MFES: name,
      },
    })),
  ];
  return processes;
}

export interface NginxOptions {
  /** Folder for nginx's pid, logs, temp files and cache (the `-p` prefix). */
  readonly prefix: string;
  /** TLS certificate and key: with them every origin listens with TLS and HTTP redirects to it. */
  readonly tls?: { readonly certificate: string; readonly key: string } | undefined;
}

function portOf(origin: string): number {
  const url = new URL(origin);
  return url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port);
}

/**
 * nginx in front of the split topology: one server per public origin, proxying to the process
 * that listens on the internal port. The services set every cache and security header
 * themselves; nginx adds a shared cache for the immutable files and WebSocket upgrades.
 */
export function nginxConfig(processes: readonly SplitProcess[], options: NginxOptions): string {
  const tls = options.tls;
  const server = (process: SplitProcess): string => {
    const host = new URL(process.origin.origin).hostname;
    const port = portOf(process.origin.origin);
    const upstream = `http://127.0.0.1:${process.origin.listenPort}`;
    const listen = tls
      ? `    listen ${port} ssl http2;\n    ssl_certificate ${tls.certificate};\n    ssl_certificate_key ${tls.key};\n    ssl_protocols TLSv1.2 TLSv1.3;`
      : `    listen ${port};`;
    const staticCache = process.name === 'shell' || process.name.startsWith('mfe-');
    return `
  # ${process.name}
  server {
${listen}
    server_name ${host};
${
  staticCache
    ? `
    # Content-hashed files are immutable: cache them at the edge as the host's Cache-Control says.
    location ~ ^/(assets|mfe)/ {
      proxy_pass ${upstream};
      proxy_cache atrium_static;
      proxy_cache_key "$scheme$host$request_uri$http_accept_encoding";
      proxy_cache_valid 404 10s;
      add_header X-Cache-Status $upstream_cache_status always;
    }
`
    : ''
}
${process.name === 'shell' ? `${nginxPublishApiLocation(upstream)}\n` : ''}    location / {
      proxy_pass ${upstream};
    }
  }`;
  };
  const redirects = tls
    ? processes
        .map((p) => {
          const host = new URL(p.origin.origin).hostname;
          return `
  server {
    listen 80;
    server_name ${host};
    return 301 https://$host$request_uri;
  }`;
        })
        .filter((block, i, all) => all.indexOf(block) === i)
        .join('')
    : '';
  return `# Generated by services/host/src/split-topology.ts (npm run nginx:config -w @atrium/host): do not edit.
# nginx in front of the split topology: each public origin proxies to one Atrium process.
worker_processes auto;
pid ${options.prefix}/nginx.pid;
error_log ${options.prefix}/error.log warn;

events {
  worker_connections 1024;
}

http {
  access_log ${options.prefix}/access.log;
${nginxTempPaths(options.prefix)}
  proxy_cache_path ${options.prefix}/cache levels=1:2 keys_zone=atrium_static:10m max_size=1g inactive=30d use_temp_path=off;

  server_tokens off;
  client_max_body_size 1m;
  # The services send precompressed bodies; nginx passes Accept-Encoding through untouched.
  gzip off;

${nginxProxyHeaders()}
  proxy_read_timeout 1h;

  map $http_upgrade $connection_upgrade {
    default upgrade;
    '' '';
  }
${processes.map(server).join('\n')}
${redirects}
}
`;
}
