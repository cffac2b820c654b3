// An answer that a lost connection cut off. The host does not keep an answer whose phone went away (docs/protocol.md,
// section 2), and after the reconnect the page shows the conversation as the host stored it: without this, the
// question would stand there unanswered, and the note that said the answer was cut off would be gone with the old
// bubbles. The page remembers the cut-off turn and puts it back into the stored conversation: what it had received,
// marked as cut off, unless the host stored the complete answer (then it was not lost after all).

export const CUT_OFF_NOTE = 'The connection was lost before this answer was complete. Retry to ask again.';

/**
 * What the page remembers of a turn the connection cut off: its conversation (null while the host had not named
 * one), the question and the part of the answer that had arrived.
 */
export function cutOffTurn(conversation, question, received) {
  return { conversation, question, received };
}

/**
 * The messages to show for a stored conversation (`messages` as `history` gives them) given the turn `cutOff`:
 * unchanged when the turn belongs to another conversation or the host stored its complete answer; else with the
 * cut-off answer (`cutOff: true`, the longer of what the host saved and what the page received) after its question,
 * in place of a stored partial one, and the question added at the end when the host never stored it.
 */
export function withCutOff(conversationId, messages, cutOff) {
  if (!cutOff || (cutOff.conversation !== null && cutOff.conversation !== conversationId)) return messages;
  let at = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user' && messages[i].text === cutOff.question) {
      at = i;
      break;
    }
  }
  if (at < 0) {
    if (cutOff.conversation === null) return messages; // a new conversation the host never named: not this one
    return [...messages, { role: 'user', text: cutOff.question },
      { role: 'assistant', text: cutOff.received, cutOff: true }];
  }
  const stored = messages[at + 1];
  const storedAnswer = stored?.role === 'assistant' ? stored : null;
  if (storedAnswer && !storedAnswer.state) return messages; // complete: the host finished and stored it
  const saved = storedAnswer?.text ?? '';
  const answer = { ...(storedAnswer ?? {}), role: 'assistant', cutOff: true,
    text: saved.length > cutOff.received.length ? saved : cutOff.received };
  return [...messages.slice(0, at + 1), answer, ...messages.slice(at + (storedAnswer ? 2 : 1))];
}
