"""Anki export: question instances as notes, one deck per pack (`qkv-drill export-anki`).

`fields` turns questions into escaped HTML fields and needs nothing beyond the core; `package`
writes them with genanki. Neither imports textual or torch.
"""
