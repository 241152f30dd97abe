import * as assert from 'assert';
import { planBatch, productRows, type BatchModel } from '../../../../src/core/batch/plan';
import { fillTemplate, templateParts, templateVariables } from '../../../../src/core/batch/template';

const two: BatchModel[] = [{ provider: 'pixapi', model: 'gpt-image-1' }, { provider: 'pixai', model: '1983308862240288769' }];

describe('batch templates and expansion', () => {
  it('finds {variables} in order, once each, and leaves {{ }} and non-names as text', () => {
    assert.deepStrictEqual(templateVariables('a {colour} {product} on {colour}'), ['colour', 'product']);
    assert.deepStrictEqual(templateVariables('json {{"a": 1}} and { spaced } and {} and {9x}'), []);
    assert.deepStrictEqual(templateParts('{{x}} {y}!'), [{ text: '{x} ' }, { variable: 'y' }, { text: '!' }]);
    assert.strictEqual(fillTemplate('a {c} {p}, {{literal}}', { c: 'red', p: 'mug' }), 'a red mug, {literal}');
  });

  it('multiplies the value lists, first variable slowest', () => {
    assert.deepStrictEqual(productRows({ a: ['1', '2'], b: ['x', 'y'] }, ['a', 'b']), [
      { a: '1', b: 'x' }, { a: '1', b: 'y' }, { a: '2', b: 'x' }, { a: '2', b: 'y' },
    ]);
  });

  it('makes 2 variables × 2 values × 2 models = 8 cells, row-major, each with its prompt', () => {
    const plan = planBatch({
      template: 'a {colour} {product}',
      variables: { colour: ['red', 'blue'], product: ['mug', 'cap'] },
      models: two,
      maxTasks: 100,
    });
    assert.ok(!('error' in plan));
    assert.strictEqual(plan.cells.length, 8);
    assert.deepStrictEqual(
      plan.cells.map((c) => `${c.row}/${c.model}:${c.prompt}`),
      [
        '0/0:a red mug',
        '0/1:a red mug',
        '1/0:a red cap',
        '1/1:a red cap',
        '2/0:a blue mug',
        '2/1:a blue mug',
        '3/0:a blue cap',
        '3/1:a blue cap',
      ],
    );
    assert.deepStrictEqual(plan.cells[5].values, { colour: 'blue', product: 'mug' });
    assert.deepStrictEqual(plan.warnings, []);
  });

  it('takes rows from a file, crossed with value lists, keeping only the used columns', () => {
    const plan = planBatch({
      template: '{p} in {c}',
      rows: [
        { p: 'mug', extra: 'z' },
        { p: 'cap', extra: 'w' },
      ],
      rowsFile: 'rows.csv',
      variables: { c: ['red'] },
      models: two.slice(0, 1),
      maxTasks: 100,
    });
    assert.ok(!('error' in plan));
    assert.deepStrictEqual(plan.rows, [{ p: 'mug', c: 'red' }, { p: 'cap', c: 'red' }]);
    assert.deepStrictEqual(plan.warnings, ['The template does not use {extra} from rows.csv; that column is ignored.']);
  });

  it('a fixed prompt over several models is a comparison', () => {
    const plan = planBatch({ template: 'a lighthouse', models: two, maxTasks: 100 });
    assert.ok(!('error' in plan));
    assert.deepStrictEqual(plan.cells.map((c) => c.prompt), ['a lighthouse', 'a lighthouse']);
  });

  it('refuses a variable with no values, an empty list, no models, an empty template and a bad name', () => {
    assert.match(
      (planBatch({ template: 'a {colour} {size}', variables: { colour: ['red'] }, models: two, maxTasks: 100 }) as { error: string }).error,
      /^\{size\} has no values/,
    );
    assert.match(
      (planBatch({ template: 'a {colour}', variables: { colour: [] }, models: two, maxTasks: 100 }) as { error: string }).error,
      /values for \{colour\} is empty/,
    );
    assert.match((planBatch({ template: 'a', models: [], maxTasks: 100 }) as { error: string }).error, /at least one model/);
    assert.match((planBatch({ template: '  ', models: two, maxTasks: 100 }) as { error: string }).error, /template is empty/);
    assert.match(
      (planBatch({ template: 'x', variables: { 'a b': ['1'] }, models: two, maxTasks: 100 }) as { error: string }).error,
      /not a variable name/,
    );
  });

  it('warns, without refusing, about a variable given but never used', () => {
    const plan = planBatch({ template: 'a {colour}', variables: { colour: ['red'], size: ['big'] }, models: two, maxTasks: 100 });
    assert.ok(!('error' in plan));
    assert.deepStrictEqual(plan.warnings, ['The template does not use {size}; its values are ignored.']);
    assert.strictEqual(plan.cells.length, 2);
  });

  it('refuses more tasks than the cap, counting before building the rows', () => {
    const values = Array.from({ length: 1000 }, (_, i) => String(i));
    const plan = planBatch({ template: '{a}{b}{c}', variables: { a: values, b: values, c: values }, models: two, maxTasks: 100 });
    assert.match((plan as { error: string }).error, /would make 2000000000 tasks \(1000000000 prompts × 2 models\), over the limit of 100/);
    assert.ok(!('error' in planBatch({ template: '{a}', variables: { a: values.slice(0, 50) }, models: two, maxTasks: 100 })));
  });
});
