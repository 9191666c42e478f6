"""The Textual front end: a thin layer over the headless sessions in `qkv_drill.session`.

Only `app` is imported at start-up; every screen beyond Home is imported when first opened.
"""
