/**
 * Chat over servers that only relay strings (a Lucee gateway, a CFML event-stream page): one line
 * per message, `nick: text`, readable by any other client of that server. A line without that shape
 * (sendGatewayMessage from a backend, a curl POST) is shown as coming from `server`.
 */
export function encodeLine(nick: string, text: string): string {
  return `${nick}: ${text}`;
}

export function decodeLine(data: unknown): { nick: string; text: string } {
  if (typeof data !== 'string') {
    const size = data instanceof ArrayBuffer ? data.byteLength : data instanceof Blob ? data.size : 0;
    return { nick: 'server', text: `[binary message, ${size} bytes]` };
  }
  const match = /^([^:\n]{1,32}): ([\s\S]*)$/.exec(data);
  return match ? { nick: match[1]!, text: match[2]! } : { nick: 'server', text: data };
}
