import dgram from 'node:dgram';
import { RTCPeerConnection } from 'werift';
import { answerSdp, connected, offerFacts } from '../../media/testing/werift';
import type { TransportInfo } from '../../media/types';

/**
 * Child process of the consumers benchmark: it completes ICE + DTLS for WebRTC transports
 * (werift) and binds UDP sinks for plain ones, then the parent stops it (SIGSTOP). Its sockets
 * stay bound, so mediasoup keeps sending to live ports, while no JavaScript spends the CPU
 * the worker is measured against.
 */
type Request = { seq: number } & ({ type: 'sink' } | { type: 'offer'; transport: TransportInfo } | { type: 'answer'; transportId: string });

const peers = new Map<string, { pc: RTCPeerConnection; offer: string; pt: number; transport: TransportInfo }>();
const sinks: dgram.Socket[] = [];

async function handle(request: Request): Promise<unknown> {
  switch (request.type) {
    case 'sink': {
      const socket = dgram.createSocket('udp4');
      await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
      sinks.push(socket);
      return { port: socket.address().port };
    }
    case 'offer': {
      const pc = new RTCPeerConnection({});
      pc.addTransceiver('audio', { direction: 'recvonly' });
      await pc.setLocalDescription(await pc.createOffer());
      const offer = pc.localDescription?.sdp ?? '';
      const { pt, fingerprint } = offerFacts(offer);
      peers.set(request.transport.id, { pc, offer, pt, transport: request.transport });
      return { fingerprint };
    }
    case 'answer': {
      const peer = peers.get(request.transportId);
      if (!peer) throw new Error(`unknown transport ${request.transportId}`);
      await peer.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp(peer.offer, peer.transport, peer.pt, 'sendonly') });
      await connected(peer.pc);
      return {};
    }
  }
}

process.on('message', (request: Request) => {
  handle(request).then(
    (reply) => process.send?.({ seq: request.seq, ok: true, reply }),
    (error: Error) => process.send?.({ seq: request.seq, ok: false, error: error.message }),
  );
});
process.send?.({ seq: 0, ok: true, reply: 'ready' });
