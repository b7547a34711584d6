// Renders the API document named by <main data-spec> with Redoc (served beside this file from
// the redoc package: nothing is loaded from other hosts). Telemetry off: the page is an API's
// reference, not Redocly's analytics (the CSP's connect-src would refuse it anyway).
import { init } from './redoc.standalone.js';

const main = document.querySelector('main[data-spec]');
init(main.dataset.spec, { disableTelemetry: true, hideDownloadButtons: false }, main);
