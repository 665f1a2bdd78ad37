"""The single markdown renderer: ordinary markdown survives, nothing executable does."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from markup import render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;:alert(1))",
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[x](vbscript:msgbox(1))",
    "<svg onload=alert(1)><circle r=10 /></svg>",
    "<svg><script>alert(1)</script></svg>",
    '<math><mtext><table><mglyph><style><img src=x onerror="alert(1)"></style></mglyph></table></mtext></math>',
    "<iframe src=javascript:alert(1)></iframe>",
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<div hx-get="/admin/" hx-trigger="load">x</div>',
    '<p hx-post="/logout/" hx-trigger="load" hx-on:click="alert(1)">x</p>',
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">overlay</p>',
    "<details open ontoggle=alert(1)>",
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<body onload="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="javascript:alert(1)">',
    "<style>body{background:red}</style>",
    '<a href="#" onclick="alert(1)">x</a>',
    '![x](x" onerror="alert(1))',
    '<img src="x" alt="y" onerror="alert(1)">',
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)</script>-->",
    '<a href="  javascript:alert(1)">spaces</a>',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<a href="javascript&colon;alert(1)">colon entity</a>',
    '<div data-hx-get="/x" data-hx-trigger="load">x</div>',
]

EXECUTABLE = re.compile(
    r"<\s*(script|iframe|object|embed|svg|math|style|form|input|meta|base|link|img|template|details|body)\b"
    r"|\bon[a-z]+\s*="
    r"|javascript\s*:|vbscript\s*:|data\s*:"
    r"|\b(data-)?hx-[a-z:-]+\s*="
    r"|\bstyle\s*=",
    re.IGNORECASE,
)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_nothing_executable_survives(payload):
    html = render_markdown(payload)
    assert not EXECUTABLE.search(html), html


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_inside_markdown_structure_is_neutralised(payload):
    html = render_markdown(
        f"# Heading\n\n- item {payload}\n\n> quote {payload}\n\n| a | b |\n|---|---|\n| {payload} | x |\n"
    )
    assert not EXECUTABLE.search(html), html


def test_ordinary_markdown_survives_intact():
    source = """# What happened

We **deployed** a change that *removed* an index. See `orders_idx` and ~~nothing~~.

## Steps

1. Deploy started
2. Latency rose

- observation
- action

> The alert fired at 14:02.

```
SELECT * FROM orders;
```

| when | what |
|:-----|-----:|
| 14:02 | alert |

[runbook](https://runbooks.example.com/db) and [mail](mailto:oncall@example.com) and [rel](/incidents/4/)

---
"""
    html = render_markdown(source)
    for fragment in [
        "<h1>What happened</h1>",
        "<h2>Steps</h2>",
        "<strong>deployed</strong>",
        "<em>removed</em>",
        "<code>orders_idx</code>",
        "<ol>",
        "<li>Deploy started</li>",
        "<ul>",
        "<blockquote>",
        "<pre><code>SELECT * FROM orders;",
        "<table>",
        '<th align="left">when</th>',
        '<td align="right">alert</td>',
        '<a href="https://runbooks.example.com/db" rel="noopener noreferrer nofollow">runbook</a>',
        '<a href="mailto:oncall@example.com" rel="noopener noreferrer nofollow">mail</a>',
        "<hr>",
    ]:
        assert fragment in html, fragment


def test_empty_text_renders_empty():
    assert render_markdown("") == ""


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_any_text_renders_without_executable_markup(text):
    html = render_markdown(text)
    assert not re.search(r"<\s*script|\bon[a-z]+\s*=|javascript:", html, re.IGNORECASE)
