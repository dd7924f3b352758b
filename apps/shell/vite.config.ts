/// <reference types="vitest/config" />
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync, constants } from 'node:zlib';
import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';

/** Writes `.br` and `.gz` beside every text file of the build, so the host never compresses per request. */
function precompress(): Plugin {
  return {
    name: 'atrium-precompress',
    apply: 'build',
    async writeBundle(options) {
      const dir = options.dir ?? 'dist';
      const files = (await readdir(dir, { recursive: true })).filter((f) =>
        /\.(js|css|html|svg|json|txt)$/.test(f),
      );
      for (const file of files) {
        const content = await readFile(join(dir, file));
        if (content.byteLength < 256) continue;
        const br = brotliCompressSync(content, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
        const gz = gzipSync(content, { level: 9 });
        if (br.byteLength < content.byteLength) await writeFile(join(dir, `${file}.br`), br);
        if (gz.byteLength < content.byteLength) await writeFile(join(dir, `${file}.gz`), gz);
      }
    },
  };
}

// In development the embedded server (npm start, port 8080) answers everything that is not the shell.
const backend = process.env['ATRIUM_DEV_BACKEND'] ?? 'http://localhost:8080';

export default defineConfig({
  plugins: [react(), precompress()],
  build: {
    target: 'es2022',
    // The polyfill would be an inline script, which the CSP forbids; every target browser has modulepreload.
    modulePreload: { polyfill: false },
    sourcemap: false,
    // Two pages: the shell, and the landing page of a silent sign-in's hidden iframe.
    rollupOptions: { input: { main: 'index.html', 'silent-callback': 'silent-callback.html' } },
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(
      ['/auth', '/graphql', '/api', '/mfe', '/registry.json', '/config.json'].map((path) => [
        path,
        { target: backend, ws: path === '/graphql', changeOrigin: false },
      ]),
    ),
  },
  test: {
    environment: 'jsdom',
    globals: true,
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.spec.{ts,tsx}'],
    css: false,
    // The outer bound of a test on a loaded 2-core machine; the tests wait on conditions.
    testTimeout: 30_000,
  },
});
