import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LABEL_LANGUAGES, pickLocale, preferredLocales } from './locale.ts';

test('English and Danish have labels', () => {
  assert.deepEqual([...LABEL_LANGUAGES], ['en', 'da']);
});

test('a preferred locale whose language has labels is kept, region and all', () => {
  assert.equal(pickLocale(['en-GB', 'en']), 'en-GB');
  assert.equal(pickLocale(['da-DK', 'en-US']), 'da-DK');
  assert.equal(pickLocale(['fr-FR', 'da', 'en']), 'da');
  assert.equal(pickLocale(['da-DK', 'en-US'], ['en']), 'en-US');
});

test('without a language that has labels, English for labels, numbers and dates alike', () => {
  assert.equal(pickLocale(['fr-FR', 'de']), 'en');
  assert.equal(pickLocale([]), 'en');
  assert.equal(pickLocale(['not a tag', 'en_US', 'EN-au']), 'en-AU');
});

test("the user's own locale comes before the browser's, when its language has labels", () => {
  assert.equal(pickLocale(preferredLocales('da-DK', ['en-US', 'en'])), 'da-DK');
  assert.equal(pickLocale(preferredLocales('fr-FR', ['en-GB'])), 'en-GB');
  assert.equal(pickLocale(preferredLocales(undefined, ['da'])), 'da');
});
