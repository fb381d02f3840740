#!/usr/bin/env bash
# The Angular example: installs @angular/core here (its own node_modules, git-ignored; rxjs and the rest come from
# the repository root), type-checks the service, state and component with tsc, and runs the example's specs.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/@angular/core ]; then
  # legacy peer deps: Angular's rxjs peer must resolve to the root's copy, or two rxjs type trees clash
  npm install --prefix . --no-audit --no-fund --legacy-peer-deps --no-package-lock
fi
npx tsc -p tsconfig.json
node --import tsx ../../node_modules/jasmine/bin/jasmine.js --config=spec/jasmine.json
