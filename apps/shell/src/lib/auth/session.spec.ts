import { describe, expect, it, vi } from 'vitest';
import type { User, UserManager } from 'oidc-client-ts';
import { oidcSession } from './session.ts';

type Listener = (...args: unknown[]) => void;

/** The parts of oidc-client-ts's UserManager the session uses, with controllable refreshes. */
function fakeManager() {
  const listeners: Record<string, Listener[]> = {};
  const on = (name: string) => (fn: Listener) => {
    (listeners[name] ??= []).push(fn);
  };
  let resolveRefresh: ((user: User) => void) | undefined;
  let rejectRefresh: ((error: Error) => void) | undefined;
  const manager = {
    events: {
      addUserLoaded: on('userLoaded'),
      addAccessTokenExpiring: on('expiring'),
    },
    signinSilent: vi.fn(
      () =>
        new Promise<User>((resolve, reject) => {
          resolveRefresh = resolve;
          rejectRefresh = reject;
        }),
    ),
    signinRedirect: vi.fn(async () => {}),
    signoutRedirect: vi.fn(async () => {}),
    removeUser: vi.fn(async () => {}),
  };
  return {
    manager: manager as unknown as UserManager,
    raw: manager,
    fire: (name: string) => listeners[name]?.forEach((fn) => fn()),
    refreshWith: (user: User) => resolveRefresh?.(user),
    failRefresh: () => rejectRefresh?.(new Error('invalid_grant')),
  };
}

const user = (token: string, expiresIn: number): User =>
  ({
    access_token: token,
    id_token: `id-${token}`,
    expires_in: expiresIn,
    profile: {
      sub: 'u1',
      'cognito:username': 'userTenantA',
      'custom:tenantId': 'TenantA',
      'cognito:groups': ['member'],
    },
  }) as unknown as User;

describe('oidcSession', () => {
  it('returns the current token while it is fresh', async () => {
    const { manager, raw } = fakeManager();
    const session = oidcSession(manager, user('a', 600), () => {});
    expect(await session.getAccessToken()).toBe('a');
    expect(raw.signinSilent).not.toHaveBeenCalled();
    expect(session.user.tenant?.id).toBe('TenantA');
  });

  it('refreshes once for parallel callers when the token is about to expire (refresh tokens rotate)', async () => {
    const fake = fakeManager();
    const session = oidcSession(fake.manager, user('old', 10), () => {});
    const calls = [session.getAccessToken(), session.getAccessToken(), session.getAccessToken()];
    fake.fire('expiring');
    fake.refreshWith(user('new', 900));
    expect(await Promise.all(calls)).toEqual(['new', 'new', 'new']);
    expect(fake.raw.signinSilent).toHaveBeenCalledOnce();
    expect(await session.getAccessToken()).toBe('new');
  });

  it('signs in again, returning to the same page, when the refresh fails', async () => {
    const fake = fakeManager();
    window.history.replaceState(null, '', '/payments/p-1?x=1');
    const expired = vi.fn();
    const session = oidcSession(fake.manager, user('old', 5), expired);
    const call = session.getAccessToken();
    fake.failRefresh();
    await expect(call).rejects.toThrow('invalid_grant');
    expect(expired).toHaveBeenCalled();
    expect(fake.raw.signinRedirect).toHaveBeenCalledWith({ state: { returnTo: '/payments/p-1?x=1' } });
  });

  it('signs out at the provider with the ID token as hint', async () => {
    const fake = fakeManager();
    const session = oidcSession(fake.manager, user('a', 600), () => {});
    await session.signOut();
    expect(fake.raw.removeUser).toHaveBeenCalled();
    expect(fake.raw.signoutRedirect).toHaveBeenCalledWith({ id_token_hint: 'id-a' });
  });
});
