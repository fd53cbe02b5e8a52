// Copy the parts of GOV.UK Frontend we serve ourselves into static/govuk/.
// Plain Node (>= 16.7), no dependencies. Run via `npm run build:vendor`.
//
// The fonts and images folders are deliberately NOT copied: GDS Transport is restricted to
// central government services, and this is a council service.
import { access, cp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const pkg = join(root, 'node_modules', 'govuk-frontend')
const src = join(pkg, 'dist', 'govuk')
const dest = join(root, 'static', 'govuk')

const { version } = JSON.parse(await readFile(join(pkg, 'package.json'), 'utf8'))

const copies = [
  [join(src, 'govuk-frontend.min.js'), join(dest, 'govuk-frontend.min.js')],
]
// Its images (favicons, app icons, crest) all carry the crown, which is not ours to use: the
// portal has its own favicon in static/images/.

// The govuk-frontend npm package (5.x) declares "license": "MIT" but does not
// ship a LICENSE.txt. Copy it if a future release includes one; otherwise
// write the text of LICENSE.txt from the alphagov/govuk-frontend repository.
const licenceSrc = join(pkg, 'LICENSE.txt')
const licenceDest = join(dest, 'LICENSE.txt')
const upstreamLicence = `The MIT License (MIT)

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
`

const exists = (path) => access(path).then(() => true, () => false)
const show = (path) => relative(root, path)

// Start clean so files removed upstream (or a stray fonts folder) do not linger.
await rm(dest, { recursive: true, force: true })

for (const [from, to] of copies) {
  await mkdir(dirname(to), { recursive: true })
  await cp(from, to, { recursive: true })
  console.log(`copied ${show(from)} -> ${show(to)}`)
}

if (await exists(licenceSrc)) {
  await cp(licenceSrc, licenceDest)
  console.log(`copied ${show(licenceSrc)} -> ${show(licenceDest)}`)
} else {
  await writeFile(licenceDest, upstreamLicence)
  console.log(`wrote ${show(licenceDest)} (govuk-frontend ${version} ships no LICENSE.txt; MIT text from alphagov/govuk-frontend)`)
}
