import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useShell } from '../../app/shell-context.tsx';
import type { AdminApi, AdminUser, Tenant } from './admin-api.ts';

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
      input.username === '' && 'username',
      input.email === '' && 'email',
      input.password === '' && 'password',
      roles.length === 0 && 'at least one role',
    ].filter(Boolean);
    if (missing.length > 0) {
      setFormError(`Please give ${missing.join(', ')}.`);
      return;
    }
    setBusy(true);
    try {
      await api.createUser(input);
      form.reset();
      setFormError(undefined);
      notify({ kind: 'success', message: `User ${input.username} created` });
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
      notify({ kind: 'success', message: `User ${user.username} ${user.disabled ? 'enabled' : 'disabled'}` });
      load();
    } catch (e) {
      notify({ kind: 'error', message: (e as Error).message });
    }
  };

  const tenantName = isOperator ? tenants.find((t) => t.id === tenantId)?.name : ownTenant?.name;

  return (
    <section className="card" aria-labelledby="users-title">
      <h2 id="users-title">Users{tenantName ? ` of ${tenantName}` : ''}</h2>
      {isOperator && (
        <label className="tenant-picker">
          Tenant
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
              <th scope="col">Username</th>
              <th scope="col">Email</th>
              <th scope="col">Roles</th>
              <th scope="col">Status</th>
              <th scope="col">Actions</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <td data-label="Username">{user.username}</td>
                <td data-label="Email">{user.email}</td>
                <td data-label="Roles">{user.roles.join(', ')}</td>
                <td data-label="Status">{user.disabled ? 'Disabled' : 'Active'}</td>
                <td data-label="Actions">
                  <button
                    type="button"
                    onClick={() => void toggle(user)}
                    aria-label={`${user.disabled ? 'Enable' : 'Disable'} ${user.username}`}
                  >
                    {user.disabled ? 'Enable' : 'Disable'}
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
          <h3 id="create-user-title">Create user</h3>
          <label>
            Username
            <input name="username" required autoComplete="off" />
          </label>
          <label>
            Email
            <input name="email" type="email" required autoComplete="off" />
          </label>
          <label>
            Password
            <input name="password" type="password" required autoComplete="new-password" minLength={8} />
          </label>
          <fieldset>
            <legend>Roles</legend>
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
            Create user
          </button>
        </form>
      )}
    </section>
  );
}
