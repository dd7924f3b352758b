import { test } from 'node:test';
import assert from 'node:assert/strict';
import { migrate, openDatabase } from '@atrium/postgres';
import { loadKeyMaterial, rotateSigningKey } from './signing-keys.ts';

test('keys are created once, rotated, and a retired key leaves the JWKS after its grace period', async () => {
  const db = await openDatabase();
  await migrate(db, new URL('../migrations/', import.meta.url));
  try {
    const first = await loadKeyMaterial(db, 3600);
    const again = await loadKeyMaterial(db, 3600);
    assert.equal(first.jwks.keys.length, 1);
    assert.equal(again.jwks.keys[0]?.kid, first.jwks.keys[0]?.kid, 'a second start reuses the key');
    assert.deepEqual(again.cookieKeys, first.cookieKeys);
    assert.ok(first.jwks.keys[0]?.d, 'the provider gets the private key');

    const newKid = await rotateSigningKey(db);
    const during = await loadKeyMaterial(db, 3600);
    assert.deepEqual(
      during.jwks.keys.map((k) => k.kid),
      [newKid, first.jwks.keys[0]?.kid],
      'the active key signs, the retired one still verifies',
    );
    await db.query(
      "update signing_keys set retired_at = now() - interval '2 hours' where retired_at is not null",
    );
    const later = await loadKeyMaterial(db, 3600);
    assert.deepEqual(
      later.jwks.keys.map((k) => k.kid),
      [newKid],
      'gone once every token it signed has expired',
    );
  } finally {
    await db.close();
  }
});
