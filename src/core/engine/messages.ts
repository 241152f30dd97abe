/** Every message the engine puts on a task or in an error for the user to read, in one place (translated). */
import * as l10n from '@vscode/l10n';
import { PROVIDERS, type ProviderId } from '../providers';
import type { MediaKind } from '../task';

const label = (provider: ProviderId) => PROVIDERS[provider].label;

export const messages = {
  emptyPrompt: () => l10n.t('The prompt is empty. Describe what to generate.'),
  chooseModel: () => l10n.t('Choose a model.'),
  promptTooLong: (length: number, model: string, limit: number) =>
    l10n.t(
      'The prompt is {0} characters long; {1} takes at most {2}. Shorten it.',
      length.toLocaleString('en-US'),
      model,
      limit.toLocaleString('en-US'),
    ),
  noKeySet: (provider: ProviderId) => l10n.t('No {0} API key is set. Run "Media Studio: Set API Key" first.', label(provider)),
  noSupport: (provider: string) => l10n.t('Media Studio has no support for the provider "{0}".', provider),
  taskGone: () => l10n.t('That task no longer exists.'),
  closedMidSubmit: (provider: ProviderId) =>
    l10n.t(
      'The window closed while this task was being sent; {0} may or may not have it. Check your provider dashboard, then Retry or Remove.',
      label(provider),
    ),
  cancelledBeforeSent: () => l10n.t('Cancelled before it was sent.'),
  stoppedTracking: () => l10n.t('Stopped tracking.'),
  cancelledAt: (provider: ProviderId) => l10n.t('Cancelled at {0}.', label(provider)),
  stoppedTrackingMayCharge: (provider: ProviderId) =>
    l10n.t('Stopped tracking. {0} cannot cancel it, so it may still finish and be charged.', label(provider)),
  waitingForKey: (provider: ProviderId) => l10n.t('Waiting for a {0} API key.', label(provider)),
  neverReachedGaveUp: (reason: string, tries: number) =>
    l10n.t('{0} Tried {1} times; nothing was sent. Retry when the connection is back.', reason, tries),
  nothingSent: (reason: string) => l10n.t('Nothing was sent: {0}', reason),
  mayHaveReached: (reason: string, provider: ProviderId) =>
    l10n.t(
      '{0} The task may have reached {1}; Media Studio will not send it again by itself. Check your dashboard, then Retry or Remove.',
      reason,
      label(provider),
    ),
  noKeyToCheck: (provider: ProviderId) => l10n.t('No {0} API key: set one to keep checking this task.', label(provider)),
  notFoundForGood: (reason: string) => l10n.t('{0} Its status checks answered 404 for several minutes.', reason),
  checkRefused: (reason: string, provider: ProviderId) =>
    l10n.t('{0} Checking on now and then, as the task may still finish at {1}.', reason, label(provider)),
  stillNoAnswerBecause: (reason: string) => l10n.t('{0} Still no answer after the usual time; use Refresh to check again.', reason),
  stillNoAnswer: (reason: string | undefined) =>
    reason ? messages.stillNoAnswerBecause(reason) : l10n.t('Still no answer after the usual time; use Refresh to check again.'),
  retrying: (reason: string) => l10n.t('{0} Retrying.', reason),
  noResultInTime: (kind: MediaKind) =>
    kind === 'video'
      ? l10n.t('No result after the usual time for a video. Use Refresh to check again.')
      : l10n.t('No result after the usual time for an image. Use Refresh to check again.'),
};
