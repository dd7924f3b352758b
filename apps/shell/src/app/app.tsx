import { BrowserRouter } from 'react-router';
import { ShellProviders } from './providers.tsx';
import { AppRoutes } from './routes.tsx';
import type { ShellServices } from '../lib/shell-context.tsx';

/** The signed-in shell. */
export function App({ services }: { services: ShellServices }) {
  return (
    <BrowserRouter>
      <ShellProviders services={services}>
        <AppRoutes />
      </ShellProviders>
    </BrowserRouter>
  );
}
