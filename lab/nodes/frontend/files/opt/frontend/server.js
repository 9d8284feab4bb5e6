// The lab's stand-in for the MBPanel frontend: a plain Node HTTP server that
// PM2 runs and nginx proxies to. It returns one small HTML page for every GET.
"use strict";

const http = require("node:http");

const host = process.env.HOST || "127.0.10.20";
const port = Number(process.env.PORT || 3000);

const page = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>MBPanel</title></head>
<body><h1>MBPanel</h1><p>Reference lab frontend.</p></body>
</html>
`;

const server = http.createServer((request, response) => {
  if (request.method !== "GET" && request.method !== "HEAD") {
    response.writeHead(405, { Allow: "GET, HEAD" });
    response.end();
    return;
  }
  response.writeHead(200, {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Length": Buffer.byteLength(page),
  });
  response.end(request.method === "HEAD" ? undefined : page);
});

server.listen(port, host, () => {
  console.log(`frontend listening on http://${host}:${port}`);
});
