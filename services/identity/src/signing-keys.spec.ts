import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrate, openDatabase } from '@atrium/postgres';
import { loadKeyMaterial, rotateSigningKey } from './signing-keys.ts';

// A window of 0 signs with a new key at once (one instance); ADR 0008's staged rotation below.
const instant = { retiredKeyGraceSeconds: 3600, publishWindowSeconds: 0 };

test('keys are created once, rotated, and a retired key leaves the JWKS after its grace period', async () => {
  const db = await openDatabase();
  await migrate(db, new URL('../migrations/', import.meta.url));
  try {
    const first = await loadKeyMaterial(db, instant);
    const again = await loadKeyMaterial(db, instant);
    assert.equal(first.jwks.keys.length, 1);
    assert.equal(again.jwks.keys[0]?.kid, first.jwks.keys[0]?.kid, 'a second start reuses the key');
    assert.deepEqual(again.cookieKeys, first.cookieKeys);
    assert.ok(first.jwks.keys[0]?.d, 'the provider gets the private key');

    const newKid = await rotateSigningKey(db);
    const during = await loadKeyMaterial(db, instant);
    assert.deepEqual(
      during.jwks.keys.map((k) => k.kid),
      [newKid, first.jwks.keys[0]?.kid],
      'the active key signs, the retired one still verifies',
    );
    await db.query(
      "update signing_keys set retired_at = now() - interval '2 hours' where retired_at is not null",
    );
    const later = await loadKeyMaterial(db, instant);
    assert.deepEqual(
      later.jwks.keys.map((k) => k.kid),
      [newKid],
      'gone once every token it signed has expired',
    );
  } finally {
    await db.close();
  }
});

test('a rotated key is published at once and signs only after the publish window; the old key signs until then', async () => {
  const db = await openDatabase();
  await migrate(db, new URL('../migrations/', import.meta.url));
  const staged = { retiredKeyGraceSeconds: 3600, publishWindowSeconds: 3600 };
  try {
    const first = await loadKeyMaterial(db, staged);
    assert.equal(first.jwks.keys.length, 1, 'the first start signs with its only key');
    const oldKid = first.jwks.keys[0]?.kid;
    const newKid = await rotateSigningKey(db);
    const published = await loadKeyMaterial(db, staged);
    assert.deepEqual(
      published.jwks.keys.map((k) => k.kid),
      [oldKid, newKid],
      'the old key still signs, the new one is published',
    );
    await db.query("update signing_keys set created_at = created_at - interval '61 minutes'");
    await db.query("update signing_keys set retired_at = retired_at - interval '61 minutes'");
    const switched = await loadKeyMaterial(db, staged);
    assert.deepEqual(
      switched.jwks.keys.map((k) => k.kid),
      [newKid, oldKid],
      'after the window the new key signs; the old one verifies for the grace after it stopped signing',
    );
  } finally {
    await db.close();
  }
});
