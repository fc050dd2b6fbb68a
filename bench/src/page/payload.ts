/** The ~100-byte JSON event every throughput benchmark sends (`JSON.stringify` is 100 bytes). */
export const PAYLOAD = { text: 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor inc', n: 1 };

/** The text of the `chat` events the drivers push (with `n`, `from`, `room`, `at`: about 150 bytes). */
export const CHAT_TEXT = 'lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod';
