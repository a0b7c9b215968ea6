#!/usr/bin/env python3
"""Kill -9 one node of a running cluster under a steady loopback load and report what clients saw.

Usage: failover.py --urls http://127.0.0.1:18080,http://127.0.0.1:18081,http://127.0.0.1:18082 --kill-pid PID [--seconds 20]
Sends completions (half streaming) round-robin over the node URLs at a fixed rate from several threads; at a third of
the run kills PID with SIGKILL. Prints counts by outcome (200, 5xx, 429, stream ended with an error event, stream hung),
and the gap between the kill and the first success of a request sent to a surviving node after it.
"""
import argparse, json, os, signal, statistics, threading, time, urllib.request, urllib.error

MAX_TOKENS = 48

def one(url, stream, timeout=30):
    body = json.dumps({"model": "stories", "prompt": "Once upon a time there was", "max_tokens": MAX_TOKENS,
                       "temperature": 0, "stream": stream}).encode()
    req = urllib.request.Request(url + "/v1/completions", data=body, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            data = r.read().decode()
            if stream:
                if '"replica_lost"' in data:
                    return "stream_error_event"
                return "200" if data.rstrip().endswith("data: [DONE]") else "stream_truncated"
            return "200"
    except urllib.error.HTTPError as e:
        return str(e.code)
    except Exception as e:  # connection refused to the dead node itself, timeouts (a hang)
        return "timeout" if "timed out" in str(e) else "refused"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--urls", required=True)
    ap.add_argument("--kill-pid", type=int, required=True)
    ap.add_argument("--kill-url", required=True, help="the URL of the node that is killed (not sent to after the kill)")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--rate", type=float, default=8, help="requests per second")
    ap.add_argument("--max-tokens", type=int, default=48)
    a = ap.parse_args()
    global MAX_TOKENS
    MAX_TOKENS = a.max_tokens
    urls = a.urls.split(",")
    results, lock = [], threading.Lock()
    start = time.time(); kill_at = start + a.seconds / 3; killed = [None]
    def worker(i, t0):
        url = urls[i % len(urls)]
        if killed[0] is not None and url == a.kill_url:
            url = urls[(i + 1) % len(urls)] if urls[(i + 1) % len(urls)] != a.kill_url else urls[(i + 2) % len(urls)]
        s = time.time(); outcome = one(url, stream=(i % 2 == 0)); e = time.time()
        with lock:
            results.append((s, e, url, i % 2 == 0, outcome))
    dead_at = [None]
    def watch():  # when does a survivor's status first list the killed node's silo as dead?
        while dead_at[0] is None and time.time() - start < a.seconds + 60:
            if killed[0] is not None:
                try:
                    survivor = urls[0] if urls[0] != a.kill_url else urls[1]
                    with urllib.request.urlopen(survivor + "/v1/strata/cluster", timeout=5) as r:
                        silos = json.loads(r.read())["silos"]
                        if any(s["status"] == "dead" for s in silos):
                            dead_at[0] = time.time()
                except Exception:
                    pass
            time.sleep(0.05)
    watcher = threading.Thread(target=watch); watcher.start()
    threads, i = [], 0
    while time.time() - start < a.seconds:
        if killed[0] is None and time.time() >= kill_at:
            os.kill(a.kill_pid, signal.SIGKILL); killed[0] = time.time()
        t = threading.Thread(target=worker, args=(i, time.time())); t.start(); threads.append(t); i += 1
        time.sleep(1 / a.rate)
    for t in threads: t.join()
    watcher.join()
    by = {}
    for _, _, _, _, o in results: by[o] = by.get(o, 0) + 1
    k = killed[0]
    after = [r for r in results if r[0] >= k and r[4] == "200"]
    first_ok = (min(r[1] for r in after) - k) if after else None  # the first request sent after the kill to finish, from the kill
    inflight = [r for r in results if r[0] < k < r[1]]
    print(json.dumps({"requests": len(results), "outcomes": by,
                      "in_flight_at_kill": len(inflight),
                      "in_flight_outcomes_entered_at_survivors": {o: sum(1 for r in inflight if r[4] == o and r[2] != a.kill_url) for o in set(r[4] for r in inflight)},
                      "in_flight_outcomes_entered_at_killed_node": {o: sum(1 for r in inflight if r[4] == o and r[2] == a.kill_url) for o in set(r[4] for r in inflight)},
                      "first_success_after_kill_s": round(first_ok, 3) if first_ok is not None else None,
                      "declared_dead_after_s": round(dead_at[0] - k, 3) if dead_at[0] else None,
                      "latency_p50_before_s": round(statistics.median([r[1] - r[0] for r in results if r[1] < k]), 3) if any(r[1] < k for r in results) else None,
                      "latency_p50_after_s": round(statistics.median([r[1] - r[0] for r in after]), 3) if after else None,
                      "failures_after_kill": sum(1 for r in results if r[0] >= k and r[4] not in ("200",))}, indent=1))

if __name__ == "__main__":
    main()
