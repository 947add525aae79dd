"""Text from data is shown as text: no page hands Streamlit Markdown built from a value any other way
than through `ui.md`, which escapes every value it is given (issue: a member named
`A ![a](http://some.host/a.png)` made every viewer's browser fetch that image).

A static check over every module of dashboards/: each argument Streamlit renders as Markdown must be a
string written in the code, or `ui.md(...)`. A new call site that passes an f-string, a variable or a
concatenation fails here before it can reach a page.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from dashboards import ui

DASHBOARDS = Path(__file__).resolve().parents[2] / "dashboards"
# Streamlit functions whose text argument is rendered as Markdown, and which arguments those are:
# (positional index, keyword name). `metric`'s value and delta, and a dataframe's cells, are plain text.
MARKDOWN_ARGUMENTS = {
    "markdown": [(0, "body")],
    "write": [(0, None)],
    "title": [(0, "body")],
    "header": [(0, "body")],
    "subheader": [(0, "body")],
    "caption": [(0, "body")],
    "info": [(0, "body")],
    "warning": [(0, "body")],
    "error": [(0, "body")],
    "success": [(0, "body")],
    "toast": [(0, "body")],
    "metric": [(1, "label"), (None, "help")],  # ui.metric(where, label, value, delta): it escapes value and delta
    "button": [(0, "label"), (None, "help")],
    "expander": [(0, "label")],
    "selectbox": [(0, "label"), (None, "help")],
    "radio": [(0, "label")],
    "checkbox": [(0, "label")],
    "text_input": [(0, "label")],
    "form_submit_button": [(0, "label")],
    "empty": [(0, "message")],  # dashboards.ui.empty: an info box
}
FORWARDERS = {("ui.py", "empty"), ("ui.py", "metric")}  # helpers that hand their (checked) arguments on


def safe(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant) and isinstance(node.value, str | type(None)):
        return True
    if isinstance(node, ast.IfExp):  # a choice between two safe texts
        return safe(node.body) and safe(node.orelse)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        return name == "md"
    return False


def direct_metric(call: ast.Call) -> bool:
    """A Streamlit metric called directly: its value and delta would reach Markdown unescaped."""
    func = call.func
    return (
        isinstance(func, ast.Attribute)
        and func.attr == "metric"
        and not (isinstance(func.value, ast.Name) and func.value.id == "ui")
    )


def markdown_arguments(call: ast.Call) -> list[ast.expr]:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else None
    found = []
    for position, keyword in MARKDOWN_ARGUMENTS.get(name, []):
        if position is not None and len(call.args) > position:
            found.append(call.args[position])
        found += [k.value for k in call.keywords if keyword and k.arg == keyword]
    return found


def unsafe_calls(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    problems = []
    for function in [tree, *(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))]:
        if isinstance(function, ast.FunctionDef) and (path.name, function.name) in FORWARDERS:
            continue
        body = (
            function.body
            if isinstance(function, ast.FunctionDef)
            else [n for n in tree.body if not isinstance(n, ast.FunctionDef)]
        )
        for statement in body:
            for node in ast.walk(statement):
                if isinstance(node, ast.Call) and direct_metric(node):
                    problems.append(
                        f"{path.relative_to(DASHBOARDS.parent)}:{node.lineno}: use ui.metric, which escapes "
                        "the value and delta Streamlit renders as Markdown"
                    )
                elif isinstance(node, ast.Call):
                    for argument in markdown_arguments(node):
                        if not safe(argument):
                            problems.append(
                                f"{path.relative_to(DASHBOARDS.parent)}:{node.lineno}: {ast.unparse(node)[:90]}"
                            )
    return problems


def test_every_markdown_argument_is_code_or_escaped():
    problems = [p for path in sorted(DASHBOARDS.rglob("*.py")) for p in unsafe_calls(path)]
    assert problems == [], "Markdown built from data without ui.md:\n" + "\n".join(sorted(set(problems)))


def test_the_check_catches_an_f_string(tmp_path):
    page = tmp_path / "page.py"
    page.write_text(
        'import streamlit as st\nname = "x"\nst.title(f"Hello {name}")\nst.caption(name)\n'
        'st.markdown("ok")\nst.markdown(ui.md("{n}", n=name))\nst.metric("Name", name)\n'
        'ui.metric(st, "Name", name)\nui.metric(st, name, 1)\n'
    )
    original = DASHBOARDS
    try:
        globals()["DASHBOARDS"] = tmp_path
        assert len(unsafe_calls(page)) == 4  # the f-string, the variable, the direct metric, the label
    finally:
        globals()["DASHBOARDS"] = original


@pytest.mark.parametrize(
    "value",
    [
        "A ![a](http://some.host/a.png)",
        "<img src=x onerror=alert(1)>",
        "[x](javascript:alert(1))",
        "$\\frac{1}{2}$",
        ":red[red] **bold** _it_ `code` ~~s~~ # h",
        "www.example.com http://x.example &amp; &lt;",
        "1. list\n- item",
        "back\\slash \\*",
        "|a|b|\n|-|-|",
    ],
)
def test_escaped_text_renders_as_exactly_its_characters(value):
    """CommonMark, as Streamlit's renderer reads it: every punctuation character escaped comes out literal."""
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark").enable(["table", "strikethrough"]).renderInline(ui.text(value))
    import html

    expected = html.escape(" ".join(value.split("\n")), quote=True)
    assert html.unescape(rendered).replace(ui.JOINER, "") == html.unescape(expected)
    assert "<img" not in rendered and "<a " not in rendered and "<strong>" not in rendered
