/**
 * The one check every request meets (the engine runs it before a task is stored): an undocumented field is refused
 * with the fields the model takes unless it travels in `extra`; a wrong type, a value outside a complete list or out of
 * bounds, and a reference count the model does not take are refused with the limit and where it is documented.
 */
import type { ParamValue, TaskRequest } from '../task';
import { modelSpec, providerSpec } from './registry';
import type { ModelSpec, ParamSpec, RequestFacts } from './types';
import * as l10n from '@vscode/l10n';

/** Includes a legacy URL field (Pixapi's input_image). */
export function referenceCount(request: Pick<TaskRequest, 'images' | 'imageUrls'>): number {
  return (request.images?.length ?? 0) + (request.imageUrls?.length ?? 0);
}

function factsOf(request: TaskRequest, params: Readonly<Record<string, ParamValue>> = request.params): RequestFacts {
  return {
    model: request.model.trim(),
    operation: request.operation,
    params,
    imageCount: referenceCount(request) + (typeof request.params.input_image === 'string' ? 1 : 0),
  };
}

/** Its documented spec, or its provider's generic schema for the kind. */
export function specOf(request: Pick<TaskRequest, 'provider' | 'model' | 'kind'>): ModelSpec {
  return modelSpec(request.provider, request.model.trim(), request.kind);
}

export function applies(param: ParamSpec, operation: TaskRequest['operation'], imageCount: number): boolean {
  if (param.operations && !param.operations.includes(operation)) return false;
  if (param.inputCase === 'withImages' && imageCount === 0) return false;
  if (param.inputCase === 'withoutImages' && imageCount > 0) return false;
  return true;
}

/**
 * Media Studio's own defaults where the user chose nothing, then the model's rules (veo-3-1's generationType, mode
 * pairs). Idempotent; the engine stores this form, so the sidecar and Regenerate repeat what was sent.
 */
export function prepareRequest(request: TaskRequest): TaskRequest {
  const model = specOf(request);
  const facts = factsOf(request);
  const params: Record<string, ParamValue> = {};
  for (const param of model.params) {
    if (
      param.defaultIsOurs &&
      param.default !== undefined &&
      request.params[param.name] === undefined &&
      applies(param, request.operation, facts.imageCount)
    ) {
      params[param.name] = param.default;
    }
  }
  Object.assign(params, request.params);
  const rules = providerSpec(request.provider).modelRules?.[model.id];
  const derived = rules?.derive?.({ ...facts, params }) ?? {};
  return { ...request, params: { ...params, ...derived } };
}

function listFields(model: ModelSpec): string {
  return model.params.map((p) => p.name).join(', ') || l10n.t('(none)');
}

