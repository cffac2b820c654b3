import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff } from '../src/backoff.js';

test('delays double up to the maximum and start over after a success', () => {
  const backoff = new Backoff({ random: () => 0.5 });
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7].map(() => backoff.next()), [1000, 2000, 4000, 8000, 16000, 30000, 30000]);
  backoff.reset();
  assert.equal(backoff.next(), 1000);
});

test('the spread stays within 20 %', () => {
  assert.equal(new Backoff({ random: () => 0 }).next(), 900);
  assert.equal(new Backoff({ random: () => 1 }).next(), 1100);
});
