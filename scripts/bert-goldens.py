#!/usr/bin/env python3
"""Writes the llama.cpp golden for a random-weight bert (embedding) model, for issue 20's acceptance 7.

It writes `strata synth --arch bert --shape minilm-l6 --quant f32 --seed 1 --vocab-from
../shared/models/onnx/all-MiniLM-L6-v2/vocab.txt` (the file the test regenerates: never committed), serves it with
llama.cpp's llama-server in embedding mode (pooling from the file: mean; two threads), and for each sentence records
the token ids of /tokenize (with [CLS]/[SEP]) and the L2-normalised embedding of /v1/embeddings, with the model's
SHA-256, the llama.cpp commit and the server command, in tests/Strata.Engine.Tests/Architectures/data/embeddings/bert-minilm-l6.json.

Usage (from the repository root; python3 standard library only):
    python3 scripts/bert-goldens.py [--strata PATH] [--llama-bin DIR] [--keep DIR]
"""

import argparse
import hashlib
import json
import os
import socket
import subprocess
import tempfile
import time
import urllib.request

DATA = os.path.join("tests", "Strata.Engine.Tests", "Architectures", "data", "embeddings", "bert-minilm-l6.json")
LLAMA_CPP_COMMIT = "3f545becc"
VOCAB = os.path.join("..", "shared", "models", "onnx", "all-MiniLM-L6-v2", "vocab.txt")
SEED = 1
SENTENCES = [
    "This is an example sentence",
    "The quick brown fox jumps over the lazy dog.",
    "ONNX Runtime makes transformer inference fast on CPUs!",
    "Strata serves embeddings; unaffable tokens split into word-pieces.",
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def post(url, body):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as reply:
        return json.loads(reply.read())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--strata", default=os.environ.get("STRATA_BIN"))
    parser.add_argument("--llama-bin", default=os.environ.get("LLAMA_BIN", "/tmp/llama-new/build/bin"))
    parser.add_argument("--keep")
    args = parser.parse_args()
    folder = args.keep or tempfile.mkdtemp(prefix="bert-golden-")
    model = os.path.join(folder, "bert-minilm-l6.gguf")
    strata = [args.strata] if args.strata else ["dotnet", "run", "--project", "src/Strata.Cli", "-c", "Release", "--"]
    synth = ["synth", "--arch", "bert", "--shape", "minilm-l6", "--quant", "f32", "--seed", str(SEED), "--vocab-from", VOCAB, "--out", model]
    subprocess.run(strata + synth, check=True)
    digest = hashlib.sha256(open(model, "rb").read()).hexdigest()
    port = free_port()
    server = [os.path.join(args.llama_bin, "llama-server"), "-m", model, "--embeddings", "--port", str(port), "--host", "127.0.0.1",
              "-t", "2", "-np", "1", "-c", "512"]
    env = dict(os.environ, LD_LIBRARY_PATH=args.llama_bin)
    log = open(os.path.join(folder, "llama-server.log"), "w")
    process = subprocess.Popen(server, stdout=log, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                with urllib.request.urlopen(url + "/health", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except Exception:
                time.sleep(0.1)
        cases = []
        for sentence in SENTENCES:
            ids = post(url + "/tokenize", {"content": sentence, "add_special": True})["tokens"]
            embedding = post(url + "/v1/embeddings", {"input": sentence, "encoding_format": "float"})["data"][0]["embedding"]
            cases.append({"text": sentence, "token_ids": ids, "embedding": embedding})
    finally:
        process.terminate()
        process.wait(timeout=30)
    golden = {
        "what": "llama.cpp's embedding of a strata-synth bert model (mean pooling, L2-normalised), per sentence",
        "llama_cpp_commit": LLAMA_CPP_COMMIT,
        "synth": synth[:-2],
        "model_sha256": digest,
        "server": " ".join("llama-server" if i == 0 else "MODEL" if a == model else "PORT" if a == str(port) else a for i, a in enumerate(server)),
        "cases": cases,
    }
    with open(DATA, "w") as out:
        json.dump(golden, out, indent=1)
        out.write("\n")
    print(f"wrote {DATA}: {len(cases)} sentences, model {digest[:12]}")


if __name__ == "__main__":
    main()
