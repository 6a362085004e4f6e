#!/usr/bin/env bash
# Refresh the PWA's vendored ES modules from the npm registry (no build step, no node_modules).
# Exact versions are pinned below; change one, run this script, commit frontend/vendor/.
#   scripts/vendor-frontend.sh
set -euo pipefail

PREACT=11.2.0
HTM=3.1.1
GRAPHQL_WS=6.4.2

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/frontend/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
npm pack --silent "preact@$PREACT" "htm@$HTM" "graphql-ws@$GRAPHQL_WS" >/dev/null
for name in preact htm graphql-ws; do
  mkdir -p "$name"
  tar xzf "$name"-*.tgz -C "$name" --strip-components=1
done

rm -rf "$OUT"
mkdir -p "$OUT/graphql-ws"
# Preact: the core and hooks (hooks imports the bare specifier "preact": index.html's import map).
cp preact/dist/preact.mjs "$OUT/preact.mjs"
cp preact/hooks/dist/hooks.mjs "$OUT/preact-hooks.mjs"
cp preact/LICENSE "$OUT/preact.LICENSE"
# htm: tagged templates instead of JSX.
cp htm/dist/htm.mjs "$OUT/htm.mjs"
cp htm/LICENSE "$OUT/htm.LICENSE"
# graphql-ws: the browser client (client.js and the shared chunk it imports; no bare imports).
cp graphql-ws/dist/client.js "$OUT/graphql-ws/client.js"
for chunk in $(grep -o "from '\./[^']*'" graphql-ws/dist/client.js | sed "s/from '\.\/\(.*\)'/\1/" | sort -u); do
  cp "graphql-ws/dist/$chunk" "$OUT/graphql-ws/$chunk"
done
cp graphql-ws/LICENSE.md "$OUT/graphql-ws/LICENSE.md"

{
  echo "# Vendored by scripts/vendor-frontend.sh from the npm registry (npm pack). Do not edit."
  echo "# package version sha512-integrity"
  for spec in "preact@$PREACT" "htm@$HTM" "graphql-ws@$GRAPHQL_WS"; do
    echo "${spec%@*} ${spec##*@} $(npm view "$spec" dist.integrity)"
  done
} > "$OUT/VERSIONS"
echo "vendored into $OUT:"
cat "$OUT/VERSIONS"
