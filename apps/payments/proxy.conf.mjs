// `ng serve` proxies the APIs to a running Atrium: ATRIUM_URL, by default the embedded server that
// `npm start` runs on :8080 (set ATRIUM_URL when it runs on another port or host).
const target = process.env['ATRIUM_URL'] ?? 'http://localhost:8080';

export default {
  '/graphql': { target, ws: true, changeOrigin: true },
  '/api': { target, changeOrigin: true },
};
