import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { useShell } from '../../lib/shell-context.tsx';
import { label, pageLocale } from '../../lib/shell-labels.ts';
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
      setFormError(label('tenantFieldsRequired'));
      return;
    }
    setBusy(true);
    try {
      await api.createTenant({ id, name });
      form.reset();
      setFormError(undefined);
      notify({ kind: 'success', message: label('tenantCreated', { name }) });
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
      <h2 id="tenants-title">{label('tenants')}</h2>
      {error && <p role="alert">{error}</p>}
      {tenants && (
        <table>
          <thead>
            <tr>
              <th scope="col">{label('id')}</th>
              <th scope="col">{label('name')}</th>
              <th scope="col">{label('created')}</th>
            </tr>
          </thead>
          <tbody>
            {tenants.map((tenant) => (
              <tr key={tenant.id}>
                <td data-label={label('id')}>{tenant.id}</td>
                <td data-label={label('name')}>{tenant.name}</td>
                <td data-label={label('created')}>
                  {new Date(tenant.createdAt).toLocaleDateString(pageLocale())}
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
        <h3 id="create-tenant-title">{label('createTenant')}</h3>
        <label>
          {label('tenantId')}
          <input name="id" required pattern="[A-Za-z][A-Za-z0-9_-]*" autoComplete="off" />
        </label>
        <label>
          {label('tenantName')}
          <input name="name" required autoComplete="off" />
        </label>
        {formError && (
          <p role="alert" className="form-error">
            {formError}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {label('createTenant')}
        </button>
      </form>
    </section>
  );
}
