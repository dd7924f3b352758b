import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { fakeSession, renderShell } from '../../test/fake-services.tsx';

interface Call {
  method: string;
  url: string;
  auth: string | null;
  body: unknown;
}

/** A stand-in for the identity service's admin API, recording what the page sends. */
function stubAdminApi(
  handlers: Record<string, (body: unknown) => { status: number; body: unknown }>,
): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit = {}) => {
      const method = init.method ?? 'GET';
      const body = typeof init.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
      calls.push({ method, url, auth: new Headers(init.headers).get('authorization'), body });
      const path = url.replace('http://localhost:8080/auth/admin', '');
      const handler =
        handlers[`${method} ${path}`] ??
        (() => ({ status: 404, body: { code: 'not_found', title: 'Not found' } }));
      const result = handler(body);
      return new Response(JSON.stringify(result.body), {
        status: result.status,
        headers: { 'content-type': result.status < 400 ? 'application/json' : 'application/problem+json' },
      });
    }),
  );
  return calls;
}

const user = (username: string, disabled = false) => ({
  id: `id-${username}`,
  username,
  email: `${username}@example.test`,
  tenantId: 'TenantA',
  tenantName: 'Tenant A',
  roles: ['member'],
  disabled,
  createdAt: '2026-01-01T00:00:00Z',
});

describe('administration', () => {
  it('lists the tenant admin’s users and creates one with their token', async () => {
    const calls = stubAdminApi({
      'GET /users': () => ({
        status: 200,
        body: { items: [user('userTenantA'), user('viewerTenantA', true)] },
      }),
      'POST /users': (body) => ({ status: 201, body: { ...user('newbie'), ...(body as object) } }),
    });
    renderShell('/admin', { session: fakeSession('admin') });
    const table = await screen.findByRole('table');
    expect(within(table).getByRole('cell', { name: 'userTenantA' })).toBeTruthy();
    expect(within(table).getByRole('button', { name: 'Enable viewerTenantA' })).toBeTruthy();
    expect(screen.queryByRole('heading', { name: 'Tenants' })).toBeNull();
    await userEvent.type(screen.getByLabelText('Username'), 'newbie');
    await userEvent.type(screen.getByLabelText('Email'), 'newbie@example.test');
    await userEvent.type(screen.getByLabelText('Password'), 'a-long-password');
    await userEvent.click(screen.getByLabelText('approver'));
    await userEvent.click(screen.getByRole('button', { name: 'Create user' }));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.auth).toBe('Bearer token-of-adminTenantA');
    expect(post?.body).toEqual({
      username: 'newbie',
      email: 'newbie@example.test',
      password: 'a-long-password',
      tenantId: 'TenantA',
      roles: ['member', 'approver'],
    });
    expect(await screen.findByText('User newbie created')).toBeTruthy();
  });

  it('shows the API’s refusal and keeps the form', async () => {
    stubAdminApi({
      'GET /users': () => ({ status: 200, body: { items: [] } }),
      'POST /users': () => ({
        status: 409,
        body: { code: 'duplicate_username', title: 'Conflict', detail: 'That username is taken.' },
      }),
    });
    renderShell('/admin', { session: fakeSession('admin') });
    await screen.findByRole('table');
    await userEvent.type(screen.getByLabelText('Username'), 'userTenantA');
    await userEvent.type(screen.getByLabelText('Email'), 'x@example.test');
    await userEvent.type(screen.getByLabelText('Password'), 'a-long-password');
    await userEvent.click(screen.getByRole('button', { name: 'Create user' }));
    expect((await screen.findByRole('alert')).textContent).toBe('That username is taken.');
    expect((screen.getByLabelText('Username') as HTMLInputElement).value).toBe('userTenantA');
  });

  it('disables a user', async () => {
    const calls = stubAdminApi({
      'GET /users': () => ({ status: 200, body: { items: [user('userTenantA')] } }),
      'POST /users/id-userTenantA/disable': () => ({ status: 200, body: {} }),
    });
    renderShell('/admin', { session: fakeSession('admin') });
    await userEvent.click(await screen.findByRole('button', { name: 'Disable userTenantA' }));
    await waitFor(() =>
      expect(calls.some((c) => c.url.endsWith('/users/id-userTenantA/disable'))).toBe(true),
    );
  });

  it('lets the operator create tenants and pick the tenant whose users to manage', async () => {
    const tenants = [{ id: 'TenantA', name: 'Tenant A', createdAt: '2026-01-01T00:00:00Z' }];
    const calls = stubAdminApi({
      'GET /tenants': () => ({ status: 200, body: { items: tenants } }),
      'POST /tenants': (body) => {
        const created = { ...(body as { id: string; name: string }), createdAt: '2026-02-01T00:00:00Z' };
        tenants.push(created);
        return { status: 201, body: created };
      },
      'GET /users?tenantId=TenantA': () => ({ status: 200, body: { items: [user('userTenantA')] } }),
      'GET /users?tenantId=TenantC': () => ({ status: 200, body: { items: [] } }),
    });
    renderShell('/admin', { session: fakeSession('operator') });
    const section = await screen.findByRole('region', { name: 'Tenants' });
    await within(section).findByRole('cell', { name: 'Tenant A' });
    await userEvent.type(within(section).getByLabelText('Tenant ID'), 'TenantC');
    await userEvent.type(within(section).getByLabelText('Tenant name'), 'Tenant C');
    await userEvent.click(within(section).getByRole('button', { name: 'Create tenant' }));
    await within(section).findByRole('cell', { name: 'Tenant C' });
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({ id: 'TenantC', name: 'Tenant C' });
    await userEvent.selectOptions(await screen.findByLabelText('Tenant'), 'TenantC');
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/users?tenantId=TenantC'))).toBe(true));
  });

  it('does not exist for a member', () => {
    renderShell('/admin', { session: fakeSession('member') });
    expect(screen.getByRole('heading', { name: 'Page not found' })).toBeTruthy();
  });
});
