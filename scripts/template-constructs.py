#!/usr/bin/env python3
"""Writes tests/Strata.Engine.Tests/Templates/data/constructs.json: Jinja snippets, one construct each, grouped for the
construct tests, plus 1500 seeded random expressions. jinja2's outputs for them go to constructs.expected.json when
scripts/template-goldens.py runs next. Usage (from the repository root):
    python3 scripts/template-constructs.py && python3 scripts/template-goldens.py
"""
import copy
import datetime
import importlib.util
import itertools
import json
import os
import random
import warnings

DATA = os.path.join("tests", "Strata.Engine.Tests", "Templates", "data")
warnings.simplefilter("ignore", SyntaxWarning)
cases = []
def add(group, template, variables=None):
    cases.append({"id": f"{group}-{sum(1 for c in cases if c['group']==group)+1:03d}", "group": group, "template": template})

V = {"xs": [1, 2, 3], "d": {"a": 1, "b": [1, "x"], "items": "shadow"}, "s": "héllo wörld", "n": None, "f": 1.5, "t": True,
     "e": "", "msgs": [{"role": "system", "content": "sys"}, {"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo", "tool_calls": [{"function": {"name": "f", "arguments": {"x": 1}}}]}, {"role": "user", "content": "bye"}],
     "emoji": "a😀b👋🏽c", "words": ["b", "A", "c", "a"], "nested": {"k": {"j": [10, 20, {"z": "deep"}]}}, "nums": [3, 1.5, -2, 10], "people": [{"name": "Ann", "age": 30, "city": "NY"}, {"name": "bob", "age": 25, "city": "ca"}, {"name": "Cy", "age": 30, "city": "CA"}]}

# --- whitespace control matrix
contexts = ["a  \n  {T}  \n  b", "a\n{T}\nb", "  {T}\n", "x {T} y", "\n\t {T}\t\n\n", "{T}\n\n"]
tags = {"if": ("{%{o} if true {c}%}", "{%{o} endif {c}%}"), "comment": ("{#{o} note {c}#}", None), "var": ("{{{o} 'v' {c}}}", None), "set": ("{%{o} set q = 1 {c}%}", None)}
for kind, (open_t, close_t) in tags.items():
    for o, c in itertools.product(["", "-", "+"], ["", "-", "+"]):
        if kind == "var" and "+" in c:
            continue
        first = open_t.replace("{o}", o).replace("{c}", c)
        tag = first if close_t is None else first + "X" + close_t.replace("{o}", o).replace("{c}", c)
        for ctx in contexts:
            add("whitespace", ctx.replace("{T}", tag))
add("whitespace", "{% for x in xs %}\n  {{ x }}\n{% endfor %}\ndone", V)
add("whitespace", "{%- for x in xs -%}\n  {{ x }}\n{%- endfor -%}\ndone", V)
add("whitespace", "<{% raw %}\n  {{ not parsed }} {% if %}\n{% endraw %}>")
add("whitespace", "  {%- raw -%}  x  {%- endraw -%}  y")
add("whitespace", "line\r\nwindows\r\n{% if true %}\r\nyes\r\n{% endif %}\r\n")
add("whitespace", "trailing newline kept?\n")
add("whitespace", "two trailing\n\n")
add("whitespace", "{% if true %}  \n  x{% endif %}")
add("whitespace", "  {# c #}  \n  {% if true %}  y  {% endif %}  ")
add("whitespace", "{{ '{{' }}{{ '}}' }}{{ {'a': {'b': 1}} }}")
add("whitespace", "a{{- ' b ' -}}c{{ ' d ' }}e")
add("whitespace", "{%- if true %}\n\n  x\n  {%- endif %}\n")

# --- literals and printing
for t in ["{{ 1 }}{{ -1 }}{{ 1.0 }}{{ 1.5e3 }}{{ 1e16 }}{{ 1e15 }}{{ 0.1 + 0.2 }}{{ 1e-5 }}{{ 0.0001 }}{{ 123456789.123 }}",
          "{{ 0x1F }}{{ 0b101 }}{{ 0o17 }}{{ 1_000 }}{{ 1_000.5 }}",
          "{{ true }}{{ True }}{{ false }}{{ none }}{{ None }}",
          "{{ 'a\\nb' }}|{{ \"q'uote\" }}|{{ 'tab\\there' }}|{{ '\\x41\\u00e9\\U0001F600' }}|{{ '\\d' }}|{{ '\\101' }}",
          "{{ 'a' 'b' \"c\" }}",
          "{{ [1, 'a', none, true, 1.5] }}", "{{ (1,) }}{{ () }}{{ (1, 2) }}", "{{ {'a': 1, 2: 'b', none: true} }}",
          "{{ ['it\\'s'] }}{{ ['say \"hi\"'] }}{{ ['both \\' and \"'] }}{{ ['back\\\\slash'] }}",
          "{{ ['\\n', '\\t', '\\x00', '\\x7f', 'é', '\\u200b', '\\u00a0', '😀', '\\ud800'] }}",
          "{{ 1, 2 }}", "{{ [] }}{{ {} }}{{ [[]] }}{{ [{}] }}", "{{ {'k': [1, {'z': (1, 'a')}]} }}",
          "{{ -0.0 }}{{ 1/3 }}{{ 2/3 }}{{ 10/4 }}{{ 1e300*1e300 }}{{ -(1e300*1e300) }}", "{{ 100000000000000000000.0 }}{{ 123e-20 }}",
          "{{ range(3) }}{{ range(1, 10, 2) }}", "{{ d.keys() }}{{ d.values() }}{{ d.items() }}", "{{ n }}|{{ u }}|{{ e }}"]:
    add("printing", t, V)

