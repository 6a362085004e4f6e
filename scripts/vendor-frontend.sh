#!/usr/bin/env bash
# Refresh the PWA's vendored ES modules from the npm registry (no build step, no node_modules).
# Exact versions are pinned below; change one, run this script, commit frontend/vendor/.
#   scripts/vendor-frontend.sh
set -euo pipefail

PREACT=11.2.0
HTM=3.1.1
GRAPHQL_WS=6.4.2
# Camera scanning where the browser has no BarcodeDetector; loaded lazily, never precached.
BARCODE_DETECTOR=3.2.2
ZXING_WASM=3.1.3 # exactly the version barcode-detector depends on: its .wasm comes from there

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/frontend/vendor"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cd "$WORK"
SPECS=("preact@$PREACT" "htm@$HTM" "graphql-ws@$GRAPHQL_WS" "barcode-detector@$BARCODE_DETECTOR" "zxing-wasm@$ZXING_WASM")
npm pack --silent "${SPECS[@]}" >/dev/null
for name in preact htm graphql-ws barcode-detector zxing-wasm; do
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
# barcode-detector: the BarcodeDetector ponyfill (zxing-wasm's JS is bundled in its chunk) and
# the reader .wasm, which js/camera.js points at this folder instead of the package's CDN default.
mkdir -p "$OUT/barcode-detector"
depends_on="$(node -p 'require("./barcode-detector/package.json").dependencies["zxing-wasm"]')"
[ "$depends_on" = "$ZXING_WASM" ] || { echo "barcode-detector wants zxing-wasm $depends_on, not $ZXING_WASM" >&2; exit 1; }
cp barcode-detector/dist/es/ponyfill.js "$OUT/barcode-detector/ponyfill.js"
for chunk in $(grep -o 'from "\./[^"]*"' barcode-detector/dist/es/ponyfill.js | sed 's/from "\.\/\(.*\)"/\1/' | sort -u); do
  cp "barcode-detector/dist/es/$chunk" "$OUT/barcode-detector/$chunk"
done
cp zxing-wasm/dist/reader/zxing_reader.wasm "$OUT/barcode-detector/zxing_reader.wasm"
# The bundled JS names the SHA-256 of the .wasm it was built for.
wasm_sha="$(sha256sum zxing-wasm/dist/reader/zxing_reader.wasm | cut -d' ' -f1)"
grep -q "$wasm_sha" "$OUT"/barcode-detector/*.js || { echo "zxing_reader.wasm does not match barcode-detector" >&2; exit 1; }
cp barcode-detector/LICENSE "$OUT/barcode-detector/LICENSE"
cp zxing-wasm/LICENSE "$OUT/barcode-detector/zxing-wasm.LICENSE"
# The .wasm is compiled from ZXing-C++, whose licence the npm package does not ship.
cat > "$OUT/barcode-detector/NOTICE" <<'NOTICE'
zxing_reader.wasm is built by zxing-wasm (MIT, zxing-wasm.LICENSE) from ZXing-C++
(https://github.com/zxing-cpp/zxing-cpp), licensed under the Apache License, Version 2.0
(https://www.apache.org/licenses/LICENSE-2.0).
NOTICE

{
  echo "# Vendored by scripts/vendor-frontend.sh from the npm registry (npm pack). Do not edit."
  echo "# package version sha512-integrity"
  for spec in "${SPECS[@]}"; do
    echo "${spec%@*} ${spec##*@} $(npm view "$spec" dist.integrity)"
  done
} > "$OUT/VERSIONS"
echo "vendored into $OUT:"
cat "$OUT/VERSIONS"
