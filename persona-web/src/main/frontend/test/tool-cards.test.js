import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prettyArguments, summary } from '../src/tool-cards.js';

test('a card sums up the call and, once it is there, the outcome and time', () => {
  assert.equal(summary({ name: 'calculate' }), 'calculate · running');
  assert.equal(summary({ name: 'calculate' }, { outcome: 'ok', ms: 3 }), 'calculate · ok · 3 ms');
});

test('arguments are pretty-printed when they are JSON and shown as written otherwise', () => {
  assert.equal(prettyArguments('{"expression":"2+3"}'), '{\n  "expression": "2+3"\n}');
  assert.equal(prettyArguments('{broken'), '{broken');
});
