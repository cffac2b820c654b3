// Data-channel frames (docs/host-peer.md, section 3): a message above 16 000 UTF-8 bytes travels as chunk frames
// {"type":"chunk","id","index","count","data"}; pieces joined in index order give the message.
export const MAX_FRAME_BYTES = 16000;
const CHUNK_PREFIX = '{"type":"chunk",';
const MAX_MESSAGE_CHARS = 4 * 1024 * 1024;

/** The frames to send for one message text. */
export function toFrames(text, chunkId) {
  const bytes = new TextEncoder().encode(text).length;
  if (bytes <= MAX_FRAME_BYTES && !text.startsWith(CHUNK_PREFIX)) return [text];
  const pieces = [];
  // A piece of at most 4 000 code points is at most 16 000 bytes; never split a surrogate pair.
  const points = Array.from(text);
  for (let i = 0; i < points.length; i += 4000) pieces.push(points.slice(i, i + 4000).join(''));
  return pieces.map((data, index) => JSON.stringify({ type: 'chunk', id: chunkId, index, count: pieces.length, data }));
}

/** Reassembles incoming frames; `accept(frame)` returns the whole message text, or null while it is incomplete. */
export class FrameReassembler {
  #partial = new Map();

  accept(frame) {
    if (!frame.startsWith(CHUNK_PREFIX)) return frame;
    const chunk = JSON.parse(frame);
    let entry = this.#partial.get(chunk.id);
    if (!entry) {
      if (!(chunk.count >= 1 && chunk.count <= MAX_MESSAGE_CHARS / 1024 + 1)) throw new Error('bad chunk count');
      entry = { pieces: new Array(chunk.count), received: 0 };
      this.#partial.set(chunk.id, entry);
    }
    if (entry.pieces[chunk.index] === undefined) {
      entry.pieces[chunk.index] = chunk.data;
      entry.received++;
    }
    if (entry.received < entry.pieces.length) return null;
    this.#partial.delete(chunk.id);
    return entry.pieces.join('');
  }
}
