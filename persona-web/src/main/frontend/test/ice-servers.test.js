import { test } from 'node:test';
import assert from 'node:assert/strict';
import { iceServers, iceServersUrl } from '../src/ice-servers.js';

const HOST = 'k1host';
const PHONE = 'k1phone';
const TURN = { urls: ['turn:10.0.0.1:3478?transport=udp'], username: '1700000000:k1phone', credential: 'c2VjcmV0' };

function answering(status, body, seen = []) {
  return async (url, options) => {
    seen.push({ url, options });
    return { ok: status >= 200 && status < 300, status, json: async () => body };
  };
}

test('asks its own origin with the proof token and takes the servers the host gives', async () => {
  const seen = [];
  const servers = await iceServers(HOST, PHONE, 'v1.token', { fetch: answering(200, { iceServers: [TURN] }, seen) });
  assert.deepEqual(servers, [TURN]);
  assert.equal(seen[0].url, '/ice/k1host?phone=k1phone');
  assert.equal(seen[0].options.headers.Authorization, 'Proof v1.token');
  assert.equal(seen[0].options.cache, 'no-store');
});

test('a refused proof, a failed request or a strange answer is no server', async () => {
  const quiet = console.warn;
  console.warn = () => {};
  try {
    assert.deepEqual(await iceServers(HOST, PHONE, 't', { fetch: answering(401, { error: 'Proof expired' }) }), []);
    assert.deepEqual(await iceServers(HOST, PHONE, 't', {
      fetch: async () => { throw new TypeError('Failed to fetch'); },
    }), []);
    assert.deepEqual(await iceServers(HOST, PHONE, 't', { fetch: answering(200, { iceServers: 'x' }) }), []);
  } finally {
    console.warn = quiet;
  }
});

test('ids are escaped into the address', () => {
  assert.equal(iceServersUrl('k1a/b', 'k1?c'), '/ice/k1a%2Fb?phone=k1%3Fc');
});
