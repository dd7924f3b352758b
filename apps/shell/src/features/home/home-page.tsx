import { Link } from 'react-router';
import { navigationFor } from '../../lib/navigation.ts';
import { useShell } from '../../app/shell-context.tsx';

/** The landing page after login: who you are and where you can go. */
export function HomePage() {
  const { session, registry } = useShell();
  const { user } = session;
  const items = navigationFor(user, registry);
  return (
    <div className="page">
      <h1>Welcome, {user.username}</h1>
      <p>
        {user.tenant
          ? `You are signed in for ${user.tenant.name}.`
          : 'You are signed in as the platform operator.'}
      </p>
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
      <h1>Page not found</h1>
      <p>
        There is nothing at this address, or your role may not open it.{' '}
        <Link to="/">Go to the start page</Link>.
      </p>
    </div>
  );
}
