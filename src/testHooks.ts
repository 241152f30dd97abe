/**
 * Internals the integration tests reach in the running extension, exported as `testHooks` beside the API
 * only when VS Code runs the extension for tests (ExtensionMode.Test). Not part of MediaStudioApi.
 */
import type { LivePanelProbe } from './host/panel/panel';

export interface MediaStudioTestHooks {
  /** The open Media Studio panel's controller, as a probe; undefined while no panel is open. */
  livePanel(): LivePanelProbe | undefined;
}
