import { InMemoryWebStorage, UserManager, WebStorageStateStore, type User } from 'oidc-client-ts';
import type { RuntimeConfig } from '../../config/runtime-config.ts';
import {
  CALLBACK_PATH,
  SILENT_CALLBACK_PATH,
  SILENT_SIGN_IN_TIMEOUT_S,
} from '../../config/runtime-config.ts';
import { userFromClaims, type SignedInUser } from './signed-in-user.ts';

/** What the rest of the shell needs from a sign-in session (a fake one in component tests). */
export interface Session {
  readonly user: SignedInUser;
  /** A valid access token, refreshed first when it expires within 30 s. Never cache it. */
  getAccessToken(): Promise<string>;
  /** Ends the session at the provider (RP-initiated logout) and comes back signed out. */
  signOut(): Promise<void>;
  /** The session is gone (refresh failed, an API said 401): log in again, then return to `returnTo`. */
  signInAgain(returnTo: string): Promise<void>;
}

/** Where to go after login; only a path on this origin, so the state cannot redirect elsewhere. */
export function safeReturnPath(value: unknown): string {
  return typeof value === 'string' &&
    value.startsWith('/') &&
    !value.startsWith('//') &&
    !value.startsWith(CALLBACK_PATH)
    ? value
    : '/';
}

/**
 * The OIDC client: authorization code + PKCE (S256), tokens only in memory, the PKCE state in
 * sessionStorage (it must survive the redirect to the provider), refresh tokens for renewal. The
 * one iframe is the silent sign-in of a page load (ADR 0405); renewal never uses it.
 */
export function createUserManager(config: RuntimeConfig, origin: string): UserManager {
  return new UserManager({
    authority: config.oidc.issuer,
    client_id: config.oidc.clientId,
    redirect_uri: `${origin}${CALLBACK_PATH}`,
    silent_redirect_uri: `${origin}${SILENT_CALLBACK_PATH}`,
    silentRequestTimeoutInSeconds: SILENT_SIGN_IN_TIMEOUT_S,
    post_logout_redirect_uri: `${origin}/`,
    response_type: 'code',
    scope: config.oidc.scope,
    userStore: new WebStorageStateStore({ store: new InMemoryWebStorage() }),
    stateStore: new WebStorageStateStore({ store: window.sessionStorage }),
    // Renewal is driven by the session below, so that exactly one refresh runs at a time.
    automaticSilentRenew: false,
    accessTokenExpiringNotificationTimeInSeconds: 60,
    monitorSession: false,
    loadUserInfo: false,
  });
}

/**
 * A page load without tokens (they live only in memory) asks the provider's session in a hidden
 * iframe (`prompt=none`), so the page keeps running and loads the route's code meanwhile. Null
 * when the provider needs the user (no session, consent) or does not answer in time: then the
 * caller falls back to the full-page redirect.
 */
export async function signInSilently(manager: UserManager): Promise<User | null> {
  try {
    return await manager.signinSilent();
  } catch {
    return null;
  }
}

/** A session over a signed-in oidc-client-ts user. */
export function oidcSession(manager: UserManager, signedIn: User, onExpired: () => void): Session {
  let current = signedIn;
  let refreshing: Promise<User> | undefined;
  manager.events.addUserLoaded((user) => {
    current = user;
  });
  const here = (): string => window.location.pathname + window.location.search + window.location.hash;
  const signInAgain = async (returnTo: string): Promise<void> => {
    onExpired();
    await manager.removeUser();
    await manager.signinRedirect({ state: { returnTo: safeReturnPath(returnTo) } });
  };
  // One refresh at a time: refresh tokens rotate, and presenting a rotated one twice revokes the chain.
  const refresh = (): Promise<User> =>
    (refreshing ??= manager
      .signinSilent()
      .then((user) => {
        if (user === null) throw new Error('the refresh returned no user');
        current = user;
        return user;
      })
      .finally(() => {
        refreshing = undefined;
      }));
  manager.events.addAccessTokenExpiring(() => {
    refresh().catch(() => signInAgain(here()));
  });
  return {
    user: userFromClaims(signedIn.profile as Record<string, unknown>),
    async getAccessToken() {
      if ((current.expires_in ?? 0) > 30) return current.access_token;
      try {
        return (await refresh()).access_token;
      } catch (error) {
        await signInAgain(here());
        throw error;
      }
    },
    async signOut() {
      const idToken = current.id_token;
      await manager.removeUser();
      await manager.signoutRedirect(idToken === undefined ? {} : { id_token_hint: idToken });
    },
    signInAgain,
  };
}
