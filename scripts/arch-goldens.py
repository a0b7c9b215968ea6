#!/usr/bin/env python3
"""Writes the llama.cpp goldens the architecture tests compare Strata against.

For every case of CASES it writes a random-weight F32 model with `strata synth` (the same file
ArchitectureGolden.WriteModel regenerates), serves it with llama.cpp's llama-server (F32 weights, F32 KV cache,
flash attention off, one slot, two threads), POSTs the prompt as token ids to /completion with greedy sampling,
ignore_eos and n_probs = the vocabulary size, and writes tests/Strata.Engine.Tests/Architectures/data/<case>.json:

  first_step_logprobs  log-softmax of llama.cpp's logits after the whole prompt, indexed by token id (the server's
                       top_logprobs of the first generated token, taken before sampling: post_sampling_probs false)
  greedy_ids           the 32 tokens greedy decoding generates
  greedy_top_gaps      at each of those steps, the log-probability margin of the chosen token over the runner-up
                       (how far a reimplementation's logits may drift before its greedy ids can differ; a prompt
                       whose run has a margin under MIN_GAP is replaced by the next candidate prompt)

together with the synth arguments, the prompt ids, the SHA-256 of the model file, the llama.cpp commit and the
exact server command and request. The logits are these log-probabilities plus one constant per step.

Usage (from the repository root; python3 standard library only):
    python3 scripts/arch-goldens.py [--strata PATH] [--llama-bin DIR] [--cases a,b,...] [--keep DIR]
LLAMA_BIN (default /tmp/llama-new/build/bin) names the folder holding llama-server; STRATA_BIN a built strata
binary (default: `dotnet run --project src/Strata.Cli -c Release --`).
"""

import argparse
import hashlib
import json
import math
import os
import shlex
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

DATA = os.path.join("tests", "Strata.Engine.Tests", "Architectures", "data")
LLAMA_CPP_COMMIT = "3f545becc"
SEED = 1
N_PREDICT = 32
CONTEXT = 512

# BOS, then nine ordinary ids (the synthetic vocabulary: 0 <unk>, 1 <s>, 2 </s>, 3-258 bytes, 259.. words).
PROMPT_IDS = [1, 1037, 263, 1711, 440, 1562, 309, 1999, 777, 1290]
# llama-server parses every completion as UTF-8 text and answers 500 when greedy decoding emits a byte token that
# leaves malformed UTF-8 (ids 131-258 are the bytes 0x80-0xFF). The random models do that now and then, so a case
# whose greedy run hits one moves on to the next of these prompts (the golden records the prompt it used).
# A prompt whose greedy run passes a near-tie (the chosen token less than MIN_GAP above the runner-up, in
# log-probability) is skipped too: a reimplementation's greedy ids should not hinge on rounding.
MAX_PROMPTS = 40
MIN_GAP = 0.02

