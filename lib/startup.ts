import { env, EnvError } from "@/lib/env";

// A bad configuration stops the process with one clear line instead of failing on first request.
try {
  env();
} catch (e) {
  if (!(e instanceof EnvError)) throw e;
  console.error(e.message);
  process.exit(1);
}
