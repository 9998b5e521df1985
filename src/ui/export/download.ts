/** Saving a file from the page (DOM): an object URL on a temporary link, clicked. */

/** How long the object URL lives after the click: the browser reads it asynchronously, so it cannot be revoked at once. */
const REVOKE_AFTER_MS = 30_000;

/** Save `data` as a file called `name`. */
export function download(name: string, data: string | Uint8Array | Blob, mime: string): void {
  // A Uint8Array may view a shared or larger buffer; a copy gives the Blob exactly its bytes.
  const blob = data instanceof Blob ? data : new Blob([typeof data === 'string' ? data : new Uint8Array(data)], { type: mime });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), REVOKE_AFTER_MS);
}
