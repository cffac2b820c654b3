// The baseline of the signaling benchmark: the Node server `peer@1.0.2` through its JS API (PeerServer), on
// 127.0.0.1 and the port given, with its defaults. No per-connection logging, unlike its CLI, so that nothing but
// the server's own work is measured. It reads commands on stdin: "gc" answers "heap <bytes>" after a full
// collection (node runs with --expose-gc), "quit" exits. With PEER_TLS_KEY and PEER_TLS_CERT (PEM files) it serves
// HTTPS and wss through its own `ssl` option (node's https server), as a user of peer with a certificate runs it.
// PEER_CONCURRENT_LIMIT sets its `concurrent_limit` (peers connected at once; 5000 unless set), as the held-peers
// benchmark raises Persona's.
"use strict";
const { PeerServer } = require(process.env.PEER_MODULE || "peer");
const readline = require("node:readline");
const fs = require("node:fs");

const port = Number(process.argv[2]);
const options = { host: "127.0.0.1", port, path: "/" };
if (process.env.PEER_CONCURRENT_LIMIT) {
  options.concurrent_limit = Number(process.env.PEER_CONCURRENT_LIMIT);
}
if (process.env.PEER_TLS_KEY && process.env.PEER_TLS_CERT) {
  options.ssl = { key: fs.readFileSync(process.env.PEER_TLS_KEY), cert: fs.readFileSync(process.env.PEER_TLS_CERT) };
}
PeerServer(options, (server) => {
  console.log(`READY ${server.address().port}`);
});

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  if (line === "gc") {
    global.gc();
    console.log(`heap ${process.memoryUsage().heapUsed}`);
  } else if (line === "quit") {
    process.exit(0);
  }
}).on("close", () => process.exit(0));
