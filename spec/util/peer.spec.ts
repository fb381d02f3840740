import { status } from '@grpc/grpc-js';
import { GrpcStatus } from '../../src/sources/streaming/peers.js';
import { installCommand, loadPeer, loadPeers, MissingPeerError, missingPeers } from '../../src/util/peer.js';

describe('optional peer packages', () => {
  it('loads a present package as its module', async () => {
    const grpc = await loadPeer<typeof import('@grpc/grpc-js')>('@grpc/grpc-js', 'The test feature');
    expect(typeof grpc.Metadata).toBe('function');
    const [loader, avro] = await loadPeers<[typeof import('@grpc/proto-loader'), typeof import('avsc')]>(
      ['@grpc/proto-loader', 'avsc'], 'The test feature');
    expect(typeof loader.fromJSON).toBe('function');
    expect(avro.Type.forSchema('int').toBuffer(7)).toEqual(Buffer.from([14]));
  });

  it('names every missing package of a feature, and the one command that installs them', async () => {
    const err = await loadPeers(['rxforce-no-such-a', 'avsc', '@rxforce-none/such-b'], 'The test feature')
      .then(() => undefined, (e: unknown) => e);
    expect(err).toEqual(jasmine.any(MissingPeerError));
    const e = err as MissingPeerError;
    expect(e.message).toBe('The test feature needs the packages rxforce-no-such-a and @rxforce-none/such-b: '
      + 'npm install rxforce-no-such-a @rxforce-none/such-b');
    expect(e.packageNames).toEqual(['rxforce-no-such-a', '@rxforce-none/such-b']);
    expect(e.packageName).toBe('rxforce-no-such-a');
    expect(e.feature).toBe('The test feature');
    await expectAsync(loadPeer('rxforce-no-such-a', 'The test feature'))
      .toBeRejectedWithError(MissingPeerError, 'The test feature needs the rxforce-no-such-a package: npm install rxforce-no-such-a');
  });

  it('tells which packages are missing without failing', async () => {
    expect(await missingPeers(['@grpc/grpc-js', 'rxforce-no-such-a', 'selfsigned'])).toEqual(['rxforce-no-such-a']);
    expect(await missingPeers(['@grpc/grpc-js', 'avsc'])).toEqual([]);
    expect(installCommand(['a', '@b/c'])).toBe('npm install a @b/c');
  });

  it('classifies gRPC errors with the protocol status codes @grpc/grpc-js uses, without loading it', () => {
    for (const [name, code] of Object.entries(GrpcStatus)) {
      expect(status[name as keyof typeof status]).withContext(name).toBe(code);
    }
  });
});
