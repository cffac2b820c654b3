// When to try again after a lost connection: 1 s, 2 s, 4 s … up to 30 s, each with up to 20 % random spread so that
// phones that lost the host together do not come back in step; a success starts over.
export class Backoff {
  #attempt = 0;

  constructor({ first = 1000, max = 30000, spread = 0.2, random = Math.random } = {}) {
    Object.assign(this, { first, max, spread, random });
  }

  /** The delay before the next attempt, in ms. */
  next() {
    const base = Math.min(this.first * 2 ** this.#attempt, this.max);
    this.#attempt++;
    return Math.round(base * (1 - this.spread / 2 + this.spread * this.random()));
  }

  reset() {
    this.#attempt = 0;
  }
}
