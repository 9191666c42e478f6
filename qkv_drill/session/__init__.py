"""What to ask next, scoring and scheduling: practice, drill and the timed mock interview.

Headless on purpose: the Textual screens and the line-oriented plain mode drive the same objects.
Kept import-free so `import qkv_drill.session.clock` stays cheap.
"""
