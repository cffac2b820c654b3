import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RelayConnection, iceGaveUp, relayUrl } from '../src/relay-connection.js';

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
