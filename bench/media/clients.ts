import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { TransportInfo } from '../../media/types';

type Reply = { seq: number; ok: true; reply: unknown } | { seq: number; ok: false; error: string };

/** One clientHost child: the remote ends of a batch of transports, stopped once they are set up. */
export class ClientHost {
  readonly #child: ChildProcess;
  readonly #pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  #seq = 0;

  private constructor(child: ChildProcess) {
    this.#child = child;
    child.on('message', (message: Reply) => {
      const pending = this.#pending.get(message.seq);
      this.#pending.delete(message.seq);
      if (message.ok) pending?.resolve(message.reply);
      else pending?.reject(new Error(message.error));
    });
  }

  static async start(): Promise<ClientHost> {
    const child = fork(path.join(__dirname, 'clientHost.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    const host = new ClientHost(child);
    await new Promise<void>((resolve, reject) => {
      host.#pending.set(0, { resolve: () => resolve(), reject });
      child.once('exit', (code) => reject(new Error(`client host exited (${code})`)));
    });
    return host;
  }

  /** A UDP port in the child that receives (and, once stopped, drops) what a plain transport sends. */
  async sink(): Promise<number> {
    return ((await this.#request({ type: 'sink' })) as { port: number }).port;
  }

  /** ICE + DTLS with a WebRTC transport; `connect` hands the client's DTLS parameters to mediasoup. */
  async connect(transport: TransportInfo, connect: (dtlsParameters: { role: 'client'; fingerprints: Array<{ algorithm: 'sha-256'; value: string }> }) => Promise<void>): Promise<void> {
    const { fingerprint } = (await this.#request({ type: 'offer', transport })) as { fingerprint: string };
    await connect({ role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] });
    await this.#request({ type: 'answer', transportId: transport.id });
  }

  /** SIGSTOP: sockets stay bound, nothing runs. */
  freeze(): void {
    this.#child.kill('SIGSTOP');
  }

  kill(): void {
    this.#child.kill('SIGKILL');
  }

  #request(message: object): Promise<unknown> {
    const seq = ++this.#seq;
    return new Promise((resolve, reject) => {
      this.#pending.set(seq, { resolve, reject });
      this.#child.send({ ...message, seq });
    });
  }
}