# --- operators
for t in ["{{ 7 // 2 }} {{ -7 // 2 }} {{ 7 % 3 }} {{ -7 % 3 }} {{ 7 % -3 }} {{ 7.5 // 2 }} {{ -7.5 % 2 }}",
          "{{ 2 ** 10 }} {{ 2 ** -1 }} {{ 2 ** 0.5 }} {{ 2 ** 3 ** 2 }} {{ -2 ** 2 }}",
          "{{ 1 + 2 * 3 - 4 / 2 }}", "{{ 'a' + 'b' }}{{ 'ab' * 3 }}{{ 3 * 'x' }}{{ [1] + [2] }}{{ [0] * 3 }}{{ (1,) + (2,) }}",
          "{{ 'a' ~ 1 ~ none ~ true ~ [1] ~ u }}", "{{ true + 1 }}{{ true * 3 }}{{ 1 + 1.0 }}{{ 3 / 1 }}",
          "{{ 1 == 1.0 }}{{ 1 == true }}{{ 'a' == 'a' }}{{ [1, 2] == [1, 2] }}{{ (1, 2) == [1, 2] }}{{ {'a': 1} == {'a': 1} }}{{ none == none }}{{ u == u }}{{ u == none }}",
          "{{ 1 < 2 < 3 }}{{ 3 > 2 > 2 }}{{ 'a' < 'b' }}{{ 'B' < 'a' }}{{ [1, 2] < [1, 3] }}{{ 2 >= 2 }}{{ 'é' > 'z' }}",
          "{{ 1 in [1, 2] }}{{ 'a' in 'cat' }}{{ 'a' in {'a': 1} }}{{ 3 not in [1] }}{{ not 1 in [1] }}{{ 'x' in d }}{{ u in xs }}{{ 1 in u }}",
          "{{ 0 or 'x' }}|{{ 1 and 'y' }}|{{ '' and 'z' }}|{{ none or none }}|{{ [] or {} }}|{{ not '' }}{{ not [0] }}",
          "{{ 'yes' if xs else 'no' }}{{ 'a' if false }}|{{ ('a' if false) is defined }}{{ 1 if none else 2 if true else 3 }}",
          "{{ -xs|length }}{{ - 3 }}{{ +3 }}{{ -true }}{{ not not 'a' }}", "{{ (1 + 2) * 3 }}{{ 10 - 2 - 3 }}{{ 2 * 3 % 4 }}",
          "{{ 1 / 0 }}", "{{ 1 // 0 }}", "{{ 1 % 0 }}", "{{ 'a' + 1 }}", "{{ 1 + 'a' }}", "{{ [1] + (2,) }}", "{{ none + 1 }}", "{{ 'a' < 1 }}",
          "{{ u + 1 }}", "{{ 1 in 5 }}", "{{ 1 in 'abc' }}", "{{ {[1]: 2} }}", 
          "{{ 'x' * -1 }}|{{ [1] * 0 }}|{{ 'ab' * true }}"]:
    add("operators", t, V)

# --- attribute / item / slicing
for t in ["{{ d.a }}{{ d['a'] }}{{ d.b[1] }}{{ d['b'][-1] }}{{ nested.k.j[2].z }}{{ nested['k']['j'][0] }}",
          "{{ d['items'] }}", "{{ d.missing }}|{{ d['missing'] }}|{{ xs[10] }}|{{ xs[-10] }}|{{ s[100] }}",
          "{{ xs[1:] }}{{ xs[:-1] }}{{ xs[::-1] }}{{ xs[::2] }}{{ xs[-2:] }}{{ xs[5:] }}{{ xs[1:1] }}{{ xs[-100:100] }}",
          "{{ s[1:4] }}|{{ s[::-1] }}|{{ s[-5:] }}|{{ emoji[1] }}|{{ emoji[::-1] }}|{{ emoji[2:4] }}|{{ emoji|length }}",
          "{{ (1, 2, 3)[1:] }}{{ 'abc'[0] }}{{ 'abc'[-1] }}{{ xs.0 }}{{ xs.1 }}", "{{ d[1:] }}|{{ n[0] }}|{{ n.x }}|{{ xs['a'] }}",
          "{{ xs[::0] }}", "{{ u.x }}", "{{ u['x'] }}", "{{ u[0] }}", "{{ u() }}", "{{ n.x.y }}", "{{ d.missing.x }}", "{{ xs[u] }}{{ d[u] }}",
          "{{ msgs[0].role }}{{ msgs[-1]['content'] }}{{ msgs[2].tool_calls[0].function.arguments.x }}", "{{ xs[1.0] }}|{{ xs[true] }}"]:
    add("access", t, V)

