// The relay transport (docs/protocol.md, "Transports"): when no peer-to-peer data channel opens, the phone carries
// the same protocol over a WebSocket on the page's own origin, /relay/<host id>?phone=<its key id>. Each protocol
// message is one WebSocket text message (no chunk frames). RelayConnection gives the socket the small part of a
// peerjs DataConnection that the client uses: on('open' | 'data' | 'close'), send, close, open.

/**
 * How long the phone's ICE checks may go out without one answer before it opens the relay: where every packet to
 * the host's peer is dropped, ICE only reports `failed` after tens of seconds. ICE failing opens it at once.
 */
export const NO_ANSWER_MS = 1500;

/**
 * How long the phone waits for the data channel at most before it opens the relay, even when a check had an answer
 * (a path whose DTLS or SCTP does not get through).
 */
export const RELAY_AFTER_MS = 4000;

/** How often the page reads its ICE checks while it waits for the data channel. */
const POLL_MS = 250;

/** The relay socket's address for `hostId` on the page's origin (`location`: protocol and host). */
export function relayUrl(location, hostId, deviceId) {
  const scheme = location.protocol === 'http:' ? 'ws:' : 'wss:';
  return `${scheme}//${location.host}/relay/${encodeURIComponent(hostId)}?phone=${encodeURIComponent(deviceId)}`;
}

/** Whether an ICE connection state means no peer-to-peer path will open now. */
export function iceGaveUp(state) {
  return state === 'failed' || state === 'closed';
}

/**
 * What the ICE checks in a peer connection's `stats` (an RTCStatsReport, or any Map of stats) say: `answered` once a
 * candidate pair had an answer, `checking` while checks go out unanswered, `idle` before the first check.
 */
export function iceChecks(stats) {
  let sent = false;
  for (const s of stats.values()) {
    if (s.type !== 'candidate-pair') continue;
    if (s.state === 'succeeded' || s.responsesReceived > 0) return 'answered';
    if (s.requestsSent > 0) sent = true;
  }
  return sent ? 'checking' : 'idle';
}

/**
 * Watches a peer connection's ICE checks while the phone waits for its data channel: calls `noPath` once when
 * checks have gone out for `noAnswerMs` and none had an answer. A check with an answer ends the watch (a path
 * exists; DTLS and SCTP follow), and so does `stop` (the channel opened, or the attempt ended).
 */
export class NoPathWatch {
  /**
   * @param stats   returns a promise of the peer connection's stats (its getStats)
   * @param noPath  called at most once
   */
  constructor(stats, noPath, { noAnswerMs = NO_ANSWER_MS, pollMs = POLL_MS, timers = globalThis,
    now = () => performance.now() } = {}) {
    Object.assign(this, { stats, noPath, noAnswerMs, pollMs, timers, now });
    this.checkingSince = null;
    this.stopped = false;
    this.timer = timers.setTimeout(() => this.poll(), pollMs);
  }

  async poll() {
    this.timer = null;
    let checks;
    try {
      checks = iceChecks(await this.stats());
    } catch {
      checks = 'idle'; // the connection closed meanwhile; stop() follows
    }
    if (this.stopped) return;
    if (checks === 'answered') {
      this.stop();
      return;
    }
    if (checks === 'checking') {
      this.checkingSince ??= this.now();
      if (this.now() - this.checkingSince >= this.noAnswerMs) {
        this.stop();
        this.noPath();
        return;
      }
    }
    this.timer = this.timers.setTimeout(() => this.poll(), this.pollMs);
  }

  stop() {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }
}

export class RelayConnection {
  /** @param socket a WebSocket (or anything with its send/close/onopen/onmessage/onclose) */
  constructor(socket) {
    this.socket = socket;
    this.relayed = true;
    this.open = false;
    this.handlers = { open: [], data: [], close: [] };
    socket.onopen = () => {
      this.open = true;
      this.emit('open');
    };
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') this.emit('data', event.data);
    };
    socket.onclose = () => {
      const wasOpen = this.open;
      this.open = false;
      this.emit('close', wasOpen);
    };
  }

  on(event, handler) {
    this.handlers[event].push(handler);
    return this;
  }

  emit(event, value) {
    for (const handler of this.handlers[event]) handler(value);
  }

  send(text) {
    if (this.open) this.socket.send(text);
  }

  close() {
    this.socket.close(1000, 'bye');
  }
}
