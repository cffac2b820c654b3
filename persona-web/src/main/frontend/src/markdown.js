// Model output as readable, safe text: a small Markdown subset (paragraphs, headings, lists, fenced and inline code,
// bold, italics, links shown as text) turned into a tree of plain nodes, then into DOM nodes with textContent only.
// No HTML from the model ever reaches innerHTML, so nothing it writes can run or restyle the page. Hand-written
// because the well-kept Markdown libraries produce HTML strings (they then need a sanitizer as well) and would be
// several times the size of this whole client.

/** Parses `text` into blocks: {type: 'p'|'h'|'ul'|'ol'|'pre', ...}. Works on partial text while it streams. */
export function parseMarkdown(text) {
  const blocks = [];
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  let paragraph = [];
  let list = null;
  const endParagraph = () => {
    if (paragraph.length) blocks.push({ type: 'p', inline: parseInline(paragraph.join('\n')) });
    paragraph = [];
  };
  const endList = () => {
    if (list) blocks.push(list);
    list = null;
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const fence = /^\s*(```|~~~)\s*([\w+-]*)\s*$/.exec(line);
    if (fence) {
      endParagraph();
      endList();
      const code = [];
      for (i++; i < lines.length && !lines[i].trim().startsWith(fence[1]); i++) code.push(lines[i]);
      blocks.push({ type: 'pre', language: fence[2], text: code.join('\n') });
      continue;
    }
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const bullet = /^\s*[-*+]\s+(.*)$/.exec(line);
    const numbered = /^\s*\d{1,9}[.)]\s+(.*)$/.exec(line);
    if (heading) {
      endParagraph();
      endList();
      blocks.push({ type: 'h', level: heading[1].length, inline: parseInline(heading[2]) });
    } else if (bullet || numbered) {
      endParagraph();
      const type = bullet ? 'ul' : 'ol';
      if (list?.type !== type) {
        endList();
        list = { type, items: [] };
      }
      list.items.push(parseInline((bullet ?? numbered)[1]));
    } else if (line.trim() === '') {
      endParagraph();
      endList();
    } else if (list && /^\s{2,}\S/.test(line)) {
      list.items[list.items.length - 1].push({ type: 'text', text: ` ${line.trim()}` });
    } else {
      endList();
      paragraph.push(line);
    }
  }
  endParagraph();
  endList();
  return blocks;
}

/** Inline spans: {type: 'text'|'code'|'strong'|'em', text}. Links become their text and address in brackets. */
export function parseInline(text) {
  const spans = [];
  const pattern = /`([^`\n]+)`|\*\*([^*\n]+)\*\*|(?<!\w)__([^_\n]+)__(?!\w)|\*([^*\s][^*\n]*)\*|(?<!\w)_([^_\s][^_\n]*)_(?!\w)|\[([^\]\n]+)\]\(([^)\s]+)\)/g;
  let last = 0;
  for (let m; (m = pattern.exec(text));) {
    if (m.index > last) spans.push({ type: 'text', text: text.slice(last, m.index) });
    if (m[1] !== undefined) spans.push({ type: 'code', text: m[1] });
    else if (m[2] !== undefined || m[3] !== undefined) spans.push({ type: 'strong', text: m[2] ?? m[3] });
    else if (m[4] !== undefined || m[5] !== undefined) spans.push({ type: 'em', text: m[4] ?? m[5] });
    else spans.push({ type: 'text', text: `${m[6]} (${m[7]})` });
    last = pattern.lastIndex;
  }
  if (last < text.length) spans.push({ type: 'text', text: text.slice(last) });
  return spans;
}

/** DOM nodes for the blocks, made with createElement and textContent only. */
export function renderMarkdown(text, document = globalThis.document) {
  const fragment = document.createDocumentFragment();
  const inline = (parent, spans) => {
    for (const span of spans) {
      if (span.type === 'text') parent.append(document.createTextNode(span.text));
      else {
        const element = document.createElement(span.type);
        element.textContent = span.text;
        parent.append(element);
      }
    }
    return parent;
  };
  for (const block of parseMarkdown(text)) {
    if (block.type === 'pre') {
      const pre = document.createElement('pre');
      const code = document.createElement('code');
      code.textContent = block.text;
      pre.append(code);
      fragment.append(pre);
    } else if (block.type === 'h') {
      fragment.append(inline(document.createElement(`h${Math.min(block.level + 2, 6)}`), block.inline));
    } else if (block.type === 'ul' || block.type === 'ol') {
      const list = document.createElement(block.type);
      for (const item of block.items) list.append(inline(document.createElement('li'), item));
      fragment.append(list);
    } else {
      fragment.append(inline(document.createElement('p'), block.inline));
    }
  }
  return fragment;
}
