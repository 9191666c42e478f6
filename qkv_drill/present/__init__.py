"""How values read as text, in one place for plain mode, the app and export.

Headless and light: no textual, no torch, no numpy, so any layer can import it at start-up.
- `formats`: option letters, shapes, numbers, clock times, a paused mock's time left.
- `forms`: what an answer of each kind looks like (help text and input placeholders).
- `report_item`: one reviewed question of a mock report as Markdown.
- `verdict`: what a verdict says beyond its verdict word, said once.
"""
