import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PathWatch } from '../src/path-watch.js';

/** Timers the test runs by hand. */
class Clock {
  constructor() {
    this.pending = new Map();
    this.next = 1;
  }

  setTimeout(callback, ms) {
    this.pending.set(this.next, { callback, ms });
    return this.next++;
  }

  clearTimeout(id) {
    this.pending.delete(id);
  }

  fire() {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const timer of due) timer.callback();
  }
}

function watch() {
  const clock = new Clock();
  const calls = [];
  const path = new PathWatch({
    interrupted: () => calls.push('interrupted'), restored: () => calls.push('restored'), lost: () => calls.push('lost'),
  }, { giveUpMs: 8000, timers: clock });
  return { clock, calls, path };
}

test('ICE disconnected interrupts the path, and the give-up time later it is lost', () => {
  const { clock, calls, path } = watch();
  path.ice('checking');
  path.ice('connected');
  assert.deepEqual(calls, []);
  path.ice('disconnected');
  assert.deepEqual(calls, ['interrupted']);
  assert.equal([...clock.pending.values()][0].ms, 8000);
  clock.fire();
  assert.deepEqual(calls, ['interrupted', 'lost']);
  path.ice('connected');
  path.online(false);
  assert.deepEqual(calls, ['interrupted', 'lost'], 'nothing after lost');
});

test('a path that comes back in time is restored and never lost', () => {
  const { clock, calls, path } = watch();
  path.ice('disconnected');
  path.ice('disconnected');
  path.ice('completed');
  assert.deepEqual(calls, ['interrupted', 'restored']);
  assert.equal(clock.pending.size, 0);
});

test('off line interrupts too, and the path is back only when both the network and ICE are', () => {
  const { clock, calls, path } = watch();
  path.online(false);
  path.ice('disconnected');
  path.online(true);
  assert.deepEqual(calls, ['interrupted'], 'ICE is still disconnected');
  path.ice('connected');
  assert.deepEqual(calls, ['interrupted', 'restored']);
  assert.equal(clock.pending.size, 0);
});

test('a stopped watch calls nothing', () => {
  const { clock, calls, path } = watch();
  path.ice('disconnected');
  path.stop();
  clock.fire();
  path.ice('connected');
  assert.deepEqual(calls, ['interrupted']);
});
