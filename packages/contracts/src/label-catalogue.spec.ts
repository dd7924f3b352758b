import { test } from 'node:test';
import assert from 'node:assert/strict';
import { labelsFor, missingLabels, type LabelCatalogue } from './label-catalogue.ts';

const catalogue: LabelCatalogue<'create' | 'deleteTo' | 'newOnly'> = {
  en: { create: 'Create', deleteTo: 'Delete payment to {to}', newOnly: 'Only in English' },
  da: { create: 'Opret', deleteTo: 'Slet betaling til {to}' },
};

test('a label in the locale’s language, with its parameters filled in', () => {
  const da = labelsFor(catalogue, 'da-DK');
  assert.equal(da('create'), 'Opret');
  assert.equal(da('deleteTo', { to: 'DK50' }), 'Slet betaling til DK50');
  assert.equal(labelsFor(catalogue, 'en-GB')('deleteTo', { to: 'DK50' }), 'Delete payment to DK50');
});

test('a key the language lacks falls back to English, and the completeness check names it', () => {
  assert.equal(labelsFor(catalogue, 'da')('newOnly'), 'Only in English');
  assert.deepEqual(missingLabels(catalogue), ['da: newOnly has no label']);
});

test('a translation that drops or renames a parameter is reported', () => {
  const broken: LabelCatalogue<'deleteTo'> = {
    en: { deleteTo: 'Delete payment to {to}' },
    da: { deleteTo: 'Slet betaling til {til}' },
  };
  assert.deepEqual(missingLabels(broken), ['da: deleteTo has parameters {til}, English {to}']);
});
