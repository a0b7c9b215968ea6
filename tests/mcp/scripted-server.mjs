// A scripted MCP server for Strata.Agents.Tests (stdio, newline-delimited JSON-RPC, no dependencies). Its tools:
// echo (answers with its arguments, the request's _meta, an environment variable and its working directory; its
// description counts the tools/list requests, so every listing changes it), fail (answers a JSON-RPC error) and
// exit (exits with code 3 without answering, after a line on stderr).
import { createInterface } from "node:readline";

let listings = 0;
const send = (message) => process.stdout.write(JSON.stringify({ jsonrpc: "2.0", ...message }) + "\n");
const object = (properties) => ({ type: "object", properties });

function tools() {
  listings += 1;
  return [
    { name: "echo", description: `Echoes its arguments (listing ${listings})`, inputSchema: object({ text: { type: "string" } }) },
    { name: "fail", description: "Answers with a JSON-RPC error", inputSchema: object({}) },
    { name: "exit", description: "Exits the server without answering", inputSchema: object({}) },
  ];
}

function call(id, params) {
  switch (params.name) {
    case "echo": {
      const echoed = { arguments: params.arguments, meta: params._meta, env: process.env.STRATA_SCRIPTED ?? null, cwd: process.cwd() };
      return send({ id, result: { content: [{ type: "text", text: JSON.stringify(echoed) }] } });
    }
    case "fail":
      return send({ id, error: { code: -32602, message: "scripted failure" } });
    case "exit":
      process.stderr.write("scripted server exiting\n");
      return process.exit(3);
    default:
      return send({ id, error: { code: -32602, message: `unknown tool ${params.name}` } });
  }
}

createInterface({ input: process.stdin }).on("line", (line) => {
  const { id, method, params } = JSON.parse(line);
  if (id === undefined) return; // a notification
  if (method === "initialize") {
    const result = { protocolVersion: params.protocolVersion, capabilities: { tools: {} }, serverInfo: { name: "scripted", version: "1.0.0" } };
    return send({ id, result });
  }
  if (method === "tools/list") return send({ id, result: { tools: tools() } });
  if (method === "tools/call") return call(id, params);
  if (method === "ping") return send({ id, result: {} });
  return send({ id, error: { code: -32601, message: `method not found: ${method}` } });
});
