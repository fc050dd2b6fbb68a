import { el, setText } from './dom.js';

export interface MembersView {
  readonly element: HTMLElement;
  /** Nicks, a count (Socket.IO tells only how many), or undefined where the server has no presence. */
  set(members: readonly string[] | number | undefined): void;
}

/** Who is in the room. */
export function createMembersView(): MembersView {
  const list = el('ul', { class: 'members', testid: 'members', attrs: { 'aria-labelledby': 'people-title' } });
  const summary = el('p', { class: 'muted', testid: 'members-summary' });
  const element = el('section', { class: 'card people', attrs: { 'aria-labelledby': 'people-title' } }, [
    el('h2', { text: 'People here', attrs: { id: 'people-title' } }),
    summary,
    list,
  ]);
  return {
    element,
    set(members) {
      list.replaceChildren(...(Array.isArray(members) ? members : []).map((nick) => el('li', { text: nick, testid: 'member' })));
      setText(
        summary,
        members === undefined
          ? 'This server does not tell who is connected.'
          : typeof members === 'number'
            ? `${members} in the room when you joined (Socket.IO tells no names)`
            : `${members.length} in the room`,
      );
    },
  };
}
