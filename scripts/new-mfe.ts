// `npm run new:mfe -- <name> [--title <title>] [--route /<route>] [--into <folder>]`: a working
// micro-frontend workspace (plain custom element, Vite build, vitest test, build manifest) that
// publishes as is. Nothing in it depends on this repository but @atrium/contracts.
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const NAME = /^[a-z][a-z0-9-]{0,39}$/;

/** What the scaffold writes, by path inside the new workspace. */
export function scaffoldFiles(name: string, title: string, route: string): Record<string, string> {
  const tag = `team-${name}`;
  const className = `${title.replace(/[^A-Za-z0-9]/g, '')}Element`;
  return {
    'package.json': `${JSON.stringify(
      {
        name: `@atrium/${name}`,
        version: '0.1.0',
        private: true,
        description: `${title}: a micro-frontend (plain custom element) of Atrium`,
        type: 'module',
        scripts: {
          build: 'vite build && node scripts/write-manifest.ts',
          test: 'vitest run',
        },
        dependencies: { '@atrium/contracts': '*' },
      },
      null,
      2,
    )}\n`,
    'README.md': `# @atrium/${name}

${title}: a micro-frontend as a plain custom element \`<${tag}>\` (no framework), mounted by the shell at
\`${route}\`. See \`docs/micro-frontends.md\` for the contract, local runs and publishing.

- Build: \`npm run build -w @atrium/${name}\` → \`dist/browser/\` with \`atrium-manifest.json\`.
- Test: \`npm test -w @atrium/${name}\` (vitest + jsdom).
- Publish: \`npm run publish:mfe -w @atrium/host -- ${name} apps/${name}/dist/browser\`.
`,
    'vite.config.ts': `/// <reference types="vitest/config" />
import { defineConfig } from 'vite';

// One ES module per build, content-hashed: the host serves it immutable, the registry names it.
export default defineConfig({
  build: {
    outDir: 'dist/browser',
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be an inline script, which the shell's CSP forbids.
    modulePreload: { polyfill: false },
    rollupOptions: {
      input: 'src/${name}-element.ts',
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: '${name}-[hash].js',
        chunkFileNames: 'chunk-[hash].js',
        assetFileNames: '[name]-[hash][extname]',
      },
    },
  },
  test: { environment: 'jsdom' },
});
`,
    'scripts/write-manifest.ts': `// After \`vite build\`: what publishing needs to turn the build into a registry entry.
import { writeBuildManifest } from '@atrium/contracts/write-build-manifest';

const manifest = await writeBuildManifest(
  new URL('../', import.meta.url),
  { name: '${name}', title: ${JSON.stringify(title)}, route: '${route}', element: '${tag}' },
  { entry: /^${name}-[A-Za-z0-9_-]+\\.js$/ },
);
console.log(\`${name}: \${manifest.version}, entry \${manifest.entry}, \${manifest.files.length} files\`);
`,
    [`src/${name}-element.ts`]: `import type { ElementContext, RenderErrorDetail } from '@atrium/contracts';

/**
 * <${tag}>: the shell sets \`context\` (user, tenant, API URLs, getAccessToken) before adding the
 * element, and again when something changes.
 */
export class ${className} extends HTMLElement {
  #context: ElementContext | undefined;

  set context(context: ElementContext | undefined) {
    this.#context = context;
    if (this.isConnected) this.#render();
  }

  get context(): ElementContext | undefined {
    return this.#context;
  }

  connectedCallback(): void {
    this.#render();
  }

  #render(): void {
    try {
      const heading = document.createElement('h1');
      heading.textContent = ${JSON.stringify(title)};
      const greeting = document.createElement('p');
      greeting.textContent = this.#context
        ? \`Hello \${this.#context.user.username} of \${this.#context.tenant.name}.\`
        : 'Waiting for the shell…';
      this.replaceChildren(heading, greeting);
    } catch (error) {
      // The shell cannot see an error caught here: the contract's event shows its panel with Retry.
      const detail: RenderErrorDetail = { message: error instanceof Error ? error.message : String(error) };
      this.dispatchEvent(new CustomEvent('atrium:render-error', { detail, bubbles: true, composed: true }));
    }
  }
}

// A page holds one definition per tag: a second copy of this bundle must not throw.
if (customElements.get('${tag}') === undefined) customElements.define('${tag}', ${className});
`,
    [`src/${name}-element.spec.ts`]: `import { describe, expect, it } from 'vitest';
import type { ElementContext } from '@atrium/contracts';
import './${name}-element.ts';

const context: ElementContext = {
  user: { id: 'sub-1', username: 'userTenantA', email: undefined, roles: ['member'] },
  tenant: { id: 'TenantA', name: 'Tenant A' },
  getAccessToken: async () => 'token',
  api: { paymentsGraphql: 'http://api.test/graphql', paymentsGraphqlWs: 'ws://api.test/graphql', accounts: 'http://api.test/api/accounts' },
  basePath: '${route}',
  initialPath: '',
  colorScheme: 'light',
};

describe('<${tag}>', () => {
  it('renders for the user and tenant of the context the shell sets', () => {
    const element = document.createElement('${tag}') as HTMLElement & { context?: ElementContext };
    element.context = context;
    document.body.append(element);
    expect(element.querySelector('h1')?.textContent).toBe(${JSON.stringify(title)});
    expect(element.textContent).toContain('Hello userTenantA of Tenant A.');
    element.remove();
  });
});
`,
  };
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { title: { type: 'string' }, route: { type: 'string' }, into: { type: 'string' } },
  });
  const [name] = positionals;
  if (name === undefined || positionals.length !== 1 || !NAME.test(name)) {
    console.error(
      'Usage: npm run new:mfe -- <name> [--title <title>] [--route /<route>] [--into <folder, default apps>]\n<name>: lower-case letters, digits, -',
    );
    return 2;
  }
  const title =
    values.title ??
    name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => `${dash ? ' ' : ''}${c.toUpperCase()}`);
  const route = values.route ?? `/${name}`;
  // Default: the repository's apps/ (a workspace). --into is taken from where npm was started.
  const base =
    values.into === undefined
      ? fileURLToPath(new URL('../apps/', import.meta.url))
      : resolve(process.env['INIT_CWD'] ?? process.cwd(), values.into);
  const target = join(base, name);
  if (
    await stat(target).then(
      () => true,
      () => false,
    )
  ) {
    console.error(`${target} exists already: nothing was written.`);
    return 1;
  }
  for (const [file, content] of Object.entries(scaffoldFiles(name, title, route))) {
    await mkdir(join(target, file, '..'), { recursive: true });
    await writeFile(join(target, file), content);
  }
  console.log(`Created ${target} (<team-${name}> at ${route}).
Next: npm install --no-audit --no-fund && npm run build -w @atrium/${name} && npm test -w @atrium/${name}
Then: npm run publish:mfe -w @atrium/host -- ${name} ${join(values.into ?? 'apps', name)}/dist/browser`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
