// Loaded synchronously at the top of <body> (a classic script, not a module),
// in place of GOV.UK Frontend's inline snippet, which the Content Security
// Policy would block. Adds `js-enabled` (used by .app-js-only and GOV.UK
// components) and, in browsers that support ES modules, `govuk-frontend-supported`.
document.body.className += ' js-enabled' + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');
