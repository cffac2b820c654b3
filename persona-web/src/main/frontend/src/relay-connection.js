// The relay transport (docs/protocol.md, "Transports"): when no peer-to-peer data channel opens, the phone carries
// the same protocol over a WebSocket on the page's own origin, /relay/<host id>?phone=<its key id>. Each protocol
// message is one WebSocket text message (no chunk frames). RelayConnection gives the socket the small part of a
// peerjs DataConnection that the client uses: on('open' | 'data' | 'close'), send, close, open.

/** How long the phone waits for the data channel before it opens the relay too (ICE failing opens it at once). */
export const RELAY_AFTER_MS = 4000;

/** The relay socket's address for `hostId` on the page's origin (`location`: protocol and host). */
export function relayUrl(location, hostId, deviceId) {
  const scheme = location.protocol === 'http:' ? 'ws:' : 'wss:';
  return `${scheme}//${location.host}/relay/${encodeURIComponent(hostId)}?phone=${encodeURIComponent(deviceId)}`;
}

/** Whether an ICE connection state means no peer-to-peer path will open now. */
export function iceGaveUp(state) {
  return state === 'failed' || state === 'closed';
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
