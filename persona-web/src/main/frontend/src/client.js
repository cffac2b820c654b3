// The phone client: /client?id=<host key id>&invite=<code>. Gets this phone's identity for the host, signs in to
// the host's signaling with a proof of its key, opens a data channel to the host (stock peerjs), runs the mutual
// handshake, then chats: streamed answers, stop, retry, copy, queue position, conversations (docs/protocol.md).
// When ICE fails, or its checks go unanswered for NO_ANSWER_MS, or no data channel opens within RELAY_AFTER_MS, the
// same protocol runs over the relay WebSocket on the page's own origin (relay-connection.js) and the header says so
// discreetly.
// The peer connection uses the TURN servers the host hands an approved phone (ice-servers.js), if any.
// Reconnects with back-off when the connection is lost; installable as an app (client-sw.js caches the shell).
import { Peer } from 'peerjs';
import { PhoneIdentity } from './phone-identity.js';
import { fingerprintOf, keyIdOf, publicKeyOf } from './key-id.js';
import { proofToken } from './signaling-token.js';
import { ImpostorError, PhoneHandshake } from './phone-handshake.js';
import { FrameReassembler, toFrames } from './frames.js';
import { renderMarkdown } from './markdown.js';
import { Backoff } from './backoff.js';
import { ToolCards } from './tool-cards.js';
import { NoPathWatch, RELAY_AFTER_MS, RelayConnection, iceGaveUp, relayUrl } from './relay-connection.js';
import { CUT_OFF_NOTE, cutOffTurn, withCutOff } from './cut-off.js';
import { iceServers } from './ice-servers.js';
import { PathWatch } from './path-watch.js';

const $ = (id) => document.getElementById(id);
const LAST_HOST = 'persona-last-host';
const params = new URLSearchParams(location.search);
let hostId = params.get('id');
const conversationKey = () => `persona-conversation-${hostId}`;
/** The host gives up on an offer after 20 s (docs/host-peer.md, section 1); the page says so after the same time. */
const CONNECT_TIMEOUT_MS = 20000;

let identity = null;
let deviceId = null;
let peer = null;
let connection = null;
let attempt = 0;
let chunkId = 0;
let turn = null; // { id, text, conversation, bubble, lastTokenAt }
let cutOff = null; // the last turn a lost connection cut off (cut-off.js), until the next turn starts
let finished = false; // refused, revoked, or not the host the QR named: reconnecting would not help
let reconnectTimer = null; // set while the page waits to try again
let relaying = 0; // the attempt whose relay socket is open or opening
let pathWatch = null; // whether the open connection's path still works (path-watch.js)
let workerRegistered = false; // registerServiceWorker
const backoff = new Backoff();
const toolCards = new ToolCards(document);

const STEPS = ['identity', 'connect', 'verify', 'approval', 'ready'];

