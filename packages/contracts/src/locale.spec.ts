import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pickLocale } from './locale.ts';

test('a preferred locale whose language has labels is kept, region and all', () => {
  assert.equal(pickLocale(['en-GB', 'en']), 'en-GB');
  assert.equal(pickLocale(['da-DK', 'en-US']), 'en-US');
  assert.equal(pickLocale(['da-DK', 'da', 'en'], ['en', 'da']), 'da-DK');
});

test('without a language that has labels, English for labels, numbers and dates alike', () => {
  assert.equal(pickLocale(['da-DK', 'da']), 'en');
  assert.equal(pickLocale([]), 'en');
  assert.equal(pickLocale(['not a tag', 'en_US', 'EN-au']), 'en-AU');
});
