/**
 * The deployment's settings the shell reads at run time from `/config.json` (served by the host):
 * nothing about where the identity provider or the APIs live is compiled into the shell.
 */
export interface ShellRuntimeConfig {
  readonly productName: string;
  readonly oidc: {
    readonly issuer: string;
    readonly clientId: string;
    readonly scope: string;
  };
  readonly api: {
    readonly paymentsGraphql: string;
    readonly paymentsGraphqlWs: string;
    readonly accounts: string;
    /** The identity service's admin API (tenants, users). */
    readonly identityAdmin: string;
  };
}
