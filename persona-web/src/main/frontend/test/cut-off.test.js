import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cutOffTurn, withCutOff } from '../src/cut-off.js';

const C = 'c0ffee00-0000-4000-8000-000000000001';
const before = [{ role: 'user', text: 'Hi' }, { role: 'assistant', text: 'Hello!' }];

test('a complete stored answer means nothing was lost: the conversation is shown as stored', () => {
  const stored = [...before, { role: 'user', text: 'Count' }, { role: 'assistant', text: '1 2 3 4 5' }];
  assert.deepEqual(withCutOff(C, stored, cutOffTurn(C, 'Count', '1 2')), stored);
});

test('a question the host kept without its answer gets what the page received, marked as cut off', () => {
  const stored = [...before, { role: 'user', text: 'Count' }];
  assert.deepEqual(withCutOff(C, stored, cutOffTurn(C, 'Count', '1 2')),
    [...stored, { role: 'assistant', text: '1 2', cutOff: true }]);
});

test('a partial answer the host saved is replaced by the longer text, marked as cut off', () => {
  const stored = [...before, { role: 'user', text: 'Count' },
    { role: 'assistant', text: '1 2 3', state: 'answering', at: 'x' }];
  assert.deepEqual(withCutOff(C, stored, cutOffTurn(C, 'Count', '1')),
    [...before, { role: 'user', text: 'Count' },
      { role: 'assistant', text: '1 2 3', state: 'answering', at: 'x', cutOff: true }]);
  assert.equal(withCutOff(C, stored, cutOffTurn(C, 'Count', '1 2 3 4')).at(-1).text, '1 2 3 4');
});

test('the last asking of a repeated question is the one that was cut off', () => {
  const stored = [{ role: 'user', text: 'Again' }, { role: 'assistant', text: 'One' }, { role: 'user', text: 'Again' }];
  const shown = withCutOff(C, stored, cutOffTurn(C, 'Again', 'Tw'));
  assert.deepEqual(shown.map((m) => m.text), ['Again', 'One', 'Again', 'Tw']);
  assert.equal(shown[1].cutOff, undefined);
  assert.equal(shown[3].cutOff, true);
});

test('a question the host never stored is put back at the end of its conversation', () => {
  assert.deepEqual(withCutOff(C, before, cutOffTurn(C, 'Lost?', '')),
    [...before, { role: 'user', text: 'Lost?' }, { role: 'assistant', text: '', cutOff: true }]);
});

test('another conversation, or none cut off, is shown as stored', () => {
  assert.equal(withCutOff(C, before, cutOffTurn('c0ffee00-0000-4000-8000-000000000002', 'Hi', '')), before);
  assert.equal(withCutOff(C, before, null), before);
  assert.equal(withCutOff(C, before, cutOffTurn(null, 'New?', 'x')), before,
    'a turn whose new conversation the host never named belongs to no stored one');
});

test('a turn that started a new conversation is found in it by its question', () => {
  const stored = [{ role: 'user', text: 'First' }];
  assert.deepEqual(withCutOff(C, stored, cutOffTurn(null, 'First', 'Par')),
    [...stored, { role: 'assistant', text: 'Par', cutOff: true }]);
});
