import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Role } from '@atrium/auth';
import { demoCaller, makeTempDir } from '@atrium/test-kit';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { ibanFor } from '@atrium/account-number';
import { Account, AccountPage, ProblemSchema } from './account-schemas.ts';
import {
  ALLOWED_ORIGIN,
  ENGINES,
  PREFIX,
  startAccountsFixture,
  type AccountsFixture,
} from './accounts-fixture.ts';
import { seedDemoAccounts, seedDemoAccountsOnce } from './demo-data.ts';
import { inTenant, SERVICE_ROLE } from './tenant-scope.ts';

// Responses are checked against the same schemas the OpenAPI document publishes.
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validAccount = ajv.compile(Account);
const validPage = ajv.compile(AccountPage);
const validProblem = ajv.compile(ProblemSchema);

interface AccountBody {
  id: string;
  tenant_id: string;
  nickname: string;
  balance: string;
  type: string;
  account_number: string;
  currency: string;
  version: number;
}

let sequence = 0;
/** A fresh valid Danish IBAN per call, so tests never collide on the per-tenant unique number. */
function nextIban(): string {
  sequence += 1;
  return ibanFor('DK', String(10_000_000_000_000 + sequence * 7919).slice(0, 14));
}

function newAccount(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    nickname: 'Operating',
    type: 'domestic',
    account_number: nextIban(),
    currency: 'DKK',
    balance: '100.50',
    ...overrides,
  };
}

