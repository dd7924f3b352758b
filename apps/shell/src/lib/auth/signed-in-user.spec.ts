import { describe, expect, it } from 'vitest';
import { userFromClaims } from './signed-in-user.ts';
import { safeReturnPath } from './session.ts';

describe('userFromClaims', () => {
  it('reads Cognito-named claims', () => {
    expect(
      userFromClaims({
        sub: 'u1',
        email: 'a@example.test',
        'cognito:username': 'userTenantA',
        'custom:tenantId': 'TenantA',
        'custom:tenantName': 'Tenant A',
        'cognito:groups': ['member', 'superuser'],
      }),
    ).toEqual({
      id: 'u1',
      username: 'userTenantA',
      email: 'a@example.test',
      roles: ['member'],
      tenant: { id: 'TenantA', name: 'Tenant A' },
    });
  });

  it('gives the operator no tenant', () => {
    const user = userFromClaims({ sub: 'op', 'cognito:username': 'operator', 'cognito:groups': 'operator' });
    expect(user.tenant).toBeUndefined();
    expect(user.roles).toEqual(['operator']);
  });

  it("takes the user's own locale from the OIDC locale claim, none when it is absent or empty", () => {
    expect(userFromClaims({ sub: 's', locale: 'da-DK' }).locale).toBe('da-DK');
    expect(userFromClaims({ sub: 's', locale: '' }).locale).toBeUndefined();
    expect(userFromClaims({ sub: 's' }).locale).toBeUndefined();
  });
});

describe('safeReturnPath', () => {
  it('only returns to paths on this origin', () => {
    expect(safeReturnPath('/payments/p-1?x=1')).toBe('/payments/p-1?x=1');
    for (const bad of ['//evil.example/x', 'https://evil.example', '/callback?code=1', 42, undefined])
      expect(safeReturnPath(bad)).toBe('/');
  });
});
