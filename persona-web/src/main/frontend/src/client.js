// The phone client: /client?id=<host key id>&invite=<code>. Gets this phone's identity for the host, signs in to
// the host's signaling with a proof of its key, opens a data channel to the host (stock peerjs), runs the mutual
// handshake, then chats: streamed answers, stop, history (docs/protocol.md).
import { Peer } from 'peerjs';
import { PhoneIdentity } from './phone-identity.js';
import { keyIdOf, publicKeyOf } from './key-id.js';
import { proofToken } from './signaling-token.js';
import { ImpostorError, PhoneHandshake } from './phone-handshake.js';
import { FrameReassembler, toFrames } from './frames.js';
import { ToolCards } from './tool-cards.js';

const $ = (id) => document.getElementById(id);
const params = new URLSearchParams(location.search);
const hostId = params.get('id');
const conversationKey = `persona-conversation-${hostId}`;
const toolCards = new ToolCards(document);

const ui = {
  status(text, kind = 'info') {
    $('status').textContent = text;
    $('status').dataset.kind = kind;
    document.body.dataset.state = kind;
  },
  add(role, text = '') {
    const item = document.createElement('li');
    item.className = role;
    const body = document.createElement('div');
    body.className = 'text';
    body.textContent = text; // model output is text, never HTML
    item.append(body);
    if (role === 'assistant') {
      const copy = document.createElement('button');
      copy.className = 'copy';
      copy.textContent = 'Copy';
      copy.onclick = () => navigator.clipboard?.writeText(body.textContent);
      item.append(copy);
    }
    $('messages').append(item);
    item.scrollIntoView({ block: 'end' });
    return body;
  },
  busy(on) {
    $('send').hidden = on;
    $('stop').hidden = !on;
  },
};

let connection = null;
let chunkId = 0;
let turn = null; // { id, body }
let retryDelay = 1000;
let finished = false; // refused, or not the host the QR named: reconnecting would not help

function send(message) {
  for (const frame of toFrames(JSON.stringify(message), chunkId++)) connection.send(frame);
}

async function main() {
  try {
    publicKeyOf(hostId ?? '');
  } catch {
    ui.status('This link has no valid host id. Scan the QR code shown by the host again.', 'error');
    return;
  }
  ui.status('Getting this phone’s identity…');
  const identity = await PhoneIdentity.forHost(hostId);
  const deviceId = keyIdOf(identity.publicKey);
  $('device').textContent = `This phone: ${deviceId.slice(0, 12)}… (${identity.implementation})`;
  connect(identity, deviceId);
}

async function connect(identity, deviceId) {
  ui.status('Connecting to the host…');
  const token = await proofToken(identity, deviceId, location.origin);
  const peer = new Peer(deviceId, {
    host: location.hostname, port: Number(location.port || 443), path: '/', secure: true, key: 'peerjs', token,
    config: { iceServers: [] },
  });
  const retry = (why) => {
    peer.destroy();
    ui.status(`${why} Retrying in ${Math.round(retryDelay / 1000)} s…`, 'error');
    setTimeout(() => connect(identity, deviceId), retryDelay);
    retryDelay = Math.min(retryDelay * 2, 30000);
  };
  peer.on('error', (error) => {
    if (error.type === 'peer-unavailable') retry('The host is not on line.');
    else if (error.type === 'network' || error.type === 'server-error' || error.type === 'socket-error'
      || error.type === 'socket-closed') retry('Lost the connection to the host.');
    else ui.status(`Connection error: ${error.message}`, 'error');
  });
  peer.on('open', () => {
    const opened = peer.connect(hostId, { serialization: 'raw', reliable: true });
    const timer = setTimeout(() => {
      if (!opened.open) retry('The phone could not reach the host peer-to-peer (is it on the same network?).');
    }, 20000);
    opened.on('open', () => {
      clearTimeout(timer);
      connection = opened;
      retryDelay = 1000;
      handshake(identity, opened);
    });
    opened.on('close', () => {
      if (connection === opened && !finished) {
        connection = null;
        if (turn) finishTurn();
        retry('The connection to the host closed.');
      }
    });
  });
}

function handshake(identity, opened) {
  ui.status('Verifying the host…');
  const handshake = new PhoneHandshake(identity, hostId, {
    invite: params.get('invite'), name: navigator.userAgent.slice(0, 120),
  });
  const frames = new FrameReassembler();
  opened.on('data', async (frame) => {
    const text = frames.accept(String(frame));
    if (text === null) return;
    const message = JSON.parse(text);
    try {
      await onMessage(message, handshake);
    } catch (error) {
      if (error instanceof ImpostorError) {
        finished = true;
        connection = null;
        opened.close();
        ui.status(error.message, 'error');
      } else {
        throw error;
      }
    }
  });
  send(handshake.hello());
}

async function onMessage(message, handshake) {
  switch (message.type) {
    case 'welcome':
      send(await handshake.answer(message));
      break;
    case 'admitted':
      if (params.has('invite')) history.replaceState(null, '', `/client?id=${hostId}`); // the invite is spent
      $('persona').textContent = `${message.persona} · ${message.model}`;
      ui.status('Ready', 'ready');
      $('composer').hidden = false;
      loadHistory();
      break;
    case 'waiting':
      ui.status(message.reason, 'waiting');
      break;
    case 'refused':
      finished = true;
      ui.status(message.reason, 'error');
      break;
    case 'history':
      showHistory(message);
      break;
    case 'accepted':
      localStorage.setItem(conversationKey, message.conversation);
      break;
    case 'queue':
      if (turn?.id === message.id) turn.body.dataset.queue = `Waiting for the model, position ${message.position}…`;
      break;
    case 'token':
      if (turn?.id === message.id) {
        delete turn.body.dataset.queue;
        turn.body.textContent += message.text;
        turn.body.scrollIntoView({ block: 'end' });
      }
      break;
    case 'tool':
      if (turn?.id === message.id) toolCards.call(turn.body, message);
      break;
    case 'tool-result':
      if (turn?.id === message.id) toolCards.result(message);
      break;
    case 'reminder':
      ui.add('reminder', `⏰ ${message.text}`);
      break;
    case 'done':
      if (turn?.id === message.id) finishTurn(message.stopped ? ' [stopped]' : '');
      break;
    case 'error':
      if (turn && (message.id === turn.id || message.id === undefined)) finishTurn(` [${message.message}]`);
      else ui.status(message.message, 'error');
      break;
  }
}

function loadHistory() {
  const conversation = localStorage.getItem(conversationKey);
  if (conversation) send({ type: 'history', conversation });
}

function showHistory(message) {
  if (!message.conversation) return;
  $('messages').replaceChildren();
  for (const m of message.conversation.messages) ui.add(m.role, m.text);
}

function finishTurn(note = '') {
  if (note) turn.body.textContent += note;
  turn = null;
  ui.busy(false);
}

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('input').value.trim();
  if (!text || !connection || turn) return;
  ui.add('user', text);
  turn = { id: `t${Date.now()}`, body: ui.add('assistant') };
  ui.busy(true);
  send({ type: 'chat', id: turn.id, conversation: localStorage.getItem(conversationKey), text });
  $('input').value = '';
});
$('stop').addEventListener('click', () => turn && send({ type: 'stop', id: turn.id }));
$('new').addEventListener('click', () => {
  localStorage.removeItem(conversationKey);
  $('messages').replaceChildren();
});

main().catch((error) => ui.status(`Something went wrong: ${error.message}`, 'error'));