const ui = {
  state(kind, text) {
    if (kind !== 'working') registerServiceWorker();
    document.body.dataset.state = kind;
    $('status').textContent = text;
    $('reconnect').hidden = true;
    if (kind !== 'ready') $('composer').hidden = true;
  },
  /** Shows how far the connection got: the steps before `current` are done; `failed` marks `current` red. */
  step(current, { failed = false, hint = '' } = {}) {
    const at = STEPS.indexOf(current);
    for (const item of document.querySelectorAll('#steps li')) {
      const index = STEPS.indexOf(item.dataset.step);
      item.className = index < at ? 'done' : index > at ? '' : failed ? 'failed' : current === 'ready' ? 'done'
        : 'current';
      if (item.dataset.step === 'approval' && current === 'approval') item.hidden = false;
    }
    $('hint').textContent = hint;
    $('approval').hidden = current !== 'approval' || failed;
  },
  bubble(role, text = '') {
    const item = document.createElement('li');
    item.className = role;
    const body = document.createElement('div');
    body.className = 'text';
    item.append(body);
    const bubble = { item, body, role, raw: '' };
    if (role === 'assistant') {
      const note = document.createElement('div');
      note.className = 'note';
      const actions = document.createElement('div');
      actions.className = 'actions';
      const copy = button('Copy', () => navigator.clipboard?.writeText(bubble.raw));
      copy.className = 'copy';
      const retry = button('Retry', () => retryFrom(bubble));
      retry.className = 'retry';
      actions.append(copy, retry);
      item.append(note, actions);
      Object.assign(bubble, { note });
    }
    $('messages').append(item);
    $('empty').hidden = true;
    ui.setText(bubble, text);
    ui.scrollToEnd();
    return bubble;
  },
  setText(bubble, text) {
    bubble.raw = text;
    if (bubble.role === 'user') bubble.body.textContent = text; // what the person typed, as typed
    else bubble.body.replaceChildren(renderMarkdown(text)); // model output: safe Markdown, never HTML
  },
  note(bubble, text, error = false) {
    bubble.note.textContent = text;
    bubble.note.classList.toggle('error', error);
    ui.scrollToEnd();
  },
  scrollToEnd() {
    const main = document.querySelector('main');
    main.scrollTop = main.scrollHeight;
  },
  busy(on) {
    $('send').hidden = on;
    $('stop').hidden = !on;
  },
};

/** Marks the first time a milestone is reached (User Timing: devtools and the benchmarks read them). */
function mark(name, detail = null) {
  if (performance.getEntriesByName(name).length === 0) performance.mark(name, { detail });
}

function button(label, onclick) {
  const element = document.createElement('button');
  element.type = 'button';
  element.textContent = label;
  element.onclick = onclick;
  return element;
}

function send(message) {
  if (connection.relayed) {
    connection.send(JSON.stringify(message)); // the relay carries whole messages
    return;
  }
  for (const frame of toFrames(JSON.stringify(message), chunkId++)) connection.send(frame);
}

async function main() {
  if (!hostId && localStorage.getItem(LAST_HOST)) {
    location.replace(`/client?id=${localStorage.getItem(LAST_HOST)}`); // the installed app starts at /client
    return;
  }
  try {
    publicKeyOf(hostId ?? '');
  } catch {
    ui.state('refused', 'This link has no valid host id. Scan the QR code shown by the host again.');
    ui.step('connect', { failed: true, hint: 'Open the address the host shows as a QR code, with its id.' });
    return;
  }
  mark('persona-script-start');
  ui.state('working', 'Getting this phone’s identity…');
  ui.step('identity');
  // A new key is stored while the page connects; the handshake waits for it (PhoneIdentity.signingFirst).
  identity = await PhoneIdentity.signingFirst(hostId);
  mark('persona-identity-ready');
  identity.saved.then(() => mark('persona-identity-saved'), () => {}); // a failure stops the handshake
  deviceId = keyIdOf(identity.publicKey);
  $('device').textContent = `This phone: ${deviceId} (${identity.implementation === 'webcrypto'
    ? 'WebCrypto' : 'JavaScript'} Ed25519)`;
  $('device').dataset.id = deviceId;
  connect();
  $('approval-code').textContent = await fingerprintOf(identity.publicKey);
}

