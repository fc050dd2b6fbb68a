/**
 * A tiny element builder. Text goes in through `textContent` only: nothing the server or another user
 * sends is ever parsed as HTML.
 */
export interface ElementSpec {
  class?: string;
  text?: string;
  /** `data-testid`, the handle the Playwright specs use. */
  testid?: string;
  attrs?: Record<string, string>;
}

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  spec: ElementSpec = {},
  children: readonly (Node | string)[] = [],
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (spec.class) node.className = spec.class;
  if (spec.text !== undefined) node.textContent = spec.text;
  if (spec.testid) node.dataset.testid = spec.testid;
  for (const [name, value] of Object.entries(spec.attrs ?? {})) node.setAttribute(name, value);
  // Strings become text nodes, never markup.
  node.append(...children);
  return node;
}

/** Sets the text of `node` only when it changed (keeps screen readers and layout quiet). */
export function setText(node: Node, text: string): void {
  if (node.textContent !== text) node.textContent = text;
}

/** A clock time, e.g. `14:05:09`. */
export function clockTime(at: number): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}
