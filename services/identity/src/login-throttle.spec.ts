import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, OidcSession, startPostgresServer } from '@atrium/test-kit';
import { startIdentity, type RunningIdentity } from './test-server.ts';

/** One browser's sign-in form, posted as if from a given client address (TRUST_PROXY=true). */
async function loginForm(identity: RunningIdentity) {
  const rp = await OidcSession.discover({
    issuer: identity.issuer,
    redirectUri: identity.redirectUri,
    username: 'x',
    password: 'y',
  });
  const { page } = await rp.start();
  const action = new URL((/action="([^"]+)"/.exec(page.html)?.[1] as string).replace(/&amp;/g, '&'), page.url)
    .href;
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] as string;
  return async (username: string, password: string, from: string) => {
    const response = await rp.fetch(action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': from },
      body: new URLSearchParams({ csrf, username, password }).toString(),
    });
    const html = await response.text();
    return {
      status: response.status,
      retryAfter: Number(response.headers.get('retry-after') ?? 'NaN'),
      message: /role="alert"[^>]*>([^<]+)</.exec(html)?.[1],
    };
  };
}

/** Waits for a condition that a throttle delay (at most 30 s in these tests) makes true. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  assert.ok(await eventually(condition, 90_000), 'the condition held within 90 s');
}

const ATTACKER = '203.0.113.7';
const OTHER_ATTACKER = '203.0.113.8';
const REAL_USER = '198.51.100.20';

async function withIdentity(env: Record<string, string>, run: (identity: RunningIdentity) => Promise<void>) {
  const identity = await startIdentity({ TRUST_PROXY: 'true', ...env });
  try {
    await run(identity);
  } finally {
    await identity.stop();
  }
}

describe('sign-in throttling', () => {
  test('25 concurrent wrong passwords get at most 5 real password checks; the rest are refused unchecked', async () => {
    await withIdentity({ LOGIN_FIRST_DELAY_SECONDS: '600' }, async (identity) => {
      const post = await loginForm(identity);
      const answers = await Promise.all(
        Array.from({ length: 25 }, (_, i) => post('viewerTenantA', `wrong-password-${i}`, ATTACKER)),
      );
      // 401 is a password that was checked and wrong; 429 one refused before any check.
      const checked = answers.filter((a) => a.status === 401).length;
      const refused = answers.filter((a) => a.status === 429);
      assert.equal(checked + refused.length, 25, JSON.stringify(answers.map((a) => a.status)));
      assert.equal(checked, 5);
      for (const answer of refused) {
        assert.ok(answer.retryAfter > 0 && answer.retryAfter <= 900, `Retry-After ${answer.retryAfter}`);
        assert.match(answer.message ?? '', /^Too many attempts\. Try again in \d+ (second|minute)s?\.$/);
      }
      // Refused means unchecked: the right password from the attacker's address is refused too.
      assert.equal((await post('viewerTenantA', 'demo-password', ATTACKER)).status, 429);
    });
  });

  test('the real user signs in from another address while an attacker is throttled on their name', async () => {
    await withIdentity({ LOGIN_FIRST_DELAY_SECONDS: '600' }, async (identity) => {
      const post = await loginForm(identity);
      for (let i = 0; i < 8; i++) await post('approverTenantB', `wrong-password-${i}`, ATTACKER);
      assert.equal((await post('approverTenantB', 'wrong-password', ATTACKER)).status, 429);
      assert.equal((await post('approverTenantB', 'demo-password', REAL_USER)).status, 303);
    });
  });

  test('many attackers on one name slow it to one attempt per 30 s for everyone, never lock it', async () => {
    await withIdentity(
      { LOGIN_MAX_FAILURES: '2', LOGIN_MAX_FAILURES_PER_ACCOUNT: '4', LOGIN_FIRST_DELAY_SECONDS: '600' },
      async (identity) => {
        const post = await loginForm(identity);
        for (const from of [ATTACKER, OTHER_ATTACKER]) {
          for (let i = 0; i < 2; i++)
            assert.equal((await post('adminTenantA', 'wrong-password', from)).status, 401);
        }
        // Each attacker's own address waits the first delay (600 s, capped at 15 min).
        const attacker = await post('adminTenantA', 'wrong-password', ATTACKER);
        assert.equal(attacker.status, 429);
        assert.ok(
          attacker.retryAfter > 30 && attacker.retryAfter <= 600,
          `Retry-After ${attacker.retryAfter}`,
        );
        // Four failures on the name: the next attempt from anywhere waits, but 30 s at most.
        const slowed = await post('adminTenantA', 'demo-password', REAL_USER);
        assert.equal(slowed.status, 429);
        assert.ok(slowed.retryAfter >= 1 && slowed.retryAfter <= 30, `Retry-After ${slowed.retryAfter}`);
        await until(async () => (await post('adminTenantA', 'demo-password', REAL_USER)).status === 303);
      },
    );
  });

  test('an address spraying other accounts slows a fresh account behind it to 30 s at most, never locks it', async () => {
    await withIdentity(
      { LOGIN_MAX_FAILURES_PER_ADDRESS: '3', LOGIN_FIRST_DELAY_SECONDS: '600' },
      async (identity) => {
        const post = await loginForm(identity);
        for (const name of ['viewerTenantB', 'adminTenantB', 'nobodyAtAll']) {
          assert.equal((await post(name, 'wrong-password', ATTACKER)).status, 401);
        }
        const slowed = await post('userTenantB', 'demo-password', ATTACKER);
        assert.equal(slowed.status, 429);
        assert.ok(slowed.retryAfter >= 1 && slowed.retryAfter <= 30, `Retry-After ${slowed.retryAfter}`);
        // Another address is not slowed by it at all.
        const elsewhere = await loginForm(identity);
        assert.equal((await elsewhere('approverTenantA', 'demo-password', REAL_USER)).status, 303);
        await until(async () => (await post('userTenantB', 'demo-password', ATTACKER)).status === 303);
      },
    );
  });

  test('a client-chosen X-Forwarded-For does not give an address a fresh throttle (one trusted hop)', async () => {
    // The proxy in front appends the address it saw (nginx's $proxy_add_x_forwarded_for, a CDN);
    // whatever the client wrote before it is the client's choice. Trusting every hop made each
    // forged value a new address with its own free failures.
    await withIdentity(
      { LOGIN_MAX_FAILURES_PER_ADDRESS: '3', LOGIN_FIRST_DELAY_SECONDS: '600' },
      async (identity) => {
        const post = await loginForm(identity);
        const names = ['viewerTenantB', 'adminTenantB', 'nobodyAtAll'];
        for (const [i, name] of names.entries()) {
          assert.equal((await post(name, 'wrong-password', `192.0.2.${i + 1}, ${ATTACKER}`)).status, 401);
        }
        const slowed = await post('userTenantB', 'demo-password', `192.0.2.99, ${ATTACKER}`);
        assert.equal(slowed.status, 429, 'the address the proxy saw is throttled whatever came before it');
      },
    );
  });

  test('delays grow after the free failures, and a success clears them for that account and address', async () => {
    await withIdentity({ LOGIN_FIRST_DELAY_SECONDS: '1' }, async (identity) => {
      const post = await loginForm(identity);
      for (let i = 0; i < 5; i++)
        assert.equal((await post('userTenantA', 'wrong-password', REAL_USER)).status, 401);
      const waits: number[] = [];
      for (let round = 0; round < 3; round++) {
        const refused = await post('userTenantA', 'wrong-password', REAL_USER);
        assert.equal(refused.status, 429);
        waits.push(refused.retryAfter);
        await until(async () => (await post('userTenantA', 'wrong-password', REAL_USER)).status === 401);
      }
      assert.ok((waits[2] as number) > (waits[0] as number), `waits ${waits.join(', ')} grow`);
      await until(async () => (await post('userTenantA', 'demo-password', REAL_USER)).status === 303);
      // A sign-in completes its form's interaction: the next attempts are a new sign-in.
      const next = await loginForm(identity);
      for (let i = 0; i < 5; i++)
        assert.equal((await next('userTenantA', 'wrong-password', REAL_USER)).status, 401);
    });
  });
});

describe('sign-in throttling on a PostgreSQL server shared by two instances', () => {
  test('24 concurrent wrong passwords spread over both instances get at most 5 real checks', async () => {
    const server = await startPostgresServer();
    try {
      const env = {
        DATABASE_URL: server.url,
        ATRIUM_DEMO: 'false',
        TRUST_PROXY: 'true',
        LOGIN_FIRST_DELAY_SECONDS: '600',
      };
      const one = await startIdentity(env);
      const two = await startIdentity(env);
      try {
        const posts = [await loginForm(one), await loginForm(two)];
        // The throttle counts names whether or not an account has them: no user is needed.
        const answers = await Promise.all(
          Array.from({ length: 24 }, (_, i) =>
            (posts[i % 2] as (typeof posts)[0])('someoneTenantA', `wrong-password-${i}`, ATTACKER),
          ),
        );
        const statuses = answers.map((a) => a.status);
        assert.equal(statuses.filter((s) => s === 401).length, 5, JSON.stringify(statuses));
        assert.equal(statuses.filter((s) => s === 429).length, 19, JSON.stringify(statuses));
      } finally {
        await one.stop();
        await two.stop();
      }
    } finally {
      await server.stop();
    }
  });
});
