#!/usr/bin/env python3
"""Prefix-affinity routing against round robin (and least loaded) on three local `strata serve` nodes, in one run.

Usage: affinity.py --strata PATH_TO_strata --model FILE [--documents 8] [--rounds 6] [--concurrency 4] [--kv-budget-mib 3]
For each policy it starts three nodes (localhost membership) serving FILE as "m", sends every document's shared prefix
with a different question, rounds times, in a seeded shuffled order from several client threads spread over the three
nodes (streaming, so TTFT is the time to the first token event), samples the nodes' waiting queues every 50 ms, then
reads the prefix-cache hit blocks from `/v1/strata/cluster`. Prints one markdown row per policy.
"""
import argparse, json, os, random, signal, socket, statistics, subprocess, sys, tempfile, threading, time, urllib.request

def free_ports(n):
    socks = [socket.socket() for _ in range(n)]
    for s in socks: s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks: s.close()
    return ports

def get(url):
    with urllib.request.urlopen(url, timeout=10) as r: return json.loads(r.read())

def stream(url, prompt, max_tokens):
    body = json.dumps({"model": "m", "prompt": prompt, "max_tokens": max_tokens, "temperature": 0, "stream": True}).encode()
    req = urllib.request.Request(url + "/v1/completions", data=body, headers={"Content-Type": "application/json"})
    t0 = time.time(); ttft = None
    with urllib.request.urlopen(req, timeout=120) as r:
        for line in r:
            if ttft is None and line.startswith(b"data: {"):
                ttft = time.time() - t0
    return ttft

def run(policy, a, documents):
    http = free_ports(3); silo = free_ports(3)
    cfg = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({"kv_budget_mib": a.kv_budget_mib, "max_running": 4, "queue_capacity": 256}, cfg); cfg.close()
    procs = []
    for i in range(3):
        procs.append(subprocess.Popen([a.strata, "serve", "-m", "m=" + a.model, "--port", str(http[i]), "-t", "1", "--config", cfg.name,
            "--cluster-id", "aff" + str(silo[0]), "--silo-port", str(silo[i]), "--membership", f"localhost:{silo[0]}",
            "--routing", policy, "--load-bound", str(a.load_bound)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        time.sleep(0.5 if i == 0 else 0)
    urls = [f"http://127.0.0.1:{p}" for p in http]
    try:
        deadline = time.time() + 90
        while True:
            try:
                st = get(urls[0] + "/v1/strata/cluster")
                if st["models"] and len(st["models"][0]["replicas"]) == 3: break
            except Exception: pass
            if time.time() > deadline: raise SystemExit("cluster did not start")
            time.sleep(0.3)
        rng = random.Random(a.seed)
        jobs = [(d, r) for r in range(a.rounds) for d in range(len(documents))]
        rng.shuffle(jobs)
        ttfts, lock, spread, done = [], threading.Lock(), [], [False]
        def sampler():
            while not done[0]:
                try:
                    reps = get(urls[0] + "/v1/strata/cluster")["models"][0]["replicas"]
                    w = [r["waiting"] for r in reps]; spread.append(max(w) - min(w))
                except Exception: pass
                time.sleep(0.05)
        def worker(k):
            while True:
                with lock:
                    if not jobs: return
                    d, r = jobs.pop()
                t = stream(urls[(d + r) % 3], documents[d] + f" Question {r}: what happened next?", a.max_tokens)
                with lock: ttfts.append(t * 1000)
        s = threading.Thread(target=sampler); s.start()
        t0 = time.time()
        ws = [threading.Thread(target=worker, args=(k,)) for k in range(a.concurrency)]
        for w in ws: w.start()
        for w in ws: w.join()
        wall = time.time() - t0
        done[0] = True; s.join()
        time.sleep(0.5)
        reps = get(urls[0] + "/v1/strata/cluster")["models"][0]["replicas"]
        hits = sum(r["prefix_cache_hit_blocks"] for r in reps); looks = sum(r["prefix_cache_lookup_blocks"] for r in reps)
        routed = [r.get("routed", 0) for r in reps]
        q = sorted(ttfts)
        return {"policy": policy, "requests": len(q), "hit_blocks": hits, "lookup_blocks": looks,
                "ttft_p50": statistics.median(q), "ttft_p99": q[min(len(q) - 1, int(0.99 * len(q)))],
                "wall_s": wall, "max_waiting_spread": max(spread) if spread else 0, "routed": routed}
    finally:
        for p in procs: p.send_signal(signal.SIGTERM)
        for p in procs:
            try: p.wait(timeout=20)
            except subprocess.TimeoutExpired: p.kill()
        os.unlink(cfg.name)

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--strata", required=True); ap.add_argument("--model", required=True)
    ap.add_argument("--documents", type=int, default=8); ap.add_argument("--rounds", type=int, default=6)
    ap.add_argument("--concurrency", type=int, default=4); ap.add_argument("--max-tokens", type=int, default=8)
    ap.add_argument("--kv-budget-mib", type=int, default=3); ap.add_argument("--load-bound", type=int, default=4)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--policies", default="prefix_affinity,round_robin,least_loaded")
    a = ap.parse_args()
    words = "the little cat named Tom went to the park with Lily and Ben and they found a red ball under a big tree".split()
    documents = []
    for d in range(a.documents):
        r = random.Random(100 + d)
        documents.append(f"Document {d}. " + " ".join(r.choice(words) for _ in range(300)))
    print("| policy | requests | prefix-cache hit blocks / looked up | TTFT p50 ms | TTFT p99 ms | wall s | max waiting spread | routed per replica |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for policy in a.policies.split(","):
        r = run(policy, a, documents)
        print(f"| {r['policy']} | {r['requests']} | {r['hit_blocks']} / {r['lookup_blocks']} | {r['ttft_p50']:.1f} | {r['ttft_p99']:.1f} | "
              f"{r['wall_s']:.1f} | {r['max_waiting_spread']} | {r['routed']} |", flush=True)

if __name__ == "__main__":
    main()
