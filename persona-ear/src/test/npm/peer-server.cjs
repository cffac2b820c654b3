// The reference server of SignalingDifferentialIT: peer@1.0.2's own PeerServer on 127.0.0.1 and a free port, with
// the options given as JSON in the first argument (over the package's defaults). Prints "READY <port>" once it
// listens; exits when its stdin closes, so it never outlives the test. A frame peer cannot parse makes it emit
// "error"; without a listener Node would end the process (peer's own CLI catches it with an uncaughtException
// handler), so the error is logged instead, as there.
"use strict";
const { PeerServer } = require("peer");

const options = JSON.parse(process.argv[2] || "{}");
PeerServer({ ...options, host: "127.0.0.1", port: 0, path: "/" }, (server) => {
  console.log(`READY ${server.address().port}`);
}).on("error", (error) => console.error(`Error: ${error}`));
process.stdin.on("end", () => process.exit(0)).resume();
