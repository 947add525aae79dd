"""Entry points: the `peerpulse` command line, which composes the layers below it.

The domain, the pipelines, the dashboards and the synthetic generator never import this package; it
imports them. import-linter (pyproject.toml) keeps those arrows pointing down.
"""
