import type { MiddlewareHandler } from 'hono';
import { NONCE, secureHeaders } from 'hono/secure-headers';

type SecureHeadersOptions = NonNullable<Parameters<typeof secureHeaders>[0]>;
import type { HonoEnv } from './hono-env';

const baseline: SecureHeadersOptions = {
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: [NONCE, "'strict-dynamic'"],
    styleSrc: ["'self'"],
    imgSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    objectSrc: ["'none'"],
  },
  strictTransportSecurity: 'max-age=63072000; includeSubDomains; preload',
  xContentTypeOptions: 'nosniff',
  referrerPolicy: 'no-referrer',
  xFrameOptions: 'DENY',
  crossOriginOpenerPolicy: 'same-origin',
  crossOriginResourcePolicy: 'same-origin',
};

const noDevices = secureHeaders({
  ...baseline,
  permissionsPolicy: { camera: [], microphone: [], geolocation: [], payment: [], usb: [], displayCapture: [] },
});

// Call pages are the only place that may use camera and microphone (issue: video consultation).
const callDevices = secureHeaders({
  ...baseline,
  permissionsPolicy: { camera: ['self'], microphone: ['self'], geolocation: [], payment: [], usb: [], displayCapture: [] },
});

export function isCallPage(path: string): boolean {
  return path === '/call' || path.startsWith('/call/');
}

export const securityHeaders: MiddlewareHandler<HonoEnv> = async (c, next) => {
  const handler = isCallPage(c.req.path) ? callDevices : noDevices;
  await handler(c, async () => {
    await next();
    // Personal pages must not be kept by shared caches or the back/forward cache of a shared computer.
    if (!c.res.headers.has('cache-control')) c.header('cache-control', 'no-store');
  });
};
