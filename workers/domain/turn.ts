/**
 * TURN REST credentials (draft-uberti-behave-turn-rest, as coturn's use-auth-secret and Cloudflare's TURN service
 * understand): the username carries the expiry, the password is HMAC-SHA-1 of it under the shared secret. Minted per
 * join, valid for the call window only; the relay sees DTLS-SRTP encrypted media and nothing else.
 */
export async function turnCredentials(secret: string, expiresAt: number, label: string) {
  const username = `${Math.floor(expiresAt / 1000)}:${label}`;
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-1' }, false, ['sign']);
  const signature = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(username)));
  let binary = '';
  for (const byte of signature) binary += String.fromCharCode(byte);
  return { username, credential: btoa(binary) };
}

export type IceServer = { urls: string[]; username?: string; credential?: string };

export async function iceServers(config: { stunUrls: string[]; turnUrls: string[]; turnSecret?: string | undefined }, expiresAt: number, label: string): Promise<IceServer[]> {
  const servers: IceServer[] = [];
  if (config.stunUrls.length) servers.push({ urls: config.stunUrls });
  if (config.turnUrls.length && config.turnSecret) servers.push({ urls: config.turnUrls, ...(await turnCredentials(config.turnSecret, expiresAt, label)) });
  return servers;
}
