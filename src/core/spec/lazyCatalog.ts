/**
 * The one place that loads the model catalogs (src/core/spec/catalogData.ts): in the bundle this `require` is of
 * dist/specs.js (see esbuild.js), so the data is read when a spec's models, rules or price are first asked for. The panel's
 * webview bundle holds the data itself (its esbuild build has no such split).
 */
type CatalogData = typeof import('./catalogData');
/** The module's own `require` (CommonJS in Node; the panel's bundle, which holds the data, provides one too): no Node types here. */
declare const require: (id: string) => unknown;

let loaded: CatalogData | undefined;

export function catalogData(): CatalogData {
  loaded ??= require('./catalogData') as CatalogData;
  return loaded;
}
