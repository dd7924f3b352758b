// Writes deploy/nginx.conf: nginx in front of the split topology (public ports 8100+, processes on
// 9100+, started with SPLIT_BEHIND_NGINX=true). A test keeps the file equal to what this generates.
import { writeFile } from 'node:fs/promises';
import { nginxConfig, splitProcesses, splitTopology } from './split-topology.ts';

const topology = splitTopology({ listenOffset: 1000 });
const target = new URL('../deploy/nginx.conf', import.meta.url);
await writeFile(
  target,
  nginxConfig(splitProcesses(topology, '/srv/atrium', true), { prefix: '/var/lib/atrium-nginx' }),
);
console.log(`wrote ${target.pathname}`);
