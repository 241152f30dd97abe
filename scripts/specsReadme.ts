/** Rewrites the README's "Models and their parameters" tables from the registered specs. */
import * as fs from 'fs';
import * as path from 'path';
import { MODELS_END, MODELS_START, modelsMarkdown } from '../src/core/spec/readme';

const readme = path.resolve(__dirname, '..', '..', 'README.md');
const text = fs.readFileSync(readme, 'utf8');
const start = text.indexOf(MODELS_START);
const end = text.indexOf(MODELS_END);
if (start < 0 || end < start) throw new Error(`README.md has no ${MODELS_START} … ${MODELS_END} block`);
fs.writeFileSync(readme, `${text.slice(0, start + MODELS_START.length)}\n${modelsMarkdown()}\n${text.slice(end)}`);
console.log('README.md: models tables rewritten');
