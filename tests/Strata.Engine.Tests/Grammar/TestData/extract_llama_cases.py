#!/usr/bin/env python3
"""Extracts the accept/reject string cases of llama.cpp's tests/test-grammar-integration.cpp into JSON.

Usage: python3 extract_llama_cases.py LLAMA_CPP_CHECKOUT > llama-grammar-integration.json
Cases that use token references (token(N), <[N]>) are skipped: Strata grammars constrain text.
"""
import json
import re
import sys


def lex(src):
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c.isspace():
            i += 1
        elif src.startswith('//', i):
            i = src.index('\n', i) if '\n' in src[i:] else n
        elif src.startswith('/*', i):
            i = src.index('*/', i) + 2
        elif src.startswith('R"', i):
            j = src.index('(', i)
            delim = src[i + 2:j]
            end = src.index(')' + delim + '"', j)
            yield ('str', src[j + 1:end])
            i = end + len(delim) + 2
        elif c == '"':
            j, out = i + 1, []
            while src[j] != '"':
                if src[j] == '\\':
                    e = src[j + 1]
                    simple = {'n': '\n', 't': '\t', 'r': '\r', '"': '"', '\\': '\\', "'": "'", '0': '\0'}
                    if e in simple:
                        out.append(simple[e])
                        j += 2
                    elif e == 'x':
                        m = re.match(r'[0-9a-fA-F]+', src[j + 2:])
                        out.append(chr(int(m.group(0), 16)))
                        j += 2 + len(m.group(0))
                    else:
                        raise ValueError('escape ' + e)
                else:
                    out.append(src[j])
                    j += 1
            yield ('str', ''.join(out))
            i = j + 1
        elif c.isalnum() or c == '_':
            m = re.match(r'[A-Za-z0-9_]+', src[i:])
            yield ('id', m.group(0))
            i += len(m.group(0))
        else:
            yield ('p', c)
            i += 1


def parse_calls(src):
    toks = list(lex(src))
    cases = []
    k = 0
    while k < len(toks):
        kind, val = toks[k]
        if kind == 'id' and val in ('test_grammar', 'test_schema') and toks[k + 1] == ('p', '('):
            k += 2
            args, cur, depth, skip = [], [], 0, False
            while True:
                kind, val = toks[k]
                if kind == 'p' and val in '({':
                    depth += 1
                    if val == '{':
                        cur = []
                elif kind == 'p' and val in ')}':
                    if depth == 0:
                        break
                    depth -= 1
                    if val == '}':
                        args.append(cur)
                        cur = None
                elif kind == 'id' and val == 'token':
                    skip = True
                elif kind == 'str':
                    if cur is None or isinstance(cur, str):
                        cur = (cur or '') + val
                    elif isinstance(cur, list) and depth == 1:
                        # a string in a list; adjacent literals concatenate
                        if k > 0 and toks[k - 1][0] == 'str':
                            cur[-1] += val
                        else:
                            cur.append(val)
                    else:
                        cur = val
                elif kind == 'p' and val == ',' and depth == 0:
                    if isinstance(cur, str):
                        args.append(cur)
                    cur = None
                k += 1
            if not skip and len(args) == 4 and '<[' not in args[1]:
                cases.append({
                    'description': args[0],
                    'source': args[1],
                    'accept': args[2],
                    'reject': args[3],
                })
        k += 1
    return cases


def main():
    root = sys.argv[1]
    src = open(root + '/tests/test-grammar-integration.cpp', encoding='utf-8').read()
    cases = parse_calls(src)
    out = []
    # Each call's kind, by its description.
    calls = [m for m in re.finditer(r'\b(test_grammar|test_schema)\(\s*\n?\s*"((?:[^"\\]|\\.)*)"', src)]
    kinds = {m.group(2): m.group(1) for m in calls}
    for c in cases:
        c['kind'] = 'schema' if kinds.get(c['description']) == 'test_schema' else 'grammar'
        out.append(c)
    json.dump({'source': 'llama.cpp tests/test-grammar-integration.cpp (MIT)', 'cases': out},
              sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write('\n')


if __name__ == '__main__':
    main()