for (const engine of ENGINES) {
  describe(`accounts API on ${engine} PostgreSQL`, () => {
    let f: AccountsFixture;
    let adminA: Record<string, string>;
    let adminB: Record<string, string>;

    before(async () => {
      f = await startAccountsFixture(engine);
      adminA = await f.auth('A', 'admin');
      adminB = await f.auth('B', 'admin');
    });
    after(async () => f.close());

    async function create(headers: Record<string, string>, body: Record<string, unknown> = newAccount()) {
      const response = await f.app.inject({ method: 'POST', url: PREFIX, headers, payload: body });
      assert.equal(response.statusCode, 201, response.body);
      return response.json<AccountBody>();
    }

    /** Every account row of every tenant, read as the owner (bypassing the service). */
    async function storedRows(): Promise<string> {
      // The owner connection is a superuser (PGlite's, the harness's `postgres`): RLS does not apply to it.
      const { rows } = await f.ownerDb.query('select * from accounts order by id');
      return JSON.stringify(rows);
    }

    describe('routes', () => {
      test('create answers 201 with Location, ETag and the stored account', async () => {
        const body = newAccount({
          nickname: 'Payroll',
          balance: '1250.5',
          account_number: 'dk50 0040 0440 1162 43',
        });
        const response = await f.app.inject({ method: 'POST', url: PREFIX, headers: adminA, payload: body });
        assert.equal(response.statusCode, 201, response.body);
        const account = response.json<AccountBody>();
        assert.ok(validAccount(account), JSON.stringify(validAccount.errors));
        assert.equal(response.headers.location, `${PREFIX}/${account.id}`);
        assert.equal(response.headers.etag, '"1"');
        assert.equal(account.tenant_id, 'TenantA');
        assert.equal(account.account_number, 'DK5000400440116243', 'IBAN stored normalised');
        assert.equal(account.balance, '1250.50', 'balance shown with the currency decimals');
        assert.equal(account.version, 1);
        assert.equal(response.headers['cache-control'], 'no-store');
      });

      test('get answers the account with its ETag', async () => {
        const created = await create(adminA);
        const response = await f.app.inject({
          url: `${PREFIX}/${created.id}`,
          headers: await f.auth('A', 'viewer'),
        });
        assert.equal(response.statusCode, 200);
        assert.deepEqual(response.json(), created);
        assert.equal(response.headers.etag, '"1"');
        const missing = await f.app.inject({
          url: `${PREFIX}/00000000-0000-4000-8000-000000000000`,
          headers: adminA,
        });
        assert.equal(missing.statusCode, 404);
        assert.equal(missing.json().code, 'account_not_found');
        assert.equal(missing.headers['content-type'], 'application/problem+json; charset=utf-8');
        assert.ok(validProblem(missing.json()));
      });

      test('balance is exact: no binary floating point on the way in or out', async () => {
        const created = await create(adminA, newAccount({ balance: '999999999999999.99' }));
        assert.equal(created.balance, '999999999999999.99');
        const sum = await f.ownerDb.query<{ s: string }>(
          'select (balance + 0.01)::text as s from accounts where id = $1',
          [created.id],
        );
        assert.equal(sum.rows[0]?.s, '1000000000000000.0000');
        const jpy = await create(
          adminA,
          newAccount({ currency: 'JPY', balance: '1500', type: 'international' }),
        );
        assert.equal(jpy.balance, '1500');
        const kwd = await create(
          adminA,
          newAccount({ currency: 'KWD', balance: '-12.345', type: 'international' }),
        );
        assert.equal(kwd.balance, '-12.345');
      });

      test('PATCH with the current ETag changes the account and bumps the version', async () => {
        const created = await create(adminA);
        const response = await f.app.inject({
          method: 'PATCH',
          url: `${PREFIX}/${created.id}`,
          headers: { ...adminA, 'if-match': '"1"' },
          payload: { nickname: 'Renamed', type: 'international' },
        });
        assert.equal(response.statusCode, 200, response.body);
        const updated = response.json<AccountBody>();
        assert.ok(validAccount(updated));
        assert.equal(updated.nickname, 'Renamed');
        assert.equal(updated.type, 'international');
        assert.equal(updated.account_number, created.account_number);
        assert.equal(updated.version, 2);
        assert.equal(response.headers.etag, '"2"');
      });

      test('PATCH without If-Match is 428, with a stale ETag 412, and neither changes anything', async () => {
        const created = await create(adminA);
        const url = `${PREFIX}/${created.id}`;
        const missing = await f.app.inject({
          method: 'PATCH',
          url,
          headers: adminA,
          payload: { nickname: 'Lost' },
        });
        assert.equal(missing.statusCode, 428);
        assert.equal(missing.json().code, 'precondition_required');
        const stale = await f.app.inject({
          method: 'PATCH',
          url,
          headers: { ...adminA, 'if-match': '"7"' },
          payload: { nickname: 'Lost' },
        });
        assert.equal(stale.statusCode, 412);
        assert.equal(stale.json().code, 'precondition_failed');
        const weak = await f.app.inject({
          method: 'PATCH',
          url,
          headers: { ...adminA, 'if-match': 'W/"1"' },
          payload: { nickname: 'Lost' },
        });
        assert.equal(weak.statusCode, 412, 'If-Match uses strong comparison');
        const after = await f.app.inject({ url, headers: adminA });
        assert.deepEqual(after.json(), created);
        const star = await f.app.inject({
          method: 'PATCH',
          url,
          headers: { ...adminA, 'if-match': '*' },
          payload: { nickname: 'Any' },
        });
        assert.equal(star.statusCode, 200);
      });

      test('DELETE needs If-Match: 428 without, 412 stale, 204 current, then 404', async () => {
        const created = await create(adminA);
        const url = `${PREFIX}/${created.id}`;
        assert.equal((await f.app.inject({ method: 'DELETE', url, headers: adminA })).statusCode, 428);
        assert.equal(
          (await f.app.inject({ method: 'DELETE', url, headers: { ...adminA, 'if-match': '"2"' } }))
            .statusCode,
          412,
        );
        assert.equal((await f.app.inject({ url, headers: adminA })).statusCode, 200, 'still there');
        const deleted = await f.app.inject({
          method: 'DELETE',
          url,
          headers: { ...adminA, 'if-match': '"1"' },
        });
        assert.equal(deleted.statusCode, 204);
        assert.equal(deleted.body, '');
        assert.equal((await f.app.inject({ url, headers: adminA })).statusCode, 404);
        assert.equal(
          (await f.app.inject({ method: 'DELETE', url, headers: { ...adminA, 'if-match': '"1"' } }))
            .statusCode,
          404,
        );
      });

      test('account numbers are unique within a tenant (409), not across tenants', async () => {
        const number = nextIban();
        await create(adminA, newAccount({ account_number: number }));
        const again = await f.app.inject({
          method: 'POST',
          url: PREFIX,
          headers: adminA,
          payload: newAccount({ account_number: number }),
        });
        assert.equal(again.statusCode, 409);
        assert.equal(again.json().code, 'account_number_taken');
        const otherTenant = await create(adminB, newAccount({ account_number: number }));
        assert.equal(otherTenant.tenant_id, 'TenantB');
        const second = await create(adminA);
        const clash = await f.app.inject({
          method: 'PATCH',
          url: `${PREFIX}/${second.id}`,
          headers: { ...adminA, 'if-match': '"1"' },
          payload: { account_number: number },
        });
        assert.equal(clash.statusCode, 409);
      });
    });

    describe('list', () => {
      const tenant = 'A' as const;
      let headers: Record<string, string>;
      before(async () => {
        // A tenant of its own for the list tests, so other tests' accounts do not shift pages.
        headers = {
          authorization: `Bearer ${await f.issuer.mint({ ...demoCaller(tenant, 'admin'), tenantId: 'TenantList' })}`,
        };
        const specs: Array<[string, string, string, string]> = [
          ['alpha', 'domestic', 'DKK', '10.00'],
          ['bravo', 'international', 'EUR', '-5.25'],
          ['charlie', 'domestic', 'DKK', '1000.00'],
          ['delta', 'international', 'USD', '2.50'],
          ['echo', 'domestic', 'EUR', '0'],
          ['foxtrot', 'international', 'DKK', '99.99'],
          ['golf', 'domestic', 'DKK', '10.00'],
        ];
        for (const [nickname, type, currency, balance] of specs) {
          await create(headers, newAccount({ nickname, type, currency, balance }));
        }
      });

      async function all(query: string): Promise<AccountBody[]> {
        const items: AccountBody[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const url: string = `${PREFIX}?limit=3${query}${cursor === null ? '' : `&cursor=${cursor}`}`;
          const response = await f.app.inject({ url, headers });
          assert.equal(response.statusCode, 200, response.body);
          const page = response.json<{ items: AccountBody[]; next_cursor: string | null }>();
          assert.ok(validPage(page), JSON.stringify(validPage.errors));
          assert.ok(page.items.length <= 3);
          items.push(...page.items);
          cursor = page.next_cursor;
          pages += 1;
        } while (cursor !== null && pages < 10);
        return items;
      }

      test('pages through every account once, sorted by nickname by default', async () => {
        const items = await all('');
        assert.deepEqual(
          items.map((a) => a.nickname),
          ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf'],
        );
      });

      test('sorts descending and by balance numerically, ties broken by id', async () => {
        assert.deepEqual(
          (await all('&sort=-nickname')).map((a) => a.nickname),
          ['golf', 'foxtrot', 'echo', 'delta', 'charlie', 'bravo', 'alpha'],
        );
        const byBalance = await all('&sort=balance');
        assert.deepEqual(
          byBalance.map((a) => a.balance),
          ['-5.25', '0.00', '2.50', '10.00', '10.00', '99.99', '1000.00'],
        );
        const ties = byBalance.filter((a) => a.balance === '10.00').map((a) => a.id);
        assert.deepEqual(ties, [...ties].sort());
        assert.deepEqual(
          (await all('&sort=-balance')).map((a) => a.balance),
          ['1000.00', '99.99', '10.00', '10.00', '2.50', '0.00', '-5.25'],
        );
        const byCreated = await all('&sort=created_at');
        assert.equal(byCreated.length, 7);
        assert.equal(new Set(byCreated.map((a) => a.id)).size, 7);
        assert.equal((await all('&sort=-account_number')).length, 7);
      });

      test('filters by type and currency', async () => {
        assert.deepEqual(
          (await all('&type=international')).map((a) => a.nickname),
          ['bravo', 'delta', 'foxtrot'],
        );
        assert.deepEqual(
          (await all('&type=domestic&currency=DKK')).map((a) => a.nickname),
          ['alpha', 'charlie', 'golf'],
        );
        assert.deepEqual(await all('&currency=SEK'), []);
      });

      test('filters by account number, however it is spaced or cased, and refuses an invalid one', async () => {
        const [charlie] = (await all('&type=domestic')).filter((a) => a.nickname === 'charlie');
        const number = charlie?.account_number ?? '';
        const spaced = number
          .toLowerCase()
          .replace(/(.{4})/g, '$1 ')
          .trim();
        for (const given of [number, spaced]) {
          const found = await all(`&account_number=${encodeURIComponent(given)}`);
          assert.deepEqual(
            found.map((a) => a.nickname),
            ['charlie'],
            given,
          );
        }
        assert.deepEqual(await all(`&account_number=${encodeURIComponent(nextIban())}`), []);
        const bad = await f.app.inject({ url: `${PREFIX}?account_number=DK5100400440116243`, headers });
        assert.equal(bad.statusCode, 400);
        assert.equal(bad.json().code, 'invalid_account_number');
        assert.equal(bad.json().errors[0].pointer, '/querystring/account_number');
      });

      test('a default page is 50 and the last page has no cursor', async () => {
        const response = await f.app.inject({ url: PREFIX, headers });
        const page = response.json<{ items: unknown[]; next_cursor: string | null }>();
        assert.equal(page.items.length, 7);
        assert.equal(page.next_cursor, null);
      });

      test('a cursor only works for the sort it was issued for', async () => {
        const first = (await f.app.inject({ url: `${PREFIX}?limit=2`, headers })).json<{
          next_cursor: string;
        }>();
        const wrong = await f.app.inject({
          url: `${PREFIX}?limit=2&sort=balance&cursor=${first.next_cursor}`,
          headers,
        });
        assert.equal(wrong.statusCode, 400);
        assert.equal(wrong.json().code, 'invalid_cursor');
        const garbage = await f.app.inject({ url: `${PREFIX}?cursor=bm90LWpzb24`, headers });
        assert.equal(garbage.json().code, 'invalid_cursor');
      });

      // Cursors are unsigned base64url JSON, so a client can write one: a value of the wrong type
      // for its sort key must be a 400, not a cast error from the database.
      test('a forged cursor whose value is not of its sort key’s type is invalid_cursor, for every sort', async () => {
        const id = '00000000-0000-4000-8000-000000000000';
        const forge = (sort: string, value: unknown) =>
          Buffer.from(JSON.stringify([sort, value, id])).toString('base64url');
        const text = ['a\u0000b', 42, null];
        const wrong: Record<string, unknown[]> = {
          nickname: text,
          account_number: text,
          balance: ['abc', '', ' 1', '1e5', 'NaN', 'Infinity', '1.2.3', '--1', 7],
          created_at: [
            'abc',
            '',
            '2026-02-30 10:00:00+00',
            '2026-13-01 00:00:00+00',
            '2026-12-01 25:00:00+00',
            '99999-01-01 00:00:00+00',
            1_764_000_000_000,
          ],
        };
        for (const [key, values] of Object.entries(wrong)) {
          for (const sort of [key, `-${key}`]) {
            for (const value of values) {
              const response = await f.app.inject({
                url: `${PREFIX}?sort=${sort}&cursor=${forge(sort, value)}`,
                headers,
              });
              const label = `${sort} ${JSON.stringify(value)}`;
              assert.equal(response.statusCode, 400, `${label}: ${response.body}`);
              assert.equal(response.json().code, 'invalid_cursor', label);
            }
          }
        }
        // A well-typed forged value is only a position in the caller's own tenant's list.
        const right: Record<string, string> = {
          nickname: 'c',
          account_number: 'DK',
          balance: '10',
          created_at: '2020-01-01 00:00:00.5+02:30',
        };
        for (const [sort, value] of Object.entries(right)) {
          const response = await f.app.inject({
            url: `${PREFIX}?sort=${sort}&cursor=${forge(sort, value)}`,
            headers,
          });
          assert.equal(response.statusCode, 200, `${sort}: ${response.body}`);
        }
      });
    });

    describe('validation: bad input is refused and changes nothing', () => {
      let before_: string;
      beforeEach(async () => {
        before_ = await storedRows();
      });

      const badCreates: Array<[string, Record<string, unknown>, string]> = [
        ['IBAN check digits', { account_number: 'DK5100400440116243' }, 'invalid_account_number'],
        ['IBAN length', { account_number: 'DK500040044011624' }, 'invalid_account_number'],
        ['unknown IBAN country', { account_number: 'ZZ5000400440116243' }, 'invalid_account_number'],
        ['account number characters', { account_number: 'DK50_0040_0440' }, 'invalid_request'],
        ['national number shape', { account_number: '12-34' }, 'invalid_account_number'],
        ['national number digits', { account_number: '1234567' }, 'invalid_account_number'],
        ['unknown currency', { currency: 'QQQ' }, 'invalid_currency'],
        ['lower-case currency', { currency: 'dkk' }, 'invalid_request'],
        ['decimals beyond the currency', { currency: 'JPY', balance: '10.5' }, 'invalid_balance'],
        ['three decimals in DKK', { balance: '10.555' }, 'invalid_balance'],
        ['balance as a number', { balance: 10.5 }, 'invalid_request'],
        ['balance with exponent', { balance: '1e3' }, 'invalid_request'],
        ['empty nickname', { nickname: '' }, 'invalid_request'],
        ['blank-padded nickname', { nickname: ' x ' }, 'invalid_request'],
        ['too long nickname', { nickname: 'x'.repeat(61) }, 'invalid_request'],
        ['unknown type', { type: 'savings' }, 'invalid_request'],
        ['forged tenant_id', { tenant_id: 'TenantB' }, 'invalid_request'],
        ['forged id', { id: '00000000-0000-4000-8000-000000000000' }, 'invalid_request'],
        ['forged version', { version: 9 }, 'invalid_request'],
        ['forged created_at', { created_at: '2020-01-01T00:00:00Z' }, 'invalid_request'],
      ];
      for (const [name, change, code] of badCreates) {
        test(`create refuses ${name} (${code})`, async () => {
          const response = await f.app.inject({
            method: 'POST',
            url: PREFIX,
            headers: adminA,
            payload: newAccount(change),
          });
          assert.equal(response.statusCode, 400, response.body);
          assert.equal(response.json().code, code);
          assert.ok(validProblem(response.json()));
          assert.equal(await storedRows(), before_);
        });
      }

      test('create refuses a missing field, with a pointer to it', async () => {
        const body = newAccount();
        delete body['currency'];
        const response = await f.app.inject({ method: 'POST', url: PREFIX, headers: adminA, payload: body });
        assert.equal(response.statusCode, 400);
        assert.ok(
          response
            .json()
            .errors.some((e: { pointer: string; message: string }) => /currency/.test(e.message)),
        );
      });

      test('create refuses malformed JSON, other media types and an empty body', async () => {
        const json = { ...adminA, 'content-type': 'application/json' };
        const malformed = await f.app.inject({
          method: 'POST',
          url: PREFIX,
          headers: json,
          payload: '{"nickname":',
        });
        assert.equal(malformed.json().code, 'malformed_json');
        const text = await f.app.inject({
          method: 'POST',
          url: PREFIX,
          headers: { ...adminA, 'content-type': 'text/plain' },
          payload: '{}',
        });
        assert.equal(text.statusCode, 415);
        const empty = await f.app.inject({ method: 'POST', url: PREFIX, headers: json, payload: '' });
        assert.equal(empty.statusCode, 400);
        const proto = await f.app.inject({
          method: 'POST',
          url: PREFIX,
          headers: json,
          payload: '{"__proto__":{"x":1}}',
        });
        assert.equal(proto.statusCode, 400);
        assert.equal(await storedRows(), before_);
      });

      test('PATCH refuses bad fields, forged fields and an empty change, leaving the account as it was', async () => {
        const created = await create(adminA);
        before_ = await storedRows();
        const url = `${PREFIX}/${created.id}`;
        const cases: Array<[Record<string, unknown>, string]> = [
          [{}, 'invalid_request'],
          [{ tenant_id: 'TenantB' }, 'invalid_request'],
          [{ version: 5 }, 'invalid_request'],
          [{ id: '00000000-0000-4000-8000-000000000000' }, 'invalid_request'],
          [{ account_number: 'DK0000400440116243' }, 'invalid_account_number'],
          [{ currency: 'JPY' }, 'invalid_balance'],
          [{ nickname: 'ok', balance: '1.001' }, 'invalid_balance'],
        ];
        for (const [payload, code] of cases) {
          const response = await f.app.inject({
            method: 'PATCH',
            url,
            headers: { ...adminA, 'if-match': '"1"' },
            payload,
          });
          assert.equal(response.statusCode, 400, `${JSON.stringify(payload)}: ${response.body}`);
          assert.equal(response.json().code, code, JSON.stringify(payload));
        }
        assert.equal(await storedRows(), before_);
      });

      test('query and path parameters are validated', async () => {
        for (const query of [
          'limit=0',
          'limit=101',
          'limit=abc',
          'sort=name',
          'type=savings',
          'currency=dkk',
          'tenant_id=TenantB',
          'cursor=%25%25',
        ]) {
          const response = await f.app.inject({ url: `${PREFIX}?${query}`, headers: adminA });
          assert.equal(response.statusCode, 400, query);
        }
        const badId = await f.app.inject({ url: `${PREFIX}/not-a-uuid`, headers: adminA });
        assert.equal(badId.statusCode, 400);
        assert.equal(badId.json().errors[0].pointer, '/params/id');
      });
    });

    describe('concurrency', () => {
      test('of concurrent PATCHes with the same ETag exactly one wins; the others get 412', async () => {
        const created = await create(adminA);
        const responses = await Promise.all(
          Array.from({ length: 8 }, (_, i) =>
            f.app.inject({
              method: 'PATCH',
              url: `${PREFIX}/${created.id}`,
              headers: { ...adminA, 'if-match': '"1"' },
              payload: { nickname: `Writer ${i}` },
            }),
          ),
        );
        const codes = responses.map((r) => r.statusCode).sort();
        assert.deepEqual(codes, [200, 412, 412, 412, 412, 412, 412, 412]);
        const final = (
          await f.app.inject({ url: `${PREFIX}/${created.id}`, headers: adminA })
        ).json<AccountBody>();
        assert.equal(final.version, 2);
        const winner = responses.find((r) => r.statusCode === 200)?.json<AccountBody>();
        assert.equal(final.nickname, winner?.nickname);
      });

      test('of concurrent creates with one account number exactly one succeeds; the others get 409', async () => {
        const number = nextIban();
        const responses = await Promise.all(
          Array.from({ length: 6 }, () =>
            f.app.inject({
              method: 'POST',
              url: PREFIX,
              headers: adminA,
              payload: newAccount({ account_number: number }),
            }),
          ),
        );
        assert.deepEqual(responses.map((r) => r.statusCode).sort(), [201, 409, 409, 409, 409, 409]);
      });

      test('a DELETE racing a PATCH on one version: one wins, the other is refused', async () => {
        const created = await create(adminA);
        const url = `${PREFIX}/${created.id}`;
        const [patch, del] = await Promise.all([
          f.app.inject({
            method: 'PATCH',
            url,
            headers: { ...adminA, 'if-match': '"1"' },
            payload: { nickname: 'x' },
          }),
          f.app.inject({ method: 'DELETE', url, headers: { ...adminA, 'if-match': '"1"' } }),
        ]);
        const outcome = [patch.statusCode, del.statusCode];
        assert.ok(
          JSON.stringify(outcome) === '[200,412]' || JSON.stringify(outcome) === '[404,204]',
          `unexpected ${JSON.stringify(outcome)}`,
        );
      });
    });

    describe("isolation: tenant A's users against tenant B's accounts", () => {
      let accountB: AccountBody;
      let snapshot: string;
      before(async () => {
        accountB = await create(adminB, newAccount({ nickname: 'B secret' }));
      });
      beforeEach(async () => {
        snapshot = JSON.stringify(
          (await f.app.inject({ url: `${PREFIX}/${accountB.id}`, headers: adminB })).json(),
        );
      });
      async function assertBUnchanged() {
        const now = await f.app.inject({ url: `${PREFIX}/${accountB.id}`, headers: adminB });
        assert.equal(now.statusCode, 200);
        assert.equal(JSON.stringify(now.json()), snapshot);
      }

      test('list never shows B, whatever A sends', async () => {
        const byNumber = await f.app.inject({
          url: `${PREFIX}?account_number=${encodeURIComponent(accountB.account_number)}`,
          headers: { ...adminA, 'x-tenant-id': 'TenantB' },
        });
        assert.deepEqual(byNumber.json().items, []);
        for (const url of [PREFIX, `${PREFIX}?limit=100`, `${PREFIX}?currency=DKK`]) {
          const page = (await f.app.inject({ url, headers: { ...adminA, 'x-tenant-id': 'TenantB' } })).json<{
            items: AccountBody[];
          }>();
          assert.ok(page.items.length > 0);
          assert.ok(
            page.items.every((a) => a.tenant_id === 'TenantA'),
            url,
          );
        }
        const forged = await f.app.inject({ url: `${PREFIX}?tenant_id=TenantB`, headers: adminA });
        assert.equal(forged.statusCode, 400);
      });

      test("a cursor from B's list shows A only its own accounts", async () => {
        const pageB = (await f.app.inject({ url: `${PREFIX}?limit=1`, headers: adminB })).json<{
          next_cursor: string | null;
        }>();
        await create(adminB);
        const again = (await f.app.inject({ url: `${PREFIX}?limit=1`, headers: adminB })).json<{
          next_cursor: string;
        }>();
        const cursor = pageB.next_cursor ?? again.next_cursor;
        const page = (
          await f.app.inject({ url: `${PREFIX}?limit=100&cursor=${cursor}`, headers: adminA })
        ).json<{
          items: AccountBody[];
        }>();
        assert.ok(page.items.every((a) => a.tenant_id === 'TenantA'));
      });

      for (const role of ['viewer', 'member', 'approver', 'admin'] as const) {
        test(`GET of B's account by A's ${role} is 404, as if it did not exist`, async () => {
          const response = await f.app.inject({
            url: `${PREFIX}/${accountB.id}`,
            headers: await f.auth('A', role),
          });
          assert.equal(response.statusCode, 404);
          assert.equal(response.json().code, 'account_not_found');
          assert.doesNotMatch(response.body, /B secret|TenantB/);
        });
      }

      test("PATCH of B's account by A's admin is 404 with any ETag, and B's account is unchanged", async () => {
        for (const ifMatch of ['"1"', '*']) {
          const response = await f.app.inject({
            method: 'PATCH',
            url: `${PREFIX}/${accountB.id}`,
            headers: { ...adminA, 'if-match': ifMatch },
            payload: { nickname: 'Hijacked' },
          });
          assert.equal(response.statusCode, 404);
        }
        await assertBUnchanged();
      });

      test("DELETE of B's account by A's admin is 404, and B's account is still there", async () => {
        for (const ifMatch of ['"1"', '*']) {
          const response = await f.app.inject({
            method: 'DELETE',
            url: `${PREFIX}/${accountB.id}`,
            headers: { ...adminA, 'if-match': ifMatch },
          });
          assert.equal(response.statusCode, 404);
        }
        await assertBUnchanged();
      });

      test('A cannot create into B by forging tenant_id in the body, a header or a token claim', async () => {
        const forgedBody = await f.app.inject({
          method: 'POST',
          url: PREFIX,
          headers: adminA,
          payload: newAccount({ tenant_id: 'TenantB' }),
        });
        assert.equal(forgedBody.statusCode, 400);
        const viaHeader = await create({ ...adminA, 'x-tenant-id': 'TenantB' });
        assert.equal(viaHeader.tenant_id, 'TenantA');
        const extraClaims = await f.auth('A', 'admin', {
          extra: { tenant_id: 'TenantB', tenantId: 'TenantB' },
        });
        const viaClaim = await create(extraClaims);
        assert.equal(viaClaim.tenant_id, 'TenantA');
      });

      test("A cannot move its account into B with a PATCH's forged tenant_id", async () => {
        const mine = await create(adminA);
        const response = await f.app.inject({
          method: 'PATCH',
          url: `${PREFIX}/${mine.id}`,
          headers: { ...adminA, 'if-match': '"1"' },
          payload: { tenant_id: 'TenantB' },
        });
        assert.equal(response.statusCode, 400);
        const stored = await f.app.inject({ url: `${PREFIX}/${mine.id}`, headers: adminA });
        assert.equal(stored.json().tenant_id, 'TenantA');
      });

      test("A may use B's account number (unique per tenant only: no existence leak)", async () => {
        const created = await create(adminA, newAccount({ account_number: accountB.account_number }));
        assert.equal(created.tenant_id, 'TenantA');
      });
    });

    describe('row-level security (layer 2)', () => {
      before(async () => {
        await seedDemoAccounts(f.ownerDb);
      });

      test('the service role is neither superuser nor BYPASSRLS, and RLS is forced', async () => {
        const { rows } = await f.ownerDb.query<{ rolsuper: boolean; rolbypassrls: boolean }>(
          'select rolsuper, rolbypassrls from pg_roles where rolname = $1',
          [SERVICE_ROLE],
        );
        assert.deepEqual(rows, [{ rolsuper: false, rolbypassrls: false }]);
        const table = await f.ownerDb.query<{ relrowsecurity: boolean; relforcerowsecurity: boolean }>(
          "select relrowsecurity, relforcerowsecurity from pg_class where relname = 'accounts'",
        );
        assert.deepEqual(table.rows, [{ relrowsecurity: true, relforcerowsecurity: true }]);
      });

      test('a deliberately unscoped query as the service returns only its own tenant\u2019s rows', async () => {
        const all = await f.ownerDb.query<{ n: string }>(
          'select count(distinct tenant_id)::text as n from accounts',
        );
        assert.ok(Number(all.rows[0]?.n) >= 2, 'the owner (superuser) sees several tenants');
        const seen = await inTenant(f.db, 'TenantA', async (tx) => {
          const who = await tx.query<{ current_user: string; session_user: string }>(
            'select current_user, session_user',
          );
          // No tenant filter on purpose: only the policy stands between A and B here.
          const rows = (await tx.query<{ tenant_id: string }>('select tenant_id from accounts')).rows;
          return { who: who.rows[0], rows };
        });
        assert.equal(seen.who?.current_user, SERVICE_ROLE);
        if (f.engine === 'server')
          assert.equal(seen.who?.session_user, SERVICE_ROLE, 'connected as the role itself');
        assert.ok(seen.rows.length >= 6);
        assert.deepEqual([...new Set(seen.rows.map((r) => r.tenant_id))], ['TenantA']);
      });

      test('unscoped writes as the service touch only its own tenant, and cannot write another tenant', async () => {
        const bBefore = await inTenant(f.db, 'TenantB', async (tx) =>
          JSON.stringify((await tx.query('select * from accounts order by id')).rows),
        );
        await inTenant(f.db, 'TenantA', async (tx) => {
          await tx.query("update accounts set nickname = nickname where nickname <> ''");
          const deleted = await tx.query("delete from accounts where nickname = 'no such nickname'");
          assert.equal(deleted.rowCount, 0);
        });
        await assert.rejects(
          inTenant(f.db, 'TenantA', async (tx) =>
            tx.query(
              "insert into accounts (tenant_id, nickname, type, account_number, currency) values ('TenantB', 'x', 'domestic', '1234-5678', 'DKK')",
            ),
          ),
          /row-level security/,
        );
        await assert.rejects(
          inTenant(f.db, 'TenantA', async (tx) => tx.query("update accounts set tenant_id = 'TenantB'")),
          /row-level security/,
        );
        const bAfter = await inTenant(f.db, 'TenantB', async (tx) =>
          JSON.stringify((await tx.query('select * from accounts order by id')).rows),
        );
        assert.equal(bAfter, bBefore);
      });

      test('without a tenant set, the service role sees and writes nothing', async () => {
        const rows = await f.db.transaction(async (tx) => (await tx.query('select * from accounts')).rows, {
          role: SERVICE_ROLE,
        });
        assert.equal(rows.length, 0);
      });

      test('demo data is seeded once per data folder: a later start never brings a deleted one back', async () => {
        const dataDir = await makeTempDir('accounts-demo');
        try {
          assert.equal(typeof (await seedDemoAccountsOnce(f.ownerDb, dataDir)), 'number');
          assert.ok(existsSync(join(dataDir, 'accounts', 'demo-seeded')));
          const taxReserve = (sql: string) =>
            inTenant(f.ownerDb, 'TenantA', async (tx) => (await tx.query(sql, ['Tax reserve'])).rowCount);
          assert.equal(await taxReserve('delete from accounts where nickname = $1'), 1);
          assert.equal(await seedDemoAccountsOnce(f.ownerDb, dataDir), undefined);
          assert.equal(await taxReserve('select 1 from accounts where nickname = $1'), 0);
        } finally {
          await rm(dataDir, { recursive: true, force: true });
          await seedDemoAccounts(f.ownerDb);
        }
      });

      test('demo data: both tenants, both types, several currencies, valid IBANs; seeding twice adds nothing', async () => {
        assert.equal(await seedDemoAccounts(f.ownerDb), 0);
        for (const tenant of ['A', 'B'] as const) {
          const page = (
            await f.app.inject({ url: `${PREFIX}?limit=100`, headers: await f.auth(tenant, 'viewer') })
          ).json<{ items: AccountBody[] }>();
          const demo = page.items.filter((a) => /^[A-Z]{2}[0-9]{2}/.test(a.account_number));
          assert.ok(new Set(demo.map((a) => a.type)).size === 2, tenant);
          assert.ok(new Set(demo.map((a) => a.currency)).size >= 3, tenant);
        }
      });
    });

    describe('authorizer', () => {
      const url = PREFIX;
      test('viewer, member, approver and admin read', async () => {
        for (const role of ['viewer', 'member', 'approver', 'admin'] as const) {
          const response = await f.app.inject({ url, headers: await f.auth('A', role) });
          assert.equal(response.statusCode, 200, role);
        }
      });

      test('only admin writes: viewer, member, approver and operator get 403 and nothing changes', async () => {
        const created = await create(adminA);
        const rows = await storedRows();
        for (const role of ['viewer', 'member', 'approver', 'operator'] as Role[]) {
          const headers = await f.auth('A', role);
          const post = await f.app.inject({ method: 'POST', url, headers, payload: newAccount() });
          assert.equal(post.statusCode, 403, role);
          assert.equal(post.json().code, 'forbidden');
          const patch = await f.app.inject({
            method: 'PATCH',
            url: `${url}/${created.id}`,
            headers: { ...headers, 'if-match': '"1"' },
            payload: { nickname: 'x' },
          });
          assert.equal(patch.statusCode, 403, role);
          const del = await f.app.inject({
            method: 'DELETE',
            url: `${url}/${created.id}`,
            headers: { ...headers, 'if-match': '"1"' },
          });
          assert.equal(del.statusCode, 403, role);
        }
        const operatorRead = await f.app.inject({ url, headers: await f.auth('A', 'operator') });
        assert.equal(operatorRead.statusCode, 403, 'the platform operator has no tenant role');
        assert.equal(await storedRows(), rows);
      });

      test('token negatives answer 401 problems with WWW-Authenticate, before any validation', async () => {
        const claims = demoCaller('A', 'admin');
        const cases: Array<[string, Record<string, string>, string]> = [
          ['no header', {}, 'missing_token'],
          ['basic scheme', { authorization: 'Basic dXNlcjpwYXNz' }, 'invalid_token'],
          ['garbage', { authorization: 'Bearer not.a.jwt' }, 'invalid_token'],
          [
            'expired',
            { authorization: `Bearer ${await f.issuer.mint(claims, { expiresInSeconds: -120 })}` },
            'token_expired',
          ],
          [
            'foreign key',
            { authorization: `Bearer ${await f.issuer.mint(claims, { foreignKey: true })}` },
            'invalid_token',
          ],
          [
            'wrong audience',
            { authorization: `Bearer ${await f.issuer.mint(claims, { audience: 'other-api' })}` },
            'invalid_token',
          ],
          [
            'wrong issuer',
            { authorization: `Bearer ${await f.issuer.mint(claims, { issuer: 'http://evil.example' })}` },
            'invalid_token',
          ],
          [
            'ID token',
            { authorization: `Bearer ${await f.issuer.mint(claims, { tokenUse: 'id' })}` },
            'invalid_token',
          ],
          [
            'not yet valid',
            { authorization: `Bearer ${await f.issuer.mint(claims, { notBeforeSeconds: 600 })}` },
            'invalid_token',
          ],
          [
            'no tenant',
            { authorization: `Bearer ${await f.issuer.mint({ roles: ['admin'], username: 'x' })}` },
            'missing_tenant',
          ],
        ];
        for (const [name, headers, code] of cases) {
          for (const request of [
            { method: 'GET' as const, url },
            { method: 'POST' as const, url, payload: { tenant_id: 'bad' } },
          ]) {
            const response = await f.app.inject({ ...request, headers });
            assert.equal(response.statusCode, 401, `${name} ${request.method}`);
            assert.equal(response.json().code, code, name);
            assert.match(String(response.headers['www-authenticate']), /^Bearer realm="atrium"/);
          }
        }
        const tampered = (await f.issuer.mint(claims)).split('.');
        const payload = JSON.parse(Buffer.from(tampered[1] as string, 'base64url').toString());
        payload['custom:tenantId'] = 'TenantB';
        tampered[1] = Buffer.from(JSON.stringify(payload)).toString('base64url');
        const forged = await f.app.inject({
          url,
          headers: { authorization: `Bearer ${tampered.join('.')}` },
        });
        assert.equal(forged.statusCode, 401, 'a token edited to name tenant B fails its signature');
      });
    });

    describe('CORS (the article\u2019s failures)', () => {
      test('a preflight from the allowed micro-frontend origin succeeds with Authorization allowed', async () => {
        for (const [path, method] of [
          [PREFIX, 'GET'],
          [`${PREFIX}/00000000-0000-4000-8000-000000000000`, 'PATCH'],
        ] as const) {
          const response = await f.app.inject({
            method: 'OPTIONS',
            url: path,
            headers: {
              origin: ALLOWED_ORIGIN,
              'access-control-request-method': method,
              'access-control-request-headers': 'authorization, content-type, if-match',
            },
          });
          assert.equal(response.statusCode, 204, response.body);
          assert.equal(response.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
          assert.match(String(response.headers['access-control-allow-headers']), /\bAuthorization\b/);
          assert.match(String(response.headers['access-control-allow-headers']), /\bIf-Match\b/);
          assert.match(
            String(response.headers['access-control-allow-methods']),
            new RegExp(`\\b${method}\\b`),
          );
          assert.match(String(response.headers.vary), /\bOrigin\b/);
          assert.equal(response.headers['access-control-allow-credentials'], undefined);
        }
      });

      test('an unknown origin is refused: no Access-Control-Allow-Origin, on preflight or request', async () => {
        for (const origin of [
          'https://evil.example',
          'null',
          'http://localhost:4202',
          'http://localhost:4201.evil.example',
          'HTTP://LOCALHOST:4201',
        ]) {
          const preflight = await f.app.inject({
            method: 'OPTIONS',
            url: PREFIX,
            headers: {
              origin,
              'access-control-request-method': 'GET',
              'access-control-request-headers': 'authorization',
            },
          });
          assert.equal(preflight.statusCode, 403, origin);
          assert.equal(preflight.headers['access-control-allow-origin'], undefined, origin);
          assert.equal(preflight.headers['access-control-allow-headers'], undefined, origin);
          assert.match(String(preflight.headers.vary), /\bOrigin\b/);
          const actual = await f.app.inject({ url: PREFIX, headers: { ...adminA, origin } });
          assert.equal(actual.headers['access-control-allow-origin'], undefined, origin);
          assert.match(String(actual.headers.vary), /\bOrigin\b/);
        }
      });

      test('allowed origins read responses, errors included; never a wildcard or credentials', async () => {
        const ok = await f.app.inject({ url: PREFIX, headers: { ...adminA, origin: ALLOWED_ORIGIN } });
        assert.equal(ok.headers['access-control-allow-origin'], ALLOWED_ORIGIN);
        assert.match(String(ok.headers['access-control-expose-headers']), /\bETag\b/);
        const unauthorized = await f.app.inject({ url: PREFIX, headers: { origin: ALLOWED_ORIGIN } });
        assert.equal(unauthorized.statusCode, 401);
        assert.equal(
          unauthorized.headers['access-control-allow-origin'],
          ALLOWED_ORIGIN,
          'the 401 is readable',
        );
        const other = await f.app.inject({
          url: PREFIX,
          headers: { ...adminA, origin: 'https://payments.example' },
        });
        assert.equal(other.headers['access-control-allow-origin'], 'https://payments.example');
        for (const response of [ok, unauthorized, other]) {
          assert.notEqual(response.headers['access-control-allow-origin'], '*');
          assert.equal(response.headers['access-control-allow-credentials'], undefined);
        }
      });
    });

    describe('OpenAPI, docs and health', () => {
      test('OpenAPI 3.1 is generated from the route schemas', async () => {
        const response = await f.app.inject({ url: `${PREFIX}/openapi.json` });
        assert.equal(response.statusCode, 200);
        const doc = response.json();
        assert.equal(doc.openapi, '3.1.0');
        assert.deepEqual(Object.keys(doc.paths[PREFIX]).sort(), ['get', 'post']);
        assert.deepEqual(Object.keys(doc.paths[`${PREFIX}/{id}`]).sort(), ['delete', 'get', 'patch']);
        const create = doc.paths[PREFIX].post;
        const body = create.requestBody.content['application/json'].schema;
        assert.equal(body.additionalProperties, false);
        assert.deepEqual([...body.required].sort(), ['account_number', 'currency', 'nickname', 'type']);
        assert.ok(create.responses['201']);
        assert.ok(create.responses['4XX'] ?? create.responses['4xx']);
        const list = doc.paths[PREFIX].get.parameters.map((p: { name: string }) => p.name).sort();
        assert.deepEqual(list, ['account_number', 'currency', 'cursor', 'limit', 'sort', 'type']);
        assert.deepEqual(doc.security, [{ bearer: [] }]);
      });

      test('the docs page is served from this service only (no CDN)', async () => {
        const page = await f.app.inject({ url: `${PREFIX}/docs/` });
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /swagger-ui-bundle\.js/);
        assert.doesNotMatch(page.body, /(src|href)="(https?:)?\/\//);
        const script = await f.app.inject({ url: `${PREFIX}/docs/static/swagger-ui-bundle.js` });
        assert.equal(script.statusCode, 200);
        const init = await f.app.inject({ url: `${PREFIX}/docs/static/swagger-initializer.js` });
        assert.match(init.body, /validatorUrl: null/);
      });

      test('healthz and readyz answer while the database is up', async () => {
        assert.equal((await f.app.inject({ url: `${PREFIX}/healthz` })).statusCode, 200);
        const ready = await f.app.inject({ url: `${PREFIX}/readyz` });
        assert.equal(ready.statusCode, 200);
        assert.deepEqual(ready.json(), { status: 'ready', checks: { database: 'ok' } });
        assert.equal(ready.headers['cache-control'], 'no-store');
      });

      test('unknown routes under the prefix are 404 problems', async () => {
        const response = await f.app.inject({ url: `${PREFIX}/a/b`, headers: adminA });
        assert.equal(response.statusCode, 404);
        assert.equal(response.json().code, 'not_found');
      });
    });
  });
}
