import { Hono } from 'hono';
import type { HonoEnv } from '../lib/hono-env';
import type { Access } from './access';

export const exportRoutes = new Hono<HonoEnv>();

export const EXPORT_ACCESS: Record<string, Access> = {};
