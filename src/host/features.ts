/**
 * What activation does not need: the commands' flows, the chat tools, batches, target paths, the result writer,
 * the document-image quick fix and hover, the panel's controller and the spending page. The build gives it a file of its own
 * (dist/features.js), which only src/host/lazy.ts requires, at the first use of any of them.
 */
export * as batchCommands from './batch/batchCommands';
export * as batches from './batch/batches';
export * as batchTool from './batch/batchTool';
export * as documentImages from './documentImages';
export * as generate from './generate';
export * as lmTools from './lmTools';
export * as panelController from './panel/controller';
export * as regenerate from './panel/regenerate';
export * as results from './results';
export * as spendingHtml from './spending/html';
export * as targets from './targets';
