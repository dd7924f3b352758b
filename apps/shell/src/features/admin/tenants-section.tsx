import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useShell } from '../../app/shell-context.tsx';
import { pickLocale } from '@atrium/contracts';
import type { AdminApi, Tenant } from './admin-api.ts';

/** The operator's list of tenants and the form that creates one. */
export function TenantsSection({ api, onCreated }: { api: AdminApi; onCreated: () => void }) {
  const { notify } = useShell();
  const [tenants, setTenants] = useState<Tenant[] | undefined>();
  const [error, setError] = useState<string | undefined>();
  const [formError, setFormError] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  const load = useCallback(() => {
    api.listTenants().then(
      (items) => {
        setTenants(items);
        setError(undefined);
      },
      (e: Error) => setError(e.message),
    );
  }, [api]);
  useEffect(load, [load]);

  const create = async (event: FormEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    const id = String(data.get('id') ?? '').trim();
    const name = String(data.get('name') ?? '').trim();
    if (id === '' || name === '') {
      setFormError('Tenant ID and name are required.');
      return;
    }
    setBusy(true);
    try {
      await api.createTenant({ id, name });
      form.reset();
      setFormError(undefined);
      notify({ kind: 'success', message: `Tenant ${name} created` });
      load();
      onCreated();
    } catch (e) {
      setFormError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card" aria-labelledby="tenants-title">
      <h2 id="tenants-title">Tenants</h2>
      {error && <p role="alert">{error}</p>}
      {tenants && (
        <table>
          <thead>
            <tr>
              <th scope="col">ID</th>
              <th scope="col">Name</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {tenants.map((tenant) => (
              <tr key={tenant.id}>
                <td data-label="ID">{tenant.id}</td>
                <td data-label="Name">{tenant.name}</td>
                <td data-label="Created">
                  {new Date(tenant.createdAt).toLocaleDateString(pickLocale(navigator.languages))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form
        className="inline-form"
        onSubmit={(event) => void create(event)}
        aria-labelledby="create-tenant-title"
      >
        <h3 id="create-tenant-title">Create tenant</h3>
        <label>
          Tenant ID
          <input name="id" required pattern="[A-Za-z][A-Za-z0-9_-]*" autoComplete="off" />
        </label>
        <label>
          Tenant name
          <input name="name" required autoComplete="off" />
        </label>
        {formError && (
          <p role="alert" className="form-error">
            {formError}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          Create tenant
        </button>
      </form>
    </section>
  );
}
