// A user's session with the published TypeScript SDK (npm `skytells`), checked step by step.
//
// Usage: SKYTELLS_TS_SDK=<folder with node_modules/skytells> SKYTELLS_BASE_URL=... SKYTELLS_API_KEY=...
//        node ts_scenario.mjs
// The last line printed is a JSON report {"<check>": {"ok": bool, "detail": ...}, ...}.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

// The package's ESM entry (its CommonJS build, dist/index.cjs, is not loadable by require()).
const pkgDir = join(process.env.SKYTELLS_TS_SDK, "node_modules", "skytells");
const pkg = JSON.parse(readFileSync(join(pkgDir, "package.json"), "utf8"));
const sdk = await import(pathToFileURL(join(pkgDir, pkg.exports["."].import)).href);
const base = process.env.SKYTELLS_BASE_URL;
const key = process.env.SKYTELLS_API_KEY;
const client = sdk.createClient(key, { baseUrl: base, timeout: 60000 });
const TERMINAL = ["succeeded", "failed", "cancelled"];

function expect(condition, what) {
  if (!condition) throw new Error(typeof what === "string" ? what : JSON.stringify(what));
}

async function errorOf(call) {
  try {
    await call();
  } catch (e) {
    if (e instanceof sdk.SkytellsError) return e;
    throw e;
  }
  throw new Error("no SkytellsError thrown");
}

async function waitDone(id) {
  for (let i = 0; i < 600; i++) {
    const p = await client.getPrediction(id);
    if (TERMINAL.includes(p.status)) return p;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("prediction did not finish");
}

const root = base.replace(/\/v1\/?$/, "");

async function addFault(rule) {
  const r = await fetch(`${root}/_emulator/faults`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(rule),
  });
  if (r.status !== 201) throw new Error(`fault rule refused: ${r.status} ${await r.text()}`);
}

const checks = {
  async predict_without_await() {
    const p = await client.predict({ model: "flux-pro", input: { prompt: "A lighthouse" } });
    expect(p.id && !TERMINAL.includes(p.status), p);
    const done = await waitDone(p.id);
    expect(done.status === "succeeded" && done.output, done);
    return { created: p.status, final: done.status };
  },
  async predict_with_await() {
    const p = await client.predict({ model: "flux-pro", input: { prompt: "A boat" }, await: true });
    expect(p.status === "succeeded" && p.output && p.metrics && p.urls.get.startsWith("http"), p);
    return { status: p.status, output: p.output };
  },
  async get_prediction() {
    const p = await client.predict({ model: "flux-pro", input: { prompt: "get" }, await: true });
    const again = await client.getPrediction(p.id);
    expect(again.id === p.id && again.status === "succeeded" && again.model.name === "flux-pro", again);
    return { id: again.id };
  },
  async list_models() {
    const models = await client.listModels();
    expect(Array.isArray(models) && models.length >= 30, models.length);
    const flux = models.find((m) => m.namespace === "flux-pro");
    expect(flux && flux.vendor && typeof flux.vendor.name === "string" && flux.type === "image", flux);
    return { count: models.length };
  },
  async stream_prediction() {
    const p = await client.predict({ model: "flux-pro", input: { prompt: "stream" }, stream: true });
    const info = await client.streamPrediction(p.id);
    expect(info.id === p.id && info.urls.stream.startsWith("http"), info);
    return { stream: info.urls.stream };
  },
  async cancel_prediction() {
    const p = await client.predict({ model: "mera", input: { prompt: "c", seconds: "8", size: "1280x720" } });
    const cancelled = await client.cancelPrediction(p.id);
    expect(cancelled.status === "cancelled", cancelled);
    return { status: cancelled.status };
  },
  async delete_prediction() {
    const p = await client.predict({ model: "flux-pro", input: { prompt: "delete" }, await: true });
    const deleted = await client.deletePrediction(p.id);
    expect(deleted.id === p.id, deleted);
    const gone = await errorOf(() => client.getPrediction(p.id));
    expect(gone.httpStatus === 404, { errorId: gone.errorId, httpStatus: gone.httpStatus });
    return { after: gone.errorId };
  },
  async error_bad_key() {
    const bad = sdk.createClient("not-a-valid-key", { baseUrl: base });
    const e = await errorOf(() => bad.predict({ model: "flux-pro", input: { prompt: "x" } }));
    expect(e.errorId === "UNAUTHORIZED" && e.httpStatus === 401, { errorId: e.errorId, httpStatus: e.httpStatus });
    expect(!`${e.message} ${JSON.stringify(e.details)}`.includes("not-a-valid-key"), "key echoed");
    return { message: e.message };
  },
  async error_unknown_model() {
    const e = await errorOf(() => client.predict({ model: "no-such-model-xyz", input: { prompt: "x" } }));
    expect(e.errorId === "MODEL_NOT_FOUND" && e.httpStatus === 404, { errorId: e.errorId, httpStatus: e.httpStatus });
    return { message: e.message };
  },
  async error_injected_503() {
    await addFault({ method: "GET", route: "/v1/models", first: 1, status: 503, error_id: "INFRASTRUCTURE_ERROR" });
    const e = await errorOf(() => client.listModels());
    expect(e.errorId === "INFRASTRUCTURE_ERROR" && e.httpStatus === 503, { errorId: e.errorId, httpStatus: e.httpStatus });
    expect((await client.listModels()).length >= 30, "the rule applies to the first request only");
    return { message: e.message };
  },
  async error_non_json_answer() {
    await addFault({ method: "GET", route: "/v1/models", first: 1, action: "non_json", status: 502 });
    const e = await errorOf(() => client.listModels());
    expect(e.errorId === "SERVER_ERROR" && e.httpStatus === 502, { errorId: e.errorId, httpStatus: e.httpStatus });
    return { message: e.message };
  },
};

const report = { _package: { version: pkg.version } };
for (const [name, fn] of Object.entries(checks)) {
  try {
    report[name] = { ok: true, detail: await fn() };
  } catch (e) {
    report[name] = { ok: false, detail: String(e && e.stack ? e.stack : e) };
  }
}
console.log(JSON.stringify(report));