# --- string methods
for t in ["{{ '  a b  '.strip() }}|{{ 'xxaxx'.strip('x') }}|{{ '  a'.lstrip() }}|{{ 'a  '.rstrip() }}|{{ 'abcba'.rstrip('ab') }}",
          "{{ 'a,b,,c'.split(',') }}{{ ' a  b \\n c '.split() }}{{ 'a,b,c'.split(',', 1) }}{{ 'a,b,c'.rsplit(',', 1) }}{{ ' a b c '.rsplit(None, 1) }}{{ ''.split(',') }}{{ ''.split() }}",
          "{{ 'hello'.startswith('he') }}{{ 'hello'.startswith(('x', 'h')) }}{{ 'hello'.endswith('lo') }}{{ 'hello'.endswith(('a', 'b')) }}{{ 'hello'.startswith('l', 2) }}",
          "{{ 'hello world'.title() }}{{ \"it's a DOG's-life 2nd\".title() }}{{ 'hELLO'.capitalize() }}{{ 'Hello'.upper() }}{{ 'Hello'.lower() }}{{ 'Hello'.swapcase() }}",
          "{{ 'hello'.find('l') }}{{ 'hello'.rfind('l') }}{{ 'hello'.find('z') }}{{ 'hello'.index('e') }}{{ 'hello'.count('l') }}{{ emoji.find('b') }}{{ 'aaa'.count('') }}",
          "{{ 'a-b-c'.replace('-', '+') }}{{ 'a-b-c'.replace('-', '', 1) }}{{ 'ab'.replace('', '.') }}", "{{ ', '.join(['a', 'b']) }}{{ ''.join('abc') }}",
          "{{ '{} and {}'.format('x', 1) }}|{{ '{1}{0}'.format('a', 'b') }}|{{ '{name}!'.format(name='N') }}|{{ '{:>5}|{:<4}|{:^5}'.format('a', 'b', 'c') }}|{{ '{:.2f} {:5d} {:05.1f}'.format(3.14159, 42, 2.5) }}|{{ '{{}}'.format() }}|{{ '{!r}'.format('q') }}",
          "{{ '12'.isdigit() }}{{ '1a'.isdigit() }}{{ 'ab'.isalpha() }}{{ ' '.isspace() }}{{ 'ab'.islower() }}{{ 'AB'.isupper() }}{{ 'a1'.isalnum() }}{{ ''.isdigit() }}{{ 'Ab Cd'.istitle() }}",
          "{{ 'ab'.center(6, '*') }}|{{ 'ab'.ljust(5) }}|{{ 'ab'.rjust(5, '0') }}|{{ '42'.zfill(5) }}|{{ '-42'.zfill(5) }}",
          "{{ 'a=b=c'.partition('=') }}{{ 'a=b=c'.rpartition('=') }}{{ 'abc'.partition('x') }}", "{{ 'prefix-x'.removeprefix('prefix-') }}{{ 'x.txt'.removesuffix('.txt') }}",
          "{{ 'a\\nb\\r\\nc'.splitlines() }}{{ 'a\\nb'.splitlines(true) }}", "{{ 'abc'.index('z') }}", "{{ ''.join([1, 2]) }}",
          "{{ 'a'.split('') }}", "{{ 'abc'.strip(1) }}", "{{ 'a b'.split(sep=' ') }}", "{{ 'a'.upper(1) }}", "{{ 'x'.nomethod() }}|{{ 'x'.nomethod is defined }}"]:
    add("string-methods", t, V)

# --- list/dict methods
for t in ["{{ xs.index(2) }}{{ xs.count(1) }}{{ [1, 1, 2].count(1) }}{{ xs.copy() }}", "{{ d.get('a') }}{{ d.get('z') }}{{ d.get('z', 'def') }}{{ d.keys()|list }}{{ d.values()|list }}",
          "{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}", "{{ xs.append(4) }}", "{{ d.update({'x': 1}) }}", "{{ xs.append }}|{{ xs.pop is defined }}",
          "{{ xs.index(9) }}", "{{ dict(a=1, b=2) }}{{ dict() }}{{ dict([('x', 1)]) }}", "{{ d|length }}{{ d.keys()|length }}{{ 'a' in d.keys() }}"]:
    add("collection-methods", t, V)

