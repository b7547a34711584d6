import dgram from 'node:dgram';

/**
 * Two free adjacent UDP ports (even RTP port, RTCP = RTP + 1) on `ip`, found by binding and
 * releasing them. Whoever binds next may take one first; the caller retries when its receiver
 * fails to bind.
 */
export async function freeUdpPair(ip: string, attempts = 20): Promise<{ rtpPort: number; rtcpPort: number }> {
  for (let i = 0; i < attempts; i++) {
    const first = await bind(ip, 0);
    if (!first) continue;
    const port = first.address().port;
    const rtpPort = port % 2 === 0 ? port : port - 1;
    const other = await bind(ip, port % 2 === 0 ? port + 1 : port - 1);
    first.close();
    other?.close();
    if (other && rtpPort > 1024) return { rtpPort, rtcpPort: rtpPort + 1 };
  }
  throw new Error(`no free UDP port pair on ${ip}`);
}

/** Whether something (our receiver) holds `port`: a bind of it is refused. */
export async function isUdpPortTaken(ip: string, port: number): Promise<boolean> {
  const socket = await bind(ip, port);
  socket?.close();
  return socket === undefined;
}

function bind(ip: string, port: number): Promise<dgram.Socket | undefined> {
  return new Promise((resolve) => {
    const socket = dgram.createSocket(ip.includes(':') ? 'udp6' : 'udp4');
    socket.once('error', () => {
      try {
        socket.close();
      } catch {
        // Never bound: nothing to close.
      }
      resolve(undefined);
    });
    socket.bind(port, ip, () => resolve(socket));
  });
}

/**
 * Sends an RTCP BYE for `ssrc` to a receiver on loopback (ffmpeg ends its RTP input on it). A
 * compound packet, as RTCP must be: an empty receiver report, then the BYE (ffmpeg also drops
 * RTCP shorter than 12 bytes).
 */
export async function sendBye(port: number, ssrc: number, ip = '127.0.0.1'): Promise<void> {
  const packet = Buffer.alloc(16);
  packet.writeUInt8(0x80, 0); // version 2, no report blocks
  packet.writeUInt8(201, 1); // RR
  packet.writeUInt16BE(1, 2); // length in 32-bit words minus one
  packet.writeUInt32BE(ssrc >>> 0, 4);
  packet.writeUInt8(0x81, 8); // version 2, one source
  packet.writeUInt8(203, 9); // BYE
  packet.writeUInt16BE(1, 10);
  packet.writeUInt32BE(ssrc >>> 0, 12);
  const socket = dgram.createSocket(ip.includes(':') ? 'udp6' : 'udp4');
  try {
    await new Promise<void>((resolve, reject) => socket.send(packet, port, ip, (error) => (error ? reject(error) : resolve())));
  } finally {
    socket.close();
  }
}
