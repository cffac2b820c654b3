// Builds the phone page's files into <out> for the WAR (docs/protocol.md, "Delivery"):
// - the client bundle (esbuild, ES2020, minified) as client.<hash>.js, the icon and the manifest as
//   client-icon.<hash>.svg and client-manifest.<hash>.json: content-hashed names, which the host serves as immutable;
// - the page (client.html) and the service worker (client-sw.js) under their fixed names, with those hashed names
//   written in;
// - beside each of these files its brotli (.br) and gzip (.gz) form, which PrecompressedFiles serves to browsers that
//   accept it.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';

const out = process.argv[2] ?? 'dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const bundled = await build({
  entryPoints: { client: 'src/client.js' },
  entryNames: '[name].[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2020'],
  outdir: out,
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});
const bundle = '/' + basename(Object.keys(bundled.metafile.outputs).find((file) => file.endsWith('.js')));

/** Writes the text under a name with its content's hash ('client-icon.svg' → 'client-icon.<hash>.svg'); its path. */
function writeHashed(name, text) {
  const hash = createHash('sha256').update(text).digest('hex').slice(0, 10);
  const dot = name.lastIndexOf('.');
  const hashed = `${name.slice(0, dot)}.${hash}${name.slice(dot)}`;
  writeFileSync(join(out, hashed), text);
  return '/' + hashed;
}

/** The text of static/<name> with each '/<original>' replaced by its hashed path. */
function rewritten(name, names) {
  let text = readFileSync(join('static', name), 'utf8');
  for (const [original, hashed] of Object.entries(names)) {
    text = text.replaceAll(`"${original}"`, `"${hashed}"`).replaceAll(`'${original}'`, `'${hashed}'`);
  }
  return text;
}

const icon = writeHashed('client-icon.svg', readFileSync('static/client-icon.svg', 'utf8'));
const manifest = writeHashed('client-manifest.json', rewritten('client-manifest.json', { '/client-icon.svg': icon }));
const names = { '/client.js': bundle, '/client-icon.svg': icon, '/client-manifest.json': manifest };
for (const name of ['client.html', 'client-sw.js']) {
  const text = rewritten(name, names);
  for (const original of Object.keys(names)) {
    if (text.includes(`"${original}"`) || text.includes(`'${original}'`)) {
      throw new Error(`${name} still names ${original}`);
    }
  }
  writeFileSync(join(out, name), text);
}

for (const path of ['/client.html', '/client-sw.js', ...Object.values(names)]) {
  const bytes = readFileSync(join(out, path));
  writeFileSync(join(out, path + '.br'), brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  }));
  writeFileSync(join(out, path + '.gz'), gzipSync(bytes, { level: constants.Z_BEST_COMPRESSION }));
}
