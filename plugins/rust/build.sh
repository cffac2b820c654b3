#!/usr/bin/env bash
# Builds the plugins (WASI command modules) offline with Debian's rustc-web and copies each module next to its
# source as <crate>/<crate>.wasm, the file Maven packages. With --check it builds into a scratch copy, fails when a
# committed module differs from the rebuild, and runs the crates' unit tests natively (CI runs this; see
# docs/plugins.md).
# Needs: apt-get install rustc-web cargo-web rust-web-src lld wasi-libc
set -euo pipefail
cd "$(dirname "$0")"

check=0
[[ "${1:-}" == "--check" ]] && check=1

for tool in /usr/bin/rustc /usr/bin/cargo; do
  [[ -x "$tool" ]] || { echo "plugins: $tool is missing: apt-get install rustc-web cargo-web rust-web-src lld wasi-libc" >&2; exit 1; }
done
[[ -d /usr/lib/wasm32-wasi ]] || { echo "plugins: wasi-libc is missing: apt-get install wasi-libc" >&2; exit 1; }

# rust-lld: Debian's lld installs it as wasm-ld; cargo asks for rust-lld by name.
linker_dir="$(mktemp -d)"
target_dir="$(mktemp -d)"
trap 'rm -rf "$linker_dir" "$target_dir"' EXIT
if command -v rust-lld >/dev/null 2>&1; then
  ln -s "$(command -v rust-lld)" "$linker_dir/rust-lld"
else
  ln -s "$(command -v wasm-ld || command -v wasm-ld-14)" "$linker_dir/rust-lld"
fi

crates=(calculator files system-info scheduler escape-probe)
# Paths inside the modules (panic locations) must not depend on where the clone lives, or --check would fail.
# A 64 KiB stack instead of Rust's 1 MiB: every call allocates the module's initial memory (GC work per call),
# so it is kept small; the calculator bounds its nesting (64), and the deepest expression fits (BundledPluginsTest).
RUSTFLAGS="-C link-self-contained=no -L native=/usr/lib/wasm32-wasi -C link-arg=/usr/lib/wasm32-wasi/crt1-command.o -C link-arg=-zstack-size=65536 --remap-path-prefix=$PWD=/plugins" \
PATH="$linker_dir:$PATH" RUSTC=/usr/bin/rustc RUSTC_BOOTSTRAP=1 CARGO_TARGET_DIR="$target_dir" \
  /usr/bin/cargo build --release --offline --target wasm32-wasip1 -Zbuild-std=std,panic_abort \
  $(printf -- '-p %s ' "${crates[@]}")

status=0
for crate in "${crates[@]}"; do
  built="$target_dir/wasm32-wasip1/release/$crate.wasm"
  committed="$crate/$crate.wasm"
  if ((check)); then
    if ! cmp -s "$built" "$committed"; then
      echo "plugins: $committed differs from a rebuild of its source: run plugins/rust/build.sh and commit it" >&2
      status=1
    fi
  else
    cp "$built" "$committed"
    echo "plugins: $committed ($(stat -c %s "$committed") bytes)"
  fi
done
if ((check)); then
  ((status == 0)) && echo "plugins: every committed module matches its source"
  RUSTC=/usr/bin/rustc CARGO_TARGET_DIR="$target_dir/native" /usr/bin/cargo test --offline --workspace \
    --exclude escape-probe --quiet || status=1
fi
exit "$status"
