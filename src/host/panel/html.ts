/** The panel's HTML and CSP, unit-tested in Node: nothing loads but our script (by nonce), style, and cspSource images. */

export interface PanelHtmlInput {
  /** The only origin images, media and styles may come from. */
  readonly cspSource: string;
  readonly script: string;
  readonly style: string;
  /** codicon.css, copied into dist/codicons/ by the build; its font comes from cspSource. */
  readonly icons: string;
  /** From crypto, for the one script element. */
  readonly nonce: string;
  readonly language: string;
  /** None for English. */
  readonly bundle?: unknown;
}

const ATTRIBUTE_UNSAFE = /["<>&]/;

export function panelCsp(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `img-src ${cspSource}`,
    `media-src ${cspSource}`,
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
  ].join('; ');
}

export function panelHtmlDocument(input: PanelHtmlInput): string {
  for (const [name, value] of Object.entries({
    cspSource: input.cspSource,
    script: input.script,
    style: input.style,
    icons: input.icons,
    nonce: input.nonce,
  })) {
    if (ATTRIBUTE_UNSAFE.test(value)) throw new Error(`${name} cannot be placed in an HTML attribute`);
  }
  // As JSON in a non-executable script element; "<" escaped so the text cannot close the element.
  const bundle = input.bundle ? JSON.stringify(input.bundle).replace(/</g, '\\u003c') : undefined;
  return `<!DOCTYPE html>
<html lang="${input.language.replace(/[^A-Za-z0-9-]/g, '')}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${panelCsp(input.cspSource, input.nonce)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${input.icons}">
<link rel="stylesheet" href="${input.style}">
<title>Media Studio</title>
</head>
<body>
<main id="app" aria-label="Media Studio"></main>
${bundle ? `<script type="application/json" id="l10n-bundle">${bundle}</script>\n` : ''}<script nonce="${input.nonce}" src="${input.script}"></script>
</body>
</html>`;
}
