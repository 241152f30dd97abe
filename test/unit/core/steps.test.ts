import * as assert from 'assert';
import { flowSteps, stepTitle } from '../../../src/core/steps';

describe('core/steps: quick-input step counters', () => {
  const titles = (title: string, steps: string[]) => steps.map((s) => stepTitle(title, steps, s));

  it('numbers every step of Generate Image once, with one total (size and count no longer share "3/3")', () => {
    const steps = flowSteps({ asksProvider: false, paramSteps: ['size', 'quality', 'n'] });
    assert.deepStrictEqual(titles('Generate Image', steps), [
      'Generate Image (1/5)', 'Generate Image (2/5)', 'Generate Image (3/5)', 'Generate Image (4/5)', 'Generate Image (5/5)',
    ]);
  });

  it('counts the provider step when it is asked, and gives it the first number', () => {
    const steps = flowSteps({ asksProvider: true, paramSteps: ['aspectRatio', 'mode', 'style'] });
    assert.strictEqual(stepTitle('Edit product.png', steps, 'provider'), 'Edit product.png (1/6)');
    assert.strictEqual(stepTitle('Edit product.png', steps, 'model'), 'Edit product.png (2/6)');
    assert.strictEqual(stepTitle('Edit product.png', steps, 'style'), 'Edit product.png (6/6)');
  });

  it('follows the model: a model without quality has one step fewer, and the input-image step only where asked', () => {
    const withQuality = flowSteps({ asksProvider: false, paramSteps: ['size', 'quality', 'n'] });
    const without = flowSteps({ asksProvider: false, paramSteps: ['size', 'n'] });
    assert.strictEqual(stepTitle('Generate Image', withQuality, 'n'), 'Generate Image (5/5)');
    assert.strictEqual(stepTitle('Generate Image', without, 'n'), 'Generate Image (4/4)');
    const video = flowSteps({ asksProvider: false, paramSteps: ['size', 'duration'], asksInputImage: true });
    assert.deepStrictEqual(titles('Generate Video', video).slice(2), [
      'Generate Video (3/5)',
      'Generate Video (4/5)',
      'Generate Video (5/5)',
    ]);
    assert.strictEqual(flowSteps({ asksProvider: false, paramSteps: ['duration'] }).includes('inputImage'), false);
  });

  it('gives a step the same number again when the flow goes back to it under the same plan', () => {
    const steps = flowSteps({ asksProvider: true, paramSteps: ['size'] });
    const first = stepTitle('Generate Video', steps, 'model');
    stepTitle('Generate Video', steps, 'prompt');
    assert.strictEqual(stepTitle('Generate Video', steps, 'model'), first);
  });

  it('refuses a step that is not in the plan, and a plan that names a step twice', () => {
    assert.throws(() => stepTitle('Generate Image', ['model', 'prompt'], 'size'), /"size" is not a step/);
    assert.throws(() => stepTitle('Generate Image', ['model', 'prompt', 'model'], 'prompt'), /named twice/);
  });
});
