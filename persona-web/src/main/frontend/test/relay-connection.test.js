import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NoPathWatch, RelayConnection, iceChecks, iceGaveUp, relayUrl } from '../src/relay-connection.js';

const HOST = 'k1aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const PHONE = 'k1bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

/** A WebSocket as the browser drives it: the test opens, delivers and closes. */
class FakeSocket {
  constructor() {
    this.sent = [];
    this.closedWith = null;
  }

  send(text) {
    this.sent.push(text);
  }

  close(code, reason) {
    this.closedWith = [code, reason];
  }
}

test('the relay socket is on the page\'s own origin, wss for an https page', () => {
  assert.equal(relayUrl({ protocol: 'https:', host: 'persona.local:8443' }, HOST, PHONE),
    `wss://persona.local:8443/relay/${HOST}?phone=${PHONE}`);
  assert.equal(relayUrl({ protocol: 'http:', host: '127.0.0.1:8080' }, HOST, PHONE),
    `ws://127.0.0.1:8080/relay/${HOST}?phone=${PHONE}`);
});

test('ICE that failed or closed opens the relay; checking and connected do not', () => {
  assert.deepEqual(['new', 'checking', 'connected', 'completed', 'disconnected', 'failed', 'closed']
    .filter(iceGaveUp), ['failed', 'closed']);
});

test('messages go out whole once open and come in as data; binary is ignored; close is heard once', () => {
  const socket = new FakeSocket();
  const relay = new RelayConnection(socket);
  const heard = [];
  relay.on('open', () => heard.push('open')).on('data', (text) => heard.push(text))
    .on('close', (wasOpen) => heard.push(`close ${wasOpen}`));

  relay.send('{"type":"hello"}');
  assert.deepEqual(socket.sent, [], 'nothing goes out before the socket opens');
  socket.onopen();
  assert.equal(relay.open, true);
  const long = JSON.stringify({ type: 'chat', id: 't', text: 'x'.repeat(40000) });
  relay.send(long);
  assert.deepEqual(socket.sent, [long], 'one protocol message is one WebSocket message, however long');

  socket.onmessage({ data: '{"type":"welcome"}' });
  socket.onmessage({ data: new ArrayBuffer(3) });
  socket.onclose();
  assert.deepEqual(heard, ['open', '{"type":"welcome"}', 'close true']);
  assert.equal(relay.open, false);
  relay.close();
  assert.deepEqual(socket.closedWith, [1000, 'bye']);
});

/** Candidate-pair stats as Chromium reports them (only the fields the watch reads). */
const pairs = (...list) => new Map(list.map((p, i) => [`pair${i}`, { type: 'candidate-pair', state: 'in-progress',
  requestsSent: 0, responsesReceived: 0, ...p }]));

test('ICE checks: answered once a pair had an answer, checking while they go out unanswered, idle before', () => {
  assert.equal(iceChecks(new Map([['t', { type: 'transport' }]])), 'idle');
  assert.equal(iceChecks(pairs({ state: 'waiting' })), 'idle');
  assert.equal(iceChecks(pairs({ requestsSent: 3 }, { state: 'waiting' })), 'checking');
  assert.equal(iceChecks(pairs({ requestsSent: 3 }, { requestsSent: 1, responsesReceived: 1 })), 'answered');
  assert.equal(iceChecks(pairs({ state: 'succeeded', requestsSent: 1 })), 'answered');
});

/** Timers and a clock the test advances by hand; the watch's stats come from `report`. */
function watching() {
  const clock = { now: 0, pending: new Map(), next: 1 };
  const timers = {
    setTimeout: (callback, ms) => {
      clock.pending.set(clock.next, { callback, at: clock.now + ms });
      return clock.next++;
    },
    clearTimeout: (id) => clock.pending.delete(id),
  };
  const state = { report: pairs(), fallbacks: 0 };
  const watch = new NoPathWatch(async () => state.report, () => state.fallbacks++,
    { noAnswerMs: 1500, pollMs: 250, timers, now: () => clock.now });
  /** Runs the timers due within `ms`, one poll at a time. */
  const advance = async (ms) => {
    const until = clock.now + ms;
    for (;;) {
      const [id, due] = [...clock.pending.entries()].sort((a, b) => a[1].at - b[1].at)[0] ?? [];
      if (!due || due.at > until) break;
      clock.pending.delete(id);
      clock.now = due.at;
      await due.callback();
    }
    clock.now = until;
  };
  return { clock, state, watch, advance };
}

test('checks unanswered for the given time open the relay, once; the time counts from the first check', async () => {
  const { clock, state, advance } = watching();
  await advance(3000);
  assert.equal(state.fallbacks, 0, 'no check went out yet (candidates gathering, the answer on its way)');
  state.report = pairs({ requestsSent: 2 });
  await advance(1250);
  assert.equal(state.fallbacks, 0, 'checks unanswered for 1 s only');
  await advance(500);
  assert.equal(state.fallbacks, 1, 'unanswered for 1.5 s: the relay');
  await advance(5000);
  assert.equal(state.fallbacks, 1);
  assert.equal(clock.pending.size, 0, 'the watch ended');
});

test('a check with an answer ends the watch: a slow data channel is waited for', async () => {
  const { clock, state, advance } = watching();
  state.report = pairs({ requestsSent: 2 });
  await advance(1000);
  state.report = pairs({ requestsSent: 5, responsesReceived: 1 });
  await advance(5000);
  assert.equal(state.fallbacks, 0);
  assert.equal(clock.pending.size, 0);
});

test('stop ends the watch (the data channel opened)', async () => {
  const { clock, state, watch, advance } = watching();
  state.report = pairs({ requestsSent: 2 });
  await advance(500);
  watch.stop();
  await advance(5000);
  assert.equal(state.fallbacks, 0);
  assert.equal(clock.pending.size, 0);
});
