// Copying text: the Clipboard API, or a selected textarea and execCommand
// where the API is missing or refused (a page served over plain HTTP).

import { h } from './dom.js';

/** copyText puts text on the clipboard and says whether it worked. */
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    const area = h('textarea', { readonly: true, class: 'sr-only', '.value': text });
    const focused = document.activeElement;
    document.body.append(area);
    area.focus();
    area.select();
    const ok = execCopy();
    area.remove();
    if (focused instanceof HTMLElement) focused.focus();
    return ok;
  }
}

// execCopy copies the selection; false when the browser refuses.
function execCopy() {
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  }
}
