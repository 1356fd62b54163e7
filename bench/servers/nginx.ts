/** Debian nginx as the reference reverse proxy (and, with a mirror port, nginx's own `mirror`). */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { pinned } from './pinning.js'
import type { Started } from './started.js'

export async function runNginx (upstreamPort: number, port: number, mirrorPort?: number, cpus: string | null = null): Promise<Started> {
  const dir = mkdtempSync(path.join(tmpdir(), 'sg-bench-nginx-'))
  const mirror = mirrorPort === undefined
    ? ''
    : 'mirror /mirror; mirror_request_body on;'
  // The mirror keeps its connections alive too, as the gateway's shadow pool does: a fair peer.
  const mirrorUpstream = mirrorPort === undefined ? '' : `upstream mirrored { server 127.0.0.1:${mirrorPort}; keepalive 64; }`
  const mirrorLocation = mirrorPort === undefined
    ? ''
    : 'location = /mirror { internal; proxy_pass http://mirrored$request_uri; proxy_http_version 1.1; proxy_set_header Connection ""; }'
  writeFileSync(path.join(dir, 'nginx.conf'), `
worker_processes 1;
daemon off;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}; proxy_temp_path ${dir}; fastcgi_temp_path ${dir}; uwsgi_temp_path ${dir}; scgi_temp_path ${dir};
  upstream backend { server 127.0.0.1:${upstreamPort}; keepalive 64; }
  ${mirrorUpstream}
  server {
    listen 127.0.0.1:${port};
    location / { ${mirror} proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; }
    ${mirrorLocation}
  }
}`)
  // taskset's affinity is inherited by the master's one worker.
  const proc = spawn(...pinned(cpus, 'nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir]), { stdio: 'ignore' })
  await new Promise((resolve) => setTimeout(resolve, 500))
  const stop = (): void => {
    // Its config, pid file and temp paths go with it.
    proc.once('exit', () => rmSync(dir, { recursive: true, force: true }))
    proc.kill('SIGTERM')
  }
  return { port, url: `http://127.0.0.1:${port}`, proc, stop }
}
