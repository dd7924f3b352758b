// A subscriber as an Amplify JS v6 app is one, for appsync-realtime.spec.ts: the real `aws-amplify`
// package, `generateClient`, `authMode: 'userPool'` with a custom token provider (so the Atrium JWT
// goes out raw, as AppSync clients send it). Run as a child process, because Node reads
// NODE_EXTRA_CA_CERTS (the test's throw-away CA) only at start. Arguments: one JSON object
// {endpoint, tokens, query, variables?}; the token provider gives the first of `tokens` that has not
// expired (the last when all have), as a session refreshing its token would. Reports JSON lines on
// stdout: {state} for each connection state Amplify announces, {data} for each event, {error} when
// the subscription fails.
import { Amplify } from 'aws-amplify';
import { decodeJWT } from 'aws-amplify/auth';
import { generateClient } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';

const { endpoint, tokens, query, variables } = JSON.parse(process.argv[2] ?? '{}') as {
  endpoint: string;
  tokens: string[];
  query: string;
  variables?: Record<string, unknown>;
};
const report = (line: Record<string, unknown>): void =>
  void process.stdout.write(`${JSON.stringify(line)}\n`);

const current = (): string =>
  tokens.find((token) => (decodeJWT(token).payload.exp ?? 0) * 1000 > Date.now()) ?? tokens.at(-1) ?? '';

Amplify.configure(
  { API: { GraphQL: { endpoint, region: 'eu-west-1', defaultAuthMode: 'userPool' } } },
  { Auth: { tokenProvider: { getTokens: async () => ({ accessToken: decodeJWT(current()) }) } } },
);
Hub.listen('api', ({ payload }) => {
  if (payload.event === 'ConnectionStateChange')
    report({ state: (payload.data as { connectionState: string }).connectionState });
});
const client = generateClient();
const subscription = (
  client.graphql({ query, variables: variables ?? {} }) as unknown as {
    subscribe(observer: { next(value: unknown): void; error(error: unknown): void }): { unsubscribe(): void };
  }
).subscribe({
  next: (value) => report({ data: (value as { data?: unknown }).data }),
  error: (error) => report({ error: JSON.stringify(error) }),
});
process.stdin.on('data', () => subscription.unsubscribe());
process.stdin.on('end', () => process.exit(0));
