import { createApp } from '../../workers/app';
import { accessTable } from '../../workers/lib/route';

// The route registry the app is built from: every declared route with its access rule. Tests that are generated from
// the route table read it here.

export const ROUTES = createApp().registry;
export const ROUTE_ACCESS = accessTable(ROUTES);
