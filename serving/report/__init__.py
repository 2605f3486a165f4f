"""The monthly situational-picture report: data (serving warehouse, read-only) → text → HTML.

Plain Python without Dagster: `data` loads every section with bound queries, `text` holds the
words and number formats of fi/sv/en and the sentence templates, `charts` draws SVG with matplotlib,
`render` fills the Jinja2 template and writes the file. The asset and the CLI only call `render`.
"""
