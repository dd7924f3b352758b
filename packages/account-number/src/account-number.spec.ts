import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkAccountNumber, ibanFor } from './account-number.ts';

test('accepts IBANs with correct check digits, normalised upper-case without spaces', () => {
  for (const [input, normalized] of [
    ['DK50 0040 0440 1162 43', 'DK5000400440116243'],
    ['gb29 nwbk 6016 1331 9268 19', 'GB29NWBK60161331926819'],
    ['DE89370400440532013000', 'DE89370400440532013000'],
    ['NO9386011117947', 'NO9386011117947'],
    ['FR1420041010050500013M02606', 'FR1420041010050500013M02606'],
  ]) {
    assert.deepEqual(checkAccountNumber(input as string), { ok: true, normalized, kind: 'iban' }, input);
  }
});

test('refuses IBANs with wrong check digits, length or country', () => {
  for (const input of [
    'DK5100400440116243',
    'GB29NWBK6016133192681',
    'ZZ29NWBK60161331926819',
    'DE89-3704-0044',
  ]) {
    assert.equal(checkAccountNumber(input).ok, false, input);
  }
});

test('accepts national numbers as a 4-digit bank code and a 4-14 digit account number', () => {
  assert.deepEqual(checkAccountNumber('1234 0001234567'), {
    ok: true,
    normalized: '1234-0001234567',
    kind: 'national',
  });
  assert.deepEqual(checkAccountNumber('1234-5678'), { ok: true, normalized: '1234-5678', kind: 'national' });
  for (const input of ['12-345678', '1234567', '1234-000123456789012', 'ABCD-1234']) {
    assert.equal(checkAccountNumber(input).ok, false, input);
  }
});

test('ibanFor computes check digits that checkAccountNumber accepts', () => {
  assert.equal(ibanFor('DK', '00400440116243'), 'DK5000400440116243');
  assert.equal(ibanFor('GB', 'NWBK60161331926819'), 'GB29NWBK60161331926819');
});
