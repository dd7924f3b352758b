/**
 * The deployment's settings the shell reads at run time from `/config.json` (served by the host):
 * nothing about where the identity provider or the APIs live is compiled into the shell.
 */
export interface ShellRuntimeConfig {
  readonly productName: string;
  /**
   * A deployment in development mode: a developer may point one micro-frontend at a dev server
   * on their own machine, in their own browser (`?mfe-override=<name>=<url>`). Never in production.
   */
  readonly development?: boolean;
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