# --- filters
for t in ["{{ xs|join(', ') }}|{{ xs|join }}|{{ people|join(', ', attribute='name') }}|{{ [none, 1.5]|join('-') }}",
          "{{ '  x  '|trim }}|{{ 'xxhixx'|trim('x') }}|{{ none|trim }}|{{ 12|trim }}|{{ u|trim }}",
          "{{ xs|length }}{{ 'abc'|length }}{{ d|length }}{{ xs|count }}{{ u|length }}", "{{ xs|first }}{{ xs|last }}{{ 'abc'|first }}{{ d|first }}{{ []|first }}|{{ []|last }}",
          "{{ 'hello world'|upper }}{{ 'HeLLo'|lower }}{{ 'hello wORLD-foo(bar'|title }}{{ 'hELLO wORLD'|capitalize }}",
          "{{ 'a-b'|replace('-', '+') }}{{ 'aaa'|replace('a', 'b', 2) }}{{ 5|replace('5', 'five') }}",
          "{{ u|default('dflt') }}|{{ ''|default('dflt') }}|{{ ''|default('dflt', true) }}|{{ none|default('x') }}|{{ none|d('x', boolean=true) }}|{{ 0|d(5, true) }}",
          "{{ xs|tojson }}|{{ d|tojson }}|{{ 'é\"\\n<'|tojson }}|{{ none|tojson }}{{ true|tojson }}{{ 1.0|tojson }}{{ (1, 2)|tojson }}",
          "{{ d|tojson(indent=2) }}", "{{ d|tojson(indent='\\t') }}", "{{ {'b': 1, 'a': [1, {}], 'c': []}|tojson(sort_keys=true) }}", "{{ d|tojson(separators=(',', ':')) }}",
          "{{ {'x': 'é😀'}|tojson(ensure_ascii=true) }}", "{{ {1: 'a', none: 'b', 1.5: 'c', true: 'd'}|tojson }}", "{{ u|tojson }}", "{{ d.keys()|tojson }}", "{{ xs|map('string')|tojson }}",
          "{{ msgs|selectattr('role', 'equalto', 'user')|list }}", "{{ msgs|selectattr('role', '==', 'user')|map(attribute='content')|join(',') }}",
          "{{ msgs|rejectattr('role', 'equalto', 'user')|map(attribute='role')|list }}", "{{ msgs|selectattr('tool_calls')|list|length }}{{ msgs|selectattr('tool_calls', 'defined')|list|length }}",
          "{{ [0, 1, '', 'a', none]|select|list }}{{ [0, 1, '', 'a', none]|reject|list }}{{ xs|select('odd')|list }}{{ xs|select('>', 1)|list }}{{ xs|reject('in', [2])|list }}",
          "{{ xs|map('string')|list }}{{ ['a', 'B']|map('upper')|list }}{{ people|map(attribute='name')|list }}{{ people|map(attribute='zz', default='?')|list }}{{ ['a,b']|map('replace', ',', ';')|list }}",
          "{{ words|sort }}{{ words|sort(case_sensitive=true) }}{{ words|sort(reverse=true) }}{{ people|sort(attribute='age')|map(attribute='name')|list }}{{ people|sort(attribute='age,name')|map(attribute='name')|list }}",
          "{{ [3, 1, 2]|sort }}{{ [1, 'a']|sort }}", "{{ ['a', 'A', 'b', 'a']|unique|list }}{{ ['a', 'A']|unique(case_sensitive=true)|list }}{{ people|unique(attribute='age')|map(attribute='name')|list }}",
          "{{ nums|min }}{{ nums|max }}{{ words|min }}{{ words|max }}{{ words|max(case_sensitive=true) }}{{ people|min(attribute='age') }}{{ []|min }}",
          "{{ xs|sum }}{{ nums|sum }}{{ people|sum(attribute='age') }}{{ xs|sum(start=10) }}{{ [[1], [2]]|sum(start=[]) }}",
          "{{ {'b': 1, 'A': 2, 'a': 3}|dictsort }}{{ {'b': 1, 'a': 2}|dictsort(by='value') }}{{ {'b': 1, 'a': 2}|dictsort(reverse=true) }}",
          "{{ d|items|list }}{{ u|items|list }}", "{{ xs|list }}{{ 'ab'|list }}{{ d|list }}{{ u|list }}", "{{ xs|reverse|list }}{{ 'abc'|reverse }}{{ d|reverse|list }}",
          "{{ range(7)|batch(3)|list }}{{ range(7)|batch(3, 'x')|list }}", "{{ 'text'|center(10) }}|{{ 'text'|center(9) }}|{{ 'x'|center }}|",
          "{{ 'hello world foo bar'|truncate(9) }}|{{ 'hello world foo bar'|truncate(9, true) }}|{{ 'hello world foo bar'|truncate(11) }}|{{ 'hello world foo bar'|truncate(11, false, '...', 0) }}|{{ 'short'|truncate(3, true, '..', 0) }}",
          "{{ 'a\\nb\\n\\nc'|indent }}|{{ 'a\\nb\\n\\nc'|indent(2, true) }}|{{ 'a\\nb\\n\\nc'|indent(2, blank=true) }}|{{ 'a\\nb'|indent('> ') }}|{{ ''|indent(first=true) }}",
          "{{ 'one two  three'|wordcount }}{{ 'x-y_z'|wordcount }}", "{{ 3.7|int }}{{ '42'|int }}{{ '42.9'|int }}{{ 'x'|int }}{{ 'x'|int(7) }}{{ '0x1A'|int(0, 16) }}{{ '0b11'|int(base=2) }}{{ none|int }}{{ true|int }}{{ ' 12 '|int }}{{ '1_000'|int }}",
          "{{ '3.5'|float }}{{ 2|float }}{{ 'x'|float }}{{ 'nan'|float }}{{ '1e3'|float }}{{ none|float(1.5) }}", "{{ -3|abs }}{{ (-3.5)|abs }}{{ 2.5|round }}{{ 3.5|round }}{{ 2.675|round(2) }}{{ 2.1|round(0, 'ceil') }}{{ 2.9|round(method='floor') }}{{ 5|round }}{{ 1234|round(-2) }}",
          "{{ '%s is %d years'|format('Ann', 30) }}|{{ '%(a)s-%(b)05.2f'|format(a='x', b=3.14159) }}|{{ '%5s|%-5s|%x|%o|%e|%g|%%'|format('r', 'l', 255, 8, 12345.678, 0.0001234) }}",
          "{{ '%.2f|%.0f|%.1f|%.3e|%g|%g|%g|%.3g|%10.4f|%-10.2e|%+d|% d|%05d|%#x|%#o|%5.1f%%' % (2.675, 0.5, 0.25, 12345.6789, 100000, 1000000, 1e-5, 0.00012345, 3.14159, -1234.5, 5, 5, -42, 255, 8, 99.95) }}",
          "{{ '{:.2f}|{:e}|{:g}|{:.0%}|{:,}|{:_}|{:+d}|{: d}|{:x}|{:#x}|{:08.3f}|{:.3}|{:>8.2f}|{:*^9}|{:=+8d}'.format(2.675, 1234.5, 0.00001, 0.256, 1234567, 1000, 5, 5, 255, 255, -3.14159, 'abcdef', 2.5, 'mid', 42) }}",
          "{{ 0.125|round(2) }} {{ 0.375|round(2) }} {{ -2.5|round }} {{ 1.005|round(2) }} {{ 1e20|round(2) }} {{ 0.5|round }} {{ 1.5|round }} {{ -0.4|round }} {{ 2.5|round(0, 'floor') }} {{ 1234.5678|round(-2) }}",
          "{{ '%s and %r' % ('a', 'b') }}|{{ '%d%%' % 50 }}|{{ '%.3s' % 'abcdef' }}|{{ '%c%c' % (65, 'b') }}", "{{ '<a href=\"x\">T&amp;C</a>  <!-- c -->  end'|striptags }}",
          "{{ '<b>'|e }}{{ '<b>'|escape }}{{ 5|e }}{{ none|e }}", "{{ people|groupby('city')|list }}", "{% for city, ps in people|groupby('age') %}{{ city }}:{{ ps|map(attribute='name')|join(',') }};{% endfor %}",
          "{{ xs|attr('count') is callable }}{{ d|attr('a') }}|{{ d|attr('items') is defined }}", "{{ 1|string ~ 2 }}{{ [1]|string }}{{ none|string }}", "{{ xs|wordwrap }}", "{{ xs|tojson(indent=2, separators=(', ', ': ')) }}",
          "{{ 'x'|safe + '<y>' }}|{{ '<x>' + 'y'|safe }}|{{ ('a'|safe) ~ '<b>' }}|{{ '<'|e + '<' }}|{{ '<'|e ~ '<' }}|{{ ['<']|join('|'|safe) }}|{{ ('a'|safe) is string }}|{{ ('<'|safe)|length }}",
          "{{ u|int }}", "{{ u|abs }}", "{{ u|indent }}", "{{ u|dictsort }}", "{{ 5|indent }}", "{{ none|length }}", "{{ xs|select|length }}", "{{ 5|list }}", "{{ xs|nofilter }}",
          "{% if false %}{{ xs|nofilter }}{% endif %}ok", "{% if true %}{{ xs|nofilter }}{% endif %}", "{{ xs|map('nofilter')|list }}", "{{ xs|map('nofilter') is defined }}", "{{ 1 if true else xs|nofilter }}"]:
    add("filters", t, V)

