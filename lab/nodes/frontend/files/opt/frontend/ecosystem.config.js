// PM2 application list for the frontend node. The app name "frontend" is
// what `pm2 list` shows.
module.exports = {
  apps: [
    {
      name: "frontend",
      script: "/opt/frontend/server.js",
      cwd: "/opt/frontend",
      instances: 1,
      autorestart: true,
      env: { HOST: "127.0.10.20", PORT: "3000", NODE_ENV: "production" },
    },
  ],
};
