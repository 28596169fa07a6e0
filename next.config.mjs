/** @type {import('next').NextConfig} */
const nextConfig = {
  // Tests and benchmarks build into their own folder so they never clobber a running demo.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  poweredByHeader: false,
  serverExternalPackages: ["mysql2", "ioredis", "pino"],
};

export default nextConfig;