# --- tests
for t in ["{{ xs is defined }}{{ u is defined }}{{ u is undefined }}{{ n is none }}{{ 1 is none }}{{ u is none }}",
          "{{ 's' is string }}{{ 1 is string }}{{ 1 is number }}{{ 1.5 is number }}{{ true is number }}{{ 1 is integer }}{{ true is integer }}{{ 1.0 is float }}{{ true is boolean }}{{ 1 is boolean }}",
          "{{ d is mapping }}{{ xs is mapping }}{{ xs is sequence }}{{ 's' is sequence }}{{ d is sequence }}{{ u is sequence }}{{ 1 is sequence }}{{ d.keys() is sequence }}",
          "{{ xs is iterable }}{{ d is iterable }}{{ 's' is iterable }}{{ 1 is iterable }}{{ u is iterable }}{{ n is iterable }}{{ (xs|select) is iterable }}",
          "{{ range is callable }}{{ 's'.upper is callable }}{{ xs is callable }}{{ u is callable }}", "{{ 3 is odd }}{{ 3 is even }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 9 is divisibleby(2) }}{{ 3.0 is odd }}",
          "{{ 1 is eq 1 }}{{ 1 is equalto 2 }}{{ 1 is == 1 }}{{ 1 is ne 2 }}{{ 2 is gt 1 }}{{ 2 is ge 2 }}{{ 1 is lt 2 }}{{ 1 is le 0 }}{{ 2 is greaterthan 1 }}{{ 1 is lessthan 2 }}",
          "{{ 1 is in xs }}{{ 'a' is in 'cat' }}{{ true is true }}{{ 1 is true }}{{ false is false }}{{ 0 is false }}", "{{ 'abc' is lower }}{{ 'Abc' is lower }}{{ 'ABC' is upper }}{{ '12' is upper }}",
          "{{ none is sameas none }}{{ 1 is sameas 1 }}{{ xs is sameas xs }}{{ 'upper' is filter }}{{ 'nofilter' is filter }}{{ 'odd' is test }}", "{{ xs is not none }}{{ u is not defined }}{{ not xs is defined }}",
          "{{ u is odd }}", "{{ xs is notatest }}", "{% if false %}{{ xs is notatest }}{% endif %}ok", "{{ 'a' is eq('a') }}"]:
    add("tests", t, V)

