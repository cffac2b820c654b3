// Bundles the phone client into <out>/client.js (esbuild, ES2020, minified) for the WAR.
import { build } from 'esbuild';

const out = process.argv[2] ?? 'dist';
await build({
  entryPoints: ['src/client.js'],
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outfile: `${out}/client.js`,
  legalComments: 'none',
  logLevel: 'warning',
});
