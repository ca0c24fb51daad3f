import { Hono } from 'hono';
import type { HonoEnv } from '../lib/hono-env';
import type { Access } from './access';

export const notesRoutes = new Hono<HonoEnv>();

export const NOTES_ACCESS: Record<string, Access> = {};
