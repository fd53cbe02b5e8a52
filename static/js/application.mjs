// Loaded with <script type="module"> at the end of <body>.
// Served as /static/js/application.mjs, so this resolves to
// /static/govuk/govuk-frontend.min.js (vendored by `npm run build:vendor`).
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()

// On a phone the hub's search and filters would fill the first screen, so they start folded
// (the page marks them with data-app-fold-on-phone only when no filter is applied). Without
// JavaScript they stay open, as the HTML says.
const phone = window.matchMedia('(max-width: 40.0525em)')
for (const details of document.querySelectorAll('details[data-app-fold-on-phone]')) {
  if (phone.matches) details.open = false
  // From tablet up the summary is hidden, so a folded panel must open again on a wider screen.
  phone.addEventListener('change', (event) => { if (!event.matches) details.open = true })
}

// A field revealed under checkboxes while any of them is ticked (the e-mail address under "Would
// you like us to contact you?"). GOV.UK Frontend's own reveal follows one checkbox per reveal, so
// on a reveal shared by several it hides it whenever the last is unticked; this one follows them all. aria-controls is set
// here, so without JavaScript nothing points at a reveal that is simply always shown.
for (const group of document.querySelectorAll('[data-app-reveal]')) {
  const target = document.getElementById(group.dataset.appReveal)
  if (!target) continue
  const inputs = [...group.querySelectorAll('input[type="checkbox"]')]
  const sync = () => target.classList.toggle('govuk-checkboxes__conditional--hidden', !inputs.some((input) => input.checked))
  for (const input of inputs) {
    input.setAttribute('aria-controls', target.id)
    input.addEventListener('change', sync)
  }
  sync()
}

// A part of a form shown only while a radio of the given name has one of the given values (the
// choices of a question, only for single and multiple choice). Without JavaScript it is shown.
for (const part of document.querySelectorAll('[data-app-show-for-name]')) {
  const form = part.closest('form')
  const values = part.dataset.appShowForValues.split(' ')
  const radios = [...form.querySelectorAll(`input[type="radio"][name="${part.dataset.appShowForName}"]`)]
  const sync = () => { part.hidden = !radios.some((radio) => radio.checked && values.includes(radio.value)) }
  for (const radio of radios) radio.addEventListener('change', sync)
  sync()
}
