import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ibanFor } from './account-number.ts';
import { checkPaymentReference, comparableAccountNumber } from './payment-reference.ts';

const check = (input: string) => checkPaymentReference(input, 'From account');

test("keeps the articles' 8-character references and takes national numbers and IBANs", () => {
  assert.deepEqual(check('12345678'), { ok: true, normalized: '12345678', kind: 'reference' });
  assert.deepEqual(check(' acc00001 '), { ok: true, normalized: 'ACC00001', kind: 'reference' });
  assert.deepEqual(check('1234-0001234567'), { ok: true, normalized: '1234-0001234567', kind: 'reference' });
  assert.deepEqual(check('dk50 0040 0440 1162 43'), {
    ok: true,
    normalized: 'DK5000400440116243',
    kind: 'iban',
  });
  // The registry's longest IBAN (Russia's, 33 characters) fits; ISO 13616 allows 34.
  assert.equal(check(ibanFor('RU', '04452522540702810000000000001')).ok, true);
  assert.equal(check('A'.repeat(34)).ok, true);
  // Shorter than any IBAN, so a reference that merely starts like one.
  assert.deepEqual(check('AB12CD'), { ok: true, normalized: 'AB12CD', kind: 'reference' });
});

test('refuses with a machine-readable code and a message naming the field', () => {
  assert.deepEqual(check('   '), { ok: false, code: 'REQUIRED', message: 'From account is required' });
  assert.deepEqual(check('A'.repeat(35)), {
    ok: false,
    code: 'TOO_LONG',
    message: 'From account must be at most 34 characters',
  });
  for (const input of ['ACC_0001', 'ACC.0001', 'straße', 'ÆØÅ1', 'A\u0000B', 'ACC/1']) {
    assert.deepEqual(
      check(input),
      {
        ok: false,
        code: 'INVALID_CHARACTERS',
        message: 'From account may contain only letters, digits and -',
      },
      input,
    );
  }
});

test('holds anything shaped like an IBAN to the IBAN rule', () => {
  assert.deepEqual(check('DK5100400440116243'), {
    ok: false,
    code: 'IBAN_INVALID',
    message: 'From account is not a valid IBAN: the IBAN check digits do not match',
  });
  assert.deepEqual(check('DK50004004401162431'), {
    ok: false,
    code: 'IBAN_INVALID',
    message: 'From account is not a valid IBAN: a DK IBAN has 18 characters',
  });
  assert.equal(check('ZZ29NWBK60161331926819').ok, false);
  assert.equal(check('DK50-0040-0440-1162-43').ok, false);
});

test('compares references as the accounts API stores account numbers', () => {
  assert.equal(comparableAccountNumber('1234 0001234567'), '1234-0001234567');
  assert.equal(comparableAccountNumber('12340001234567'), '1234-0001234567');
  assert.equal(comparableAccountNumber('dk50 0040 0440 1162 43'), 'DK5000400440116243');
  assert.equal(comparableAccountNumber('acc00001'), 'ACC00001');
});
