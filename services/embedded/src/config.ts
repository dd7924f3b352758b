import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ServiceEnvironment, type MetricsAccess } from '@atrium/service-runtime';

/** Settings of the one-process server; each mounted service still validates its own on top. */
export interface EmbeddedConfig {
  readonly port: number;
  readonly host: string;
  readonly publicUrl: string;
  readonly dataDir: string;
  readonly logLevel: string;
  /** LOG_FORMAT: `pretty` or `json`, or `auto` (readable on a terminal outside CI and production). */
  readonly logFormat: 'auto' | 'pretty' | 'json';
  /** CI is set (any value but `false`): logs stay JSON in auto mode. */
  readonly ci: boolean;
  /** Production mode (ServiceEnvironment's `productionMode`, as every service): logs stay JSON in auto mode. */
  readonly production: boolean;
  /** Skip building missing front-end bundles (CI and tests that built them already). */
  readonly skipBuild: boolean;
  /** Who may read `/metrics` (`METRICS_TOKEN`, else loopback only). */
  readonly metricsAccess: MetricsAccess;
}

export class ConfigError extends Error {
  constructor(problems: readonly string[]) {
    super(`atrium: invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** The repository root: relative data folders resolve against it, wherever npm was started. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

export function loadConfig(env: NodeJS.ProcessEnv): EmbeddedConfig {
  // The services' one parser: an empty PORT is the default, not 0 (a random port).
  const read = new ServiceEnvironment(env);
  const problems = read.problems;
  const port = read.integer('PORT', 8080, 0, 65535);
  const publicUrl = (env['ATRIUM_PUBLIC_URL'] ?? `http://localhost:${port}`).replace(/\/+$/, '');
  if (!URL.canParse(publicUrl) || !/^https?:$/.test(new URL(publicUrl).protocol)) {
    problems.push(`ATRIUM_PUBLIC_URL: expected an http(s) origin, got "${publicUrl}"`);
  } else if (new URL(publicUrl).pathname !== '/') {
    problems.push('ATRIUM_PUBLIC_URL: must be an origin without a path');
  }
  const dataDir = env['ATRIUM_DATA_DIR'] ?? '.atrium';
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  const logLevel = env['LOG_LEVEL'] ?? 'info';
  if (!levels.includes(logLevel)) problems.push(`LOG_LEVEL: one of ${levels.join(', ')}`);
  const logFormat = env['LOG_FORMAT'] ?? 'auto';
  if (logFormat !== 'auto' && logFormat !== 'pretty' && logFormat !== 'json')
    problems.push('LOG_FORMAT: one of auto, pretty, json');
  const metricsAccess = read.metricsAccess();
  const production = read.productionMode();
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    port,
    host: env['HOST'] ?? '127.0.0.1',
    publicUrl,
    dataDir: isAbsolute(dataDir) ? dataDir : resolve(REPO_ROOT, dataDir),
    logLevel,
    logFormat: logFormat as EmbeddedConfig['logFormat'],
    ci: env['CI'] !== undefined && env['CI'] !== '' && env['CI'] !== 'false',
    production,
    skipBuild: env['ATRIUM_SKIP_BUILD'] === 'true',
    metricsAccess,
  };
}