async function connect() {
  clearTimeout(reconnectTimer);
  reconnectTimer = null;
  if (finished) return;
  const mine = ++attempt;
  endWatch();
  peer?.destroy();
  peer = null;
  connection?.close();
  connection = null;
  $('transport').hidden = true;
  ui.state('working', 'Connecting to the host…');
  ui.step('connect');
  const token = await proofToken(identity, deviceId, location.origin);
  mark('persona-proof-ready');
  if (mine !== attempt) return;
  // The ICE servers are asked for (with a proof of their own) while signaling opens; the peer connection is made
  // with them once both are there (peerjs reads its config when it makes a connection).
  const servers = proofToken(identity, deviceId, location.origin)
    .then((proof) => iceServers(hostId, deviceId, proof))
    .then((list) => {
      mark('persona-ice-servers');
      return list;
    });
  const config = { iceServers: [] };
  const current = new Peer(deviceId, {
    host: location.hostname, port: Number(location.port || 443), path: '/', secure: true, key: 'peerjs', token,
    config,
  });
  peer = current;
  const lost = (why) => mine === attempt && scheduleReconnect(why);
  current.on('error', (error) => {
    if (mine !== attempt) return;
    if (String(error.message).includes('Another connection took over this id')) {
      stop('This phone’s identity is now in use in another tab or browser. Reload to use it here.', 'connect');
    } else if (!connection?.open) {
      // (While the data channel works, a signaling error changes nothing: the channel's close reconnects.)
      lost(error.type === 'peer-unavailable' ? 'The host is not on line.' : 'Lost the connection to the host.');
    }
  });
  current.on('open', async () => {
    mark('persona-signaling-open');
    config.iceServers = await servers;
    if (mine !== attempt) return;
    const opened = current.connect(hostId, { serialization: 'raw', reliable: true });
    const timer = setTimeout(() => {
      if (!connection) lost('The phone could not reach the host, neither peer-to-peer nor through the host.');
    }, CONNECT_TIMEOUT_MS);
    const pc = opened.peerConnection;
    pc.addEventListener('signalingstatechange', () => pc.signalingState === 'stable' && mark('persona-answer-set'));
    pc.addEventListener('connectionstatechange', () => pc.connectionState === 'connected'
      && mark('persona-peer-connected'));
    const noPath = new NoPathWatch(() => pc.getStats(), () => relay(mine, lost, 'no-answer'));
    const relayTimer = setTimeout(() => {
      noPath.stop();
      relay(mine, lost, 'timeout');
    }, RELAY_AFTER_MS);
    opened.on('iceStateChanged', (state) => {
      if (iceGaveUp(state) && !opened.open) relay(mine, lost, `ice-${state}`);
      if (connection === opened && mine === attempt) pathWatch?.ice(state);
    });
    opened.on('open', () => {
      clearTimeout(timer);
      clearTimeout(relayTimer);
      noPath.stop();
      if (mine !== attempt) return;
      if (connection) { // the relay carries this attempt already
        opened.close();
        return;
      }
      mark('persona-channel-open');
      connection = opened;
      watchPath(mine, lost);
      handshake(opened);
    });
    opened.on('close', () => {
      noPath.stop();
      if (mine !== attempt || finished || connection !== opened) return;
      cutTurn();
      lost('The connection to the host closed.');
    });
  });
}

/**
 * Opens the relay socket for attempt `mine`, unless a transport carries it already or the relay is trying. `why`
 * (`no-answer`, `timeout`, `ice-failed`, `ice-closed`) goes with the page's mark for the tests and benchmarks.
 */
function relay(mine, lost, why) {
  if (mine !== attempt || connection || relaying === mine || finished) return;
  relaying = mine;
  mark('persona-relay-start', why);
  const socket = new RelayConnection(new WebSocket(relayUrl(location, hostId, deviceId)));
  socket.on('open', () => {
    if (mine !== attempt || connection) {
      socket.close();
      return;
    }
    mark('persona-relay-open');
    connection = socket;
    $('transport').hidden = false;
    watchPath(mine, lost);
    handshake(socket);
  });
  socket.on('close', () => {
    if (mine !== attempt || finished || connection !== socket) return;
    cutTurn();
    lost('The connection to the host closed.');
  });
}

/**
 * Watches the path of attempt `mine`'s open connection: while it is interrupted the page says so, and a path that
 * does not come back in time is lost (`lost` reconnects).
 */
function watchPath(mine, lost) {
  endWatch();
  let before = null; // the state and status the interruption replaced
  pathWatch = new PathWatch({
    interrupted: () => {
      if (mine !== attempt || finished) return;
      before = { state: document.body.dataset.state, status: $('status').textContent,
        composer: !$('composer').hidden };
      ui.state('working', 'The connection to the host is interrupted. Waiting for the network…');
    },
    restored: () => {
      if (mine !== attempt || finished || !before) return;
      ui.state(before.state, before.status);
      $('composer').hidden = !before.composer;
      ui.busy(Boolean(turn));
      before = null;
    },
    lost: () => lost('The connection to the host was interrupted.'),
  });
}

