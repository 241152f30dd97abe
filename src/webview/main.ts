/**
 * The Media Studio panel's webview: compose a request, manage reference images, watch tasks and browse
 * results. It only renders what the host sends and sends typed requests back (rpc.ts); state that must
 * survive hiding or a reload (the compose area) is kept with getState/setState (state.ts). This module
 * loads the translations, builds the page and routes the host's messages to the sections.
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
import { renderTask } from './tasks';

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
      byId('task-list').replaceChildren();
      byId('gallery').replaceChildren();
      for (const task of message.tasks) tasks.set(task.id, task);
      for (const task of [...message.tasks].reverse()) renderTask(task.id);
      byId('no-tasks').hidden = tasks.size > 0;
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
      save({ provider: message.provider, model: message.model, otherModel: false, prompt: message.prompt, imageUrls: [...message.imageUrls], params: {} });
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
mountBatch();
renderReferences();
vscodeApi.postMessage({ type: 'ready' });
