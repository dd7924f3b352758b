import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@atrium/design-tokens/tokens.css';
import './app/shell.css';
import { App } from './app/app.tsx';
import { bootstrap } from './app/bootstrap.ts';
import { label, pageLocale } from './lib/shell-labels.ts';

// The page's one locale (labels, numbers, dates; the elements pick the same): its language is the
// document's, for screen readers and the browser's own controls.
document.documentElement.lang = pageLocale();

const container = document.getElementById('root');
if (container === null) throw new Error('#root is missing from index.html');
const root = createRoot(container);

bootstrap().then(
  (result) => {
    if (result.kind === 'ready')
      root.render(
        <StrictMode>
          <App services={result.services} />
        </StrictMode>,
      );
    else
      root.render(
        <p className="boot-status" role="status">
          {label('signingIn')}
        </p>,
      );
  },
  (error: unknown) => {
    root.render(
      <section className="boot-status" role="alert">
        <h1>{label('couldNotStart')}</h1>
        <p>{(error as Error).message}</p>
        <button type="button" onClick={() => window.location.reload()}>
          {label('tryAgain')}
        </button>
      </section>,
    );
  },
);
