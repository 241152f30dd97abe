/** Provider and model specs every surface reads; a ModelSpec is plain JSON (posted to the webview), functions stay host-side. */
import type { MediaKind, Operation, ParamValue, TaskRequest } from '../task';

/** `file` is a workspace image (a URI string) sent as a file part (OpenAI's edit `mask`). */
export type ParamType = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'stringList' | 'object' | 'objectList' | 'file';

export type InputCase = 'any' | 'withImages' | 'withoutImages';

/** What a field means across providers, so `size`, `n`, `duration`… find the model's own field whatever its name. */
export type ParamRole =
  'size' | 'count' | 'quality' | 'duration' | 'aspectRatio' | 'resolution' | 'mode' | 'style' | 'outputFormat' | 'negativePrompt' | 'seed';

export interface ParamSpec {
  /** The field name exactly as the provider spells it. */
  readonly name: string;
  readonly type: ParamType;
  readonly role?: ParamRole;
  /** Allowed values (enum), or example values when `complete` is false. */
  readonly values?: readonly (string | number)[];
  /** `values` is the provider's whole list: anything else is refused before sending. */
  readonly complete?: boolean;
  /** The provider's documented default, or the value Media Studio sends when none is chosen (then `defaultIsOurs`). */
  readonly default?: ParamValue;
  /** The default is Media Studio's choice, not the provider's: it is sent explicitly. */
  readonly defaultIsOurs?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly maxLength?: number;
  /** Operations the field applies to; absent: every operation the model has. */
  readonly operations?: readonly Operation[];
  readonly inputCase?: InputCase;
  /** Sent beside `input`, not inside it (Apixo's top-level `provider`). */
  readonly topLevel?: boolean;
  /** Shown under the panel's "Advanced" section rather than the main row. */
  readonly advanced?: boolean;
  /** One line about the field, from the provider's page. */
  readonly note?: string;
  /** Where the field and its limits are documented (a page of the provider's docs). */
  readonly source: string;
}

export type ReferenceTransport = 'files' | 'urls' | 'none';

export interface ReferenceSpec {
  readonly via: ReferenceTransport;
  /** The fewest images a request with images (or an edit) needs; absent: 1. */
  readonly min?: number;
  /** The most images the model takes; absent: not documented (nothing is refused for the count). */
  readonly max?: number;
  readonly source?: string;
}

export interface ModelSpec {
  readonly provider: string;
  readonly id: string;
  readonly kind: MediaKind;
  /** Shown beside the id in pickers when the id alone says nothing (PixAI's numeric version ids). */
  readonly label?: string;
  /** Other ids the provider serves this model under (Pixapi's `nano-banana` for gemini-2.5-flash-image). */
  readonly aliases?: readonly string[];
  readonly operations: readonly Operation[];
  readonly references: ReferenceSpec;
  /** Every field the model documents, by the provider's names; a field not here goes only through `extra`. */
  readonly params: readonly ParamSpec[];
  /** Named elsewhere (an SDK, an older API) but undocumented here: suggested for `extra`, refused as parameters. */
  readonly knownExtra?: readonly ParamSpec[];
  readonly maxPromptLength?: number;
  /** The model's rules, as sentences (shown in the panel, the README and the docs). */
  readonly rules?: readonly string[];
  /** False for a model the provider lists but does not document (a generic schema), or one typed by id. */
  readonly documented: boolean;
  readonly source: string;
}

export interface RequestFacts {
  readonly model: string;
  readonly operation: Operation;
  readonly params: Readonly<Record<string, ParamValue>>;
  readonly imageCount: number;
}

export interface ModelRules {
  /**
   * Fields the rule fills in from the situation (veo-3-1's generationType, kling-2-1's mode); the user's choice wins
   * unless it cannot apply.
   */
  derive?(facts: RequestFacts): Readonly<Record<string, ParamValue>>;
  /** Why the request breaks a rule of the model (after derive), or undefined. */
  check?(facts: RequestFacts): string | undefined;
}

/** What a price function answers: a range in USD (and credits where the provider bills credits), or unknown. */
export type CostEstimate =
  | {
    readonly unknown?: false;
    readonly lowUsd: number;
    /** Undefined: the provider documents a starting price only ("from 2.24 credits a second"). */
    readonly highUsd: number | undefined;
    readonly lowCredits?: number;
    readonly highCredits?: number;
    /** What the range is for ("2 images", "8 s"), and where the table is. */
    readonly basis: string;
    readonly source: string;
  }
  | {
    readonly unknown: true;
    /** Why (no table documented, or the request leaves a factor open such as the duration). */
    readonly reason: string;
    /** A per-unit range where one is documented but the count is not known. */
    readonly perSecondUsd?: { readonly low: number; readonly high: number | undefined };
  };

export interface PlanLimits {
  readonly requestsPerMinute: number;
  readonly concurrentTasks: number;
}

export interface ConcurrencySpec {
  /** Tasks one account may run at once, as documented; undefined: none documented (or per plan). */
  readonly maxActiveTasks?: number;
  /** Documented limits per plan (Apixo), by the plan's name; the first is the default. */
  readonly plans?: Readonly<Record<string, PlanLimits>>;
  /** Settings (under mediaStudio.) that tune these: the plan's name, or a cap lower than the documented one. */
  readonly settings: { readonly plan?: string; readonly maxActiveTasks?: string };
  readonly source?: string;
}

export interface ResultUrlSpec {
  /** How long a result URL lives after the task completes, where the provider states it. */
  readonly lifeMs?: number;
  /** A route that needs the provider's key: downloaded with it, never offered as a reference image. */
  readonly keyedRoute?: RegExp;
}

export interface Capabilities {
  readonly textToImage: boolean;
  readonly editWithFiles: boolean;
  readonly editWithUrls: boolean;
  readonly textToVideo: boolean;
  readonly imageToVideo: boolean;
  readonly cancel: boolean;
  readonly balance: boolean;
  /** A finished task reports what it cost (Pixapi's `credits_cost`). */
  readonly reportsTaskCost: boolean;
  readonly modelListing: boolean;
  /** A synchronous endpoint exists, chosen by this setting (under mediaStudio.). */
  readonly syncSetting?: string;
}

export interface ProviderSpec<Id extends string = string> {
  readonly id: Id;
  readonly label: string;
  readonly defaultBaseUrl: string;
  /** Where a person gets a key (a getter, so it is translated when read). */
  readonly keyHelp: string;
  readonly capabilities: Capabilities;
  readonly references: Readonly<Record<MediaKind, ReferenceTransport>>;
  readonly concurrency: ConcurrencySpec;
  readonly results: ResultUrlSpec;
  /** The documented models, in the order pickers offer them (each kind's first is its default). */
  readonly models: readonly ModelSpec[];
  /** The schema a model gets that the provider lists (or the user types) but does not document. */
  genericModel(id: string, kind: MediaKind): ModelSpec;
  readonly modelRules?: Readonly<Record<string, ModelRules>>;
  /** Field names that carry the request itself (prompt, model, references): never taken from params or extra. */
  readonly reservedFields: readonly string[];
  /** The model id in what the user typed (PixAI: a bare id or a model page URL); undefined if it cannot be one. */
  modelIdFrom?(input: string): string | undefined;
  readonly modelIdHint?: string;
  /** Price of the request from the provider's documented tables; `{ unknown: true }` where none is documented. */
  price(request: PricedRequest): CostEstimate;
}

export type PricedRequest = Pick<TaskRequest, 'provider' | 'model' | 'operation' | 'kind' | 'params'> & { readonly imageCount?: number };
