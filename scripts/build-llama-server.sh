#!/usr/bin/env bash
# Builds llama-server from the llama.cpp source that npm package node-llama-cpp ships as a git bundle,
# and caches source and binary under ${PERSONA_CACHE:-$HOME/.cache/persona}/llama-<commit12>-<flavor>/.
#
# Usage: scripts/build-llama-server.sh                 last stdout line: absolute path of llama-server
#        scripts/build-llama-server.sh --source-dir    last stdout line: absolute path of the llama.cpp source tree
# Environment: PERSONA_CACHE       cache root (default $HOME/.cache/persona)
#              PERSONA_LLAMA_CUDA  1 = CUDA build, 0 = CPU build; unset = CUDA when nvcc is on PATH and an
#                                  NVIDIA driver is present (a CUDA binary cannot start without libcuda)
# Progress goes to stderr, so `bin=$(scripts/build-llama-server.sh | tail -1)` gets the path only.
set -euo pipefail

readonly NODE_LLAMA_CPP_VERSION=3.22.1

log() { printf 'build-llama-server: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

mode=binary
cpu_note=
case "${1:-}" in
  "") ;;
  --source-dir) mode=source ;;
  -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 0 ;;
  *) die "unknown argument '$1' (expected nothing or --source-dir)" ;;
esac

for tool in git tar; do
  command -v "$tool" >/dev/null || die "'$tool' is required but not on PATH"
done

cache_root=${PERSONA_CACHE:-$HOME/.cache/persona}
mkdir -p "$cache_root"
cache_root=$(cd "$cache_root" && pwd -P)

# One build at a time per cache; a second caller waits and then finds the finished binary.
exec 9>"$cache_root/.build-llama-server.lock"
if command -v flock >/dev/null; then
  flock 9
fi

gpu_driver_present() {
  [[ -r /proc/driver/nvidia/version ]] || { command -v nvidia-smi >/dev/null && nvidia-smi -L >/dev/null 2>&1; }
}

case "${PERSONA_LLAMA_CUDA:-auto}" in
  1) flavor=cuda ;;
  0) flavor=cpu ;;
  auto)
    if command -v nvcc >/dev/null && gpu_driver_present; then
      flavor=cuda
    else
      flavor=cpu
      command -v nvcc >/dev/null \
        && cpu_note="nvcc found but no NVIDIA driver, so this is a CPU build (PERSONA_LLAMA_CUDA=1 forces CUDA)"
    fi ;;
  *) die "PERSONA_LLAMA_CUDA must be 1, 0 or unset, not '${PERSONA_LLAMA_CUDA}'" ;;
esac

# The git bundle from the npm tarball is kept so later runs need no network.
npm_dir=$cache_root/npm
bundle=$npm_dir/node-llama-cpp-$NODE_LLAMA_CPP_VERSION.bundle
if [[ ! -s $bundle ]]; then
  command -v npm >/dev/null || die "'npm' is required to fetch node-llama-cpp@$NODE_LLAMA_CPP_VERSION"
  mkdir -p "$npm_dir"
  tarball=$npm_dir/node-llama-cpp-$NODE_LLAMA_CPP_VERSION.tgz
  if [[ ! -s $tarball ]]; then
    log "fetching node-llama-cpp@$NODE_LLAMA_CPP_VERSION from npm (about 36 MB)"
    (cd "$npm_dir" && npm pack --silent "node-llama-cpp@$NODE_LLAMA_CPP_VERSION" >&2) \
      || die "npm pack node-llama-cpp@$NODE_LLAMA_CPP_VERSION failed (is the npm registry reachable?)"
  fi
  tar -xzf "$tarball" -O package/llama/gitRelease.bundle >"$bundle.tmp" \
    || die "$tarball has no package/llama/gitRelease.bundle"
  mv "$bundle.tmp" "$bundle"
  rm -f "$tarball"
fi

commit=$(git bundle list-heads "$bundle" \
  | awk '$2 == "HEAD" { head = $1 } NR == 1 { first = $1 } END { print (head != "" ? head : first) }')
