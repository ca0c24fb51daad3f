import { Hono } from 'hono';
import type { HonoEnv } from '../lib/hono-env';
import type { Access } from './access';

export const incidentsRoutes = new Hono<HonoEnv>();

export const INCIDENTS_ACCESS: Record<string, Access> = {};
