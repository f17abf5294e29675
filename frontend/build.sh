#!/usr/bin/env bash
# Build the GOV.UK Frontend assets that the app serves from static/govuk/.
#
#   cd frontend && ./build.sh        (or: make frontend)
#
# Needs node + npm only at build time. The output is committed, so running
# the app needs neither. Installs exactly what package-lock.json pins.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/.." && pwd)"
out="$root/static/govuk"
axe_out="$root/tests/browser/vendor"

cd "$here"

# --ignore-scripts: nothing here needs an install script (sass is pure JS;
# its optional native file watcher is not used for a one-off compile).
npm ci --ignore-scripts --no-audit --no-fund

pkg="node_modules/govuk-frontend"
dist="$pkg/dist/govuk"
version="$(node -p "require('./$pkg/package.json').version")"
licence="$(node -p "require('./$pkg/package.json').license")"
sass_version="$(node -p "require('./node_modules/sass/package.json').version")"
axe_version="$(node -p "require('./node_modules/axe-core/package.json').version")"
axe_licence="$(node -p "require('./node_modules/axe-core/package.json').license")"

# Start from a clean output folder so removed upstream files do not linger.
rm -rf "$out"
mkdir -p "$out/assets"

# 1. CSS: GOV.UK Frontend + app styles, Arial, no @font-face.
npx --no-install sass \
  --load-path=node_modules \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  app.scss "$out/govuk-frontend.min.css"

if grep -q "GDS Transport" "$out/govuk-frontend.min.css"; then
  echo "build.sh: compiled CSS still mentions GDS Transport" >&2
  exit 1
fi

# 2. JavaScript: the ES module build (loaded with <script type="module">).
cp "$dist/govuk-frontend.min.js" "$out/govuk-frontend.min.js"
# Drop the sourceMappingURL comment: the map is not shipped, and a dangling
# reference makes hashed static storage (collectstatic) fail.
sed -i -e "s#//\# sourceMappingURL=[^ ]*\$##" "$out/govuk-frontend.min.js"

# 3. Images. The package's images (GOV.UK favicon and icons, crest) are copied
#    for completeness but the templates do not use them: they show the crown,
#    which only services on GOV.UK may use. The app's own favicon comes from
#    frontend/images/. No fonts: this service uses Arial, not GDS Transport.
cp -R "$dist/assets/images" "$out/assets/images"
mkdir -p "$out/app"
cp images/favicon.svg images/favicon.png images/apple-touch-icon.png "$out/app/"

# 4. Licence text for the copied files.
cat > "$out/VERSION.md" <<EOF
# GOV.UK Frontend (built copy)

- Package: \`govuk-frontend\` ${version}
- Licence: ${licence} (notice below). Copyright (C) 2017 Crown Copyright (Government Digital Service).
- Fonts: **not included.** This service is not on GOV.UK, so it does not use
  the GDS Transport typeface; text is set in Arial (\`\$govuk-font-family\`,
  with \`\$govuk-include-default-font-face: false\`).
- The crown and GOV.UK logo are not used: the templates use the generic
  header, a footer without crest or Crown copyright, and the app's own
  favicon (\`app/\`). The package's images are copied unchanged but the
  templates do not use them.
- Compiled with \`sass\` ${sass_version} (Dart Sass) from \`frontend/app.scss\`,
  which also holds the app's own styles (\`.app-*\` classes).

## Files

| file | from |
| --- | --- |
| \`govuk-frontend.min.css\` | \`frontend/app.scss\` (GOV.UK Frontend Sass + app styles), compressed |
| \`govuk-frontend.min.js\` | \`govuk-frontend/dist/govuk/govuk-frontend.min.js\` (ES module; source map comment removed) |
| \`assets/images/*\` | \`govuk-frontend/dist/govuk/assets/images/\` (not referenced: they show the crown) |
| \`app/favicon.svg\`, \`app/favicon.png\`, \`app/apple-touch-icon.png\` | \`frontend/images/\` (this app's own icon, no crown) |

## Rebuild

Run \`make frontend\` (which runs \`cd frontend && ./build.sh\`). It needs
node and npm, installs the versions pinned in \`frontend/package-lock.json\`,
rewrites this folder and \`tests/browser/vendor/axe.min.js\`, and must be
committed afterwards. To upgrade, change the versions in
\`frontend/package.json\`, run \`npm install\` in \`frontend/\`, then rebuild.
The running app needs no node and loads nothing from the network.

## Licence notice (govuk-frontend)

The MIT License (MIT)

Copyright (C) 2017 Crown Copyright (Government Digital Service)

Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
EOF

# 5. axe-core for the browser accessibility tests (injected by the tests).
mkdir -p "$axe_out"
cp node_modules/axe-core/axe.min.js "$axe_out/axe.min.js"
cat > "$axe_out/VERSION.md" <<EOF
# axe-core (vendored for browser tests)

- Package: \`axe-core\` ${axe_version}
- Licence: ${axe_licence} (Mozilla Public License 2.0, https://mozilla.org/MPL/2.0/).
  Copyright (c) Deque Systems, Inc. \`axe.min.js\` is copied unchanged, with its
  licence header; its source form is the \`axe-core\` ${axe_version} npm package
  (repository: github.com/dequelabs/axe-core).
- Used only by the browser tests, which inject it into pages; it is never served by the app.

Rebuild with \`make frontend\` (\`cd frontend && ./build.sh\`); the version is pinned in
\`frontend/package-lock.json\`.
EOF

echo "Built govuk-frontend ${version} into static/govuk/ and axe-core ${axe_version} into tests/browser/vendor/"