# --- loops
for t in ["{% for x in xs %}{{ loop.index }}/{{ loop.index0 }}/{{ loop.revindex }}/{{ loop.revindex0 }}/{{ loop.first }}/{{ loop.last }}/{{ loop.length }} {% endfor %}",
          "{% for x in xs %}{{ loop.previtem }}<{{ x }}>{{ loop.nextitem }};{% endfor %}", "{% for x in xs %}{{ loop.cycle('odd', 'even') }} {% endfor %}",
          "{% for x in [1, 1, 2, 3, 3] %}{% if loop.changed(x) %}{{ x }}{% endif %}{% endfor %}", "{% for x in [] %}{{ x }}{% else %}empty{% endfor %}",
          "{% for x in xs if x > 1 %}{{ x }}:{{ loop.index }}/{{ loop.length }} {% else %}none{% endfor %}", "{% for x in xs if x > 5 %}{{ x }}{% else %}none{% endfor %}",
          "{% for k, v in d.items() %}{{ k }}={{ v }} {% endfor %}", "{% for k in d %}{{ k }} {% endfor %}", "{% for c in emoji %}[{{ c }}]{% endfor %}", "{% for x in u %}{{ x }}{% else %}undef-empty{% endfor %}",
          "{% for x in xs %}{% if x == 2 %}{% continue %}{% endif %}{{ x }}{% endfor %}", "{% for x in xs %}{% if x == 2 %}{% break %}{% endif %}{{ x }}{% endfor %}after",
          "{% for x in xs %}{% for y in xs %}{% if y > x %}{% break %}{% endif %}{{ x }}{{ y }} {% endfor %}|{{ loop.index }}{% endfor %}",
          "{% for a, b in [[1, 2], (3, 4)] %}{{ a }}{{ b }}{% endfor %}", "{% for a, b in [[1, 2, 3]] %}{{ a }}{% endfor %}", "{% for a, b in [1] %}{% endfor %}", "{% for x in 5 %}{% endfor %}", "{% for x in n %}{% endfor %}",
          "{% for x in xs %}{{ x }}{% endfor %}{{ x }}|{{ loop }}", "{% set x = 9 %}{% for i in xs %}{{ x }}{% set x = i %}{{ x }};{% endfor %}{{ x }}",
          "{% for i in range(2) %}{% if i == 0 %}{% set y = 5 %}{% endif %}[{{ y }}]{% endfor %}", "{% for x in xs %}{{ loop }}{% endfor %}", "{% for x in msgs|selectattr('role', 'eq', 'user') %}{{ x.content }}{{ loop.length }}{% endfor %}",
          "{% set g = xs|select %}{% for x in g %}{{ x }}{% endfor %}|{% for x in g %}{{ x }}{% endfor %}", "{% for x in range(3, 0, -1) %}{{ x }}{% endfor %}{{ range(100001) }}", "{% for x in xs %}{{ loop.cycle() }}{% endfor %}",
          "{% for x in [[1,[2,3]]] %}{% for a, (b, c) in [x] %}{{ a }}{{ b }}{{ c }}{% endfor %}{% endfor %}", "{% for x in xs %}{{ loop.depth }}{{ loop.depth0 }}{% endfor %}"]:
    add("loops", t, V)

