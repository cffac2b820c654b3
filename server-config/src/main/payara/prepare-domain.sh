#!/usr/bin/env bash
# Prints the path of a Payara Server installation with Persona's template domain, making both when missing:
# Payara unpacked from its Maven Central zip (fetched into ~/.m2 by Maven the first time, offline afterwards) into
# the cache (PERSONA_CACHE, default ~/.cache/persona), keyed by its version, and the domain "persona" created there
# and configured with persona.asadmin, keyed by the hash of that script and of this one. The launcher copies the
# template into each data directory (./persona start --server payara; README, "Payara").
#
#   server-config/src/main/payara/prepare-domain.sh     prints <cache>/payara-<version>/<hash>, which holds
#                                                      payara6/ (the server), domains/persona/ and admin-password
set -euo pipefail
umask 077

version=6.2025.9
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../../.." && pwd)
cache=${PERSONA_CACHE:-$HOME/.cache/persona}
say() { printf 'persona: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

hash=$(cat "$here/persona.asadmin" "$here/prepare-domain.sh" | sha256sum | cut -c1-12)
base="$cache/payara-$version"
target="$base/$hash"
if [[ -f $target/ready ]]; then echo "$target"; exit 0; fi

zip="$HOME/.m2/repository/fish/payara/distributions/payara/$version/payara-$version.zip"
if [[ ! -f $zip ]]; then
  say "fetching Payara Server $version from Maven Central (once, about 150 MB) ..."
  (cd "$repo" && ./mvnw -q -B dependency:get "-Dartifact=fish.payara.distributions:payara:$version:zip") >&2 ||
    die "could not fetch fish.payara.distributions:payara:$version:zip (above)"
fi

say "preparing Payara Server $version and Persona's template domain in $target (once, a few minutes) ..."
rm -rf "$target.partial"
mkdir -p "$target.partial"
unzip -q "$zip" -d "$target.partial" -x 'payara6/glassfish/domains/*' 'payara6/h2db/docs/*' 'payara6/h2db/src/*'
asadmin="$target.partial/payara6/bin/asadmin"

# Ports of this one-off start only (the copies get the host's ports at every start): free ones, chosen here.
free_port() {
  local port
  while :; do
    port=$((40000 + RANDOM % 20000))
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
admin=$(free_port)
password=$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
printf 'AS_ADMIN_PASSWORD=%s\n' "$password" >"$target.partial/admin-password"
properties="domain.adminPort=$admin:domain.instancePort=$(free_port):http.ssl.port=$(free_port)"
properties+=":jms.port=$(free_port):domain.jmxPort=$(free_port):orb.listener.port=$(free_port)"
properties+=":orb.ssl.port=$(free_port):orb.mutualauth.port=$(free_port):java.debugger.port=$(free_port)"
properties+=":osgi.shell.telnet.port=$(free_port)"
"$asadmin" --user admin --passwordfile "$target.partial/admin-password" create-domain \
  --domaindir "$target.partial/domains" --domainproperties "$properties" persona >&2 ||
  die "create-domain failed (above)"
"$asadmin" start-domain --domaindir "$target.partial/domains" persona >&2 || die "the template domain did not start"
trap '"$asadmin" stop-domain --domaindir "$target.partial/domains" persona >&2 || true' EXIT
# multimode goes on after a failed command and exits 0: its output tells.
output=$("$asadmin" --user admin --passwordfile "$target.partial/admin-password" --port "$admin" \
  multimode --file "$here/persona.asadmin" 2>&1) || true
if grep -q "failed" <<<"$output" || ! grep -q "Command multimode executed successfully" <<<"$output"; then
  printf '%s\n' "$output" >&2; die "persona.asadmin failed (above)"
fi
"$asadmin" stop-domain --domaindir "$target.partial/domains" persona >&2
trap - EXIT
rm -rf "$target.partial/domains/persona/logs" "$target.partial/domains/persona/osgi-cache" \
  "$target.partial/domains/persona/generated"
touch "$target.partial/ready"
rm -rf "$target"
mv "$target.partial" "$target"
echo "$target"
