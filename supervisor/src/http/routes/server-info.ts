import { totalmem } from 'node:os';
import type { Route } from '../http-types.js';
import { sendJson } from '../respond.js';

/** Uptime, idle time and this process's resources, in OpenHands' shape. */
export const serverInfoRoute: Route = {
  method: 'GET',
  path: '/server_info',
  public: true,
  handle({ res, supervisor }) {
    const now = Date.now();
    const memory = process.memoryUsage();
    const uptime = process.uptime();
    const cpu = process.cpuUsage();
    sendJson(res, 200, {
      uptime: (now - supervisor.startedAt) / 1000,
      idle_time: (now - supervisor.lastActionAt) / 1000,
      resources: {
        cpu_percent: uptime > 0 ? Math.round(((cpu.user + cpu.system) / 1e6 / uptime) * 1000) / 10 : 0,
        memory: { rss: memory.rss, heap_used: memory.heapUsed, percent: Math.round((memory.rss / totalmem()) * 10000) / 100 },
      },
      plugins: supervisor.plugins().map((p) => ({ name: p.name, state: p.state, pid: p.pid })),
    });
  },
};
