import { test } from 'node:test';
import assert from 'node:assert/strict';
import { registryProblems, titleIn } from './registry.ts';

const entry = {
  name: 'payments',
  title: 'Payments',
  route: '/payments',
  element: 'atrium-payments',
  entry: '/mfe/payments/1.0.0/main-ABC.js',
  styles: [],
  integrity: 'sha384-oqVuAfXRKap7fdgcCY5uykM6+R9GqQ8K/uxy9rx7HNQlGYl1kPzQho1wx4JwY8wC',
  version: '1.0.0',
  roles: [],
};

test('a well-formed registry has no problems', () => {
  assert.deepEqual(registryProblems({ schemaVersion: 1, microFrontends: [entry] }), []);
});

test('each bad field is named', () => {
  const problems = registryProblems({
    schemaVersion: 1,
    microFrontends: [{ ...entry, element: 'payments', integrity: 'md5-x', route: 'payments' }, entry, entry],
  });
  assert.ok(problems.includes('microFrontends[0].element: a custom element name with a hyphen'));
  assert.ok(problems.includes('microFrontends[0].integrity: a sha256/384/512 SRI hash'));
  assert.ok(problems.includes('microFrontends[0].route: like /payments'));
  assert.ok(problems.includes('microFrontends[2].name: duplicate "payments"'));
});

test('a non-object is refused', () => {
  assert.deepEqual(registryProblems(null), ['registry: not an object']);
});

test('navigation order, group and APIs are optional, and checked when present', () => {
  assert.deepEqual(
    registryProblems({
      schemaVersion: 1,
      microFrontends: [
        {
          ...entry,
          order: 10,
          group: 'Finance',
          icon: '/mfe/x/1/i.svg',
          api: { reports: 'https://r.example' },
        },
      ],
    }),
    [],
  );
  const problems = registryProblems({
    schemaVersion: 1,
    microFrontends: [{ ...entry, order: 'first', api: { reports: 'ftp://r.example' } }],
  });
  assert.ok(problems.includes('microFrontends[0].order: an integer between -10000 and 10000'));
  assert.ok(
    problems.includes('microFrontends[0].api: names (letters, digits) to absolute http(s)/ws(s) URLs'),
  );
});

test("titles in other languages are optional, checked when present, and picked by the locale's language", () => {
  const localized = { ...entry, titles: { da: 'Betalinger' } };
  assert.deepEqual(registryProblems({ schemaVersion: 1, microFrontends: [localized] }), []);
  for (const titles of [
    { 'da-DK': 'Betalinger' },
    { da: '' },
    { da: 'x'.repeat(61) },
    ['Betalinger'],
    'da',
  ]) {
    assert.deepEqual(registryProblems({ schemaVersion: 1, microFrontends: [{ ...entry, titles }] }), [
      'microFrontends[0].titles: language subtags (like da) to titles of 1 to 60 characters',
    ]);
  }
  assert.equal(titleIn(localized, 'da-DK'), 'Betalinger');
  assert.equal(titleIn(localized, 'da'), 'Betalinger');
  assert.equal(titleIn(localized, 'en-GB'), 'Payments');
  assert.equal(titleIn(entry, 'da-DK'), 'Payments');
});
