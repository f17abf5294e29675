// Starts GOV.UK Frontend's components (a file, not an inline script: see the content security policy).
import { initAll } from '../govuk/govuk-frontend.min.js'

initAll()
