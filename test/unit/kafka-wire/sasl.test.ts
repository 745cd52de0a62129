import { KafkaAuthenticationError } from '../../../shared/kafka/wire/index.ts';
import { authenticateSasl, scramClientFinal, scramClientFirst, scramVerifyServerFinal, type SaslRound } from '../../../shared/kafka/wire/sasl.ts';

// RFC 7677 §3: the SCRAM-SHA-256 example exchange.
// https://www.rfc-editor.org/rfc/rfc7677#section-3
const RFC = {
  clientNonce: 'rOprNGfwEbeRWgbNEkqO',
  serverFirst: 'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
  clientFinal: 'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
  serverFinal: 'v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=',
};

/** A server that answers each round with the next scripted message and records what it got. */
function script(...answers: string[]): { round: SaslRound; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    round: async (bytes) => {
      sent.push(bytes.toString('latin1'));
      const answer = answers.shift();
      if (answer === undefined) throw new KafkaAuthenticationError('no more rounds scripted');
      return Buffer.from(answer);
    },
  };
}

describe('SASL mechanisms', () => {
  it('computes the RFC 7677 SCRAM-SHA-256 client-final message and server signature', async () => {
    const first = scramClientFirst('user', RFC.clientNonce);
    expect(first).toEqual({ message: 'n,,n=user,r=rOprNGfwEbeRWgbNEkqO', bare: 'n=user,r=rOprNGfwEbeRWgbNEkqO' });
    const final = await scramClientFinal({ mechanism: 'SCRAM-SHA-256', password: 'pencil', clientFirstBare: first.bare, clientNonce: RFC.clientNonce, serverFirst: RFC.serverFirst });
    expect(final.message).toBe(RFC.clientFinal);
    expect(`v=${final.serverSignature.toString('base64')}`).toBe(RFC.serverFinal);
    expect(() => scramVerifyServerFinal(RFC.serverFinal, final.serverSignature)).not.toThrow();
  });

  it('runs the whole RFC 7677 exchange with an injected nonce', async () => {
    const server = script(RFC.serverFirst, RFC.serverFinal);
    await authenticateSasl({ mechanism: 'SCRAM-SHA-256', username: 'user', password: 'pencil' }, server.round, () => RFC.clientNonce);
    expect(server.sent).toEqual(['n,,n=user,r=rOprNGfwEbeRWgbNEkqO', RFC.clientFinal]);
  });

  it('fails when the server signature is wrong (the server does not know the password)', async () => {
    // Shares its first 16 bytes with the RFC's signature: the whole signature is compared.
    const forged = 'v=6rriTRBi23WpRR/wtup+mMhK1rSCHmMmjTrCMd6cRs4=';
    const server = script(RFC.serverFirst, forged);
    const attempt = authenticateSasl({ mechanism: 'SCRAM-SHA-256', username: 'user', password: 'pencil' }, server.round, () => RFC.clientNonce);
    await expect(attempt).rejects.toThrow(KafkaAuthenticationError);
    await expect(authenticateSasl({ mechanism: 'SCRAM-SHA-256', username: 'user', password: 'pencil' }, script(RFC.serverFirst, forged).round, () => RFC.clientNonce)).rejects.toThrow(/server signature is wrong/);
  });

  it('fails when the server signature was made for another password', async () => {
    const first = scramClientFirst('user', RFC.clientNonce);
    const other = await scramClientFinal({ mechanism: 'SCRAM-SHA-256', password: 'pen', clientFirstBare: first.bare, clientNonce: RFC.clientNonce, serverFirst: RFC.serverFirst });
    expect(() => scramVerifyServerFinal(RFC.serverFinal, other.serverSignature)).toThrow(/server signature is wrong/);
  });

  it('reports a server-final error attribute', () => {
    expect(() => scramVerifyServerFinal('e=invalid-proof', Buffer.alloc(32))).toThrow(/invalid-proof/);
  });

  it('rejects fewer than 4096 iterations, a nonce that does not extend ours, and a missing salt', async () => {
    const input = { mechanism: 'SCRAM-SHA-512' as const, password: 'p', clientFirstBare: 'n=u,r=abc', clientNonce: 'abc' };
    await expect(scramClientFinal({ ...input, serverFirst: 'r=abcdef,s=c2FsdA==,i=4095' })).rejects.toThrow(/at least 4096/);
    await expect(scramClientFinal({ ...input, serverFirst: 'r=xyzdef,s=c2FsdA==,i=4096' })).rejects.toThrow(/nonce/);
    await expect(scramClientFinal({ ...input, serverFirst: 'r=abc,s=c2FsdA==,i=4096' })).rejects.toThrow(/nonce/);
    await expect(scramClientFinal({ ...input, serverFirst: 'r=abcdef,i=4096' })).rejects.toThrow(/salt/);
    await expect(scramClientFinal({ ...input, serverFirst: 'r=abcdef,s=c2FsdA==,i=4096' })).resolves.toMatchObject({ message: expect.stringMatching(/^c=biws,r=abcdef,p=/) });
  });

  it('produces a SCRAM-SHA-512 proof of 64 bytes', async () => {
    const final = await scramClientFinal({ mechanism: 'SCRAM-SHA-512', password: 'p', clientFirstBare: 'n=u,r=abc', clientNonce: 'abc', serverFirst: 'r=abcdef,s=c2FsdA==,i=4096' });
    expect(Buffer.from(final.message.split(',p=')[1]!, 'base64')).toHaveLength(64);
    expect(final.serverSignature).toHaveLength(64);
  });

  it('escapes = and , in the SCRAM user name (every occurrence)', () => {
    expect(scramClientFirst('a=b,c,d=', 'n').bare).toBe('n=a=3Db=2Cc=2Cd=3D,r=n');
  });

  it('sends PLAIN credentials as NUL user NUL password in one round', async () => {
    const server = script('');
    await authenticateSasl({ mechanism: 'PLAIN', username: 'alice', password: 's3cret' }, server.round);
    expect(server.sent).toEqual(['\0alice\0s3cret']);
  });

  it('sends an OAUTHBEARER initial response with the token', async () => {
    const server = script('');
    await authenticateSasl({ mechanism: 'OAUTHBEARER', token: async () => 'tok.en' }, server.round);
    expect(server.sent).toEqual(['n,,\x01auth=Bearer tok.en\x01\x01']);
  });

  it('answers an OAUTHBEARER error challenge with %x01 and fails with the challenge', async () => {
    const server = script('{"status":"invalid_token"}', '');
    const attempt = authenticateSasl({ mechanism: 'OAUTHBEARER', token: async () => 'bad' }, server.round);
    await expect(attempt).rejects.toThrow(/invalid_token/);
    expect(server.sent).toEqual(['n,,\x01auth=Bearer bad\x01\x01', '\x01']);
  });

  it('makes a fresh nonce for each exchange by default', async () => {
    const a = script('e=stop');
    const b = script('e=stop');
    await expect(authenticateSasl({ mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' }, a.round)).rejects.toThrow(/stop/);
    await expect(authenticateSasl({ mechanism: 'SCRAM-SHA-512', username: 'u', password: 'p' }, b.round)).rejects.toThrow(/stop/);
    expect(a.sent[0]).toMatch(/^n,,n=u,r=[A-Za-z0-9_-]{32}$/);
    expect(a.sent[0]).not.toBe(b.sent[0]);
  });
});
