/**
 * The panel's webview: renders what the host sends and sends typed requests back (rpc.ts); the compose area survives
 * hiding and reloads through getState/setState (state.ts). This loads translations, builds the page, routes messages.
 */
import * as l10n from '@vscode/l10n';
import type { HostMessage } from '../core/panelProtocol';
import { batchReceive, mountBatch } from './batch';
import { loadModels, renderProviders, updateBalance } from './compose';
import { byId } from './dom';
import { layout } from './layout';
import { addReferences, renderReferences } from './references';
import { send, settleReply, vscodeApi } from './rpc';
import { panel, save, tasks } from './state';
import { setStatus } from './status';
import { mountTaskPaging, renderAllTasks, renderTask } from './tasks';

// The host embeds VS Code's translation bundle for the display language (none for English). No module
// translates at load time, so configuring here, before anything renders, is early enough.
const bundleText = document.getElementById('l10n-bundle')?.textContent;
if (bundleText) l10n.config({ contents: bundleText });

function receive(message: HostMessage): void {
  batchReceive(message);
  settleReply(message);
  switch (message.type) {
    case 'init':
      panel.providers = message.providers;
      if (!panel.initialised && !panel.restored) panel.compose = { ...panel.compose, provider: message.defaultProvider };
      panel.initialised = true;
      tasks.clear();
      for (const task of message.tasks) tasks.set(task.id, task);
      renderAllTasks();
      renderProviders();
      loadModels();
      // Saved references (a restored panel) are offered again: the host lets the webview load each one.
      if (panel.compose.references.length) send('dropReferences', { uris: panel.compose.references.map((r) => r.uri) });
      break;
    case 'task':
      tasks.set(message.task.id, message.task);
      renderTask(message.task.id);
      break;
    case 'taskRemoved':
      tasks.delete(message.id);
      renderTask(message.id);
      break;
    case 'balance':
      updateBalance(message.provider, message.balanceUsd);
      break;
    case 'addReferences':
      addReferences(message.references);
      break;
    case 'prefill':
      save({
        provider: message.provider,
        model: message.model,
        otherModel: false,
        prompt: message.prompt,
        imageUrls: [...message.imageUrls],
        params: {},
      });
      byId<HTMLTextAreaElement>('prompt').value = panel.compose.prompt;
      renderProviders();
      loadModels();
      setStatus(l10n.t('Ready to animate: check the prompt, then Generate.'));
      byId('prompt').focus();
      break;
    case 'error':
      setStatus(message.message, true);
      break;
    default:
      break; // replies: settled above, by the request they answer
  }
}

window.addEventListener('message', (event: MessageEvent<HostMessage>) => receive(event.data));

layout();
mountTaskPaging();
mountBatch();
renderReferences();
vscodeApi.postMessage({ type: 'ready' });
