import { Hono } from 'hono';
import type { HonoEnv } from '../lib/hono-env';
import type { Access } from './access';

export const rightsRoutes = new Hono<HonoEnv>();

export const RIGHTS_ACCESS: Record<string, Access> = {};
