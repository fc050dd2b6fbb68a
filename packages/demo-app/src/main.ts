// Placeholder until the demo issue: shows whether the harness answers.
const params = new URLSearchParams(location.search);
const server = params.get('server') ?? `${location.protocol}//${location.hostname}:8080`;
const statusLine = document.querySelector<HTMLParagraphElement>('#status');

fetch(new URL('/healthz', server))
  .then((response) => response.json())
  .then((body: { ok?: boolean }) => {
    if (statusLine) statusLine.textContent = body.ok ? `harness at ${server} is up` : `harness at ${server} answered oddly`;
  })
  .catch((error: unknown) => {
    if (statusLine) statusLine.textContent = `harness at ${server} unreachable: ${String(error)}`;
  });