# --- assignment, scoping, namespace
for t in ["{% set a = 1 %}{% set b, c = 2, 3 %}{{ a }}{{ b }}{{ c }}", "{% set t = 1, 2 %}{{ t }}", "{% set x %}  block {{ 1 + 1 }}  {% endset %}[{{ x }}]", "{% set x | upper | trim %}  hi  {% endset %}[{{ x }}]",
          "{% set ns = namespace(a=1, b='x') %}{% for i in xs %}{% set ns.a = ns.a + i %}{% endfor %}{{ ns.a }}{{ ns.b }}{{ ns }}", "{% set ns = namespace() %}{% set ns.x = [1] %}{{ ns.x }}{{ ns.missing }}|",
          "{% set ns = namespace({'k': 2}) %}{{ ns.k }}", "{% set notns = 1 %}{% set notns.x = 2 %}", "{% if true %}{% set inner = 'i' %}{% endif %}{{ inner }}", "{% with a = 1, b = 2 %}{{ a }}{{ b }}{% endwith %}[{{ a }}]",
          "{% set xs = xs + [4] %}{{ xs }}", "{% set messages = msgs[1:] %}{{ messages|length }}", "{% set true = 1 %}", "{% set a.b.c = 1 %}", "{% set x = 1 %}{% set x = x + 1 %}{{ x }}"]:
    add("assignment", t, V)

# --- macros and call blocks
for t in ["{% macro m(a, b=2) %}{{ a }}-{{ b }}{% endmacro %}{{ m(1) }}|{{ m(1, 3) }}|{{ m(b=5, a=4) }}|{{ m() }}|",
          "{% macro m(a) %}{{ a }}{{ varargs }}{{ kwargs }}{% endmacro %}{{ m(1, 2, 3, x=4) }}", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, 2) }}", "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(z=1) }}",
          "{% macro m(a) %}{{ a }}{% endmacro %}{{ m(1, a=2) }}", "{% macro m() %}[{{ caller() }}]{% endmacro %}{% call m() %}body {{ xs|length }}{% endcall %}",
          "{% macro m(items) %}{% for i in items %}{{ caller(i) }}{% endfor %}{% endmacro %}{% call(x) m(xs) %}<{{ x * 2 }}>{% endcall %}", "{% macro m() %}{{ caller() }}{% endmacro %}{{ m() }}",
          "{% macro m() %}{{ z }}{% endmacro %}{% set z = 3 %}{{ m() }}", "{% macro m() %}{{ x }}{% endmacro %}{% for x in xs %}{{ m() }}{% endfor %}|", "{% macro m() %}{% set q = 1 %}{% endmacro %}{{ m() }}{{ q }}|",
          "{% macro rec(n) %}{% if n > 0 %}{{ n }}{{ rec(n - 1) }}{% endif %}{% endmacro %}{{ rec(5) }}", "{% macro m(a, b=a) %}{{ b }}{% endmacro %}{{ m(7) }}", "{% macro m() %}x{% endmacro %}{% set r = m() %}{{ r ~ r }}{{ r is string }}",
          "{% macro m(a, b) %}{% endmacro %}", "{% macro m(a=1, b) %}{% endmacro %}", "{% filter upper %}abc {{ xs }}{% endfilter %}", "{% filter replace('a', 'b')|upper %}aaa{% endfilter %}",
          "{% generation %}gen {{ 1 }}{% set gg = 1 %}{% endgeneration %}[{{ gg }}]", "{% print 'p', 1 %}", "{{ range(3)|list }}{{ namespace(x=1).x }}{{ raise_exception is defined }}"]:
    add("macros", t, V)

