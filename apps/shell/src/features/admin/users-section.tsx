import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useShell } from '../../lib/shell-context.tsx';
import type { AdminApi, AdminUser, Tenant } from './admin-api.ts';
import { label } from '../../lib/shell-labels.ts';

const TENANT_ROLES = ['viewer', 'member', 'approver', 'admin'] as const;

interface UsersSectionProps {
  readonly api: AdminApi;
  readonly isOperator: boolean;
  readonly ownTenant: { readonly id: string; readonly name: string } | undefined;
  /** Bumped when the operator creates a tenant, so the tenant choices refresh. */
  readonly tenantsVersion: number;
}

/** Users of one tenant: list, create, disable/enable. An admin only ever sees their own tenant. */
export function UsersSection({ api, isOperator, ownTenant, tenantsVersion }: UsersSectionProps) {
  const { notify } = useShell();
  const [tenants, setTenants] = useState<Tenant[]>([]);
  const [tenantId, setTenantId] = useState<string | undefined>(ownTenant?.id);
  const [users, setUsers] = useState<AdminUser[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!isOperator) return;
    api.listTenants().then(
      (items) => {
        setTenants(items);
        setTenantId((current) => current ?? items[0]?.id);
      },
      (e: Error) => setError(e.message),
    );
  }, [api, isOperator, tenantsVersion]);

  const load = useCallback(() => {
    if (tenantId === undefined) return;
    // A tenant admin's list is their own tenant whatever is asked; the server enforces it too.
    api.listUsers(isOperator ? tenantId : undefined).then(
      (items) => {
        setUsers(items);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [api, isOperator, tenantId]);
  useEffect(load, [load]);

  const create = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const roles = data.getAll('roles').map(String);
    const input = {
      username: String(data.get('username') ?? '').trim(),
      email: String(data.get('email') ?? '').trim(),
      password: String(data.get('password') ?? ''),
      tenantId: tenantId ?? '',
      roles,
    };
    const missing = [
      input.username === '' && label('missingUsername'),
      input.email === '' && label('missingEmail'),
      input.password === '' && label('missingPassword'),
      roles.length === 0 && label('missingRole'),
    ].filter(Boolean);
    if (missing.length > 0) {
      setFormError(label('pleaseGive', { missing: missing.join(', ') }));
      return;
    }
    setBusy(true);
    try {
      await api.createUser(input);
      form.reset();
      setFormError(undefined);
      notify({ kind: 'success', message: label('userCreated', { username: input.username }) });
      load();
    } catch (e) {
      setFormError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const toggle = async (user: AdminUser): Promise<void> => {
    try {
      await api.setDisabled(user.id, !user.disabled);
      notify({
        kind: 'success',
        message: label(user.disabled ? 'userEnabled' : 'userDisabled', { username: user.username }),
      });
      load();
    } catch (e) {
      notify({ kind: 'error', message: (e as Error).message });
    }
  };

  const tenantName = isOperator ? tenants.find((t) => t.id === tenantId)?.name : ownTenant?.name;

  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">{tenantName ? label('usersOf', { tenant: tenantName }) : label('users')}</h2>
      {isOperator && (
        <label className="tenant-picker">
          {label('tenant')}
          <select value={tenantId ?? ''} onChange={(event) => setTenantId(event.target.value)}>
            {tenants.map((tenant) => (
              <option key={tenant.id} value={tenant.id}>
                {tenant.name}
              </option>
            ))}
          </select>
        </label>
      )}
      {error && <p role="alert">{error}</p>}
      {users && (
        <table>
          <thead>
            <tr>
              <th scope="col">{label('username')}</th>
              <th scope="col">{label('email')}</th>
              <th scope="col">{label('roles')}</th>
              <th scope="col">{label('status')}</th>
              <th scope="col">{label('actions')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <td data-label={label('username')}>{user.username}</td>
                <td data-label={label('email')}>{user.email}</td>
                <td data-label={label('roles')}>{user.roles.join(', ')}</td>
                <td data-label={label('status')}>{label(user.disabled ? 'disabled' : 'active')}</td>
                <td data-label={label('actions')}>
                  <button
                    type="button"
                    onClick={() => void toggle(user)}
                    aria-label={label(user.disabled ? 'enableUser' : 'disableUser', {
                      username: user.username,
                    })}
                  >
                    {label(user.disabled ? 'enable' : 'disable')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {tenantId !== undefined && (
        <form
          className="inline-form"
          onSubmit={(event) => void create(event)}
          aria-labelledby="create-user-title"
        >
          <h3 id="create-user-title">{label('createUser')}</h3>
          <label>
            {label('username')}
            <input name="username" required autoComplete="off" />
          </label>
          <label>
            {label('email')}
            <input name="email" type="email" required autoComplete="off" />
          </label>
          <label>
            {label('password')}
            <input name="password" type="password" required autoComplete="new-password" minLength={8} />
          </label>
          <fieldset>
            <legend>{label('roles')}</legend>
            {TENANT_ROLES.map((role) => (
              <label key={role} className="checkbox">
                <input type="checkbox" name="roles" value={role} defaultChecked={role === 'member'} />
                {role}
              </label>
            ))}
          </fieldset>
          {formError && (
            <p role="alert" className="form-error">
              {formError}
            </p>
          )}
          <button type="submit" className="primary" disabled={busy}>
            {label('createUser')}
          </button>
        </form>
      )}
    </section>
  );
}
