import { createApp } from './app';
import { runMaintenance } from './services/maintenance';
import { createDeps } from './lib/deps';

export { CallRoom } from './rooms/call-room';

const app = createApp();

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(createDeps(env).then(runMaintenance));
  },
} satisfies ExportedHandler<Env>;
