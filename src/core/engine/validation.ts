/** The checks a request passes before anything is stored or sent: generic ones, then the model's spec. */
import { maxPromptLength } from '../catalog';
import { checkRequest as checkAgainstSpec } from '../spec/validate';
import type { TaskRequest } from '../task';
import { messages } from './messages';
import { RequestProblem } from './types';

/** The request as it will be sent (the spec's preparation applied), or a RequestProblem thrown. */
export function preparedRequest(asked: TaskRequest): TaskRequest {
  const generic = genericProblem(asked);
  if (generic) throw new RequestProblem(generic);
  const checked = checkAgainstSpec(asked);
  if (checked.problem !== undefined) throw new RequestProblem(checked.problem);
  return checked.request;
}

function genericProblem(request: TaskRequest): string | undefined {
  if (!request.prompt.trim()) return messages.emptyPrompt();
  if (!request.model.trim()) return messages.chooseModel();
  const limit = maxPromptLength(request.provider, request.model);
  if (request.prompt.length > limit) return messages.promptTooLong(request.prompt.length, request.model, limit);
  return undefined;
}
