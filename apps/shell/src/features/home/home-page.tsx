import { Link } from 'react-router';
import { navigationFor } from '../../lib/navigation.ts';
import { useShell } from '../../lib/shell-context.tsx';
import { label } from '../../lib/shell-labels.ts';

/** The landing page after login: who you are and where you can go. */
export function HomePage() {
  const { session, registry } = useShell();
  const { user } = session;
  const items = navigationFor(user, registry);
  return (
    <div className="page">
      <h1>{label('welcome', { username: user.username })}</h1>
      <p>{user.tenant ? label('signedInFor', { tenant: user.tenant.name }) : label('signedInAsOperator')}</p>
      <ul className="tiles">
        {items.map((item) => (
          <li key={item.to}>
            <Link to={item.to}>{item.label}</Link>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function NotFoundPage() {
  return (
    <div className="page">
      <h1>{label('pageNotFound')}</h1>
      <p>
        {label('nothingHere')} <Link to="/">{label('goToStart')}</Link>.
      </p>
    </div>
  );
}
