"""The monthly situational-picture report: data (serving warehouse, read-only) → text → HTML.

Plain Python without Dagster: `records` holds the figure with its provenance and bound, `data`
loads every section with bound queries (`outlook_data` the outlook's forecasts, accuracy and costs),
`text` holds the words and number formats of fi/sv/en and the sentence templates (`outlook_text`
those of the outlook), `charts` draws SVG with matplotlib, `render` fills the Jinja2 template and
writes the file. The asset and the CLI only call `render`.
"""
