/** The languages image references are looked for in (apart from references.ts, which activation need not load). */
export const MARKDOWN: readonly string[] = ['markdown', 'mdx'];
export const MARKUP: readonly string[] = ['html', 'javascriptreact', 'typescriptreact', 'vue', 'svelte', 'astro', 'php'];
export const STYLES: readonly string[] = ['css', 'scss', 'less', 'sass'];

/** The VS Code language ids the references are looked for in. */
export const REFERENCE_LANGUAGES: readonly string[] = [...MARKDOWN, ...MARKUP, ...STYLES];
