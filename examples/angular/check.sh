#!/usr/bin/env bash
# The Angular example against the package as users get it: `npm pack` of the repository (its prepack script builds
# dist/), installed here with the Angular packages (this directory's node_modules, git-ignored; rxjs comes from the
# repository root). Then tsc over the app and specs, ngc with strict template checking, and the example's specs:
# the component on HttpTestingController in Node, and the app in headless Chromium against the emulator.
set -euo pipefail
cd "$(dirname "$0")"
pack_dir=$(mktemp -d)
trap 'rm -rf "$pack_dir"' EXIT
(cd ../.. && npm pack --silent --pack-destination "$pack_dir" >/dev/null)
# legacy peer deps: rxforce's and Angular's rxjs peer must resolve to the root's copy, or two rxjs type trees clash
npm install --prefix . --no-audit --no-fund --legacy-peer-deps --no-package-lock --no-save "$pack_dir"/rxforce-*.tgz
npx tsc -p tsconfig.json
# AOT: the templates are type-checked against the components (strictTemplates); output goes to node_modules/.ngc-out
npx ngc -p tsconfig.ngc.json
node --import tsx ../../node_modules/jasmine/bin/jasmine.js --config=spec/jasmine.json