function endWatch() {
  pathWatch?.stop();
  pathWatch = null;
}

/** Tries again after the back-off delay, or at once when the network comes back or the page is shown again. */
function scheduleReconnect(why) {
  if (finished) return;
  cutTurn();
  endWatch();
  attempt++;
  peer?.destroy();
  peer = null;
  connection?.close();
  connection = null;
  const delay = backoff.next();
  ui.state('error', `${why} Trying again in ${Math.max(1, Math.round(delay / 1000))} s.`);
  ui.step('connect', { failed: true, hint: 'The phone must be on the same network as the host, and the host must '
    + 'be running. This page keeps trying by itself.' });
  $('reconnect').hidden = false;
  reconnectTimer = setTimeout(connect, delay);
}

function reconnectNow() {
  if (reconnectTimer !== null) connect();
}

function handshake(opened) {
  ui.state('working', 'Verifying the host…');
  ui.step('verify');
  const handshake = new PhoneHandshake(identity, hostId, {
    invite: params.get('invite'), name: navigator.userAgent.slice(0, 120),
  });
  const frames = new FrameReassembler();
  opened.on('data', async (frame) => {
    const text = opened.relayed ? String(frame) : frames.accept(String(frame));
    if (text === null) return;
    try {
      await onMessage(JSON.parse(text), handshake);
    } catch (error) {
      if (error instanceof ImpostorError) stop(error.message);
      else throw error;
    }
  });
  // A phone pairs only a key it has stored: a new one may still be on its way to the key store.
  identity.saved.then(() => connection === opened && !finished && send(handshake.hello()),
    (error) => stop(`This browser could not store this phone’s key (${error?.message ?? error}). Reload to try `
      + 'again; private windows may not store keys.', 'identity'));
}

/** Ends this page's connection for good: only the person can start again (new QR code, import, reload). */
function stop(reason, step = 'verify') {
  finished = true;
  endWatch();
  attempt++;
  endTurn(reason, true);
  connection?.close();
  peer?.destroy();
  connection = null;
  ui.state('refused', reason);
  ui.step(step, { failed: true, hint: 'Scan a new QR code from the host, or, if this phone was paired in another '
    + 'browser, import its identity file from the menu (☰).' });
}

async function onMessage(message, handshake) {
  switch (message.type) {
    case 'welcome':
      send(await handshake.answer(message));
      break;
    case 'admitted':
      admitted(message);
      break;
    case 'waiting':
      ui.state('waiting', message.reason);
      ui.step('approval', { hint: 'The host’s owner approves phones in the console. This page goes on by itself.' });
      break;
    case 'refused':
      stop(message.reason, 'approval');
      break;
    case 'history':
      if (message.conversations) showConversations(message.conversations);
      else showConversation(message.conversation);
      break;
    case 'deleted':
      if (message.conversation === localStorage.getItem(conversationKey())) newChat();
      send({ type: 'history' });
      break;
    case 'accepted':
      if (turn?.id === message.id) {
        localStorage.setItem(conversationKey(), message.conversation);
        turn.conversation = message.conversation;
        ui.note(turn.bubble, '');
      }
      break;
    case 'queue':
      if (turn?.id === message.id) ui.note(turn.bubble, `Waiting for a free slot: position ${message.position}.`);
      break;
    case 'token':
      if (turn?.id === message.id) {
        mark('persona-first-token');
        turn.lastTokenAt = performance.now();
        ui.note(turn.bubble, '');
        ui.setText(turn.bubble, turn.bubble.raw + message.text);
        ui.scrollToEnd();
      }
      break;
    case 'tool':
      if (turn?.id === message.id) toolCards.call(turn.bubble.body, message);
      break;
    case 'tool-result':
      if (turn?.id === message.id) toolCards.result(message);
      break;
    case 'reminder':
      ui.bubble('reminder', `⏰ ${message.text}`);
      break;
    case 'done':
      if (turn?.id === message.id) {
        mark('persona-answer-done', { lastToken: turn.lastTokenAt, completionTokens: message.usage?.completionTokens,
          tokensPerSecond: message.timings?.tokensPerSecond });
        endTurn(message.stopped ? 'Stopped.' : '');
      }
      break;
    case 'error':
      if (message.code === 'revoked') stop(message.message, 'approval');
      else if (turn && (message.id === turn.id || message.id === undefined)) endTurn(message.message, true);
      else ui.state('error', message.message);
      break;
  }
}

