import { ACTORS } from '../actors';
import { quietDependencyWarnings } from '../config/runtime';
import { runCli } from '../jobs/cli';

// `npm run jobs`: the jobs CLI with the actors it may host itself on embedded defaults, where no
// running node can be reached (jobs/ stands above the actors and imports none of them).
quietDependencyWarnings();
runCli(process.argv.slice(2), { out: process.stdout, err: process.stderr }, { tenant: ACTORS.tenant }).then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`jobs failed: ${error.message}\n`);
    process.exit(1);
  },
);
