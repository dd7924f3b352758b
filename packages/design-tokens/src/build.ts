// Writes the generated style files into dist/ (run by `npm run build -w @atrium/design-tokens`).
import { mkdir, writeFile } from 'node:fs/promises';
import { tokensCss } from './css.ts';
import { materialThemeScss } from './material-theme.ts';

const dist = new URL('../dist/', import.meta.url);
await mkdir(dist, { recursive: true });
await writeFile(new URL('tokens.css', dist), tokensCss(':root'));
console.log(`design-tokens: wrote ${new URL('tokens.css', dist).pathname}`);
await writeFile(new URL('material-theme.scss', dist), materialThemeScss());
console.log(`design-tokens: wrote ${new URL('material-theme.scss', dist).pathname}`);
