#!/usr/bin/env python3
"""Writes the golden outputs the Jinja chat-template tests compare against.

It renders every template of tests/Strata.Engine.Tests/Templates/data/templates.json with every conversation
of data/conversations/ the way Hugging Face transformers' apply_chat_template does (jinja2 3.1.x, an
ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks and loopcontrols, its tojson, raise_exception,
strftime_now and {% generation %}), and writes data/goldens/<template>/<conversation>.txt. A template that raises
gives a golden whose single line is "error: <message>" (raise_exception) or "error (<JinjaErrorType>): <message>".

It also renders the construct cases of data/constructs.json into data/constructs.expected.json, and checks that
jinja2 reproduces the expectations ported from llama.cpp (data/llama-cpp-cases.json).

Usage (from the repository root; needs jinja2 3.1.x, nothing else):
    python3 scripts/template-goldens.py [--shared ../shared]
"""

import argparse
import copy
import datetime
import json
import os
import sys
import warnings

import jinja2
import jinja2.ext
import jinja2.nodes
from jinja2.sandbox import ImmutableSandboxedEnvironment

DATA = os.path.join("tests", "Strata.Engine.Tests", "Templates", "data")


class GenerationExtension(jinja2.ext.Extension):
    """transformers' {% generation %}...{% endgeneration %}: renders its body, as a call block does."""

    tags = {"generation"}

    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        call = self.call_method("_render_body")
        return jinja2.nodes.CallBlock(call, [], [], body).set_lineno(lineno)

    def _render_body(self, caller):
        return caller()


class RaisedByTemplate(jinja2.exceptions.TemplateError):
    """What raise_exception raises: a TemplateError, as in transformers, told apart here for the golden."""


def make_environment(now):
    def raise_exception(message):
        raise RaisedByTemplate(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(format):
        return now.strftime(format)

    env = ImmutableSandboxedEnvironment(
        trim_blocks=True, lstrip_blocks=True, extensions=[GenerationExtension, jinja2.ext.loopcontrols]
    )
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    return env


def render(source, variables, now):
    """The rendered text, or the error line the golden records."""
    try:
        return make_environment(now).from_string(source).render(**variables)
    except RaisedByTemplate as e:
        return f"error: {e.message}"
    except Exception as e:  # every other failure is recorded with its type; the tests only check that we fail too
        return f"error ({type(e).__name__}): {e}"


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def write_text(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def template_source(entry, shared):
    if "file" in entry:
        with open(os.path.join(DATA, "templates", entry["file"]), encoding="utf-8", newline="") as f:
            return f.read()
    config = read_json(os.path.join(shared, "models", "tokenizers", entry["tokenizer"], "tokenizer_config.json"))
    return config["chat_template"]


def conversation_variables(conversation, entry):
    """The variables transformers passes: messages, tools and documents (None when absent), the flag, the tokens."""
    variables = {
        "messages": conversation["messages"],
        "tools": conversation.get("tools"),
        "documents": None,
        "add_generation_prompt": conversation["add_generation_prompt"],
        "bos_token": entry["bos_token"],
        "eos_token": entry["eos_token"],
    }
    variables.update(conversation.get("extra", {}))
    return variables


def write_chat_goldens(shared):
    manifest = read_json(os.path.join(DATA, "templates.json"))
    conversations_dir = os.path.join(DATA, "conversations")
    names = sorted(n[: -len(".json")] for n in os.listdir(conversations_dir) if n.endswith(".json"))
    count = 0
    for entry in manifest:
        source = template_source(entry, shared)
        for name in names:
            conversation = read_json(os.path.join(conversations_dir, name + ".json"))
            now = datetime.datetime.fromisoformat(conversation["now"])
            text = render(source, conversation_variables(conversation, entry), now)
            write_text(os.path.join(DATA, "goldens", entry["name"], name + ".txt"), text)
            count += 1
    print(f"chat goldens: {len(manifest)} templates x {len(names)} conversations = {count} files")


def write_construct_goldens():
    constructs = read_json(os.path.join(DATA, "constructs.json"))
    now = datetime.datetime(2025, 7, 26, 9, 15, 0, tzinfo=datetime.timezone.utc)
    expected = {}
    for case in constructs["cases"]:
        # A fresh copy per case: some filters mutate their input in Python (indent appends to a list it is given).
        text = render(case["template"], copy.deepcopy(constructs["variables"]), now)
        expected[case["id"]] = text
    with open(os.path.join(DATA, "constructs.expected.json"), "w", encoding="utf-8", newline="\n") as f:
        json.dump(expected, f, ensure_ascii=False, indent=2)
        f.write("\n")
    print(f"construct goldens: {len(expected)} cases")


def check_llama_cpp_cases():
    """llama.cpp's expectations hold for jinja2 too, once its system-message polyfill is applied to the input."""
    cases = read_json(os.path.join(DATA, "llama-cpp-cases.json"))
    now = datetime.datetime(2025, 7, 26, 9, 15, 0, tzinfo=datetime.timezone.utc)
    failures = 0
    for case in cases["cases"]:
        messages = [dict(m) for m in cases["conversation"] + case.get("extra_conversation", [])]
        if case.get("merge_system_into_first_user"):
            system = messages.pop(0)
            messages[0]["content"] = system["content"] + "\n" + messages[0]["content"]
        variables = {
            "messages": messages,
            "tools": None,
            "documents": None,
            "add_generation_prompt": True,
            "bos_token": case["bos_token"],
            "eos_token": case["eos_token"],
        }
        text = render(case["template"], variables, now)
        if text != case["expected"]:
            failures += 1
            print(f"llama.cpp case {case['name']!r}: jinja2 gives {text!r}, expected {case['expected']!r}")
    print(f"llama.cpp cases: {len(cases['cases'])} checked, {failures} differ")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", default=os.path.join("..", "shared"), help="the shared folder beside the repository")
    args = parser.parse_args()
    # jinja2 compiles a template to Python; a constant like 1[::-1] makes Python warn at compile time. Not an output.
    warnings.simplefilter("ignore", SyntaxWarning)
    if not jinja2.__version__.startswith("3.1."):
        sys.exit(f"jinja2 3.1.x expected, found {jinja2.__version__}")
    print(f"jinja2 {jinja2.__version__}, python {sys.version.split()[0]}")
    write_chat_goldens(args.shared)
    write_construct_goldens()
    sys.exit(1 if check_llama_cpp_cases() else 0)


if __name__ == "__main__":
    main()
