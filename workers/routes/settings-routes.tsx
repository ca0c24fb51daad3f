import { Hono } from 'hono';
import type { HonoEnv } from '../lib/hono-env';
import type { Access } from './access';

export const settingsRoutes = new Hono<HonoEnv>();

export const SETTINGS_ACCESS: Record<string, Access> = {};
