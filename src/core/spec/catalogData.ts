/**
 * The model catalogs of the registered providers: the bulk of their specs (every model's fields, rules, prices).
 * The build gives it a file of its own (dist/specs.js), which only src/core/spec/lazyCatalog.ts requires, on the
 * first read of a model; activation and everything that needs only a provider's id, label or limits never load it.
 */
export * as apixo from '../adapters/apixo.models';
export * as openai from '../adapters/openai.models';
export * as pixai from '../adapters/pixai.models';
export * as pixapi from '../adapters/pixapi.models';
