export {
  startTestIssuer,
  demoCaller,
  type TestIssuer,
  type TestClaims,
  type MintOptions,
} from './test-issuer.ts';
export { freePort, makeTempDir } from './free-port.ts';
export { eventually } from './eventually.ts';
export { CHROMIUM_ARGS, CHROMIUM_PATH } from './chromium.ts';
export {
  startPostgresServer,
  startRedisServer,
  type PostgresFaults,
  type PostgresServer,
  type RunningServer,
} from './server-harness.ts';
export {
  OidcSession,
  CookieJar,
  loginWithPassword,
  type LoginOptions,
  type LoginPage,
} from './oidc-login.ts';
export { startDynamoDbLocal, type DynamoDbLocal } from './dynamodb-local.ts';
export { metricSample } from './prometheus-text.ts';