function admitted(message) {
  mark('persona-ready');
  if (message.host && message.host !== hostId) moveToKey(message.host);
  localStorage.setItem(LAST_HOST, hostId);
  if (params.has('invite')) params.delete('invite'); // the invite is spent
  history.replaceState(null, '', `/client?id=${hostId}`);
  backoff.reset();
  $('persona').textContent = message.persona;
  $('model').textContent = `Model: ${message.model}`;
  if (message.maxText) $('input').maxLength = message.maxText;
  ui.state('ready', 'Connected');
  ui.step('ready');
  $('composer').hidden = false;
  ui.busy(Boolean(turn));
  send({ type: 'history' });
  const conversation = localStorage.getItem(conversationKey());
  if (conversation) send({ type: 'history', conversation });
  else $('empty').hidden = $('messages').childElementCount > 0;
}

/**
 * The host has a new key (rotated by its owner) and proved the old one during its grace period: keep this phone's
 * identity and conversation under the new key id, and use it from now on.
 */
function moveToKey(newHostId) {
  publicKeyOf(newHostId);
  for (const prefix of ['persona-identity-', 'persona-conversation-']) {
    const value = localStorage.getItem(prefix + hostId);
    if (value !== null && localStorage.getItem(prefix + newHostId) === null) {
      localStorage.setItem(prefix + newHostId, value);
    }
  }
  hostId = newHostId;
}

function showConversations(conversations) {
  const current = localStorage.getItem(conversationKey());
  $('conversations').replaceChildren(...conversations.map((c) => {
    const item = document.createElement('li');
    const open = button(c.title || 'Untitled', () => {
      localStorage.setItem(conversationKey(), c.id);
      send({ type: 'history', conversation: c.id });
      toggleMenu(false);
    });
    open.className = c.id === current ? 'open current' : 'open';
    open.title = new Date(c.updated).toLocaleString();
    const remove = button('✕', () => send({ type: 'delete', conversation: c.id }));
    remove.className = 'delete';
    remove.setAttribute('aria-label', `Delete “${c.title}”`);
    item.append(open, remove);
    return item;
  }));
}

function showConversation(conversation) {
  if (turn) return; // an answer is arriving: keep what is on screen
  $('messages').replaceChildren();
  const messages = withCutOff(conversation.id, conversation.messages, cutOff);
  for (const m of messages) {
    const bubble = ui.bubble(m.role, m.text);
    for (const call of m.tools ?? []) toolCards.recorded(bubble.body, call);
    if (m.cutOff) ui.note(bubble, CUT_OFF_NOTE, true);
  }
  $('empty').hidden = messages.length > 0;
}

function newChat() {
  if (turn) return;
  localStorage.removeItem(conversationKey());
  $('messages').replaceChildren();
  $('empty').hidden = false;
}

function startTurn(text) {
  if (!text || !connection || turn || finished) return;
  ui.bubble('user', text);
  cutOff = null;
  turn = { id: `t${Date.now()}`, text, conversation: localStorage.getItem(conversationKey()),
    bubble: ui.bubble('assistant') };
  turn.bubble.item.classList.add('streaming');
  ui.note(turn.bubble, 'Sending…');
  ui.busy(true);
  send({ type: 'chat', id: turn.id, conversation: localStorage.getItem(conversationKey()), text });
}

