#!/usr/bin/env bash
# The Angular example: installs @angular/core and the Angular compiler here (its own node_modules, git-ignored; rxjs
# and the rest come from the repository root), type-checks the service, state, component and specs with tsc,
# compiles them ahead of time with ngc and strict template checking, and runs the example's specs.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -d node_modules/@angular/core ] || [ ! -d node_modules/@angular/compiler-cli ]; then
  # legacy peer deps: Angular's rxjs peer must resolve to the root's copy, or two rxjs type trees clash
  npm install --prefix . --no-audit --no-fund --legacy-peer-deps --no-package-lock
fi
npx tsc -p tsconfig.json
# AOT: the templates are type-checked against the component (strictTemplates); output goes to node_modules/.ngc-out
npx ngc -p tsconfig.ngc.json
node --import tsx ../../node_modules/jasmine/bin/jasmine.js --config=spec/jasmine.json
