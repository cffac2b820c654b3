// Tool cards on the phone (docs/protocol.md, "Tools"): each tool call of an answer shows as a collapsible card
// above the answer, with its arguments, and then its outcome and result. Text only: nothing the model or a
// plugin wrote becomes HTML.

const STYLE = `
#messages li.tool { background: none; padding: 0; max-width: 100%; }
#messages li.tool details { border: 1px solid #8884; border-radius: 0.6em; padding: 0.3em 0.6em; font-size: 0.85em; }
#messages li.tool summary { cursor: pointer; }
#messages li.tool pre { white-space: pre-wrap; word-break: break-word; margin: 0.3em 0; max-height: 12em; overflow: auto; }
#messages li.tool[data-outcome="running"] summary::after { content: " …"; }
#messages li.reminder { background: #fd3a; margin: 0 auto; }
`;

/** The card's one-line summary, e.g. `calculate · ok · 3 ms`. */
export function summary(call, result) {
  if (!result) return `${call.name} · running`;
  return `${call.name} · ${result.outcome} · ${result.ms} ms`;
}

/** Arguments as the model wrote them, pretty-printed when they are JSON. */
export function prettyArguments(text) {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

export class ToolCards {
  constructor(document) {
    this.document = document;
    this.cards = new Map();
    const style = document.createElement('style');
    style.textContent = STYLE;
    document.head.append(style);
  }

  /** A `tool` message: a new card above the answer `body` (the answer's text element). */
  call(body, message) {
    this.cards.set(message.call, { ...this.#card(body, message), message });
  }

  /** A `tool-result` message: the card's outcome and result. */
  result(message) {
    const card = this.cards.get(message.call);
    if (!card) return;
    this.cards.delete(message.call);
    this.#finish(card, card.message, message);
  }

  /** A call kept in the history (`tools` of an answer): a finished card above the answer `body`. */
  recorded(body, call) {
    this.#finish(this.#card(body, call), call, call);
  }

  #card(body, call) {
    const item = this.document.createElement('li');
    item.className = 'tool';
    item.dataset.outcome = 'running';
    const details = this.document.createElement('details');
    const title = this.document.createElement('summary');
    title.textContent = summary(call);
    const args = this.document.createElement('pre');
    args.textContent = prettyArguments(call.arguments);
    details.append(title, args);
    item.append(details);
    body.closest('li').before(item);
    return { item, title, details };
  }

  #finish(card, call, result) {
    card.item.dataset.outcome = result.outcome;
    card.title.textContent = summary(call, result);
    const text = this.document.createElement('pre');
    text.textContent = result.text;
    card.details.append(text);
  }
}
