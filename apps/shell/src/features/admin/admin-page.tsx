import { useMemo, useState } from 'react';
import { hasAnyRole } from '@atrium/contracts';
import { useShell } from '../../lib/shell-context.tsx';
import { adminApi } from './admin-api.ts';
import { TenantsSection } from './tenants-section.tsx';
import { UsersSection } from './users-section.tsx';
import { label } from '../../lib/shell-labels.ts';

/** Administration: tenant admins manage their tenant's users; the operator also creates tenants. */
export default function AdminPage() {
  const { config, session } = useShell();
  const api = useMemo(
    () => adminApi(config.api.identityAdmin, () => session.getAccessToken()),
    [config, session],
  );
  const isOperator = hasAnyRole(session.user.roles, 'operator');
  const [tenantsVersion, setTenantsVersion] = useState(0);
  return (
    <div className="page admin">
      <h1>{label('administration')}</h1>
      {isOperator && <TenantsSection api={api} onCreated={() => setTenantsVersion((n) => n + 1)} />}
      <UsersSection
        api={api}
        isOperator={isOperator}
        ownTenant={session.user.tenant}
        tenantsVersion={tenantsVersion}
      />
    </div>
  );
}
