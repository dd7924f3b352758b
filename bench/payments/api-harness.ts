// The bench's API process (bench/payments/api-process.ts, of this checkout or another) as run.ts
// and compare.ts use it: started as its own process, so that process.cpuUsage() is the API's alone;
// the list they load it with; its JSON answers.
import { spawn, type ChildProcess } from 'node:child_process';

/** The fields the seed's payments element lists, and the 20-item list request of the benches. */
export const LIST_ITEMS =
  'items { id amount currency dueDate from_account to_account message type tenantId status createdBy confirmedBy createdAt updatedAt _version } nextToken';
export const LIST = JSON.stringify({ query: `{ listPayments(limit: 20) { ${LIST_ITEMS} } }` });

/** The JSON answer of `url`; a status other than 2xx is an error naming the answer. */
export async function json(url: string, init?: RequestInit): Promise<Record<string, unknown>> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

export interface ApiProcess {
  readonly url: string;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** The median of `values` (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export async function startApiProcess(
  file: string,
  options: { storage: unknown; verifier: unknown; nodeEnv: string },
): Promise<ApiProcess> {
  const child = spawn(process.execPath, ['--expose-gc', file], {
    env: {
      ...process.env,
      NODE_ENV: options.nodeEnv,
      BENCH_STORAGE: JSON.stringify(options.storage),
      BENCH_VERIFIER: JSON.stringify(options.verifier),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line !== undefined) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`API process ${file} exited ${code}`)));
  });
  return {
    url,
    child,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
