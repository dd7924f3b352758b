import type { LogDestination } from './request-log.ts';

/** pino's numeric levels, as the words a person reads. */
const LEVEL_NAMES: Readonly<Record<number, string>> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const LEVEL_VALUES: Readonly<Record<string, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};
/** Fields every line has, or that the line's own text already says. */
const SHOWN_ELSEWHERE = new Set([
  'level',
  'time',
  'pid',
  'hostname',
  'msg',
  'reqId',
  'req',
  'res',
  'responseTime',
]);
/** Requests whose "incoming" line has been seen and whose "completed" line has not (bounded). */
const OPEN_REQUESTS_LIMIT = 1_000;

const clock = (time: unknown): string => {
  const date = new Date(typeof time === 'number' ? time : Date.now());
  return date.toTimeString().slice(0, 8);
};

/**
 * Log lines for a person at a terminal (`npm start`) instead of pino's JSON: `12:00:01 INFO  message
 * key=value`, errors with their stack. Fastify's two lines per request become one, `GET /path 200
 * 3 ms`, and count as debug: shown only when the level is debug or trace, so a short session is not
 * thousands of request lines. Machines (CI, production, a pipe) keep the JSON.
 */
export function readableLog(out: { write(text: string): unknown }, level: string): LogDestination {
  const threshold = LEVEL_VALUES[level] ?? LEVEL_VALUES['info']!;
  const open = new Map<string, string>();
  const print = (time: unknown, levelValue: number, text: string): void => {
    if (levelValue < threshold) return;
    const name = (LEVEL_NAMES[levelValue] ?? String(levelValue)).padEnd(5);
    out.write(`${clock(time)} ${name} ${text}\n`);
  };
  return {
    write(line: string): void {
      let entry: Record<string, unknown>;
      try {
        entry = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line.endsWith('\n') ? line : `${line}\n`);
        return;
      }
      const levelValue = typeof entry['level'] === 'number' ? entry['level'] : 30;
      const reqId = typeof entry['reqId'] === 'string' ? entry['reqId'] : undefined;
      const req = entry['req'] as { method?: string; url?: string } | undefined;
      const res = entry['res'] as { statusCode?: number } | undefined;
      if (entry['msg'] === 'incoming request' && reqId !== undefined && req) {
        if (open.size >= OPEN_REQUESTS_LIMIT) open.delete(open.keys().next().value as string);
        open.set(reqId, `${req.method ?? ''} ${req.url ?? ''}`);
        return;
      }
      if (entry['msg'] === 'request completed' && reqId !== undefined) {
        const request = open.get(reqId) ?? reqId;
        open.delete(reqId);
        const took =
          typeof entry['responseTime'] === 'number' ? ` ${Math.round(entry['responseTime'])} ms` : '';
        print(entry['time'], Math.min(levelValue, 20), `${request} ${res?.statusCode ?? ''}${took}`);
        return;
      }
      const fields = Object.entries(entry)
        .filter(([key]) => !SHOWN_ELSEWHERE.has(key) && key !== 'err')
        .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
      const err = entry['err'] as { stack?: string; message?: string } | undefined;
      const text = [String(entry['msg'] ?? ''), ...fields, ...(reqId ? [`(${reqId})`] : [])].join(' ');
      print(entry['time'], levelValue, err ? `${text}\n${err.stack ?? err.message ?? ''}` : text);
    },
  };
}

/**
 * Whether a process writes readable lines or JSON: `LOG_FORMAT=pretty|json` decides; otherwise
 * (auto) readable only on an interactive terminal, outside CI and outside production.
 */
export function usesReadableLogs(
  format: 'auto' | 'pretty' | 'json',
  situation: { readonly terminal: boolean; readonly ci: boolean; readonly production: boolean },
): boolean {
  if (format !== 'auto') return format === 'pretty';
  return situation.terminal && !situation.ci && !situation.production;
}
