import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FrameReassembler, MAX_FRAME_BYTES, toFrames } from '../src/frames.js';

test('short messages are one frame, long ones chunks that reassemble in any order', () => {
  assert.deepEqual(toFrames('{"type":"chat"}', 1), ['{"type":"chat"}']);
  const long = JSON.stringify({ type: 'chat', text: 'ä😀'.repeat(9000) });
  const frames = toFrames(long, 7);
  assert.ok(frames.length > 1);
  for (const frame of frames) assert.ok(new TextEncoder().encode(frame).length <= MAX_FRAME_BYTES + 200);
  const reassembler = new FrameReassembler();
  const results = frames.reverse().map((f) => reassembler.accept(f));
  assert.equal(results.filter((r) => r !== null).length, 1);
  assert.equal(results.at(-1), long);
});

test('the shared vector: a short message that looks like a chunk is chunked anyway', () => {
  assert.deepEqual(toFrames('{"type":"chunk","id":1}', 3),
    ['{"type":"chunk","id":3,"index":0,"count":1,"data":"{\\"type\\":\\"chunk\\",\\"id\\":1}"}']);
});