/** Ends the running turn as cut off by the lost connection, and remembers it for the conversation's next showing. */
function cutTurn() {
  if (!turn) return;
  cutOff = cutOffTurn(turn.conversation, turn.text, turn.bubble.raw);
  endTurn(CUT_OFF_NOTE, true);
}

function endTurn(note = '', error = false) {
  if (!turn) return;
  turn.bubble.item.classList.remove('streaming');
  ui.note(turn.bubble, note, error); // also scrolls: the actions appear below the answer
  turn = null;
  ui.busy(false);
}

/** Sends again the question that an answer replied to. */
function retryFrom(bubble) {
  const items = [...$('messages').children];
  const question = items.slice(0, items.indexOf(bubble.item)).reverse().find((li) => li.className === 'user');
  if (question) startTurn(question.querySelector('.text').textContent);
}

function toggleMenu(open = $('menu').hidden) {
  $('menu').hidden = !open;
  $('menu-button').setAttribute('aria-expanded', String(open));
  if (open && connection && !finished) send({ type: 'history' });
}

/**
 * Saves this phone's identity as a file, after asking: the file holds the private key (sealed keys are unwrapped for
 * this, docs/identity.md), encrypted under a passphrase the user chooses.
 */
async function exportIdentity() {
  const keep = document.body.dataset.state === 'ready' ? 'ready' : 'refused';
  if (!confirm('The identity file lets whoever has it and its passphrase chat with this host as this phone. '
    + 'Export it?')) return;
  const passphrase = prompt('A passphrase for the file (at least 8 characters). Importing the file asks for it.');
  if (passphrase === null) return;
  let text;
  try {
    text = await identity.exportFile(passphrase);
  } catch (error) {
    ui.state(keep, error.message);
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  link.download = `persona-identity-${hostId.slice(0, 12)}.json`;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10000);
}

async function importIdentity(file) {
  try {
    const text = await file.text();
    let passphrase;
    if (PhoneIdentity.needsPassphrase(text)) {
      passphrase = prompt('The passphrase of this identity file:');
      if (passphrase === null) return;
    }
    const imported = await PhoneIdentity.importFile(text, { passphrase });
    location.replace(`/client?id=${imported.hostId}`);
  } catch (error) {
    ui.state(document.body.dataset.state === 'ready' ? 'ready' : 'refused', error.message);
  }
}

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('input').value.trim();
  if (!text || !connection || turn) return;
  startTurn(text);
  $('input').value = '';
});
$('input').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) $('composer').requestSubmit();
});
$('stop').addEventListener('click', () => turn && send({ type: 'stop', id: turn.id }));
$('new').addEventListener('click', () => {
  newChat();
  toggleMenu(false);
});
$('menu-button').addEventListener('click', () => toggleMenu());
$('reconnect').addEventListener('click', reconnectNow);
$('export').addEventListener('click', exportIdentity);
$('import-file').addEventListener('change', (event) => event.target.files[0] && importIdentity(event.target.files[0]));
window.addEventListener('online', () => {
  pathWatch?.online(true);
  reconnectNow();
});
window.addEventListener('offline', () => pathWatch?.online(false));
document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && reconnectNow());

let installPrompt = null;
window.addEventListener('beforeinstallprompt', (event) => {
  event.preventDefault();
  installPrompt = event;
  $('install').hidden = false;
});
$('install').addEventListener('click', async () => {
  $('install').hidden = true;
  await installPrompt?.prompt();
  installPrompt = null;
});
/**
 * Registers the service worker once the first connection attempt has settled (any state but 'working'): its install
 * downloads the shell and starts a worker, which would otherwise compete with connecting on a first visit.
 */
function registerServiceWorker() {
  if (workerRegistered) return;
  workerRegistered = true;
  navigator.serviceWorker?.register('/client-sw.js', { scope: '/client' }).catch(() => {
    // Without a service worker the page works all the same; it only cannot open offline.
  });
}

main().catch((error) => ui.state('error', `Something went wrong: ${error.message}`));
