// Preloaded with NODE_OPTIONS="-r …/cpu-profile.cjs" into one service (NODE_OPTIONS does not
// accept --cpu-prof): profiles the whole life of the process and writes a .cpuprofile, readable
// in Chrome DevTools, to CPU_PROFILE_DIR when the process exits.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const inspector = require('node:inspector');

const dir = process.env.CPU_PROFILE_DIR;
if (dir) {
  const session = new inspector.Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 1000 });
  session.post('Profiler.start');
  // A main-thread session answers synchronously, so this works inside the synchronous 'exit' event.
  process.once('exit', () => {
    session.post('Profiler.stop', (err, res) => {
      if (err) return;
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${process.env.SERVICE_NAME ?? 'node'}-${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