# --- errors and raise
for t in ["{{ raise_exception('Custom failure: ' ~ xs|length) }}", "{% if msgs[0].role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}", "{{ raise_exception(42) }}",
          "{% if x %}", "{% for x in xs %}", "{% endif %}", "{{ x", "{{ 'unterminated }}", "{# never closed", "{% raw %}no end", "{% unknowntag %}", "{% include 'x' %}",
          "{{ 1 + }}", "{{ (1 }}", "{{ [1, 2 }}", "{{ } }}", "{{ 1 ] }}", "{% break %}", "{% for x in xs %}{% macro m() %}{% break %}{% endmacro %}{% endfor %}", "{{ a.1b }}", "{{ x|f(*xs, **d) }}",
          "{{ strftime_now('%Y-%m-%d %H:%M:%S %a %A %b %B %j %p %I %y %d/%m %z %Z %%') }}", "{{ strftime_now('%d %b %Y') }}|{{ strftime_now('%B %-d, %Y') }}|{{ strftime_now('%e|%D|%F|%T|%R|%c|%x|%X|%U|%W|%w|%u') }}",
          "{{ xs|join(1, 2, 3) }}", "{{ xs|join(nope=1) }}", "{{ 'a'|upper('x') }}", "{{ range(1, 2, 3, 4) }}", "{{ range(0) }}{{ range(5, 1) }}", "{{ 5() }}", "{{ none() }}", "{{ 1 is defined(2) }}"]:
    add("errors", t, V)



# --- random expressions (differential): seeded, kept only where jinja2's output is deterministic (no object addresses)
spec = importlib.util.spec_from_file_location("goldens", os.path.join("scripts", "template-goldens.py")); g = importlib.util.module_from_spec(spec); spec.loader.exec_module(g)
ATOMS = ["0", "1", "-1", "2", "9223372036854775807", "1.5", "-0.0", "1e308", "0.1", "'a'", "''", "'é😀'", "'%s'", "'{}'", "'{:>9}'",
         "'%d|%5.2f'", "none", "true", "false", "[]", "[1, 'a', none]", "{}", "{'a': 1, 'b': [2]}", "(1,)", "xs", "d", "s", "u",
         "msgs", "msgs[0]", "range(3)", "namespace(a=1)", "d.keys()", "d.items()", "'a'|safe", "words", "nums", "people"]
BINARY = [" + ", " - ", " * ", " / ", " // ", " % ", " ** ", " ~ ", " == ", " != ", " < ", " >= ", " in ", " not in ", " and ", " or "]
POSTFIX = ["|length", "|list", "|first", "|last", "|tojson", "|tojson(indent=2)", "|trim", "|upper", "|string", "|int", "|float", "|abs",
           "|round(1)", "|join(',')", "|sort", "|reverse|list", "|unique|list", "|map('string')|list", "|select|list", "|items|list",
           "|default('x')", "|indent(2)", "|center(7)", "|truncate(5)", "|wordcount", "|batch(2)|list", "|dictsort", "|sum", "|min",
           "|max", "|format(1, 2)", "|e", "|selectattr('a')|list", "|groupby('a')", "[0]", "[-1]", "[1:]", "[::-1]", "['a']", ".a",
           ".items()", ".strip()", ".split(',')", ".upper()", ".startswith(('a', 'b'))", ".get('a', 2)", ".format(1)", ".count(1)",
           " is defined", " is string", " is odd", " is divisibleby 2", " is in xs", " is mapping", " is sameas none", "|title", "|capitalize",
           "|replace('a', 'b')", "|dictsort(by='value')", "|map(attribute='a')|list", "|rejectattr('a')|list", "|sort(attribute='age')|map(attribute='name')|list"]
rng = random.Random(20250726)
def expr(depth):
    if depth == 0 or rng.randrange(3) == 0:
        return rng.choice(ATOMS) + (rng.choice(POSTFIX) if rng.randrange(2) == 0 else "")
    k = rng.randrange(4)
    if k == 0: return "(" + expr(depth - 1) + rng.choice(BINARY) + expr(depth - 1) + ")"
    if k == 1: return "(" + expr(depth - 1) + " if " + expr(depth - 1) + " else " + expr(depth - 1) + ")"
    if k == 2: return "[" + expr(depth - 1) + ", " + expr(depth - 1) + "]" + rng.choice(POSTFIX)
    return "(" + expr(depth - 1) + ")" + rng.choice(POSTFIX)
now = datetime.datetime(2025, 7, 26, 9, 15, tzinfo=datetime.timezone.utc)
kept = 0
while kept < 1500:
    t = "{{ " + expr(3) + " }}"
    out = g.render(t, copy.deepcopy(V), now)
    if " at 0x" in out or "RecursionError" in out or "MemoryError" in out:
        continue
    add("random", t)
    kept += 1
json.dump({"description": "Jinja constructs rendered by the C# interpreter and by jinja2 (expected values in constructs.expected.json, written by scripts/template-goldens.py). Every case sees the same variables; u is never defined. The random group is seeded random expressions (seed 20250726), kept where jinja2's output holds no object address.", "variables": V, "cases": cases}, open(os.path.join(DATA, "constructs.json"), "w", encoding="utf-8", newline="\n"), ensure_ascii=False, indent=1)
print(len(cases))
