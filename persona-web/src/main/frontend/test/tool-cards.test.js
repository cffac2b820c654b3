import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ToolCards, prettyArguments, summary } from '../src/tool-cards.js';

test('a card sums up the call and, once it is there, the outcome and time', () => {
  assert.equal(summary({ name: 'calculate' }), 'calculate · running');
  assert.equal(summary({ name: 'calculate' }, { outcome: 'ok', ms: 3 }), 'calculate · ok · 3 ms');
});

test('arguments are pretty-printed when they are JSON and shown as written otherwise', () => {
  assert.equal(prettyArguments('{"expression":"2+3"}'), '{\n  "expression": "2+3"\n}');
  assert.equal(prettyArguments('{broken'), '{broken');
});

/** Just enough of a DOM for the cards: elements with children, text, dataset, and `before` on the answer's item. */
function fakeDocument() {
  const element = (tag) => ({
    tag, children: [], dataset: {}, textContent: '', className: '', placedBefore: [],
    append(...children) { this.children.push(...children); },
    before(node) { this.placedBefore.push(node); },
    closest() { return this.item; },
  });
  return { createElement: element, head: element('head') };
}

function answer(document) {
  const item = document.createElement('li');
  const body = document.createElement('div');
  body.item = item;
  return { item, body };
}

/** What a card shows: its outcome, its summary line and the text of its blocks. */
function shown(card) {
  const [details] = card.children;
  return { outcome: card.dataset.outcome, lines: details.children.map((child) => child.textContent) };
}

test('a call from the history shows as the same finished card as a live call and its result', () => {
  const document = fakeDocument();
  const cards = new ToolCards(document);
  const live = answer(document);
  cards.call(live.body, { call: 'c1', name: 'calculate', arguments: '{"expression":"2+3"}' });
  assert.deepEqual(shown(live.item.placedBefore[0]),
    { outcome: 'running', lines: ['calculate · running', '{\n  "expression": "2+3"\n}'] });
  cards.result({ call: 'c1', name: 'calculate', outcome: 'ok', text: '5', ms: 3 });

  const kept = answer(document);
  cards.recorded(kept.body, { name: 'calculate', arguments: '{"expression":"2+3"}', outcome: 'ok', text: '5', ms: 3 });

  const expected = { outcome: 'ok', lines: ['calculate · ok · 3 ms', '{\n  "expression": "2+3"\n}', '5'] };
  assert.deepEqual(shown(live.item.placedBefore[0]), expected);
  assert.deepEqual(shown(kept.item.placedBefore[0]), expected);
});