[[ $commit =~ ^[0-9a-f]{40}$ ]] || die "cannot read the commit of $bundle"
commit12=${commit:0:12}

dir=$cache_root/llama-$commit12-$flavor
src=$dir/llama.cpp
bin=$dir/bin/llama-server

if [[ ! -f $src/CMakeLists.txt ]]; then
  log "extracting llama.cpp $commit12 into $src"
  mkdir -p "$dir"
  rm -rf "$src.tmp"
  git -c advice.detachedHead=false clone -q "$bundle" "$src.tmp"
  git -C "$src.tmp" -c advice.detachedHead=false checkout -q "$commit"
  mv "$src.tmp" "$src"
fi

if [[ $mode == source ]]; then
  printf '%s\n' "$src"
  exit 0
fi

if [[ -x $bin ]] && "$bin" --version >/dev/null 2>&1; then
  printf '%s\n' "$bin"
  exit 0
fi

command -v cmake >/dev/null || die "'cmake' is required to build llama-server"
command -v c++ >/dev/null || command -v g++ >/dev/null || command -v clang++ >/dev/null \
  || die "a C++ compiler (g++ or clang++) is required to build llama-server"

jobs=$(nproc 2>/dev/null || echo 2)
cmake_flags=(-DLLAMA_CURL=OFF -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF
             -DCMAKE_BUILD_TYPE=Release -DBUILD_SHARED_LIBS=OFF)
[[ $flavor == cuda ]] && cmake_flags+=(-DGGML_CUDA=ON)

[[ -n $cpu_note ]] && log "$cpu_note"
# The compiler's output (thousands of lines, warnings mostly) goes to a log file; the terminal gets one line per
# phase and the compile's progress with the time left, and an error names the log.
build_log=$dir/build.log
log "building llama-server ($flavor, $jobs jobs; a cold CPU build takes about 6 minutes on 2 cores)"
log "full build log: $build_log"
start=$SECONDS
cmake -S "$src" -B "$dir/build" "${cmake_flags[@]}" >"$build_log" 2>&1 || {
  tail -n 15 "$build_log" >&2
  die "configuring the build failed (above: the end of $build_log)"
}
log "configured in $((SECONDS - start)) s; compiling"

# Reports the highest "[ NN%]" of cmake's build output: in place on a terminal, else one line per 10 %.
report_progress() {
  local percent shown=-1 elapsed left
  while kill -0 "$1" 2>/dev/null; do
    sleep 2
    percent=$(grep -o '^\[ *[0-9]*%\]' "$build_log" | tail -n 1 | tr -dc '0-9' || true)
    [[ -n $percent ]] || continue
    elapsed=$((SECONDS - start))
    left=$((percent > 0 ? elapsed * (100 - percent) / percent : 0))
    if [[ -t 2 ]]; then
      printf '\rbuild-llama-server: compiling %3d %% (%d min %02d s, about %d min %02d s left) ' \
        "$percent" $((elapsed / 60)) $((elapsed % 60)) $((left / 60)) $((left % 60)) >&2
    elif ((percent / 10 > shown)); then
      shown=$((percent / 10))
      log "compiling $percent % ($((elapsed / 60)) min $((elapsed % 60)) s, about $((left / 60)) min $((left % 60)) s left)"
    fi
  done
  [[ -t 2 ]] && printf '\n' >&2
  return 0
}
cmake --build "$dir/build" --target llama-server -j"$jobs" >>"$build_log" 2>&1 &
compile=$!
report_progress "$compile"
wait "$compile" || {
  grep -E ' error[: ]|Error [0-9]|fatal error' "$build_log" | head -n 15 >&2 || true
  die "compiling llama-server failed (above: its first errors); the full log is $build_log"
}
elapsed=$((SECONDS - start))

mkdir -p "$dir/bin"
cp "$dir/build/bin/llama-server" "$bin.tmp"
mv "$bin.tmp" "$bin"
"$bin" --version >/dev/null 2>&1 || die "$bin was built but does not run '--version'"
log "built llama-server in $((elapsed / 60)) min $((elapsed % 60)) s"
printf '%s\n' "$bin"
