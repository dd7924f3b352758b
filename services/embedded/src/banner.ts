import { DEMO_PASSWORD, demoUsers } from '@atrium/identity/demo-data';
import type { EmbeddedServer } from './app.ts';
import type { EmbeddedConfig } from './config.ts';

/** What a person needs after `npm start`: where things are and how to sign in. */
export function banner(config: EmbeddedConfig, server: EmbeddedServer): string {
  const url = config.publicUrl;
  const lines = [
    '',
    `Atrium is running at ${url}`,
    '',
    `  Shell              ${url}/`,
    `  Sign-in (OIDC)     ${url}/auth   (discovery: ${url}/auth/.well-known/openid-configuration)`,
    `  Payments GraphQL   ${url}/graphql`,
    `  Accounts REST      ${url}/api/accounts   (OpenAPI: ${url}/api/accounts/openapi.json)`,
    `  Registry           ${url}/registry.json`,
    `  Data               ${config.dataDir}`,
  ];
  if (server.identity.seedDemo) {
    lines.push('', `Demo logins (password "${DEMO_PASSWORD}"):`);
    const users = demoUsers();
    for (const tenant of ['TenantA', 'TenantB']) {
      lines.push(
        `  ${tenant}: ${users
          .filter((u) => u.tenantId === tenant)
          .map((u) => `${u.username} (${u.roles[0]})`)
          .join(', ')}`,
      );
    }
    lines.push('  Platform: operator (operator)');
  }
  lines.push(...server.notes.map((note) => `  ${note}`), '', 'Stop with Ctrl-C.', '');
  return lines.join('\n');
}
