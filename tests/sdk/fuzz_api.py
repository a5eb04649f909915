"""Runs the schemathesis command line unchanged, around one CPython 3.11 bug.

CPython before 3.11.8 can raise `SystemError: AST constructor recursion depth mismatch` from
`ast.parse` (python/cpython#106905). Hypothesis parses the source of the lambdas in its strategies
to describe them, and with Weft's recursive schemas (a table's columns are controls, a table's
rows are forms) that parse can hit the bug, which stops the operation with a tool error rather
than a finding about the API. A description is only a label, so one that cannot be made is
replaced by a plain one; nothing about what is generated or checked changes.
"""

import sys

import hypothesis.internal.lambda_sources as lambda_sources

_describe = lambda_sources._lambda_description


def _described(f, *args, **kwargs):
    try:
        return _describe(f, *args, **kwargs)
    except SystemError:
        return "lambda: <source not parsed>"


lambda_sources._lambda_description = _described

from schemathesis.cli import schemathesis  # noqa: E402  (after the patch)

if __name__ == "__main__":
    sys.argv[0] = "schemathesis"
    sys.exit(schemathesis())
