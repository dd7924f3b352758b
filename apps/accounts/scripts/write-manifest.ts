// Writes dist/browser/atrium-manifest.json (the contract's BuildManifest) after `ng build`.
import { writeBuildManifest } from '@atrium/contracts/write-build-manifest';

const manifest = await writeBuildManifest(new URL('../', import.meta.url), {
  name: 'accounts',
  title: 'Accounts',
  titles: { da: 'Konti' },
  route: '/accounts',
  element: 'atrium-accounts',
});
console.log(`${manifest.name}: ${manifest.version}, entry ${manifest.entry}, ${manifest.files.length} files`);
