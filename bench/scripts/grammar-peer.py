# Constrained vs free decode on one OpenAI-compatible server (strata serve, or llama-server built apart in /tmp), same GGUF,
# same schema, timed by the client: aggregate tokens / wall time (prefill included). URL#completion drives llama-server's /completion.
# python3 grammar-peer.py URL MODEL SCHEMA N REPEATS CONCURRENCY
import json, sys, time, http.client, urllib.parse, threading
url, model, schema_file, n, reps, conc = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6])
schema = json.load(open(schema_file)); u = urllib.parse.urlparse(url)
def one(constrained, i, out):
    body = {"model": model, "messages": [{"role": "user", "content": f"Record {i}."}], "max_tokens": n, "temperature": 0.8, "seed": i + 1,
            "top_k": 0, "top_p": 1.0, "min_p": 0.0}
    if constrained:
        body["response_format"] = {"type": "json_schema", "json_schema": {"name": "s", "schema": schema, "strict": True}}
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=900)
    if u.fragment == "completion":  # llama-server's native endpoint (its chat path refuses schemas on template-less models)
        nb = {"prompt": f"<|im_start|>user\nRecord {i}.<|im_end|>\n<|im_start|>assistant\n", "n_predict": n, "temperature": 0.8, "seed": i + 1,
              "top_k": 0, "top_p": 1.0, "min_p": 0.0}
        if constrained: nb["json_schema"] = schema
        c.request("POST", "/completion", json.dumps(nb), {"Content-Type": "application/json"})
        r = c.getresponse(); data = r.read()
        if r.status != 200: print(f"{r.status} {data[:300]}", flush=True); return
        j = json.loads(data); out.append((j["tokens_predicted"], None)); return
    c.request("POST", "/v1/chat/completions", json.dumps(body), {"Content-Type": "application/json", "Authorization": "Bearer x"})
    r = c.getresponse(); data = r.read()
    if r.status != 200: print(f"{r.status} {data[:300]}", flush=True); return
    j = json.loads(data); out.append((j["usage"]["completion_tokens"], j.get("timings", {}).get("predicted_per_second")))
def batch(constrained, rep):
    out = []; ts = [threading.Thread(target=one, args=(constrained, rep * 100 + k, out)) for k in range(conc)]
    t0 = time.perf_counter(); [t.start() for t in ts]; [t.join() for t in ts]; dt = time.perf_counter() - t0
    toks = sum(o[0] for o in out); return toks / dt, toks
res = {False: [], True: []}
for rep in range(reps):
    for constrained in (False, True):
        rate, toks = batch(constrained, rep); res[constrained].append(rate)
        print(f"{'constrained' if constrained else 'free':11s} rep {rep}: {toks} tokens, {rate:.1f} tok/s (aggregate, {conc} concurrent, wall incl. prefill)", flush=True)
f = sorted(res[False])[len(res[False]) // 2]; c = sorted(res[True])[len(res[True]) // 2]
print(f"median free {f:.1f}, constrained {c:.1f}, ratio {c / f:.3f}")
