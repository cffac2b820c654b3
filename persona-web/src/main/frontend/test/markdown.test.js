import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseInline, parseMarkdown, renderMarkdown } from '../src/markdown.js';

test('HTML in model output stays text', () => {
  const blocks = parseMarkdown('<img src=x onerror=alert(1)> <script>alert(2)</script>');
  assert.deepEqual(blocks, [{ type: 'p', inline: [{ type: 'text',
    text: '<img src=x onerror=alert(1)> <script>alert(2)</script>' }] }]);
});

test('fenced code keeps its text verbatim, markup included, and an unclosed fence runs to the end', () => {
  assert.deepEqual(parseMarkdown('Look:\n```js\nconst a = "<b>**x**</b>";\n```\nDone.'), [
    { type: 'p', inline: [{ type: 'text', text: 'Look:' }] },
    { type: 'pre', language: 'js', text: 'const a = "<b>**x**</b>";' },
    { type: 'p', inline: [{ type: 'text', text: 'Done.' }] },
  ]);
  assert.deepEqual(parseMarkdown('```\nstill streaming'), [{ type: 'pre', language: '', text: 'still streaming' }]);
});

test('headings, bullet and numbered lists', () => {
  const blocks = parseMarkdown('# Title\n- one\n- **two**\n\n1. first\n2) second');
  assert.deepEqual(blocks.map((b) => b.type), ['h', 'ul', 'ol']);
  assert.equal(blocks[0].level, 1);
  assert.deepEqual(blocks[1].items[1], [{ type: 'strong', text: 'two' }]);
  assert.equal(blocks[2].items.length, 2);
});

test('inline code, bold, italics, and links shown as text with their address', () => {
  assert.deepEqual(parseInline('a `b` **c** *d* _e_ [f](javascript:alert(1))'), [
    { type: 'text', text: 'a ' }, { type: 'code', text: 'b' }, { type: 'text', text: ' ' },
    { type: 'strong', text: 'c' }, { type: 'text', text: ' ' }, { type: 'em', text: 'd' },
    { type: 'text', text: ' ' }, { type: 'em', text: 'e' }, { type: 'text', text: ' ' },
    { type: 'text', text: 'f (javascript:alert(1)' }, { type: 'text', text: ')' },
  ]);
});

test('lone markers are plain text', () => {
  assert.deepEqual(parseInline('2 * 3 * 4 and snake_case_name'), [{ type: 'text', text: '2 * 3 * 4 and snake_case_name' }]);
});

/** Just enough of a DOM to see what renderMarkdown builds; it has no innerHTML, so using it would fail. */
class FakeNode {
  constructor(tag, text = '') {
    Object.assign(this, { tag, children: [], ownText: text });
  }
  append(...nodes) { this.children.push(...nodes); }
  set textContent(text) { this.children = [new FakeNode('#text', text)]; }
  get textContent() { return this.ownText + this.children.map((c) => c.textContent).join(''); }
  get outline() {
    return this.tag === '#text' ? this.ownText : `<${this.tag}>${this.children.map((c) => c.outline).join('')}</${this.tag}>`;
  }
}
const fakeDocument = {
  createElement: (tag) => new FakeNode(tag),
  createTextNode: (text) => new FakeNode('#text', text),
  createDocumentFragment: () => new FakeNode('#fragment'),
};

test('rendering builds elements with text nodes only; markup in the text stays text', () => {
  const fragment = renderMarkdown('**Hi** <b onclick=x>there</b>\n\n```\n<script>1</script>\n```\n- `a`', fakeDocument);
  assert.equal(fragment.children.map((c) => c.outline).join(''),
    '<p><strong>Hi</strong> <b onclick=x>there</b></p><pre><code><script>1</script></code></pre><ul><li><code>a</code></li></ul>');
  assert.deepEqual(fragment.children.map((c) => c.tag), ['p', 'pre', 'ul']);
  assert.equal(fragment.children[0].children[1].tag, '#text', 'the HTML tag is a text node');
});
