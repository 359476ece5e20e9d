"""safe_field on its own: what it keeps byte for byte, what it takes out, and the pieces it judges with."""

from __future__ import annotations

import pytest

from studykit.notes.safe_html import css_unescape, safe_field, safe_style, safe_tex, safe_url

KEPT = ['<p>a &amp; <code>x&lt;y</code></p>', '<span style="color:red">红</span><br>', '<img src="a.png" alt="图">',
        '<table><tr><td style="text-align:right">1</td></tr></table>', '<a href="https://x.org/?a=1&amp;b=2">x</a>',
        '<pre><code class="language-python"><span class="hl-n">x</span></code></pre>', r'\(\frac{a}{b}\)',
        '<code>&#123;&#123;c1::x&#125;&#125;</code>', r'\(\href{https://example.com}{x}\)',
        '<input class="task-list-item-checkbox" checked="checked" disabled="disabled" type="checkbox"> 完成']


@pytest.mark.parametrize("field", KEPT)
def test_plain_markup_is_kept_byte_for_byte(field):
    assert safe_field(field) == field


@pytest.mark.parametrize("field, expected", [
    ('<p onclick="x()">a</p>', "<p>a</p>"),
    ("<!-- --!><b>x</b> -->", "<b>x</b> --&gt;"),
    ('<a href="java&#x09;script:alert(1)">x</a>', "<a>x</a>"),
    ('<span style="background:\\75 rl(http://x)">s</span>', "<span>s</span>"),
    ("<p>a<script>alert(1)</script>b</p>", "<p>ab</p>"),
    ("<code>&#123;&#123;c1::x&#125;&#125;</code><!---->", "<code>&#123;&#123;c1::x&#125;&#125;</code>"),
])
def test_what_a_browser_would_run_is_taken_out(field, expected):
    assert safe_field(field) == expected


def test_urls_are_read_as_a_browser_reads_their_scheme():
    assert safe_url("https://x.org") and safe_url("pic.png") and safe_url("#fn1") and safe_url("mailto:a@b.c")
    assert not safe_url(" \x01java\tscript:alert(1)") and not safe_url("vbscript:x") and not safe_url("file:///etc")
    assert safe_url("data:image/png;base64,AAAA", "src") and not safe_url("data:image/png;base64,AAAA", "href")
    assert not safe_url("data:image/svg+xml,<svg>", "src") and not safe_url("data:text/html,x", "src")


def test_styles_are_judged_after_css_escapes_and_comments():
    assert css_unescape(r"\75 rl(") == "url(" and css_unescape(r"u\rl") == "url"
    assert safe_style("color: red; text-align: center") and safe_style("color: rgb(1, 2, 3)")
    for style in ("background:url(x)", r"background:\75rl(x)", "width:expr/**/ession(1)", "x:image-set('a' 1x)",
                  "@import 'x'", "behavior:url(x.htc)"):
        assert not safe_style(style), style


def test_mathjax_links_and_styles_are_neutralised():
    assert safe_tex(r"\href{javascript:alert(1)}{x}") == r"\text{javascript:alert(1)}{x}"
    assert safe_tex(r"\style{color:red}{x}") == "{x}"
    assert safe_tex(r"\let\h\href") == r"\let\h\text"
    assert safe_tex(r"\def\h#1{\href{#1}{y}}") == r"\def\h#1{\text{#1}{y}}"
    assert safe_tex(r"\hrefx \frac{a}{b}") == r"\hrefx \frac{a}{b}"