function shown(value: ParamValue): string {
  return typeof value === 'string' ? `"${value}"` : JSON.stringify(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function valueProblem(model: ModelSpec, param: ParamSpec, value: ParamValue): string | undefined {
  const where = l10n.t('{0} (documented at {1})', `${model.id} ${param.name}`, param.source);
  switch (param.type) {
    case 'string':
    case 'file':
      if (typeof value !== 'string') return l10n.t('{0} must be text, not {1}.', where, shown(value));
      if (param.maxLength !== undefined && value.length > param.maxLength)
        return l10n.t('{0} takes at most {1} characters; {2} were given.', where, param.maxLength, value.length);
      break;
    case 'number':
    case 'integer':
      if (typeof value !== 'number' || !Number.isFinite(value)) return l10n.t('{0} must be a number, not {1}.', where, shown(value));
      if (param.type === 'integer' && !Number.isInteger(value)) return l10n.t('{0} must be a whole number, not {1}.', where, value);
      break;
    case 'boolean':
      if (typeof value !== 'boolean') return l10n.t('{0} must be true or false, not {1}.', where, shown(value));
      break;
    case 'enum': {
      const values = param.values ?? [];
      const numeric = values.length > 0 && values.every((v) => typeof v === 'number');
      if (numeric ? typeof value !== 'number' : typeof value !== 'string')
        return l10n.t('{0} must be one of {1}, not {2}.', where, values.join(', '), shown(value));
      break;
    }
    case 'stringList':
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) return l10n.t('{0} must be a list of strings.', where);
      break;
    case 'object':
      if (!isPlainObject(value)) return l10n.t('{0} must be an object, such as {1}.', where, '{"name": 0.8}');
      break;
    case 'objectList':
      if (!Array.isArray(value) || !value.every(isPlainObject))
        return l10n.t('{0} must be a list of objects, such as {1}.', where, '[{"path": "…", "scale": 1}]');
      break;
  }
  if (param.complete && param.values && !param.values.includes(value as string | number)) {
    return l10n.t('{0} must be one of {1}; {2} is not among them.', where, param.values.join(', '), shown(value));
  }
  if (typeof value === 'number') {
    if (param.min !== undefined && value < param.min) return l10n.t('{0} must be at least {1}; {2} was given.', where, param.min, value);
    if (param.max !== undefined && value > param.max) return l10n.t('{0} must be at most {1}; {2} was given.', where, param.max, value);
  }
  return undefined;
}

function referenceProblem(model: ModelSpec, request: TaskRequest, count: number): string | undefined {
  const refs = model.references;
  const source = refs.source ? l10n.t(' (documented at {0})', refs.source) : '';
  if (count === 0) {
    if (request.operation === 'edit') return l10n.t('{0} edits need at least one reference image.', model.id);
    return undefined;
  }
  if (refs.via === 'none')
    return l10n.t(
      '{0} takes no reference images{1}; {2} were given. Remove them or choose a model that takes images.',
      model.id,
      source,
      count,
    );
  if (refs.via === 'urls' && request.images?.length) {
    return l10n.t(
      "{0} takes reference images only as public URLs, not as files from your workspace. Give the image's http(s) address instead (a previous result's URL works while it is valid).",
      model.id,
    );
  }
  if (refs.via === 'files' && request.imageUrls?.length)
    return l10n.t('{0} takes reference images as workspace files, not URLs. Pick workspace images instead.', model.id);
  if (refs.max !== undefined && count > refs.max)
    return l10n.t('{0} takes at most {1} reference image(s){2}; {3} were given.', model.id, refs.max, source, count);
  if (refs.min !== undefined && count < refs.min)
    return l10n.t('{0} needs at least {1} reference image(s){2}; {3} were given.', model.id, refs.min, source, count);
  return undefined;
}

/** `request` should be prepared, so derived fields are checked too. Names the field, the limit and where it is documented. */
export function validateRequest(request: TaskRequest): string | undefined {
  const spec = providerSpec(request.provider);
  const model = specOf(request);
  if (model.kind !== request.kind) return l10n.t('The {0} model {1} makes {2}s, not {3}s.', spec.label, model.id, model.kind, request.kind);
  if (!model.operations.includes(request.operation)) {
    return request.operation === 'edit'
      ? l10n.t('{0} cannot edit images; choose a model that takes reference images.', model.id)
      : l10n.t('{0} cannot {1}; it can {2}.', model.id, request.operation, model.operations.join(', '));
  }
  const facts = factsOf(request);
  const refs = referenceProblem(model, request, facts.imageCount);
  if (refs) return refs;
  if (model.maxPromptLength !== undefined && request.prompt.length > model.maxPromptLength) {
    return l10n.t(
      'The prompt is {0} characters long; {1} takes at most {2}. Shorten it.',
      request.prompt.length.toLocaleString('en-US'),
      model.id,
      model.maxPromptLength.toLocaleString('en-US'),
    );
  }
  for (const [name, value] of Object.entries(request.params)) {
    if (value === undefined) continue;
    if (spec.reservedFields.includes(name))
      return l10n.t('"{0}" is set by Media Studio from the request itself; it cannot be given as a parameter.', name);
    const param = model.params.find((p) => p.name === name);
    if (!param) {
      const known = model.knownExtra?.find((p) => p.name === name);
      if (known) {
        return l10n.t(
          '{0} does not document "{1}" for this endpoint (it is named in {2}). To send it anyway, put it in "extra": {0} may ignore it. Documented fields: {3}.',
          model.id,
          name,
          known.source,
          listFields(model),
        );
      }
      return l10n.t(
        '{0} does not document "{1}". Fields it takes: {2}. To send "{1}" anyway, put it in "extra" (sent as given, and recorded as not documented for this model).',
        model.id,
        name,
        listFields(model),
      );
    }
    if (!applies(param, request.operation, facts.imageCount)) {
      return param.inputCase === 'withImages'
        ? l10n.t('{0} applies only with a reference image; give one or leave {0} out.', `${model.id} ${name}`)
        : l10n.t('{0} does not apply to this request ({1}); leave it out.', `${model.id} ${name}`, request.operation);
    }
    const problem = valueProblem(model, param, value);
    if (problem) return problem;
  }
  for (const [name, value] of Object.entries(request.extra ?? {})) {
    if (spec.reservedFields.includes(name))
      return l10n.t('"{0}" is set by Media Studio from the request itself; it cannot be given in "extra".', name);
    if (request.params[name] !== undefined) return l10n.t('"{0}" is given both as a parameter and in "extra"; give it once.', name);
    if (value === undefined) return l10n.t('"extra.{0}" has no value.', name);
  }
  return providerSpec(request.provider).modelRules?.[model.id]?.check?.(factsOf(request));
}

export function checkRequest(
  request: TaskRequest,
): { readonly request: TaskRequest; readonly problem?: undefined } | { readonly problem: string } {
  const prepared = prepareRequest(request);
  const problem = validateRequest(prepared);
  return problem ? { problem } : { request: prepared };
}

/** For the sidecar's "not documented for this model" note. */
export function undocumentedFields(request: Pick<TaskRequest, 'extra'>): string[] {
  return Object.keys(request.extra ?? {});
}

/** Numbers and booleans by the field's type, objects and lists as JSON, string lists comma-separated; empty: not sent. */
export function paramFromText(
  param: Pick<ParamSpec, 'type' | 'values'> | undefined,
  text: string,
): { readonly value: ParamValue | undefined } | { readonly error: string } {
  const trimmed = text.trim();
  if (!trimmed) return { value: undefined };
  const type = param?.type;
  const numericEnum = type === 'enum' && (param?.values ?? []).length > 0 && (param?.values ?? []).every((v) => typeof v === 'number');
  if (type === 'number' || type === 'integer' || numericEnum) {
    const value = Number(trimmed);
    return Number.isFinite(value) ? { value } : { error: l10n.t('"{0}" is not a number.', trimmed) };
  }
  if (type === 'boolean') {
    if (trimmed === 'true' || trimmed === 'false') return { value: trimmed === 'true' };
    return { error: l10n.t('"{0}" must be true or false.', trimmed) };
  }
  if (
    type === 'object' ||
    type === 'objectList' ||
    (type === 'stringList' && trimmed.startsWith('[')) ||
    (type === undefined && /^[[{]/.test(trimmed))
  ) {
    try {
      return { value: JSON.parse(trimmed) as ParamValue };
    } catch {
      return { error: l10n.t('"{0}" is not valid JSON.', trimmed.slice(0, 60)) };
    }
  }
  if (type === 'stringList')
    return {
      value: trimmed
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    };
  // An undocumented (extra) field: numbers and booleans as such, anything else as text.
  if (type === undefined) {
    if (/^-?\d+(\.\d+)?$/.test(trimmed)) return { value: Number(trimmed) };
    if (trimmed === 'true' || trimmed === 'false') return { value: trimmed === 'true' };
  }
  return { value: trimmed };
}

/** The common `size`, `n`, `duration`… arguments. */
export function fieldFor(model: ModelSpec, role: ParamSpec['role']): ParamSpec | undefined {
  return model.params.find((p) => p.role === role);
}
