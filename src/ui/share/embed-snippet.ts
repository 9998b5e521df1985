/** The `<iframe>` snippet that embeds the lab at a link; the title is escaped as an attribute. */
export function embedSnippet(url: string, title: string): string {
  const attr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<iframe src="${attr(url)}" title="${attr(`Handoff Lab: ${title}`)}" width="960" height="720" style="border:0" loading="lazy"></iframe>`;
}
