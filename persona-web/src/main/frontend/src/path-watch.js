// Whether the open connection's path to the host still works. A phone that loses its network (Wi-Fi gone, interface
// down) keeps a data channel that neither closes nor fails for a long time: ICE only reports `disconnected`, and the
// browser goes off line. Either interrupts the path. It may come back by itself (same addresses: ICE answers again,
// SCTP resends what was lost and the answer resumes), so the page waits PATH_GIVE_UP_MS; a path still interrupted
// then is lost, and the page reconnects (client.js). Only the change to off line counts, never `navigator.onLine` as
// it is when the watch starts: the connection has just opened, so the browser that says off line then is wrong.

/** How long an interrupted path may take to come back before the page gives the connection up. */
export const PATH_GIVE_UP_MS = 8000;

export class PathWatch {
  #iceDown = false;
  #offline = false;
  #timer = null;
  #stopped = false;

  /**
   * @param handlers `interrupted()`, `restored()` and `lost()`, each called on the change it names (lost at most once)
   * @param options `giveUpMs`; `timers`: setTimeout/clearTimeout
   */
  constructor(handlers, { giveUpMs = PATH_GIVE_UP_MS, timers = globalThis } = {}) {
    Object.assign(this, { handlers, giveUpMs, timers });
  }

  /** An ICE connection state of the data channel's peer connection. */
  ice(state) {
    const was = this.interrupted;
    if (state === 'disconnected') this.#iceDown = true;
    else if (state === 'connected' || state === 'completed') this.#iceDown = false;
    else return;
    this.#changed(was);
  }

  /** The browser went on line (`true`) or off line. */
  online(online) {
    const was = this.interrupted;
    this.#offline = !online;
    this.#changed(was);
  }

  get interrupted() {
    return this.#iceDown || this.#offline;
  }

  /** Ends the watch: no handler is called after this. */
  stop() {
    this.#stopped = true;
    this.timers.clearTimeout(this.#timer);
    this.#timer = null;
  }

  #changed(was) {
    if (this.#stopped || was === this.interrupted) return;
    if (this.interrupted) {
      this.#interrupt();
    } else {
      this.timers.clearTimeout(this.#timer);
      this.#timer = null;
      this.handlers.restored();
    }
  }

  #interrupt() {
    this.handlers.interrupted();
    this.#timer = this.timers.setTimeout(() => {
      this.stop();
      this.handlers.lost();
    }, this.giveUpMs);
  }
}
