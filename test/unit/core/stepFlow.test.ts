import * as assert from 'assert';
import { BACK, type Back, type FlowStep, runFlow } from '../../../src/core/stepFlow';

type Answers = Readonly<Record<string, string>>;

/**
 * Steps that answer from a script: each call takes the next scripted answer ('<' = Back, null = cancel) and
 * records what the step was shown (its earlier answer, whether it had a Back button).
 */
function scripted(script: (string | null)[]) {
  const seen: { step: string; earlier?: string; back: boolean }[] = [];
  const step = (name: string, shown?: (answers: Answers) => boolean): FlowStep<Answers> => ({
    name,
    shown,
    run: async (answers, back): Promise<Answers | Back | undefined> => {
      seen.push({ step: name, earlier: answers[name], back });
      const next = script.shift();
      assert.ok(next !== undefined, `the script ran out at ${name}`);
      if (next === null) return undefined;
      if (next === '<') return BACK;
      return { ...answers, [name]: next };
    },
  });
  return { seen, step };
}

describe('core/stepFlow: Back in the multi-step quick inputs', () => {
  it('runs the steps in order; Back goes one step back with the earlier answers kept', async () => {
    const { seen, step } = scripted(['gpt-image-2', 'a lighthouse', '<', '<', 'gpt-image-2', 'a lighthouse at dawn', '1024x1024']);
    const answers = await runFlow(() => [step('model'), step('prompt'), step('size')], {});
    assert.deepStrictEqual(answers, { model: 'gpt-image-2', prompt: 'a lighthouse at dawn', size: '1024x1024' });
    assert.deepStrictEqual(seen, [
      { step: 'model', earlier: undefined, back: false },
      { step: 'prompt', earlier: undefined, back: true },
      { step: 'size', earlier: undefined, back: true },
      { step: 'prompt', earlier: 'a lighthouse', back: true },
      { step: 'model', earlier: 'gpt-image-2', back: false },
      { step: 'prompt', earlier: 'a lighthouse', back: true },
      { step: 'size', earlier: undefined, back: true },
    ]);
  });

  it('skips a step that is not shown, for Back too, and gives the first shown step no Back button', async () => {
    const { seen, step } = scripted(['veo', '<', 'wan', 'a wave']);
    const answers = await runFlow(() => [step('provider', () => false), step('model'), step('prompt')], { provider: 'pixapi' });
    assert.deepStrictEqual(answers, { provider: 'pixapi', model: 'wan', prompt: 'a wave' });
    assert.deepStrictEqual(seen.map((s) => `${s.step}${s.back ? '<' : ''}`), ['model', 'prompt<', 'model', 'prompt<']);
  });

  it('reads the plan again after each answer: the model decides which steps follow', async () => {
    const { seen, step } = scripted(['gpt-image-2', 'low', '<', '<', 'nano-banana', 'done']);
    const plan = (answers: Answers) => [step('model'), ...(answers.model === 'gpt-image-2' ? [step('quality')] : []), step('n')];
    const answers = await runFlow(plan, {});
    assert.deepStrictEqual(seen.map((s) => s.step), ['model', 'quality', 'n', 'quality', 'model', 'n']);
    assert.deepStrictEqual(
      answers,
      { model: 'nano-banana', quality: 'low', n: 'done' },
      'an answer given before Back stays among the answers',
    );
  });

  it('stops with nothing when a step is cancelled, and a Back on the first step asks it again', async () => {
    const { step } = scripted(['<', 'gpt-image-2', null]);
    assert.strictEqual(await runFlow(() => [step('model'), step('prompt')], {}), undefined);
  });
});
