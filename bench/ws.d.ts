/** The part of `ws` (it ships no types) that bench/profile-publish.ts uses. */
declare module 'ws' {
  export default class WebSocket {
    constructor(url: string);
    once(event: 'open', listener: () => void): this;
    once(event: 'error', listener: (error: Error) => void): this;
    on(event: 'message', listener: (data: Buffer) => void): this;
    send(data: string): void;
    close(): void;
  }
}