# name, arch, shape, note (what the case exercises and what llama.cpp does with it).
CASES = [
    ("llama", "llama",
     "d=256,layers=4,heads=8,kv-heads=2,ffn=768,vocab=4096",
     "plain Llama: GQA 8/2, RoPE theta 10000 (NORM rope: adjacent pairs)"),
    ("llama-rope-llama3", "llama",
     "d=256,layers=4,heads=4,kv-heads=2,ffn=768,vocab=4096,rope-base=500000,rope-scaling=llama3,rope-factor=32,rope-orig-ctx=256",
     "Llama 3 scaling (factor 32, low/high frequency factors 1/4) with the original context lowered to 256 so that the "
     "smoothed band (wavelengths 64-256) turns within the 42 positions; rope_freqs.weight divides each frequency"),
    ("llama-rope-linear", "llama",
     "d=256,layers=4,heads=8,kv-heads=2,ffn=768,vocab=4096,rope-scaling=linear,rope-factor=4",
     "linear scaling: llama.cpp's freq_scale = 1/4 (positions divided by 4)"),
    ("llama-rope-yarn", "llama",
     "d=256,layers=4,heads=8,kv-heads=2,ffn=768,vocab=4096,ctx=1024,rope-scaling=yarn,rope-factor=4,rope-orig-ctx=256",
     "YaRN: freq_scale 1/4, ext_factor 1, beta_fast 32 / beta_slow 1 over n_ctx_orig 256; llama-context.cpp sets "
     "attn_factor = (1 + 0.1 ln 4) / (1 + 0.1 ln 4) = 1 and ggml's rope_yarn multiplies it by 1 + 0.1 ln 4 again, so "
     "cos/sin are scaled by 1.1386"),
    ("qwen2", "qwen2",
     "d=256,layers=4,heads=8,kv-heads=2,ffn=768,vocab=4096",
     "Qwen 2: q/k/v biases, RoPE theta 1e6 (NEOX rope: halves), eps 1e-6"),
    ("qwen3", "qwen3",
     "d=256,layers=4,heads=4,kv-heads=2,head-dim=128,ffn=768,vocab=4096",
     "Qwen 3: head width 128 != d/heads = 64 (attention.key_length), per-head q/k RMS norms before RoPE, NEOX rope"),
    ("gemma2", "gemma2",
     "d=256,layers=4,heads=4,kv-heads=2,head-dim=128,ffn=768,vocab=4096,window=8,softcap-attn=10,softcap-final=15",
     "Gemma 2: embeddings scaled by sqrt(256) = 16; layers 0 and 2 see a window of 8 (a query attends to itself and "
     "the 7 before it; the 42 positions cross it), 1 and 3 everything; queries scaled by 1/sqrt(head width 128) "
     "(gemma2.cpp; 1/sqrt(d/heads) only for the 46-layer 27B); soft-caps lowered from 50/30 to 10/15 so that both bite; "
     "GELU (tanh) FFN; sandwich norms; output tied to the embedding"),
    ("gemma3", "gemma3",
     "d=256,layers=7,heads=4,kv-heads=1,head-dim=128,ffn=512,vocab=8192,window=8",
     "Gemma 3: default pattern 6 (no sliding_window_pattern key): layers 0-4 and 6 local (window 8, RoPE theta "
     "10000), layer 5 global (theta 1e6); q/k norms before RoPE; embeddings scaled by 16; no soft-cap"),
    ("phi3", "phi3",
     "d=256,layers=4,heads=8,kv-heads=8,ffn=768,vocab=4096,ctx=131072,long-rope=1,rope-orig-ctx=4096",
     "Phi-3.5 style LongRoPE: at -c 512 (<= original context 4096) llama.cpp uses rope_factors_short "
     "(llama-model.cpp get_rope_factors) and scales cos/sin by rope.scaling.attn_factor = sqrt(1 + ln 32 / ln 4096) "
     "= 1.1902 for every layer; fused attn_qkv and gate/up, NEOX rope"),
    ("phi3-long-factors", "phi3",
     "d=256,layers=4,heads=8,kv-heads=8,ffn=768,vocab=4096,ctx=8192,long-rope=1,rope-orig-ctx=256",
     "LongRoPE with an original context of 256: at -c 512 (> 256) llama.cpp uses rope_factors_long; attn_factor "
     "sqrt(1 + ln 32 / ln 256) = 1.2748"),
    ("qwen3moe", "qwen3moe",
     "d=256,layers=4,heads=4,kv-heads=2,head-dim=128,ffn=768,vocab=4096,experts=8,experts-used=2,expert-ffn=128",
     "Qwen 3 MoE: softmax over 8 router logits, top 2, weights renormalised to sum 1 (build_moe_ffn norm_w = true, "
     "hard-wired for qwen3moe), SiLU-gated experts"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def strata_command(args):
    if args.strata:
        return [args.strata]
    return ["dotnet", "run", "--project", "src/Strata.Cli", "-c", "Release", "--"]


def synth(args, arch, shape, path):
    command = strata_command(args) + ["synth", "--arch", arch, "--shape", shape, "--quant", "f32",
                                      "--seed", str(SEED), "--out", path]
    subprocess.run(command, check=True)


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def post(url, body, timeout):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())


def wait_healthy(url, process, log):
    deadline = time.time() + 120
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"llama-server exited with {process.returncode}; its log:\n{open(log).read()[-4000:]}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=5) as response:
                if json.loads(response.read()).get("status") == "ok":
                    return
        except (urllib.error.URLError, ConnectionError, json.JSONDecodeError):
            pass
        time.sleep(0.5)
    raise RuntimeError("llama-server did not become healthy within 120 s")


def server_command(llama_bin, model, port):
    # -fa off: the plain attention path (KQ in F32); -np 1: one slot owning the whole 512-token context.
    return [os.path.join(llama_bin, "llama-server"), "-m", model, "-c", str(CONTEXT), "-ctk", "f32", "-ctv", "f32",
            "-fa", "off", "-np", "1", "-t", "2", "-tb", "2", "--no-warmup", "--host", "127.0.0.1", "--port", str(port)]


def prompt_candidates():
    yield PROMPT_IDS
    state = 12345
    while True:
        ids = [1]
        for _ in range(len(PROMPT_IDS) - 1):
            state = (state * 1103515245 + 12345) % (1 << 31)
            ids.append(259 + state % (2048 - 259))
        yield ids


def request_body(prompt, vocab):
    return {
        "prompt": prompt,
        "n_predict": N_PREDICT,
        "samplers": ["top_k"],
        "top_k": 1,
        "ignore_eos": True,
        "n_probs": vocab,
        "post_sampling_probs": False,
        "return_tokens": True,
        "cache_prompt": False,
        "seed": 0,
    }


def run_llama(llama_bin, model, vocab, workdir):
    port = free_port()
    command = server_command(llama_bin, model, port)
    env = dict(os.environ, LD_LIBRARY_PATH=llama_bin)
    log = os.path.join(workdir, "llama-server.log")
    with open(log, "w") as log_file:
        process = subprocess.Popen(command, stdout=log_file, stderr=subprocess.STDOUT, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_healthy(url, process, log)
        for attempt, prompt in enumerate(prompt_candidates()):
            body = request_body(prompt, vocab)
            if attempt >= MAX_PROMPTS:
                raise RuntimeError(f"no usable prompt among {MAX_PROMPTS}")
            try:
                response = post(url + "/completion", body, timeout=600)
            except urllib.error.HTTPError as e:
                message = e.read().decode(errors="replace")
                if "does not match the expected" not in message:
                    raise RuntimeError(f"llama-server answered {e.code}: {message}") from e
                print(f"  prompt {prompt}: greedy run decodes to malformed UTF-8; next prompt")
                continue
            gap = min(top_gaps(response))
            if gap >= MIN_GAP:
                return command, body, response
            print(f"  prompt {prompt}: greedy run passes a near-tie (gap {gap:.5f}); next prompt")
    finally:
        process.terminate()
        process.wait(timeout=30)


def top_gaps(response):
    gaps = []
    for step in response["completion_probabilities"]:
        top = sorted((e["logprob"] for e in step["top_logprobs"]), reverse=True)
        gaps.append(top[0] - top[1])
    return gaps


def first_step_logprobs(response, vocab):
    steps = response["completion_probabilities"]
    if len(steps) != N_PREDICT:
        raise RuntimeError(f"expected {N_PREDICT} generated steps, got {len(steps)}")
    first = steps[0]["top_logprobs"]
    if len(first) != vocab:
        raise RuntimeError(f"first step lists {len(first)} of {vocab} tokens; n_probs must cover the vocabulary")
    logprobs = [None] * vocab
    for entry in first:
        logprobs[entry["id"]] = entry["logprob"]
    if any(p is None for p in logprobs):
        raise RuntimeError("first step misses token ids")
    # The server writes log(0) as -FLT_MAX: a clamped value would make the golden useless.
    if min(logprobs) < -1e30 or not all(math.isfinite(p) for p in logprobs):
        raise RuntimeError(f"clamped or infinite log-probability in the first step (min {min(logprobs)})")
    total = math.fsum(math.exp(p) for p in logprobs)
    if abs(total - 1) > 1e-4:
        raise RuntimeError(f"first-step probabilities sum to {total}, not 1")
    return logprobs


def to_json(value, indent=""):
    # Objects one key a line, lists of scalars on one line.
    if isinstance(value, dict):
        inner = indent + "  "
        items = ",\n".join(f"{inner}{json.dumps(k)}: {to_json(v, inner)}" for k, v in value.items())
        return "{\n" + items + "\n" + indent + "}"
    return json.dumps(value)


def write_golden(path, golden, logprobs):
    # float32 log-probabilities round-trip with 9 significant digits.
    text = to_json(golden)
    numbers = ", ".join(format(p, ".9g") for p in logprobs)
    text = text[:-2] + f',\n  "first_step_logprobs": [{numbers}]\n}}\n'
    json.loads(text)
    with open(path, "w") as f:
        f.write(text)


def make_case(args, case, workdir):
    name, arch, shape, note = case
    model = os.path.join(workdir, name + ".gguf")
    synth(args, arch, shape, model)
    vocab = int(dict(kv.split("=") for kv in shape.split(","))["vocab"])
    command, body, response = run_llama(args.llama_bin, model, vocab, workdir)
    logprobs = first_step_logprobs(response, vocab)
    greedy = response["tokens"]
    if len(greedy) != N_PREDICT:
        raise RuntimeError(f"expected {N_PREDICT} greedy ids, got {len(greedy)}")
    if response["completion_probabilities"][0]["id"] != greedy[0] or max(range(vocab), key=logprobs.__getitem__) != greedy[0]:
        raise RuntimeError("the first greedy id is not the first step's most likely token")
    prompt = body["prompt"]
    if response.get("tokens_evaluated") != len(prompt):
        raise RuntimeError(f"llama.cpp evaluated {response.get('tokens_evaluated')} prompt tokens, not {len(prompt)}")
    ordered = sorted(logprobs, reverse=True)
    golden = {
        "case": name,
        "arch": arch,
        "synth": {"arch": arch, "shape": shape, "quant": "f32", "seed": SEED},
        "synth_command": f"strata synth --arch {arch} --shape {shape} --quant f32 --seed {SEED} --out {name}.gguf",
        "model_sha256": sha256(model),
        "model_bytes": os.path.getsize(model),
        "vocab": vocab,
        "note": note,
        "prompt_ids": prompt,
        "llama_cpp": {
            "commit": LLAMA_CPP_COMMIT,
            "server_command": " ".join(shlex.quote(c) for c in
                                       [os.path.basename(command[0])] + ["-m", f"{name}.gguf"] + command[3:-1] + ["PORT"]),
            "request": body,
        },
        "first_step_top_gap": ordered[0] - ordered[1],
        "first_step_logit_range": ordered[0] - ordered[-1],
        "greedy_ids": greedy,
        "greedy_top_gaps": [round(g, 6) for g in top_gaps(response)],
    }
    write_golden(os.path.join(DATA, name + ".json"), golden, logprobs)
    print(f"{name}: {os.path.getsize(model) / 1048576:.1f} MiB, greedy {greedy[:8]}..., "
          f"top gap {golden['first_step_top_gap']:.3f} of range {golden['first_step_logit_range']:.2f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--strata", default=os.environ.get("STRATA_BIN"), help="a built strata binary")
    parser.add_argument("--llama-bin", default=os.environ.get("LLAMA_BIN", "/tmp/llama-new/build/bin"))
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--keep", help="write the models here and keep them (default: a temporary folder)")
    args = parser.parse_args()
    if not os.path.isdir(DATA):
        sys.exit(f"{DATA} not found: run from the repository root")
    chosen = [c for c in CASES if args.cases is None or c[0] in args.cases.split(",")]
    if args.keep:
        os.makedirs(args.keep, exist_ok=True)
        for case in chosen:
            make_case(args, case, args.keep)
    else:
        with tempfile.TemporaryDirectory(prefix="arch-goldens-") as workdir:
            for case in chosen:
                make_case(args, case, workdir)


if __name__ == "__main__":
    main()
