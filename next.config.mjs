/** @type {import('next').NextConfig} */
const nextConfig = {
  poweredByHeader: false,
  serverExternalPackages: ["mysql2", "ioredis", "pino"],
};

export default nextConfig;
