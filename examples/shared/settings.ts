/** Where to connect and as whom: `?server=http://127.0.0.1:8080&room=lobby&nick=ada` (the harness's envelope chat on `/rt`). */
export interface Settings {
  server: string;
  room: string;
  nick: string;
}

export function readSettings(search: string): Settings {
  const params = new URLSearchParams(search);
  return {
    server: params.get('server') ?? 'http://127.0.0.1:8080',
    room: params.get('room') ?? 'lobby',
    nick: params.get('nick') ?? `guest-${Math.floor(Math.random() * 1000)}`,
  };
}
