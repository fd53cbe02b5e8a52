// Loaded with <script type="module"> at the end of <body>.
// Served as /static/js/application.mjs, so this resolves to
// /static/govuk/govuk-frontend.min.js (vendored by `npm run build:vendor`).
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()
