import { Hono } from 'hono';
import { CALL_SCRIPT } from '../../web/client/call-script';
import { CALL_STYLESHEET } from '../../web/client/call-styles';
import type { HonoEnv } from '../lib/hono-env';
import type { Access } from './access';

/** The call page's browser module and stylesheet: static text, the same for everyone. */
export const callStatic = new Hono<HonoEnv>();

export const CALL_STATIC_ACCESS: Record<string, Access> = {
  'GET /static/call.js': 'public',
  'GET /static/call.css': 'public',
};

// no-cache, as for the notes script: a deployment must never leave a page with last week's signaling code.
callStatic.get('/static/call.js', (c) => c.body(CALL_SCRIPT, 200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' }));
callStatic.get('/static/call.css', (c) => c.body(CALL_STYLESHEET, 200, { 'content-type': 'text/css; charset=utf-8', 'cache-control': 'no-cache' }));
